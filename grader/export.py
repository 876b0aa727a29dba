"""`grader export`: per-criterion scores from an nbgrader gradebook, which `nbgrader export`
does not give (it exports one total per assignment)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

COLUMNS = ["assignment", "student", "notebook", "criterion", "score", "max_score",
           "auto_score", "manual_score", "extra_credit", "needs_manual_grade"]


def gradebook_rows(db: Path) -> list[dict[str, object]]:
    """One row per student, assignment and graded cell: the score, and who gave it.

    `score` is nbgrader's own: a mentor's manual score when there is one (an override),
    otherwise the autograder's, plus any extra credit. Grade ids `tags-agreement` are
    reported as the rubric's criterion ids `tags.agreement`.
    """
    from nbgrader.api import Gradebook, MissingEntry

    rows = []
    with Gradebook(f"sqlite:///{db.resolve()}") as gb:
        for assignment in gb.assignments:
            for student in gb.students:
                try:
                    submission = gb.find_submission(assignment.name, student.id)
                except MissingEntry:
                    continue
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        rows.append({
                            "assignment": assignment.name,
                            "student": student.id,
                            "notebook": notebook.name,
                            "criterion": grade.name.replace("-", ".", 1),
                            "score": grade.score,
                            "max_score": grade.max_score,
                            "auto_score": grade.auto_score,
                            "manual_score": grade.manual_score,
                            "extra_credit": grade.extra_credit,
                            "needs_manual_grade": grade.needs_manual_grade,
                        })
    return sorted(rows, key=lambda r: (r["assignment"], r["student"], r["criterion"]))


def to_csv(rows: list[dict[str, object]]) -> str:
    """The rows as CSV text with a header."""
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
