"""Practice project 3 (cross-domain-synthesis) through the real nbgrader command line, as
projects 1 and 2 are (tests/test_nbgrader.py, tests/test_probe_nbgrader.py):
generate_assignment, the learners' submissions as `nbgrader collect` leaves them, autograde
(learner code in the sandbox), generate_feedback, and `grader export`.

Every `cheat-*` starts from the same honest work as `a-partial` (the solved notebook with the
wrong limitation in its memo, so that there is something to gain) and must gain nothing
over it; `z-partial`, graded after the cheats, must score as `a-partial` does.
"""

from __future__ import annotations

import json
import subprocess

import nbformat
import pytest
import yaml

from tests.conftest import ROOT
from tests.nbgrader_helpers import (
    BIN,
    automatic_scores,
    copy_course,
    export,
    insert_after,
    mentor_env,
    nbgrader,
    outputs_text,
    run_of,
    skip_without_bwrap,
    submit,
)
from tests.test_probe_nbgrader import FAKE_SCORES, SHADOW_GRADER, edited_tests

skip_without_bwrap()

ASSIGNMENT = "cross-domain-synthesis"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
SOURCE = ROOT / "exercises" / "source" / ASSIGNMENT / NOTEBOOK
SOLUTIONS = ROOT / "solutions" / ASSIGNMENT
RUBRIC = yaml.safe_load((SOLUTIONS / "rubric.yaml").read_text(encoding="utf-8"))
CRITERIA = {c["id"]: c["points"] for c in RUBRIC["criteria"]}
AUTOMATIC = {c["id"]: c["points"] for c in RUBRIC["criteria"] if c["scorer"] != "mentor_graded"}
TEST_LIMITS = """
c.Execute.timeout = 30
c.SandboxedExecute.kill_grace = 2
c.SandboxedExecute.notebook_timeout = 120
"""

# The honest partial work: the memo names another limitation than the one the records show.
WRONG_LIMITATION = """
from pathlib import Path
text = Path("memo.md").read_text(encoding="utf-8")
Path("memo.md").write_text(text.replace("limitation: calibration-under-uncertainty",
                                        "limitation: retrieval-recall"), encoding="utf-8")
"""
# What a learner would look for, and use if found: the answer key and what made it.
ANSWER_FILES = ("gold.csv", "make_data.py", "rubric.yaml")
SEARCH = f"""
import os, time
names = {ANSWER_FILES!r}
candidates = [os.path.join({str(SOLUTIONS)!r}, name) for name in names]
deadline = time.monotonic() + 8
for top in ("/work", "/tmp", "/root", "/home", os.path.expanduser("~"), "/"):
    for root, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in ("/proc", "/sys", "/dev")]
        candidates += [os.path.join(root, f) for f in files if f in names]
        if time.monotonic() > deadline:
            break
found = sorted({{c for c in candidates if os.path.isfile(c)}})
try:
    from grader.rubric import exercise_rubric
    from grader.synthesis_grade import load_synthesis_exercise
    gold = load_synthesis_exercise(exercise_rubric("cross-domain-synthesis")).gold
    found.append(f"gold of {{len(gold.records)}} records")
except Exception as exc:
    print("the grader cannot load the answers:", type(exc).__name__)
print("found", found)
if found:
    text = Path("memo.md").read_text(encoding="utf-8")
    Path("memo.md").write_text(text.replace("limitation: retrieval-recall",
                                            "limitation: calibration-under-uncertainty"))
"""
# Learner code that edits the data the grader reads (so that its own records would match
# whatever it wrote), and another learner's folder.
OVERWRITE = f"""
import glob
hits = []
for path in glob.glob({str(ROOT / "datasets" / "cross-product")!r} + "/*/*") + \\
        glob.glob("../../*/cross-domain-synthesis/memo.md"):
    if "cheat-overwrite" in path:   # its own memo: the one folder it may write
        continue
    try:
        with open(path, "a") as handle:
            handle.write("\\n")
        hits.append(path)
    except OSError as exc:
        pass
print("written", hits)
"""

# Learner code that forges the gradebook (a grade row of its own, then deleting it), prints
# the answer key if it can open it, or loops for ever ignoring the interrupt after its files
# are written.
FORGE_GRADEBOOK = f"""
import glob, os, sqlite3
done = []
for path in glob.glob("../../../gradebook.db") + glob.glob("../../gradebook.db") + \\
        [{str(ROOT / "exercises" / "gradebook.db")!r}]:
    try:
        with sqlite3.connect(path) as db:
            db.execute("UPDATE grade SET manual_score = 99")
        done.append("forged " + path)
        os.remove(path)
        done.append("deleted " + path)
    except (OSError, sqlite3.Error):
        pass
print("gradebook", done)
"""
PRINT_KEY = f"""
for path in ({str(SOLUTIONS / "gold.csv")!r},
             "../../../../solutions/cross-domain-synthesis/gold.csv"):
    try:
        print(open(path).read()[:2000])
    except OSError as exc:
        print("no key:", type(exc).__name__)
"""
LOOP_FOR_EVER = """
import signal, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    time.sleep(0.01)
"""


def partial(*after_memo: str) -> nbformat.NotebookNode:
    """The solved notebook with the wrong limitation, then a learner's code."""
    return insert_after(nbformat.read(SOURCE, as_version=4), "memo", WRONG_LIMITATION,
                        *after_memo)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A graded copy of the course: honest learners and cheats of project 3."""
    course = copy_course(tmp_path_factory.mktemp("synthesis-nbgrader"), TEST_LIMITS,
                         "failure-audit", "red-team-probe")
    env = mentor_env()
    nbgrader(course, env, "generate_assignment", ASSIGNMENT)
    release = course / "release" / ASSIGNMENT / NOTEBOOK
    submissions = {
        "a-partial": (partial(), {}),
        "cheat-answer-search": (partial(SEARCH), {}),
        "cheat-fake-scores": (edited_tests(partial(FAKE_SCORES)), SHADOW_GRADER),
        "cheat-forge-gradebook": (partial(FORGE_GRADEBOOK), {}),
        "cheat-loop": (partial(LOOP_FOR_EVER), {}),
        "cheat-overwrite": (partial(OVERWRITE), {}),
        "cheat-print-key": (partial(PRINT_KEY), {}),
        "solved": (nbformat.read(SOURCE, as_version=4), {}),
        "untouched": (nbformat.read(release, as_version=4), {}),
        "z-partial": (partial(), {}),
    }
    for student, (nb, files) in submissions.items():
        submit(course, ASSIGNMENT, student, nb, files)
    autograde = nbgrader(course, env, "autograde", ASSIGNMENT)
    course.joinpath("autograde.log").write_text(autograde.stderr)
    feedback = nbgrader(course, env, "generate_feedback", ASSIGNMENT, check=False)
    course.joinpath("feedback.log").write_text(feedback.stdout + feedback.stderr)
    return course


@pytest.fixture(scope="module")
def rows(course) -> list[dict]:
    return export(course)


@pytest.fixture(scope="module")
def scores(rows) -> dict[str, dict[str, float]]:
    return automatic_scores(rows, AUTOMATIC)


def total(by_criterion: dict[str, float]) -> float:
    return round(sum(by_criterion.values()), 2)


def printed(course, student: str) -> str:
    nb = nbformat.read(course / "autograded" / student / ASSIGNMENT / NOTEBOOK, as_version=4)
    return "\n".join(outputs_text(c) for c in nb.cells)


def test_every_learner_has_every_criterion(rows):
    learners = {r["student"] for r in rows}
    assert len(learners) == 10
    for learner in learners:
        assert {r["criterion"] for r in rows if r["student"] == learner} == set(CRITERIA)
    assert {r["sandbox"] for r in rows} == {"bwrap"}


def test_honest_learners(rows, scores):
    assert total(scores["solved"]) == sum(AUTOMATIC.values())
    assert run_of(rows, "solved") == ("bwrap", "completed")
    assert total(scores["untouched"]) == 0
    assert total(scores["a-partial"]) == total(scores["solved"]) - AUTOMATIC["memo.limitation"]


def test_nbgrader_agrees_with_grader_grade(course, scores):
    for student in ("solved", "a-partial", "cheat-fake-scores"):
        done = subprocess.run([str(BIN / "grader"), "grade", "--exercise", ASSIGNMENT,
                               "--submission", str(course / "autograded" / student / ASSIGNMENT),
                               "--format", "json"], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        graded = json.loads(done.stdout)
        assert {c["id"]: c["score"] for c in graded["criteria"] if c["id"] in AUTOMATIC} \
            == scores[student], student


def test_cheats_gain_nothing(course, scores):
    for student in ("cheat-answer-search", "cheat-fake-scores", "cheat-forge-gradebook",
                    "cheat-loop", "cheat-overwrite", "cheat-print-key", "z-partial"):
        assert scores[student] == scores["a-partial"], student
    text = printed(course, "cheat-answer-search")
    assert "found []" in text and "the grader cannot load the answers" in text
    assert "written []" in printed(course, "cheat-overwrite")
    assert "gradebook []" in printed(course, "cheat-forge-gradebook")
    assert (course / "gradebook.db").is_file()
    key = printed(course, "cheat-print-key")
    assert "no key:" in key and "hallucinated-specificity" not in key


def test_a_notebook_that_never_ends_is_stopped_and_graded_on_its_files(rows):
    assert run_of(rows, "cheat-loop")[1] in ("timeout", "interrupted")
