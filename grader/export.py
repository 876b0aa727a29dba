"""`grader export`: per-criterion scores from an nbgrader gradebook, which `nbgrader export`
does not give (it exports one total per assignment)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from grader.runs import Run, read_runs

COLUMNS = ["assignment", "student", "notebook", "criterion", "score", "max_score", "status",
           "auto_score", "manual_score", "extra_credit", "needs_manual_grade", "sandbox",
           "run_outcome"]


def gradebook_rows(db: Path) -> list[dict[str, object]]:
    """One row per student, assignment and graded cell: the score, and who gave it.

    `score` is nbgrader's own: a mentor's manual score when there is one (an override),
    otherwise the autograder's, plus any extra credit; it is empty while a mentor-graded
    criterion is `pending`. `status` is the grader's (`scored`, `pending`, `not-submitted`,
    `invalid`); `sandbox` and `run_outcome` say how the notebook ran (see `grader.runs`).
    Grade ids `tags-agreement` are reported as the rubric's criterion ids `tags.agreement`.
    """
    from nbgrader.api import Gradebook, MissingEntry

    url = f"sqlite:///{db.resolve()}"
    recorded = read_runs(url)
    rows = []
    with Gradebook(url) as gb:
        for assignment in gb.assignments:
            for student in gb.students:
                try:
                    submission = gb.find_submission(assignment.name, student.id)
                except MissingEntry:
                    continue
                for notebook in submission.notebooks:
                    run = recorded.get((assignment.name, student.id, notebook.name), Run("", ""))
                    for grade in notebook.grades:
                        criterion = grade.name.replace("-", ".", 1)
                        status = _status(grade, run.statuses.get(criterion, "scored"))
                        rows.append({
                            "assignment": assignment.name,
                            "student": student.id,
                            "notebook": notebook.name,
                            "criterion": criterion,
                            "score": "" if status == "pending" else grade.score or 0.0,
                            "max_score": grade.max_score,
                            "status": status,
                            "auto_score": grade.auto_score,
                            "manual_score": grade.manual_score,
                            "extra_credit": grade.extra_credit,
                            "needs_manual_grade": grade.needs_manual_grade,
                            "sandbox": run.sandbox,
                            "run_outcome": run.outcome,
                        })
    return sorted(rows, key=lambda r: (r["assignment"], r["student"], r["criterion"]))


def _status(grade, recorded: str) -> str:
    """A mentor's score makes a criterion scored; one still waiting for it is pending,
    unless the grader found nothing to grade (no report, or one that cannot be read)."""
    if grade.manual_score is not None:
        return "scored"
    if recorded in ("not-submitted", "invalid"):
        return recorded
    if grade.auto_score is None and grade.needs_manual_grade:
        return "pending"
    return recorded


def to_csv(rows: list[dict[str, object]]) -> str:
    """The rows as CSV text with a header."""
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
