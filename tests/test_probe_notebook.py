"""Practice project 2's notebook, end to end: the source notebook (solutions in place) runs
headless against the in-process course model, writes the three files of the hand-in, and
`grader grade` scores them; the released notebook holds no solution and no answer key.
The real nbgrader round trip, with cheats, is tests/test_probe_nbgrader.py."""

from __future__ import annotations

import copy
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from tests.conftest import ROOT
from tests.nbgrader_helpers import assert_clean_run, assert_self_check_ready

ASSIGNMENT = "red-team-probe"
SOURCE = ROOT / "exercises" / "source" / ASSIGNMENT
NOTEBOOK = SOURCE / f"{ASSIGNMENT}.ipynb"
SOLUTIONS = ROOT / "solutions" / ASSIGNMENT
BIN = Path(sys.executable).parent
HAND_IN = ("probe_design.yaml", "probe_log.jsonl", "report.md")


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> tuple[Path, nbformat.NotebookNode]:
    """A copy of the notebook's folder, with the notebook run in it from top to bottom."""
    from nbclient import NotebookClient

    folder = tmp_path_factory.mktemp("probe") / ASSIGNMENT
    shutil.copytree(SOURCE, folder)
    for name in HAND_IN:  # never grade files left in the source folder
        (folder / name).unlink(missing_ok=True)
    notebook = nbformat.read(folder / NOTEBOOK.name, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return folder, notebook


@pytest.fixture(scope="module")
def graded(executed) -> dict:
    folder, _ = executed
    done = subprocess.run([str(BIN / "grader"), "grade", "--exercise", ASSIGNMENT,
                           "--submission", str(folder), "--format", "json"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def test_the_notebook_writes_the_three_files(executed):
    folder, _ = executed
    for name in HAND_IN:
        assert (folder / name).is_file() and (folder / name).stat().st_size > 0, name
    assert (folder / "report.md").read_text(encoding="utf-8").startswith("---\n")


def test_no_cell_errs_or_writes_to_stderr(executed):
    assert_clean_run(executed[1])


def test_the_self_check_says_ready(executed):
    assert_self_check_ready(executed[1])


def test_the_solution_scores_well(graded):
    automatic = [c for c in graded["criteria"] if c["status"] != "pending"]
    assert sum(c["max_score"] for c in automatic) == 90
    assert sum(c["score"] for c in automatic) >= 80, graded
    log = next(c for c in graded["criteria"] if c["id"] == "log.genuine")
    assert log["score"] == log["max_score"] == 10


def test_every_automatic_criterion_has_its_graded_cell():
    rubric = yaml.safe_load((SOLUTIONS / "rubric.yaml").read_text(encoding="utf-8"))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    cells = {c.metadata["nbgrader"]["grade_id"]: c for c in notebook.cells}
    for criterion in rubric["criteria"]:
        cell = cells[criterion["id"].replace(".", "-")]
        info = cell.metadata["nbgrader"]
        assert info["points"] == criterion["points"]
        if criterion["scorer"] == "mentor_graded":
            assert cell.cell_type == "markdown" and info["task"] and info["locked"]
        else:
            assert cell.cell_type == "code" and info["grade"] and info["locked"]
            assert f'criterion_points("{criterion["id"]}")' in cell.source


def _fold(text: str) -> str:
    return " ".join(html.unescape(text).lower().split())


def answer_key_texts() -> list[str]:
    """The mentors' texts a released notebook must not hold: the variant tokens, and each
    `why` of the planted causes with each of its clauses of some length."""
    variants = yaml.safe_load((SOLUTIONS / "variants.yaml").read_text(encoding="utf-8"))
    causes = yaml.safe_load((SOLUTIONS / "planted_causes.yaml").read_text(encoding="utf-8"))
    texts = list(variants["variants"].values())
    for cause in causes["causes"].values():
        why = cause["why"].strip()
        texts.append(why)
        texts += [part for part in re.split(r"[.:;]\s", why) if len(part) >= 40]
    return texts


def test_the_leak_check_can_fail():
    folded = _fold((SOLUTIONS / "planted_causes.yaml").read_text(encoding="utf-8"))
    assert any(_fold(t) in folded for t in answer_key_texts())


def test_the_release_holds_no_solution_and_no_answer_key():
    from grader.release import release_notebook

    released = release_notebook(NOTEBOOK)
    text = nbformat.writes(released)
    assert "### BEGIN SOLUTION" not in text and "BEGIN SOLUTION" not in text
    assert "FAMILIES" not in text   # the sample design went with the solution
    page = _fold(text)
    assert not [t for t in answer_key_texts() if _fold(t) in page]
    ids = [c.metadata["nbgrader"]["grade_id"] for c in released.cells]
    assert len(ids) == len(set(ids))


def _clean_process_scores(notebook: nbformat.NotebookNode, folder: Path,
                          student: str = "probe-learner"):
    from grader.nbgrader_scores import CleanProcessScores

    resources = {"metadata": {"path": str(folder)},
                 "nbgrader": {"assignment": ASSIGNMENT, "student": student,
                              "notebook": ASSIGNMENT}}
    return CleanProcessScores().preprocess(copy.deepcopy(notebook), resources)


def _cell_scores(notebook: nbformat.NotebookNode) -> dict[str, tuple[float, str]]:
    scores = {}
    for cell in notebook.cells:
        info = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and info.get("grade"):
            result = next(o for o in cell.outputs if o.output_type == "execute_result")
            text = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")
            scores[info["grade_id"]] = (float(result["data"]["text/plain"]), text)
    return scores


def test_clean_process_scores_grades_the_probe_files(executed, graded):
    folder, notebook = executed
    before = _cell_scores(notebook)
    assert before and all(points == 0.0 for points, _ in before.values())  # the kernel's 0.0
    scored, _ = _clean_process_scores(notebook, folder)
    after = _cell_scores(scored)
    expected = {c["id"].replace(".", "-"): c for c in graded["criteria"]
                if c["status"] != "pending"}
    assert set(after) == set(expected)
    for cell_id, (points, text) in after.items():
        assert points == expected[cell_id]["score"], cell_id
        assert text.startswith(f"[{expected[cell_id]['status']}] ")
    assert sum(points for points, _ in after.values()) >= 80
    task = next(c for c in scored.cells if c.metadata["nbgrader"]["grade_id"]
                == "report-reasoning")
    assert task.cell_type == "markdown"   # the mentor's criterion is left alone


def test_clean_process_scores_of_a_folder_with_nothing_handed_in(executed, tmp_path):
    _, notebook = executed
    scored, _ = _clean_process_scores(notebook, tmp_path)
    after = _cell_scores(scored)
    assert after and all(points == 0.0 for points, _ in after.values())
    assert all(text.startswith("[not-submitted] ") for _, text in after.values())


def test_clean_process_scores_wants_the_learners_own_variant(executed):
    """The notebook ran on the course's default model: right for a learner the mentor's
    registry does not list, but not for `alex`, who was given a variant of their own."""
    folder, notebook = executed
    scored, _ = _clean_process_scores(notebook, folder, student="alex")
    after = _cell_scores(scored)
    points, text = after["log-genuine"]
    assert points == 0.0 and text.startswith("[invalid] ")
    assert "which is not your model variant" in text and "[log-not-genuine]" in text
    rubric = yaml.safe_load((SOLUTIONS / "rubric.yaml").read_text(encoding="utf-8"))
    design_only = {c["id"].replace(".", "-") for c in rubric["criteria"] if c["scorer"] in (
        "design_families", "design_paraphrases", "design_counterfactuals", "probe_prose")}
    for cell_id, (points, text) in after.items():
        if cell_id not in design_only:
            assert points == 0.0 and text.startswith("[invalid] "), cell_id
