"""The failure-audit project through the real nbgrader command line, with no Jupyter server:
generate_assignment, autograde (learner code in the sandbox), generate_feedback, export.

The cohort holds honest learners and cheats. Every cheat starts from the same honest files
as the learner "partial" and must gain nothing over them; the batch must finish, and the
honest learners graded before and after the cheats must score the same.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import os
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml

from tests.conftest import DEMOS, ROOT
from tests.nbgrader_helpers import (
    BIN,
    MENTOR_SECRET,
    automatic_scores,
    cell,
    copy_course,
    export,
    mentor_env,
    nbgrader,
    network_code,
    run_of,
    skip_without_bwrap,
    submit,
)

ASSIGNMENT = "failure-audit"
SOLUTIONS = ROOT / "solutions" / ASSIGNMENT
KEY = SOLUTIONS / "answer_key.csv"
CRITERIA = {"tags.agreement": 50, "tags.secondary": 10, "report.finding": 4,
            "report.count": 4, "report.evidence": 8, "report.cause": 8, "report.fix": 4,
            "report.prose": 4, "report.reasoning": 8}
AUTOMATIC = {k: v for k, v in CRITERIA.items() if k != "report.reasoning"}
skip_without_bwrap()
# Short limits so the cheats that loop cost seconds, not minutes.
TEST_LIMITS = """
c.Execute.timeout = 4
c.SandboxedExecute.kill_grace = 2
c.SandboxedExecute.notebook_timeout = 25
"""


def tag_lines(rows: list[dict]) -> str:
    return "\n".join(f'tags.loc["{r["log_id"]}", ["label", "secondary_labels"]] = '
                     f'["{r["label"]}", "{r["secondary_labels"]}"]' for r in rows)


def learner_notebook(release: Path, tags: str, report: str, after_tags: str = "",
                     after_report: str = "") -> nbformat.NotebookNode:
    """The released notebook as a learner fills it in: their tags, counting code, report,
    and whatever else their code does after the tags and after the report are written."""
    nb = nbformat.read(release, as_version=4)
    cell(nb, "tags").source = "tags = labkit.blank_tags()\n" + tags
    cell(nb, "count").source = ('failures = tags["label"].value_counts()'
                                '.drop("no-failure", errors="ignore")\n'
                                'top_failure = failures.index[0]')
    cell(nb, "evidence").source = after_tags or "print(top_failure)"
    cell(nb, "report").source = (f"REPORT = {report!r}\nPath('report.md').write_text(REPORT)\n"
                                 + after_report)
    return nb


# Each cheat: code run after the honest tags are saved, and code run after the report is
# written. Paths are found as a learner would: from the working folder, or absolute.
FIND_KEY = f"""
import os, shutil
candidates = ["../../../../solutions/failure-audit/answer_key.csv",
              "../../../solutions/failure-audit/answer_key.csv", {str(KEY)!r}]
here = os.getcwd()
while here != "/":
    for root, dirs, files in os.walk(here):
        if "answer_key.csv" in files:
            candidates.append(os.path.join(root, "answer_key.csv"))
        dirs[:] = [d for d in dirs if d not in ("proc", "sys")][:50]
    here = os.path.dirname(here)
found = [c for c in candidates if os.path.exists(c)]
print("found", found)
"""
COPY_KEY = FIND_KEY + """
for path in found:
    import pandas as pd
    key = pd.read_csv(path, keep_default_na=False)
    key[["log_id", "label"]].assign(secondary_labels=key["secondary"], note="").to_csv(
        "tags.csv", index=False)
"""
CHEATS = {
    "cheat-key-paths": (COPY_KEY, ""),
    "cheat-key-symlink": ("", f"import os\nos.remove('tags.csv')\nos.symlink({str(KEY)!r}, "
                              "'tags.csv')\nos.remove('report.md')\n"
                              f"os.symlink({str(SOLUTIONS / 'sample_reports/reference.md')!r}, "
                              "'report.md')"),
    "cheat-write-others": ("", """
import glob, os
for pattern in ["../../*/failure-audit/tags.csv", "../../../autograded/*/failure-audit/tags.csv",
                "../../../submitted/*/failure-audit/*.ipynb"]:
    for path in glob.glob(pattern):
        if os.path.abspath(path) == os.path.abspath("tags.csv"):
            continue
        try:
            open(path, "w").write("log_id,label\\n")
            print("overwrote", path)
        except OSError as exc:
            print("blocked", path, exc)
for path in ["../../../gradebook.db", "../../gradebook.db", os.path.expanduser("~/.bashrc")]:
    try:
        os.remove(path)
        print("deleted", path)
    except OSError as exc:
        print("blocked", path, exc)
"""),
    "cheat-monkeypatch": ("import grader.nbgrader_cells, grader.scoring\n"
                          "grader.nbgrader_cells.criterion_points = lambda *a, **k: 50.0\n"
                          "grader.scoring.tag_agreement = lambda c, cr: None\n", ""),
    "cheat-print-50mb": ("print('x' * 50_000_000)", ""),
    "cheat-loop": ("", "while True:\n    pass"),
    "cheat-loop-ignores-interrupt": ("", "import signal, time\n"
                                         "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                         "while True:\n    time.sleep(0.01)"),
    "cheat-fork-bomb": ("", "import os, time\nwhile True:\n    try:\n        if os.fork() == 0:\n"
                            "            time.sleep(60)\n            os._exit(0)\n"
                            "    except OSError:\n        time.sleep(0.01)"),
    "cheat-memory": ("", "hog = [bytearray(256 * 1024**2) for _ in range(64)]"),
}


# A learner's markdown and printed output that would run script, or reach another host, in
# the browser of whoever opens the feedback page, were it not sanitised and under a CSP.
OUTSIDE = "http://127.0.0.1:9"
HOSTILE_MARKDOWN = f"""## My notes <script>alert('md-script')</script>
<img src="x" onerror="alert('md-onerror')"> <img src="{OUTSIDE}/md-pixel.png">
<a href="javascript:alert('md-link')">md html link</a> [md link](javascript:alert('md-mdlink'))
<iframe src="{OUTSIDE}/md-frame"></iframe> <svg onload="alert('md-svg')"></svg>
<style>@import url("{OUTSIDE}/md-style.css");</style> <form action="{OUTSIDE}/md-form">
<button id="md-submit">send</button></form> $e^{{i\\pi}} + 1 = 0$
"""
OUT_HTML = ("<script>alert('out-script')</script><img src=x onerror=\"alert('out-onerror')\">"
            f"<img src='{OUTSIDE}/out-pixel.png'>"
            "<a href=\"javascript:alert('out-link')\">out html link</a>")
OUT_MARKDOWN = "<img src=x onerror=\"alert('out-md')\"> [out md link](javascript:alert(1))"
OUT_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(2)"><script>alert(3)</script>'
           f'<image href="{OUTSIDE}/svg-pixel.png"/></svg>')
HOSTILE_OUTPUT = ("from IPython.display import HTML, SVG, Javascript, Markdown, display\n"
                  f"display(HTML({OUT_HTML!r}))\n"
                  "display(Javascript(\"alert('out-js')\"))\n"
                  f"display(Markdown({OUT_MARKDOWN!r}))\n"
                  f"display(SVG({OUT_SVG!r}))\n")
DELETED = ("tags-agreement", "report-cause", "report-reasoning")
RENAMED = {"report-fix": "my-fix-check"}


def delete_and_rename_cells(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with some graded cells deleted and one renamed, as a learner might."""
    nb.cells = [c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") not in DELETED]
    for old, new in RENAMED.items():
        cell(nb, old).metadata["nbgrader"]["grade_id"] = new
    return nb


def hostile_html(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with a hostile markdown cell and code that displays hostile output."""
    at = nb.cells.index(cell(nb, "evidence"))
    nb.cells.insert(at + 1, nbformat.v4.new_markdown_cell(HOSTILE_MARKDOWN))
    cell(nb, "evidence").source = HOSTILE_OUTPUT
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory, listener):
    """A graded copy of the course: honest learners and cheats, autograded in the sandbox,
    feedback generated."""
    port, _ = listener
    course = copy_course(tmp_path_factory.mktemp("nbgrader"), TEST_LIMITS)
    env = mentor_env()
    nbgrader(course, env, "generate_assignment", ASSIGNMENT)
    release = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"

    with (DEMOS / "beginner" / "tags.csv").open(encoding="utf-8") as handle:
        beginner = tag_lines(list(csv.DictReader(handle))[:60])
    shallow = (SOLUTIONS / "sample_reports" / "08-adequate-shallow.md").read_text()
    source = nbformat.read(ROOT / "exercises" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                           as_version=4)
    broken = nbformat.read(ROOT / "exercises" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                           as_version=4)
    cell(broken, "report").source = ("Path('report.md').write_text('I think the bot is "
                                     "unhelpful because of the prompt.')")
    edited = learner_notebook(release, beginner, shallow)
    for grade_id in [c.replace(".", "-") for c in AUTOMATIC]:
        cell(edited, grade_id).source = "50.0"
    network = network_code(port)
    submissions = {
        "a-partial": learner_notebook(release, beginner, shallow),
        "solved": source,
        "untouched": nbformat.read(release, as_version=4),
        "broken-report": broken,
        "cheat-edited-tests": edited,
        "cheat-network": learner_notebook(release, beginner, shallow, after_tags=network),
        "deleted-cells": delete_and_rename_cells(learner_notebook(release, beginner, shallow)),
        "hostile-html": hostile_html(learner_notebook(release, beginner, shallow)),
        **{name: learner_notebook(release, beginner, shallow, *code)
           for name, code in CHEATS.items()},
        "z-partial": learner_notebook(release, beginner, shallow),
    }
    for student, nb in submissions.items():
        submit(course, ASSIGNMENT, student, nb)
    digest = hashlib.sha256((course / "submitted" / "z-partial" / ASSIGNMENT /
                             f"{ASSIGNMENT}.ipynb").read_bytes()).hexdigest()
    autograde = nbgrader(course, env, "autograde", ASSIGNMENT)
    course.joinpath("autograde.log").write_text(autograde.stderr)
    nbgrader(course, env, "generate_feedback", ASSIGNMENT)
    course.joinpath("z-partial.sha256").write_text(digest)
    return course


@pytest.fixture(scope="module")
def rows(course) -> list[dict]:
    return export(course)


@pytest.fixture(scope="module")
def scores(rows) -> dict[str, dict[str, float]]:
    """Per-criterion scores of the automatically graded criteria, by learner."""
    return automatic_scores(rows, AUTOMATIC)


def total(scores: dict[str, float]) -> float:
    return round(sum(scores.values()), 2)


def test_export_has_every_criterion_of_every_learner(rows):
    learners = {r["student"] for r in rows}
    assert len(learners) == 9 + len(CHEATS)
    for learner in learners:
        assert {r["criterion"] for r in rows if r["student"] == learner} == set(CRITERIA)


def test_scores_and_statuses_of_honest_learners(rows, scores):
    assert total(scores["solved"]) == sum(AUTOMATIC.values())
    assert total(scores["untouched"]) == 0
    assert 25 < total(scores["a-partial"]) < 80
    status = {(r["student"], r["criterion"]): r["status"] for r in rows}
    assert {status["untouched", c] for c in AUTOMATIC} == {"not-submitted"}
    assert status["solved", "report.reasoning"] == "pending"
    assert status["untouched", "report.reasoning"] == "not-submitted"  # nothing to read
    reasoning = next(r for r in rows if r["student"] == "solved"
                     and r["criterion"] == "report.reasoning")
    assert reasoning["score"] == "" and reasoning["needs_manual_grade"] == "True"
    broken = scores["broken-report"]
    assert broken["tags.agreement"] == 50 and broken["tags.secondary"] == 10
    assert {status["broken-report", f"report.{c}"] for c in
            ("finding", "count", "evidence", "cause", "fix")} == {"invalid"}
    assert all(run_of(rows, s) == ("bwrap", "completed") for s in ("solved", "a-partial"))


def test_cheats_gain_nothing(scores):
    honest = total(scores["a-partial"])
    for student in [s for s in scores if s.startswith("cheat-")]:
        assert total(scores[student]) <= honest, student
    for student in ("cheat-monkeypatch", "cheat-edited-tests", "cheat-key-paths",
                    "cheat-write-others", "cheat-network", "cheat-print-50mb"):
        assert scores[student] == scores["a-partial"], student


def test_learner_code_finds_no_answer_key(course):
    notebook = nbformat.read(course / "autograded" / "cheat-key-paths" / ASSIGNMENT /
                             f"{ASSIGNMENT}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for o in cell(notebook, "evidence").outputs)
    assert "found []" in printed


def test_a_linked_file_is_refused_not_followed(rows):
    statuses = {r["criterion"]: r["status"] for r in rows if r["student"] == "cheat-key-symlink"}
    assert statuses["tags.agreement"] == "invalid"


def test_other_learners_and_the_gradebook_are_out_of_reach(course, scores):
    assert scores["z-partial"] == scores["a-partial"]
    submitted = course / "submitted" / "z-partial" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert hashlib.sha256(submitted.read_bytes()).hexdigest() == \
        (course / "z-partial.sha256").read_text()
    notebook = nbformat.read(course / "autograded" / "cheat-write-others" / ASSIGNMENT /
                             f"{ASSIGNMENT}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for o in cell(notebook, "report").outputs)
    assert "overwrote" not in printed and "deleted" not in printed
    assert (course / "gradebook.db").is_file()


def test_no_network_and_no_mentor_environment(course, listener):
    _, seen = listener
    assert seen == []
    for path in (course / "autograded").rglob("*"):
        if path.is_file():
            assert MENTOR_SECRET.encode() not in path.read_bytes(), path


def test_runaway_notebooks_are_stopped_and_graded_on_their_files(rows, scores):
    assert run_of(rows, "cheat-loop")[1] in ("interrupted", "timeout")
    assert run_of(rows, "cheat-loop-ignores-interrupt")[1] == "timeout"
    assert run_of(rows, "cheat-fork-bomb")[1] in ("interrupted", "timeout", "crashed")
    for student in ("cheat-loop", "cheat-loop-ignores-interrupt"):
        assert scores[student] == scores["a-partial"], student


def test_output_is_capped(course):
    page = course / "autograded" / "cheat-print-50mb" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert page.stat().st_size < 2_000_000
    assert "dropped" in page.read_text(encoding="utf-8")


def test_nbgrader_agrees_with_grader_grade(course, scores):
    for student, by_criterion in scores.items():
        folder = course / "autograded" / student / ASSIGNMENT
        done = subprocess.run([str(BIN / "grader"), "grade", "--exercise", ASSIGNMENT,
                               "--submission", str(folder), "--format", "json"],
                              capture_output=True, text=True)
        if done.returncode == 2:
            assert total(by_criterion) == 0, student
            continue
        graded = {c["id"]: c["score"] for c in json.loads(done.stdout)["criteria"]
                  if c["id"] in AUTOMATIC}
        assert graded == by_criterion, student


def answer_key_secrets(learner_text: str = "") -> list[str]:
    """Strings that must never reach a learner before release.

    A mentor-only text is a secret unless it is ordinary public text (it occurs in the
    datasets learners read) or the learner wrote it themselves.
    """
    public = " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "datasets").rglob("*")
                      if p.is_file()).lower() + learner_text.lower()
    with KEY.open(encoding="utf-8") as handle:
        key = list(csv.DictReader(handle))
    causes = yaml.safe_load((SOLUTIONS / "planted_causes.yaml").read_text(encoding="utf-8"))
    secrets = [row["rationale"] for row in key]
    secrets += [f'"{row["log_id"]}", ["{row["label"]}"' for row in key]
    secrets += [cause["summary"] for cause in causes["causes"]]
    for path in (SOLUTIONS / "planted_defects.md", SOLUTIONS / "datasheet-answers.md",
                 SOLUTIONS / "sample_reports" / "reference.md"):
        secrets += [line for line in path.read_text(encoding="utf-8").splitlines()
                    if len(line) > 60 and line.lower() not in public]
    secrets += ["answer_key", "solutions/", "planted"]
    return secrets


def leaks(text: str, learner_text: str = "") -> list[str]:
    """The secrets found in a page, compared as plain text with white space folded."""
    def fold(s: str) -> str:
        return " ".join(html.unescape(s).lower().split())

    page, own = fold(text), fold(learner_text)
    return [s for s in answer_key_secrets(learner_text) if fold(s) in page
            and fold(s) not in own]


def test_the_leak_check_can_fail():
    source = ROOT / "exercises" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert leaks(source.read_text(encoding="utf-8"))
    assert leaks(KEY.read_text(encoding="utf-8"))


def test_release_contains_no_answer_key_entry(course):
    released = (course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    notebook = nbformat.reads(released, as_version=4)
    assert not leaks("\n".join(c.source for c in notebook.cells))
    assert not leaks(released)
    assert "BEGIN SOLUTION" not in released


@pytest.mark.parametrize("student", ["untouched", "a-partial", "cheat-monkeypatch",
                                     "cheat-key-paths"])
def test_feedback_contains_no_answer_key_entry(course, student):
    page = (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    folder = course / "autograded" / student / ASSIGNMENT
    own_report = folder / "report.md"
    # What the learner wrote is theirs to see again: their report and their own code (a
    # cheat's code names the paths it tried; that it shows them is no leak).
    own_code = nbformat.read(folder / f"{ASSIGNMENT}.ipynb", as_version=4)
    learner_text = "\n".join(c.source for c in own_code.cells if c.cell_type == "code")
    if own_report.exists():
        learner_text += "\n" + own_report.read_text()
    assert not leaks(page, learner_text)


def test_site_notebook_is_the_nbgrader_release(course):
    from grader.release import release_notebook

    ours = release_notebook(ROOT / "exercises" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    theirs = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                           as_version=4)
    assert [(c.source, c.metadata) for c in ours.cells] == [
        (c.source, c.metadata) for c in theirs.cells]


def test_nbgrader_export_totals_equal_the_per_criterion_sums(course, rows):
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    nbgrader(course, env, "export", "--to", "totals.csv")
    with (course / "totals.csv").open(encoding="utf-8") as handle:
        totals = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    ours: dict[str, float] = {}
    for row in rows:
        ours[row["student"]] = round(ours.get(row["student"], 0) + float(row["score"] or 0), 2)
    assert totals == ours


@pytest.fixture(scope="module")
def unsafe_course(tmp_path_factory):
    """A course graded without the sandbox (as on a machine without bwrap): one learner
    prints the answer key."""
    course = copy_course(tmp_path_factory.mktemp("unsafe"), TEST_LIMITS)
    env = mentor_env(path=str(BIN))  # no bwrap on this PATH
    nbgrader(course, env, "generate_assignment", ASSIGNMENT)
    release = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    with (DEMOS / "beginner" / "tags.csv").open(encoding="utf-8") as handle:
        beginner = tag_lines(list(csv.DictReader(handle))[:60])
    shallow = (SOLUTIONS / "sample_reports" / "08-adequate-shallow.md").read_text()
    printer = learner_notebook(release, beginner, shallow,
                               after_tags=f"print(open({str(KEY)!r}).read())")
    for student, nb in (("honest", learner_notebook(release, beginner, shallow)),
                        ("printer", printer)):
        submit(course, ASSIGNMENT, student, nb)
    refused = nbgrader(course, env, "autograde", ASSIGNMENT, check=False)
    unsafe = nbgrader(course, env, "autograde", ASSIGNMENT,
                      "--SandboxedExecute.unsafe_no_sandbox=True")
    feedback = nbgrader(course, env, "generate_feedback", ASSIGNMENT, check=False)
    return course, refused, unsafe, feedback


def test_without_bwrap_autograde_refuses_with_a_coded_error(unsafe_course):
    _, refused, _, _ = unsafe_course
    assert refused.returncode != 0
    assert "[sandbox-unavailable]" in refused.stderr
    assert "apt-get install bubblewrap" in refused.stderr
    assert "unsafe_no_sandbox" in refused.stderr


def test_the_unsafe_switch_is_recorded(unsafe_course):
    course, _, _, _ = unsafe_course
    rows = export(course)
    assert {r["sandbox"] for r in rows} == {"none (unsafe)"}


def test_a_feedback_page_with_the_answer_key_is_not_written(unsafe_course):
    course, _, _, feedback = unsafe_course
    assert feedback.returncode != 0
    assert "[feedback-leak] learner 'printer'" in feedback.stderr
    assert "(evidence)" in feedback.stderr
    assert not (course / "feedback" / "printer" / ASSIGNMENT / f"{ASSIGNMENT}.html").exists()
    assert (course / "feedback" / "honest" / ASSIGNMENT / f"{ASSIGNMENT}.html").is_file()


def test_deleted_and_renamed_graded_cells_are_put_back_and_scored(course, rows, scores):
    assert scores["deleted-cells"] == scores["a-partial"]
    notes = {r["run_notes"] for r in rows if r["student"] == "deleted-cells"}
    assert len(notes) == 1
    note = notes.pop()
    assert all(name in note for name in (*DELETED, *RENAMED.values()))
    status = {r["criterion"]: r["status"] for r in rows if r["student"] == "deleted-cells"}
    assert status["report.reasoning"] == "pending"  # the task is back, for the mentor
    assert "[graded-cell-restored] learner 'deleted-cells'" in (
        course / "autograde.log").read_text()
    page = (course / "feedback" / "deleted-cells" / ASSIGNMENT / f"{ASSIGNMENT}.html")
    assert "was missing from your notebook and was put back" in page.read_text()
    assert {r["run_notes"] for r in rows if r["student"] == "a-partial"} == {""}


def feedback_page(course: Path, student: str) -> Path:
    return course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"


class ActiveContent(HTMLParser):
    """Every element of a page that could run script or load something from elsewhere."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.policy = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (values.get("http-equiv") or "").lower() == \
                "content-security-policy":
            self.policy = values.get("content") or ""
        if tag in ("script", "iframe", "object", "embed", "form", "base") or (
                tag == "meta" and values.get("http-equiv", "").lower() == "refresh"):
            self.found.append(tag)
        for name, value in attrs:
            link = (value or "").strip().lower()
            if name.startswith("on") or (name in ("href", "src", "action", "xlink:href") and (
                    link.startswith(("javascript:", "http:", "https:", "//")))):
                self.found.append(f"<{tag} {name}={value!r}>")


@pytest.mark.parametrize("student", ["hostile-html", "a-partial"])
def test_feedback_pages_hold_no_script_and_load_nothing(course, student):
    parser = ActiveContent()
    parser.feed(feedback_page(course, student).read_text())
    assert parser.found == []
    assert "default-src 'none'" in parser.policy and "script-src" not in parser.policy


def test_a_hostile_feedback_page_runs_nothing_in_a_browser(course):
    """The page in Chromium: no dialog, no request to any host, links that would run
    script inert, even when clicked."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists() and not os.environ.get("CI"):
        pytest.skip("the system's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    from tests.test_browser import FLAGS

    dialogs: list[str] = []
    requests: list[str] = []
    page_file = feedback_page(course, "hostile-html")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=FLAGS)
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:"))
                else requests.append(r.url))
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
        assert page.get_by_text("My notes").count() == 1  # the learner's markdown is shown
        for text in ("md html link", "md link", "out html link", "send"):
            for link in page.get_by_text(text, exact=True).all():
                link.click(timeout=2000)
        page.wait_for_timeout(500)
        browser.close()
    assert dialogs == []
    assert requests == []
