"""`grader export`: per-criterion scores from an nbgrader gradebook, which `nbgrader export`
does not give (it exports one total per assignment).

Two shapes: wide (the default), one row per learner and assignment with the total, what is
pending, the mentors' overrides and each criterion's score and status; and long
(`--long`), one row per learner, assignment and criterion with every field nbgrader keeps.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import stat
import tempfile
from pathlib import Path

from grader.errors import Problem, UnusableInput
from grader.runs import Run, read_runs

COLUMNS = ["assignment", "student", "notebook", "criterion", "score", "max_score", "status",
           "auto_score", "manual_score", "extra_credit", "needs_manual_grade", "sandbox",
           "run_outcome", "run_notes"]
# Tables every nbgrader gradebook has; a database without them is not one.
LOCK_WAIT = 10.0  # seconds to wait for a gradebook that nbgrader is writing
NBGRADER_TABLES = frozenset({"assignment", "student", "submitted_assignment", "notebook",
                             "submitted_notebook", "grade", "grade_cells"})


def gradebook_rows(db: Path, *, wait: float = LOCK_WAIT) -> list[dict[str, object]]:
    """One row per student, assignment and graded cell: the score, and who gave it.

    `score` is nbgrader's own: a mentor's manual score when there is one (an override),
    otherwise the autograder's, plus any extra credit; it is empty while a mentor-graded
    criterion is `pending`. `status` is the grader's (`scored`, `pending`, `not-submitted`,
    `invalid`); `sandbox`, `run_outcome` and `run_notes` say how the notebook ran (see
    `grader.runs`): why it stopped, and which graded cells autograde put back.
    Grade ids `tags-agreement` are reported as the rubric's criterion ids `tags.agreement`.
    """
    from sqlalchemy.exc import SQLAlchemyError

    with tempfile.TemporaryDirectory(prefix="grader-export-") as folder:
        url = f"sqlite:///{snapshot_gradebook(db, Path(folder), wait=wait)}"
        try:
            rows = _read_rows(url)
        except SQLAlchemyError as exc:  # nbgrader's table names, but not nbgrader's tables
            cause = getattr(exc, "orig", None) or exc
            raise _refuse(db, f"cannot be read as an nbgrader gradebook: {cause}") from None
    return sorted(rows, key=lambda r: (r["assignment"], r["student"], r["criterion"]))


def _read_rows(url: str) -> list[dict[str, object]]:
    from nbgrader.api import Gradebook, MissingEntry

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
                    run = recorded.get((assignment.name, student.id, notebook.name),
                                       Run("", ""))
                    rows += [_row(assignment.name, student.id, notebook.name, grade, run)
                             for grade in notebook.grades]
    return rows


def _row(assignment: str, student: str, notebook: str, grade, run: Run) -> dict[str, object]:
    criterion = grade.name.replace("-", ".", 1)
    status = _status(grade, run.statuses.get(criterion, "scored"))
    return {
        "assignment": assignment,
        "student": student,
        "notebook": notebook,
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
        "run_notes": run.detail,
    }


def _refuse(db: Path, message: str, hint: str = "pass the gradebook.db of your nbgrader "
                                               "course folder with --db.") -> UnusableInput:
    return UnusableInput([Problem("gradebook-invalid", str(db), message, None, hint)])


def snapshot_gradebook(db: Path, folder: Path, *, wait: float = LOCK_WAIT) -> Path:
    """A consistent copy of the gradebook `db` in `folder`, made through a read-only
    connection: nbgrader's `Gradebook` writes to the database it opens (it creates missing
    tables), so it only ever sees the copy. Raises `UnusableInput` (`gradebook-invalid`) for
    a file that is not an SQLite database holding nbgrader's tables, or that stays locked
    for `wait` seconds."""
    _check_header(db)
    copy = folder / "gradebook.db"
    try:
        source = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=wait)
        try:
            tables = {name for (name,) in source.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = NBGRADER_TABLES - tables
            if missing:
                raise _refuse(db, "is an SQLite database without nbgrader's tables (no "
                              f"{', '.join(sorted(missing))})")
            target = sqlite3.connect(copy)
            try:
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        hint = ("nbgrader is writing to it: wait until it has finished, or pass a longer "
                "--wait." if "locked" in str(exc) else "the file is damaged (cut short or "
                "overwritten): restore it from a backup.")
        raise _refuse(db, f"cannot be read: {exc}", hint) from None
    return copy


def _check_header(db: Path) -> None:
    """Refuse what is not a regular file that starts as an SQLite database does."""
    try:
        info = os.stat(db)
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(db, "is not a regular file")
        with db.open("rb") as handle:
            header = handle.read(16)
    except FileNotFoundError:
        raise _refuse(db, "no such gradebook", "run this in the nbgrader course folder (where "
                      "gradebook.db is), or pass --db.") from None
    except OSError as exc:
        raise _refuse(db, f"cannot be read: {exc.strerror}") from None
    if header != b"SQLite format 3\x00":
        raise _refuse(db, "is not an SQLite database")


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


WIDE_START = ["assignment", "student", "total", "max_score", "pending_points",
              "pending_criteria", "overrides", "sandbox", "run_outcome", "run_notes"]


def _number(value: object) -> str:
    return "" if value in ("", None) else format(float(value), ".10g")


def wide_rows(rows: list[dict[str, object]]) -> tuple[list[str], list[dict[str, object]]]:
    """The long rows as one row per learner and assignment: the total (nbgrader's scores,
    overrides and extra credit included; a pending criterion adds nothing), the points and
    criteria still pending a mentor, each override (`criterion auto -> manual`), and per
    criterion its score and `<criterion>.status`. Criteria are the columns in the order they
    first appear (an assignment's criteria together)."""
    criteria = list(dict.fromkeys(str(r["criterion"]) for r in rows))
    columns = WIDE_START + [name for c in criteria for name in (c, f"{c}.status")]
    wide: dict[tuple[str, str], dict[str, object]] = {}
    for r in rows:
        row = wide.setdefault((str(r["assignment"]), str(r["student"])), {
            "assignment": r["assignment"], "student": r["student"], "total": 0.0,
            "max_score": 0.0, "pending_points": 0.0, "pending_criteria": [], "overrides": [],
            "sandbox": r["sandbox"], "run_outcome": r["run_outcome"],
            "run_notes": r["run_notes"]})
        criterion = str(r["criterion"])
        row[criterion], row[f"{criterion}.status"] = _number(r["score"]), r["status"]
        row["total"] += float(r["score"] or 0)
        row["max_score"] += float(r["max_score"] or 0)
        if r["status"] == "pending":
            row["pending_points"] += float(r["max_score"] or 0)
            row["pending_criteria"].append(criterion)
        if r["manual_score"] is not None and r["auto_score"] is not None \
                and r["manual_score"] != r["auto_score"]:
            row["overrides"].append(f"{criterion} {_number(r['auto_score'])} -> "
                                    f"{_number(r['manual_score'])}")
    for row in wide.values():
        for name in ("total", "max_score", "pending_points"):
            row[name] = _number(round(row[name], 6))
        row["pending_criteria"] = "; ".join(row["pending_criteria"])
        row["overrides"] = "; ".join(row["overrides"])
    return columns, [wide[key] for key in sorted(wide)]


def to_wide_csv(rows: list[dict[str, object]]) -> str:
    """The rows as the wide CSV (see `wide_rows`)."""
    columns, table = wide_rows(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return out.getvalue()
