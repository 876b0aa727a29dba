"""Practice project 2 (red-team-probe) through the real nbgrader command line, as project 1
is in tests/test_nbgrader.py: generate_assignment, the learners' submissions as `nbgrader
collect` leaves them, autograde (learner code in the sandbox, the model served in each
learner's own kernel), generate_feedback, and `grader export`.

The cohort holds honest learners and cheats. Each learner without a `variant.txt` probes the
course's default model; `alex`, `jordan` and `priya` are learners of the mentor's registry
(`solutions/red-team-probe/variants.yaml`) with the `variant.txt` their mentor gave them,
or, for a cheat, another learner's. Every `cheat-*` starts from the same honest work as
`a-partial` (the solved notebook claiming only its first hypothesis, so that there is
something to gain) and must gain nothing over it; the batch must finish, and `z-partial`,
graded after the cheats, must score as `a-partial` does.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
import yaml

from tests.conftest import ROOT
from tests.nbgrader_helpers import (
    BIN,
    MENTOR_SECRET,
    automatic_scores,
    copy_course,
    export,
    insert_after,
    mentor_env,
    nbgrader,
    network_code,
    outputs_text,
    run_of,
    skip_without_bwrap,
    submit,
)

skip_without_bwrap()

ASSIGNMENT = "red-team-probe"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
SOURCE = ROOT / "exercises" / "source" / ASSIGNMENT / NOTEBOOK
SOLUTIONS = ROOT / "solutions" / ASSIGNMENT
RUBRIC = yaml.safe_load((SOLUTIONS / "rubric.yaml").read_text(encoding="utf-8"))
REGISTRY = yaml.safe_load((SOLUTIONS / "variants.yaml").read_text(encoding="utf-8"))["variants"]
CRITERIA = {c["id"]: c["points"] for c in RUBRIC["criteria"]}
AUTOMATIC = {c["id"]: c["points"] for c in RUBRIC["criteria"] if c["scorer"] != "mentor_graded"}
# The criteria that do not rest on the run log (the design's own, and the prose); every
# other automatic criterion is `invalid` when the log is not genuine.
NOT_LOG = {c["id"] for c in RUBRIC["criteria"] if c["scorer"] in (
    "design_families", "design_paraphrases", "design_counterfactuals", "probe_prose")}
ON_LOG = set(AUTOMATIC) - NOT_LOG
# The sample a learner of the demo cohort (`sam`) could hand in, scored high for sam's
# variant: what the copying cheat copies.
SAMS_WORK = SOLUTIONS / "samples" / "thorough"
# Short limits, so that the cheats that loop cost seconds, not minutes; a whole honest
# notebook runs in about 15 s.
TEST_LIMITS = """
c.Execute.timeout = 20
c.SandboxedExecute.kill_grace = 2
c.SandboxedExecute.notebook_timeout = 90
"""

# The honest partial work: the solved notebook, but its report claims only the first
# hypothesis (a learner who found one sensitivity of two).
CLAIM_ONE = """
import yaml
from pathlib import Path

_, block, prose = Path("report.md").read_text(encoding="utf-8").split("---\\n", 2)
claims = yaml.safe_load(block)
claims["hypotheses"] = claims["hypotheses"][:1]
Path("report.md").write_text("---\\n" + yaml.safe_dump(claims, sort_keys=False) + "---\\n"
                             + prose, encoding="utf-8")
"""

# The answer material a learner would look for, by name, and where it is on the mentor's
# machine. What it finds, it uses: with the answers it knows its other hypothesis was right,
# and claims the full report again.
ANSWER_FILES = ("planted_causes.yaml", "variants.yaml", "rubric.yaml", "make_samples.py",
                "demo_roster.txt", "secret.txt")
SEARCH = f"""
import glob, os, time
names = {ANSWER_FILES!r}
candidates = [os.path.join({str(SOLUTIONS)!r}, name) for name in names]
candidates += [os.path.join("../" * up + "solutions/red-team-probe", name)
               for up in range(1, 8) for name in names]
deadline = time.monotonic() + 8
for top in ("/work", "/tmp", "/root", "/home", os.path.expanduser("~"), "/"):
    for root, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in ("/proc", "/sys", "/dev")]
        candidates += [os.path.join(root, f) for f in files if f in names]
        if time.monotonic() > deadline:
            break
found = sorted({{c for c in candidates if os.path.isfile(c)}})
secrets = {{k: v for k, v in os.environ.items()
           if "SECRET" in k or "MENTOR" in k or v.startswith("qfa1.")}}
for path in ("/proc/1/environ", "/proc/self/environ"):
    try:
        if "MENTOR" in open(path).read():
            secrets[path] = "found"
    except OSError:
        pass
try:
    from grader.probe_grade import load_probe_exercise
    from grader.rubric import exercise_rubric
    registry = load_probe_exercise(exercise_rubric("red-team-probe")).variants
    secrets["registry"] = sorted(who for who, _ in registry.values())
except Exception as exc:
    print("the grader cannot load the answers:", type(exc).__name__)
print("found", found, "secrets", sorted(secrets))
if found or secrets:
    Path("report.md").write_text(REPORT, encoding="utf-8")
"""

# Scores written everywhere a learner's code can reach: the grader's scoring function
# redefined, every float displayed as a full score, a fake score printed after each cell,
# and a `grader` package of its own handed in beside the notebook (the folder comes first
# on the kernel's import path), whose `grader/sandbox.py` would replace the sandbox's
# launcher, which sets the limits, were it imported from the submission folder.
FAKE_SCORES = """
import builtins
import grader.nbgrader_cells
from IPython import get_ipython

grader.nbgrader_cells.criterion_points = lambda *a, **k: 99.0
builtins.criterion_points = grader.nbgrader_cells.criterion_points
ip = get_ipython()
ip.display_formatter.formatters["text/plain"].for_type(float, lambda o, p, c: p.text("99.0"))
ip.events.register("post_run_cell", lambda result: print("[scored] full marks\\n99.0"))
print("[scored] Genuine: every call replays.")
"""
SHADOW_GRADER = {"grader/__init__.py": "",
                 "grader/nbgrader_cells.py": "def criterion_points(*a, **k):\n    return 99.0\n",
                 "grader/sandbox.py": "import os, sys\nopen('launcher-replaced', 'w').close()\n"
                                      "cmd = sys.argv[sys.argv.index('--') + 1:]\n"
                                      "os.execvp(cmd[0], cmd)\n"}

# The log edited after the run so that a made-up sensitivity looks real: the scores of one
# counterfactual (in the course's design, 'adds please') lowered by two, and its replies'
# text to match, then claimed as a politeness sensitivity with the figures of the edited log.
EDIT_LOG = """
import json
edited = families[2].counterfactuals[0].id
lines = []
for line in Path("probe_log.jsonl").read_text(encoding="utf-8").splitlines():
    record = json.loads(line)
    if record["variant_id"] == edited and record["score"] > 2:
        new = record["score"] - 2
        record["response"] = record["response"].replace(f"{record['score']}/7", f"{new}/7")
        record["score"] = new
    lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
Path("probe_log.jsonl").write_text("\\n".join(lines) + "\\n", encoding="utf-8")
records = read_run_log("probe_log.jsonl")
log = pd.DataFrame([r.model_dump() for r in records])
"""
CLAIM_EDITED = """
_, block, prose = Path("report.md").read_text(encoding="utf-8").split("---\\n", 2)
claims = yaml.safe_load(block)
claims["hypotheses"].append(hypothesis("politeness", "polite", [edited], "data"))
Path("report.md").write_text("---\\n" + yaml.safe_dump(claims, sort_keys=False) + "---\\n"
                             + prose, encoding="utf-8")
"""

# Another learner's files, handed in beside the notebook and copied over its own.
COPY_SAMS = """
import shutil
for path in Path("from-sam").iterdir():
    shutil.copy(path, path.name)
"""

REACH_OUT = """
import socket
for host in ("1.1.1.1", "example.com"):
    try:
        socket.create_connection((host, 443), timeout=2)
        print("reached", host)
    except OSError as exc:
        print("blocked", host, exc)
try:
    print("mentor's environment:", open("/proc/1/environ").read())
except OSError as exc:
    print("blocked /proc/1/environ", exc)
print("MENTOR_SECRET" in os.environ)
"""

LOOP_IGNORING_INTERRUPT = """
import signal, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    time.sleep(0.01)
"""
# Model calls without end: a client with a budget of its own, and a new server each time
# one refuses (its budget spent).
UNBOUNDED_CALLS = """
from labkit.llm import LLMClient, LLMError

calls = 0
while True:
    endless = LLMClient(base_url=server.url, call_budget=10**9)
    try:
        while True:
            endless.chat("I'm 40 with £50,000 saved; £10,000 in shares?", seed=calls)
            calls += 1
    except LLMError:
        server = start_server(variant, port=0)
"""


def partial(*after_report: str, after_run: str = "") -> nbformat.NotebookNode:
    """The solved notebook claiming one hypothesis, with a learner's code after the report
    (and after the run)."""
    nb = insert_after(nbformat.read(SOURCE, as_version=4), "report", CLAIM_ONE, *after_report)
    return insert_after(nb, "run", after_run) if after_run else nb


def edited_tests(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with every graded cell's code replaced by more than its points."""
    for c in nb.cells:
        if c.metadata.get("nbgrader", {}).get("grade"):
            c.source = "99.0"
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory, listener):
    """A graded copy of the course: honest learners and cheats of project 2, autograded in
    the sandbox, feedback generated."""
    port, _ = listener
    course = copy_course(tmp_path_factory.mktemp("probe-nbgrader"), TEST_LIMITS,
                         "failure-audit")
    env = mentor_env()
    nbgrader(course, env, "generate_assignment", ASSIGNMENT)
    release = course / "release" / ASSIGNMENT / NOTEBOOK
    solved = nbformat.read(SOURCE, as_version=4)
    sams = {f"from-sam/{p.name}": p.read_text(encoding="utf-8")
            for p in SAMS_WORK.iterdir() if p.is_file()}
    submissions = {
        "a-partial": (partial(), {}),
        "alex": (solved, {"variant.txt": REGISTRY["alex"]}),
        "cheat-answer-search": (partial(SEARCH), {}),
        "cheat-edited-log": (partial(CLAIM_EDITED, after_run=EDIT_LOG), {}),
        "cheat-fake-scores": (edited_tests(partial(FAKE_SCORES)), SHADOW_GRADER),
        "cheat-loop-ignores-interrupt": (partial(LOOP_IGNORING_INTERRUPT), {}),
        "cheat-network": (partial(network_code(port) + REACH_OUT), {}),
        "cheat-unbounded-calls": (partial(UNBOUNDED_CALLS), {}),
        "jordan": (partial(COPY_SAMS), {"variant.txt": REGISTRY["jordan"], **sams}),
        "priya": (solved, {"variant.txt": REGISTRY["sam"]}),
        "solved": (solved, {}),
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
    """Per-criterion scores of the automatically graded criteria, by learner."""
    return automatic_scores(rows, AUTOMATIC)


def statuses(rows: list[dict], student: str) -> dict[str, str]:
    return {r["criterion"]: r["status"] for r in rows if r["student"] == student}


def total(by_criterion: dict[str, float]) -> float:
    return round(sum(by_criterion.values()), 2)


def graded_notebook(course: Path, student: str) -> nbformat.NotebookNode:
    return nbformat.read(course / "autograded" / student / ASSIGNMENT / NOTEBOOK, as_version=4)


def printed(course: Path, student: str) -> str:
    """Everything the learner's notebook printed, as autograded."""
    return "\n".join(outputs_text(c) for c in graded_notebook(course, student).cells)


def grader_grade(folder: Path) -> dict:
    done = subprocess.run([str(BIN / "grader"), "grade", "--exercise", ASSIGNMENT,
                           "--submission", str(folder), "--format", "json"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def test_export_has_every_criterion_of_every_learner(rows):
    learners = {r["student"] for r in rows}
    assert len(learners) == 13
    for learner in learners:
        assert {r["criterion"] for r in rows if r["student"] == learner} == set(CRITERIA)
    assert {r["sandbox"] for r in rows} == {"bwrap"}


def test_honest_learners(course, rows, scores):
    assert total(scores["solved"]) >= 0.85 * sum(AUTOMATIC.values())
    assert total(scores["untouched"]) == 0
    untouched = statuses(rows, "untouched")   # the design it wrote has no families
    assert {untouched[c] for c in CRITERIA if not c.startswith("report.")} == {"invalid"}
    assert {untouched["report.prose"], untouched["report.reasoning"]} == {"not-submitted"}
    assert 0.4 * total(scores["solved"]) < total(scores["a-partial"]) < total(scores["solved"])
    for student in ("solved", "a-partial", "alex"):
        assert set(statuses(rows, student).values()) == {"scored", "pending"}, student
        assert run_of(rows, student) == ("bwrap", "completed"), student
        assert scores[student]["log.genuine"] == AUTOMATIC["log.genuine"], student
    # alex probed their own variant (their variant.txt), whose sensitivities are not the
    # course model's that the solution claims: a genuine log, a design in full, and fewer
    # points for the claims.
    assert f"fingerprint {fingerprint('alex')}" in printed(course, "alex")
    assert total(scores["alex"]) < total(scores["solved"])
    graded = graded_notebook(course, "solved")
    assert not [cell_id(c) for c in graded.cells if c.cell_type == "code" for o in c.outputs
                if o.output_type == "error" or o.get("name") == "stderr"]


def cell_id(c) -> str:
    return c.metadata.get("nbgrader", {}).get("grade_id", "(learner's cell)")


def fingerprint(learner: str) -> str:
    from labkit.advisor_variant import variant_from_token

    return variant_from_token(REGISTRY[learner]).fingerprint


def test_nbgrader_agrees_with_grader_grade(course, scores):
    """Autograde's scores are `grader grade`'s of the same files (but for the learners who
    handed in another learner's log: `grader grade` does not know whose folder it reads)."""
    for student in ("solved", "a-partial", "alex", "cheat-fake-scores", "cheat-edited-log",
                    "untouched"):
        graded = grader_grade(course / "autograded" / student / ASSIGNMENT)
        assert {c["id"]: c["score"] for c in graded["criteria"] if c["id"] in AUTOMATIC} \
            == scores[student], student


def test_cheats_gain_nothing(scores):
    honest = total(scores["a-partial"])
    cheats = [s for s in scores if s.startswith("cheat-")]
    assert len(cheats) == 6
    for student in cheats:
        assert total(scores[student]) <= honest, student
    for student in ("cheat-answer-search", "cheat-fake-scores", "cheat-network",
                    "cheat-loop-ignores-interrupt", "cheat-unbounded-calls", "z-partial"):
        assert scores[student] == scores["a-partial"], student


def test_learner_code_finds_no_answer_material(course):
    text = printed(course, "cheat-answer-search")
    assert "found [] secrets []" in text
    assert "the grader cannot load the answers" in text


def test_fake_scores_are_not_counted(course, rows, scores):
    assert scores["cheat-fake-scores"] == scores["a-partial"]
    # the learner's `grader` package did not replace the sandbox's launcher
    assert run_of(rows, "cheat-fake-scores") == ("bwrap", "completed")
    folder = course / "autograded" / "cheat-fake-scores" / ASSIGNMENT
    assert not (folder / "launcher-replaced").exists()
    graded = graded_notebook(course, "cheat-fake-scores")
    for c in graded.cells:
        if c.metadata.get("nbgrader", {}).get("grade"):
            assert c.source != "99.0"   # the locked cell is the assignment's again
            assert "99.0" not in outputs_text(c)


def log_not_genuine(rows: list[dict], scores: dict, student: str) -> None:
    """What a mentor expects of a log that is not genuine: every criterion that rests on it
    `invalid` with no points; only the design and the prose can score."""
    status = statuses(rows, student)
    assert {status[c] for c in ON_LOG} == {"invalid"}, status
    assert all(scores[student][c] == 0 for c in ON_LOG), scores[student]
    assert total(scores[student]) <= sum(AUTOMATIC[c] for c in NOT_LOG)
    assert status["report.reasoning"] == "pending"   # the mentor still reads it


def score_lines(course: Path, student: str) -> dict[str, str]:
    """The explanation autograde wrote in each graded cell."""
    return {cell_id(c): outputs_text(c) for c in graded_notebook(course, student).cells
            if c.metadata.get("nbgrader", {}).get("grade")}


def feedback_page(course: Path, student: str) -> str:
    return (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()


def test_an_edited_log_is_not_genuine(course, rows, scores):
    log_not_genuine(rows, scores, "cheat-edited-log")
    claims = (course / "autograded" / "cheat-edited-log" / ASSIGNMENT / "report.md").read_text()
    assert "politeness" in claims   # the made-up sensitivity was claimed
    line = score_lines(course, "cheat-edited-log")["log-genuine"]
    assert "[invalid]" in line and "[log-not-genuine]" in line and "replaying run" in line


def test_another_learners_log_is_not_genuine(course, rows, scores):
    """jordan hands in sam's log and report; priya runs the notebook with sam's variant.txt.
    Each log replays, but for sam's model, not theirs: neither gains by it."""
    sams = grader_grade(SAMS_WORK)
    assert sams["score"] > 0.8 * sum(AUTOMATIC.values())   # what the copy is worth to sam
    for student in ("jordan", "priya"):
        log_not_genuine(rows, scores, student)
        assert total(scores[student]) < total(scores["a-partial"])
        line = score_lines(course, student)["log-genuine"]
        assert f"model {fingerprint('sam')}, which is not your model variant " \
               f"({fingerprint(student)}) [log-not-genuine]" in line
        notes = {r["run_notes"] for r in rows if r["student"] == student}
        assert notes == {f"log-not-genuine: the log was run against the model variant of "
                         f"'sam', not of '{student}'"}
    # and the same files, graded for sam, would score: the check is the learner's id
    copied = course / "autograded" / "jordan" / ASSIGNMENT
    assert grader_grade(copied)["score"] == sams["score"]


def test_no_network_and_no_mentor_environment(course, listener, scores):
    _, seen = listener
    assert seen == []
    text = printed(course, "cheat-network")
    assert "reached" not in text and "blocked 1.1.1.1" in text
    assert "blocked /proc/1/environ" in text or "mentor's environment" not in text
    for path in (course / "autograded").rglob("*"):
        if path.is_file():
            assert MENTOR_SECRET.encode() not in path.read_bytes(), path


def test_runaway_notebooks_are_stopped_and_graded_on_their_files(course, rows, scores):
    assert run_of(rows, "cheat-loop-ignores-interrupt") == ("bwrap", "timeout")
    assert run_of(rows, "cheat-unbounded-calls")[1] in ("interrupted", "timeout")
    for student in ("cheat-loop-ignores-interrupt", "cheat-unbounded-calls"):
        assert scores[student] == scores["a-partial"], student
        assert set(statuses(rows, student).values()) == {"scored", "pending"}
    assert "[notebook timeout: graded on the files it wrote]" in \
        score_lines(course, "cheat-loop-ignores-interrupt")["log-genuine"]


def _fold(text: str) -> str:
    return " ".join(html.unescape(text).lower().split())


def answer_material(allowed: str = "") -> list[str]:
    """What must never reach a learner before release: every token of the registry, the
    fingerprints of its learners' variants, the demo cohort's secret, the mentor's secret,
    the planted causes' explanations, and the path of the answer files; but not what is in
    `allowed` (the learner's own files: their own log names their model)."""
    from labkit.advisor_variant import COURSE_VARIANT, variant_from_token

    causes = yaml.safe_load((SOLUTIONS / "planted_causes.yaml").read_text(encoding="utf-8"))
    texts = [token for token in REGISTRY.values() if token != COURSE_VARIANT.token()]
    texts += [variant_from_token(t).fingerprint for t in texts]
    texts += ["demo-cohort-2026", MENTOR_SECRET, "solutions/red-team-probe"]
    for cause in causes["causes"].values():
        why = cause["why"].strip()
        texts += [why, *[part for part in re.split(r"[.:;]\s", why) if len(part) >= 40]]
    own = _fold(allowed)
    return [t for t in texts if _fold(t) not in own]


def leaks(text: str, allowed: str = "") -> list[str]:
    page = _fold(text)
    return [t for t in answer_material(allowed) if _fold(t) in page]


def test_the_leak_check_can_fail():
    assert leaks((SOLUTIONS / "variants.yaml").read_text(encoding="utf-8"))
    assert leaks((SOLUTIONS / "planted_causes.yaml").read_text(encoding="utf-8"))


def test_the_release_holds_no_answer_material(course):
    released = (course / "release" / ASSIGNMENT / NOTEBOOK).read_text(encoding="utf-8")
    assert not leaks(released)
    assert "BEGIN SOLUTION" not in released


def own_files(course: Path, student: str) -> str:
    """What a learner wrote or handed in: their notebook's code and their files."""
    folder = course / "autograded" / student / ASSIGNMENT
    nb = graded_notebook(course, student)
    texts = [c.source for c in nb.cells if c.cell_type == "code"]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*")
              if p.is_file() and p.suffix != ".ipynb" and p.stat().st_size < 5_000_000]
    return "\n".join(texts)


def test_every_feedback_page_is_written(course):
    written = sorted(p.parent.parent.name for p in (course / "feedback").rglob("*.html"))
    assert written == sorted(p.name for p in (course / "submitted").iterdir()), \
        (course / "feedback.log").read_text()[-3000:]


@pytest.mark.parametrize("student", ["cheat-edited-log", "jordan", "priya"])
def test_feedback_names_the_coded_problem(course, student):
    assert "[log-not-genuine]" in feedback_page(course, student)


def test_feedback_holds_no_answer_material(course):
    written = sorted(p.parent.parent.name for p in (course / "feedback").rglob("*.html"))
    assert written == sorted(p.name for p in (course / "submitted").iterdir())
    for student in written:
        page = feedback_page(course, student)
        # a learner may be told their own variant's fingerprint (it hides what it names)
        own_fingerprint = fingerprint(student) if student in REGISTRY else ""
        assert not leaks(page, own_files(course, student) + own_fingerprint), student
        # nor the planted sensitivities of the learner's variant it did not claim itself
        own = own_files(course, student)
        variant = variant_of(student)
        for sensitivity in variant.sensitivities:
            if "_" in sensitivity.kind and sensitivity.kind not in own:
                assert sensitivity.kind not in page, (student, sensitivity.kind)


def variant_of(student: str):
    from labkit.advisor_variant import COURSE_VARIANT, variant_from_token

    return variant_from_token(REGISTRY[student]) if student in REGISTRY else COURSE_VARIANT
