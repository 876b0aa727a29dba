"""The failure-audit project through the real nbgrader command line, with no Jupyter server:
generate_assignment, autograde, generate_feedback, export; cheats and leaks included."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from tests.conftest import DEMOS, ROOT

ASSIGNMENT = "failure-audit"
SOLUTIONS = ROOT / "solutions" / ASSIGNMENT
CRITERIA = {"tags.agreement": 50, "tags.secondary": 10, "report.finding": 5,
            "report.quantity": 5, "report.evidence": 10, "report.cause": 10, "report.fix": 5,
            "report.structure": 5}


def nbgrader(course: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), *args], cwd=course,
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def cell(nb, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def tag_lines(rows: list[dict]) -> str:
    return "\n".join(f'tags.loc["{r["log_id"]}", ["label", "secondary_labels"]] = '
                     f'["{r["label"]}", "{r["secondary_labels"]}"]' for r in rows)


def learner_notebook(release: Path, tags: str, report: str,
                     extra: str = "") -> nbformat.NotebookNode:
    """The released notebook as a learner fills it in: their tags, counting code, report."""
    nb = nbformat.read(release, as_version=4)
    cell(nb, "tags").source = "tags = labkit.blank_tags()\n" + tags + "\n" + extra
    cell(nb, "count").source = ('failures = tags["label"].value_counts()'
                                '.drop("no-failure", errors="ignore")\n'
                                'top_failure = failures.index[0]')
    cell(nb, "evidence").source = "print(top_failure)"
    cell(nb, "report").source = f"REPORT = {report!r}\nPath('report.md').write_text(REPORT)"
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A graded copy of the course: six learners submitted, autograded, feedback generated."""
    root = tmp_path_factory.mktemp("nbgrader")
    course = root / "course"
    shutil.copytree(ROOT / "exercises", course, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db"))
    env = {**os.environ,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    nbgrader(course, env, "generate_assignment", ASSIGNMENT)
    release = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"

    with (DEMOS / "beginner" / "tags.csv").open(encoding="utf-8") as handle:
        beginner = list(csv.DictReader(handle))
    shallow = (SOLUTIONS / "sample_reports" / "08-adequate-shallow.md").read_text()
    partial = learner_notebook(release, tag_lines(beginner[:60]), shallow)
    patch = ("import grader.nbgrader_cells, grader.scoring\n"
             "grader.nbgrader_cells.criterion_points = lambda *a, **k: 50.0\n"
             "grader.scoring.tag_agreement = lambda c, cr: None\n")
    monkeypatch = learner_notebook(release, tag_lines(beginner[:60]), shallow, patch)
    edited = learner_notebook(release, tag_lines(beginner[:60]), shallow)
    for grade_id in [c.replace(".", "-") for c in CRITERIA]:
        cell(edited, grade_id).source = "50.0"
    broken = nbformat.read(ROOT / "exercises" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                           as_version=4)
    cell(broken, "report").source = ("Path('report.md').write_text('I think the bot is "
                                     "unhelpful because of the prompt.')")
    submissions = {
        "solved": nbformat.read(ROOT / "exercises" / "source" / ASSIGNMENT /
                                f"{ASSIGNMENT}.ipynb", as_version=4),
        "untouched": nbformat.read(release, as_version=4),
        "partial": partial, "broken-report": broken,
        "cheat-monkeypatch": monkeypatch, "cheat-edited-tests": edited,
    }
    for student, nb in submissions.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
    nbgrader(course, env, "autograde", ASSIGNMENT)
    nbgrader(course, env, "generate_feedback", ASSIGNMENT)
    return course


@pytest.fixture(scope="module")
def scores(course) -> dict[str, dict[str, float]]:
    """Per-criterion scores as the mentor's `grader export` reads them from the gradebook."""
    done = subprocess.run([str(Path(sys.executable).parent / "grader"), "export", "--db",
                           str(course / "gradebook.db")], capture_output=True, text=True,
                          check=True)
    table: dict[str, dict[str, float]] = {}
    for row in csv.DictReader(io.StringIO(done.stdout)):
        table.setdefault(row["student"], {})[row["criterion"]] = float(row["score"])
    return table


def total(scores: dict[str, float]) -> float:
    return round(sum(scores.values()), 2)


def test_export_has_every_criterion_of_every_learner(scores):
    assert len(scores) == 6
    assert all(set(by_criterion) == set(CRITERIA) for by_criterion in scores.values())


def test_scores_of_each_submission(scores):
    assert total(scores["solved"]) == 100
    assert total(scores["untouched"]) == 0
    assert 25 < total(scores["partial"]) < 80
    broken = scores["broken-report"]
    assert broken["tags.agreement"] == 50 and broken["tags.secondary"] == 10
    assert sum(v for k, v in broken.items() if k.startswith("report.")) <= 5


def test_cheats_gain_nothing(scores):
    assert scores["cheat-monkeypatch"] == scores["partial"]
    assert scores["cheat-edited-tests"] == scores["partial"]


def test_nbgrader_agrees_with_grader_grade(course, scores):
    for student, by_criterion in scores.items():
        folder = course / "autograded" / student / ASSIGNMENT
        done = subprocess.run([str(Path(sys.executable).parent / "grader"), "grade",
                               "--exercise", ASSIGNMENT, "--submission", str(folder),
                               "--format", "json"], capture_output=True, text=True)
        if done.returncode == 2:
            assert total(by_criterion) == 0, student
            continue
        graded = {c["id"]: c["score"] for c in json.loads(done.stdout)["criteria"]}
        assert graded == by_criterion, student


def answer_key_secrets(learner_text: str = "") -> list[str]:
    """Strings that must never reach a learner before release.

    A phrasing of a planted cause is a secret unless it is ordinary public text (it occurs in
    the datasets learners read) or the learner wrote it themselves.
    """
    public = " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "datasets").rglob("*")
                      if p.is_file()).lower() + learner_text.lower()
    with (SOLUTIONS / "answer_key.csv").open(encoding="utf-8") as handle:
        key = list(csv.DictReader(handle))
    causes = yaml.safe_load((SOLUTIONS / "planted_causes.yaml").read_text(encoding="utf-8"))
    secrets = [row["rationale"] for row in key]
    secrets += [f'"{row["log_id"]}", ["{row["label"]}"' for row in key]
    for cause in causes["causes"]:
        secrets.append(cause["summary"])
        secrets += [p for p in cause["accepted_phrasings"] + cause["fix_phrasings"]
                    if p.lower() not in public]
    reference = (SOLUTIONS / "sample_reports" / "reference.md").read_text(encoding="utf-8")
    secrets += [line for line in reference.splitlines() if len(line) > 60]
    secrets += ["answer_key", "solutions/", "planted"]
    return secrets


def leaks(text: str, learner_text: str = "") -> list[str]:
    """The secrets found in a page, compared as plain text with white space folded."""
    def fold(s: str) -> str:
        return " ".join(html.unescape(s).lower().split())

    page = fold(text)
    return [s for s in answer_key_secrets(learner_text) if fold(s) in page]


def test_the_leak_check_can_fail():
    source = ROOT / "exercises" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert "answer_key" in leaks(source.read_text(encoding="utf-8"))
    assert leaks((SOLUTIONS / "answer_key.csv").read_text(encoding="utf-8"))


def test_release_contains_no_answer_key_entry(course):
    released = (course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    notebook = nbformat.reads(released, as_version=4)
    assert not leaks("\n".join(c.source for c in notebook.cells))
    assert not leaks(released)
    assert "BEGIN SOLUTION" not in released


@pytest.mark.parametrize("student", ["untouched", "partial", "cheat-monkeypatch"])
def test_feedback_contains_no_answer_key_entry(course, student):
    page = (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    own_report = (course / "autograded" / student / ASSIGNMENT / "report.md")
    learner_text = own_report.read_text() if own_report.exists() else ""
    assert not leaks(page, learner_text)


def test_site_notebook_is_the_nbgrader_release(course):
    from grader.release import release_notebook

    ours = release_notebook(ROOT / "exercises" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    theirs = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                           as_version=4)
    assert [(c.source, c.metadata) for c in ours.cells] == [
        (c.source, c.metadata) for c in theirs.cells]


def test_learner_path_from_the_site_notebook(tmp_path):
    """Download the site's notebook, work it, run it as JupyterLab would, check, grade."""
    from nbclient import NotebookClient

    from grader.release import release_notebook

    folder = tmp_path / "my-audit"
    folder.mkdir()
    released = folder / f"{ASSIGNMENT}.ipynb"
    nbformat.write(release_notebook(ROOT / "exercises" / "source" / ASSIGNMENT /
                                    f"{ASSIGNMENT}.ipynb"), released)
    with (DEMOS / "beginner" / "tags.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    report = (SOLUTIONS / "sample_reports" / "08-adequate-shallow.md").read_text()
    notebook = learner_notebook(released, tag_lines(rows), report)
    NotebookClient(notebook, timeout=300, resources={"metadata": {"path": str(folder)}}).execute()
    assert (folder / "tags.csv").is_file() and (folder / "report.md").is_file()
    grader = str(Path(sys.executable).parent / "grader")
    check = subprocess.run([grader, "check", "--submission", str(folder)], capture_output=True,
                           text=True)
    assert check.returncode == 0 and "tags.csv: well-formed" in check.stdout
    graded = subprocess.run([grader, "grade", "--exercise", ASSIGNMENT, "--submission",
                             str(folder), "--format", "json"], capture_output=True, text=True)
    assert graded.returncode == 0
    assert 50 < json.loads(graded.stdout)["score"] < 100


def test_nbgrader_export_totals_equal_the_per_criterion_sums(course, scores):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    nbgrader(course, env, "export", "--to", "totals.csv")
    with (course / "totals.csv").open(encoding="utf-8") as handle:
        totals = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert totals == {student: total(by_criterion) for student, by_criterion in scores.items()}
