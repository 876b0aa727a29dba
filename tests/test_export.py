"""`grader export` of a gradebook with autograded, overridden and pending criteria: the wide
CSV (the default) and the long one (`--long`) agree, and the wide one shows each learner's
total, what waits for a mentor and every override."""

from __future__ import annotations

import csv
import io
import os
import warnings
from pathlib import Path

import pytest

from tests.conftest import run_grader


@pytest.fixture
def gradebook(tmp_path, monkeypatch) -> Path:
    """Three learners of failure-audit: alex's agreement overridden from 30 to 40 and the
    reasoning graded; sam's autograded only (reasoning pending); kim's agreement confirmed
    by a mentor at the autograder's score (not an override)."""
    import sys

    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    db = tmp_path / "gradebook.db"
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{db}") as gb:
        warnings.simplefilter("ignore")   # nbgrader's own SQLAlchemy warnings
        gb.add_assignment("failure-audit")
        gb.add_notebook("failure-audit", "failure-audit")
        gb.add_grade_cell("tags-agreement", "failure-audit", "failure-audit", max_score=50,
                          cell_type="code")
        gb.add_grade_cell("report-reasoning", "failure-audit", "failure-audit", max_score=10,
                          cell_type="markdown")
        for student, agreement, manual, reasoning in (("alex", 30.0, 40.0, 7.0),
                                                      ("sam", 45.0, None, None),
                                                      ("kim", 20.0, 20.0, 3.0)):
            gb.add_student(student)
            gb.add_submission("failure-audit", student)
            grade = gb.find_grade("tags-agreement", "failure-audit", "failure-audit", student)
            grade.auto_score, grade.manual_score = agreement, manual
            if reasoning is not None:
                gb.find_grade("report-reasoning", "failure-audit", "failure-audit",
                              student).manual_score = reasoning
        gb.db.commit()
    return db


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_wide_export_has_totals_pending_and_overrides(gradebook):
    run = run_grader("export", "--db", gradebook)
    assert run.returncode == 0, run.stderr
    table = {r["student"]: r for r in rows(run.stdout)}
    assert list(table) == ["alex", "kim", "sam"]
    assert run.stdout.splitlines()[0].startswith(
        "assignment,student,total,max_score,pending_points,pending_criteria,overrides,")
    alex, sam, kim = table["alex"], table["sam"], table["kim"]
    assert (alex["total"], alex["tags.agreement"], alex["report.reasoning"]) == ("47", "40", "7")
    assert alex["overrides"] == "tags.agreement 30 -> 40" and alex["pending_criteria"] == ""
    assert (sam["total"], sam["pending_points"], sam["pending_criteria"]) == ("45", "10",
                                                                            "report.reasoning")
    assert sam["report.reasoning"] == "" and sam["report.reasoning.status"] == "pending"
    assert kim["overrides"] == ""   # a mentor's score equal to the autograder's
    assert all(r["max_score"] == "60" for r in table.values())


def test_the_long_export_is_the_wide_one_unfolded(gradebook):
    long = rows(run_grader("export", "--long", "--db", gradebook).stdout)
    wide = {r["student"]: r for r in rows(run_grader("export", "--db", gradebook).stdout)}
    assert len(long) == 6 and set(long[0]) >= {"criterion", "auto_score", "manual_score"}
    for row in long:
        assert wide[row["student"]][row["criterion"]] == (
            "" if row["score"] == "" else format(float(row["score"]), ".10g"))
        assert wide[row["student"]][f"{row['criterion']}.status"] == row["status"]
