"""Practice project 3's notebook, end to end: the source notebook (solutions in place) runs
headless, writes the four files of the hand-in, and its self-check says they are ready; the
released notebook holds no solution and nothing of the answer key; every criterion of the
rubric has its graded cell. The real nbgrader round trip, with cheats, is
tests/test_synthesis_nbgrader.py."""

from __future__ import annotations

import nbformat
import yaml

from tests.conftest import ROOT, SYNTHESIS_HAND_IN
from tests.nbgrader_helpers import assert_clean_run, assert_self_check_ready

ASSIGNMENT = "cross-domain-synthesis"
NOTEBOOK = ROOT / "exercises" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
SOLUTIONS = ROOT / "solutions" / ASSIGNMENT


def test_the_notebook_writes_the_four_files(synthesis_run):
    folder, _ = synthesis_run
    for name in SYNTHESIS_HAND_IN:
        assert (folder / name).is_file() and (folder / name).stat().st_size > 0, name
    assert (folder / "memo.md").read_text(encoding="utf-8").startswith("---\n")


def test_no_cell_errs_or_writes_to_stderr(synthesis_run):
    assert_clean_run(synthesis_run[1])


def test_the_self_check_says_ready(synthesis_run):
    assert_self_check_ready(synthesis_run[1])


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


def test_the_release_holds_no_solution_and_no_answer_key():
    from grader.release import release_notebook

    released = nbformat.writes(release_notebook(NOTEBOOK))
    assert "BEGIN SOLUTION" not in released
    for answer in ("READ = {", "unsupported-specific", "calibration-under-uncertainty\"",
                   "claim-verification\"", "hallucinated-specificity", "gold.csv"):
        assert answer not in released, answer
    source = nbformat.writes(nbformat.read(NOTEBOOK, as_version=4))
    assert "READ = {" in source and "unsupported-specific" in source  # the check can fail
