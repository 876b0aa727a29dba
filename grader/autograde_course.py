"""The nbgrader course `grader autograde` works in, checked before any notebook runs: its
configuration (read as `nbgrader autograde` reads it), its gradebook, the assignment, the
sandbox, and the learners to autograde (chosen as nbgrader chooses them).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from traitlets.config import Config

from grader.errors import Problem, UnusableInput

LOCK = ".grader-autograde.lock"


def problem(code: str, file: str | Path, message: str, hint: str) -> UnusableInput:
    """One coded problem, ready to raise."""
    return UnusableInput([Problem(code, str(file), message, None, hint)])


def load_config(course: Path) -> Config:
    """The nbgrader configuration `nbgrader autograde` would use in `course`: the Jupyter
    configuration folders' `nbgrader_config.py`, then the course's own."""
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    if not (course / "nbgrader_config.py").is_file():
        raise problem("course-invalid", course, "no such folder" if not course.is_dir() else
                      "holds no nbgrader_config.py", "pass the nbgrader course folder (the one "
                      "holding nbgrader_config.py and submitted/) to --course.")
    config = Config()
    for folder in [*reversed(jupyter_config_path()), str(course)]:
        try:
            config.merge(PyFileConfigLoader("nbgrader_config.py", path=folder).load_config())
        except ConfigFileNotFound:
            continue
        except Exception as exc:
            raise problem("course-invalid", Path(folder) / "nbgrader_config.py",
                          f"cannot be read: {type(exc).__name__}: {exc}", "correct it; "
                          "`nbgrader autograde` reads the same file.") from None
    return config


def gradebook_path(coursedir: Any, assignment: str) -> Path:
    """The course's gradebook file; `grader autograde` works on an SQLite file only."""
    url = str(coursedir.db_url)
    if not url.startswith("sqlite:///"):
        raise problem("gradebook-invalid", url, "is not an SQLite gradebook file", "use "
                      "`nbgrader autograde` for a gradebook on a database server.")
    path = Path(url.removeprefix("sqlite:///"))
    if not path.is_file():
        raise problem("assignment-not-generated", path, "no gradebook here", "run `nbgrader "
                      f"generate_assignment {assignment}` in the course folder first.")
    return path


def find_learners(coursedir: Any, assignment: str, wanted: Sequence[str]
                  ) -> tuple[list[str], list[dict[str, Any]]]:
    """The learners who submitted the assignment (those of `wanted`, if any), and a failure
    row for each wanted learner who did not. Raises `cohort-empty` when there is none."""
    submitted = Path(coursedir.format_path(coursedir.submitted_directory, ".", ".")).resolve()
    excluded = set(filter(None, coursedir.student_id_exclude.split(",")))
    folders = sorted(p.name for p in submitted.glob("*") if not p.name.startswith(".")
                     and (p / assignment).is_dir()) if submitted.is_dir() else []
    if not wanted:
        found = [name for name in folders if name not in excluded]
        if not found:
            raise problem("cohort-empty", submitted, f"holds no learner's {assignment} "
                          "folder", f"collect the submissions first (nbgrader collect, or "
                          f"copy them to submitted/<learner>/{assignment}/).")
        return found, []
    missing = [name for name in dict.fromkeys(wanted) if name not in folders]
    rows = [failure(name, "unusable", "submission-not-found", submitted / name / assignment,
                    "no such folder", "check the learner's id (the folder name in "
                    "submitted/).") for name in missing]
    return [name for name in dict.fromkeys(wanted) if name in folders], rows


def is_done(coursedir: Any, assignment: str, learner: str) -> bool:
    """True when nbgrader's autograde would skip the learner: already autograded, and the
    submission is not newer than that."""
    dest = coursedir.format_path(coursedir.autograded_directory, learner, assignment)
    if not os.path.exists(dest):
        return False
    source = coursedir.format_path(coursedir.submitted_directory, learner, assignment)
    try:
        new, old = (coursedir.get_existing_timestamp(p) for p in (source, dest))
    except (ValueError, SystemExit):
        return False
    return not (new is not None and old is not None and new > old)


def check_sandbox(config: Config) -> None:
    """Refuse at once (`sandbox-unavailable`) when the course runs learner code in the
    sandbox and bwrap cannot start, instead of failing every learner."""
    from grader.sandbox import require_sandbox

    steps = str(config.Autograde.get("autograde_preprocessors", ""))
    if "SandboxedExecute" in steps and not config.SandboxedExecute.get("unsafe_no_sandbox"):
        require_sandbox()


def check_assignment(template: Path, assignment: str, db: Path) -> None:
    """Refuse (`assignment-not-generated`) when the gradebook `db` (its snapshot `template`)
    does not know the assignment."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{template}") as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            raise problem("assignment-not-generated", db, f"has no assignment "
                          f"'{assignment}'", f"run `nbgrader generate_assignment {assignment}`"
                          " in the course folder first.") from None


def failure(learner: str, kind: str, code: str, file: str | Path, message: str,
            hint: str) -> dict[str, Any]:
    """One row of `autograde-failures.csv` (the columns of grade-batch's failures.csv)."""
    return {"learner": learner, "kind": kind, "code": code, "file": str(file), "line": "",
            "message": message, "hint": hint}


@contextlib.contextmanager
def locked(course: Path) -> Iterator[None]:
    """Hold the course for this run alone: two runs would write the same learners."""
    try:
        handle = (course / LOCK).open("a")
    except OSError as exc:
        raise problem("output-refused", course, f"cannot be written to ({exc.strerror})",
                      "autograde as a user who may write to the course folder.") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise problem("output-refused", course, "another grader autograde is running in "
                          "this course", "wait for it to finish.") from None
        yield
