"""One learner of `grader autograde`: nbgrader's own autograde in a private course folder (in
a worker process), and what the coordinator then does with its result.

The private folder holds what nbgrader's `Autograde` converter reads and writes for one
learner: `source/<assignment>` (a link to the course's), `submitted/<learner>` (a link to
the learner's folder), a copy of a snapshot of the course's gradebook, and the
`autograded/` folder nbgrader writes. The converter runs there with the course's own
configuration (so learner code runs in the sandbox of `grader.sandboxed_execute`, and the
grader's test cells are scored by `grader.nbgrader_scores`), and writes only to the private
gradebook. The worker reads back what autograde recorded for the learner (`Grades`); the
coordinating process alone writes it into the course's gradebook (`merge_grades`), as
nbgrader's `SaveAutoGrades` would have: `auto_score`, `needs_manual_grade` (set again when
a mentor has scored the cell), `auto_comment`, the late penalty, the submission's timestamp
and the grader's run record; a mentor's `manual_score`, `manual_comment` and `extra_credit`
are never touched.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import os
import re
import shutil
import uuid
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from traitlets.config import Config

from grader.runs import Run, read_runs

NEW, OLD = ".grader-new-", ".grader-old-"
STOPPED = "Notebook stopped ("  # grader.sandboxed_execute's warning
EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b")
GENERIC = re.compile(r"NbGraderException|^SystemExit|the above traceback|error processing "
                     r"assignment|Traceback")


@dataclass(frozen=True)
class Task:
    """One learner to autograde: the assignment, their id and the private course folder."""

    assignment: str
    learner: str
    root: Path


@dataclass
class Grades:
    """What nbgrader's autograde recorded for one learner's submission, per notebook:
    the late penalty, each grade's `auto_score`, `needs_manual_grade` and the
    `manual_score` it saw, each comment's `auto_comment`, and the grader's run record."""

    timestamp: dt.datetime | None
    notebooks: dict[str, dict[str, Any]] = field(default_factory=dict)
    runs: dict[str, Run] = field(default_factory=dict)

    def stopped(self) -> list[tuple[str, Run]]:
        """The notebooks autograde stopped (`timeout` or `crashed`), graded on their files."""
        return [(name, run) for name, run in sorted(self.runs.items())
                if run.outcome in ("timeout", "crashed")]


@dataclass
class Result:
    """A worker's answer: the grades, or why nbgrader could not autograde the learner."""

    task: Task
    grades: Grades | None = None
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    killed: bool = False  # its worker died, twice
    internal: bool = False  # the error is the grader's (a bug), not nbgrader's


def db_url(root: Path) -> str:
    """The address of the gradebook in course folder `root`."""
    return f"sqlite:///{root / 'gradebook.db'}"


def course_dir(config: Config, root: Path, **traits: str) -> Any:
    """nbgrader's `CourseDirectory` of `root` under `config` (its folder names and layout)."""
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=config, root=str(root), **traits)


def prepare(config: Config, course: Path, template: Path, task: Task) -> None:
    """Make `task.root` a private course folder for one learner (see the module's text)."""
    real, private = course_dir(config, course), course_dir(config, task.root)
    for step, who in ((real.source_directory, "."), (real.submitted_directory, task.learner)):
        link = Path(private.format_path(step, who, task.assignment))
        if who == ".":
            target = Path(real.format_path(step, ".", task.assignment))
        else:
            link, target = link.parent, Path(real.format_path(step, who, task.assignment)).parent
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target.resolve(), target_is_directory=True)
    shutil.copyfile(template, task.root / "gradebook.db")


# --- in a worker process ------------------------------------------------------------------

WORKER: dict[str, Any] = {}


def hiding(config: Config, course: Path) -> Config:
    """`config` with the real course folder hidden from learner code as well. Serial
    `nbgrader autograde` runs from the course folder, which the sandbox hides (its source
    notebooks hold the solutions, its `submitted/` everyone's work); here autograde runs from
    a private folder, which the sandbox hides instead, so the real one is named too."""
    config = copy.deepcopy(config)
    section = config.SandboxedExecute
    earlier = list(section.extra_hidden) if "extra_hidden" in section else []
    section.extra_hidden = [*earlier, str(course.resolve())]
    return config


def init_worker(config: Config, course: Path, template: Path) -> None:
    """Keep the course's configuration, folder and gradebook snapshot in this worker, and
    nbgrader's log out of the mentor's terminal (each learner's warnings are returned)."""
    from sqlalchemy.exc import SAWarning

    WORKER.update(config=hiding(config, course), course=course, template=template)
    logging.getLogger("traitlets").propagate = False
    # nbgrader's Gradebook warns of its own session use on every new submission
    warnings.filterwarnings("ignore", category=SAWarning)


def prepare_and_autograde(task: Task) -> Result:
    """Make the learner's private course folder and autograde them there; never raises
    (an error is nbgrader's message, or the exception's)."""
    try:
        shutil.rmtree(task.root, ignore_errors=True)  # left by a worker that died
        prepare(WORKER["config"], WORKER["course"], WORKER["template"], task)
        return autograde(WORKER["config"], task)
    except Exception as exc:
        return Result(task, error=f"{type(exc).__name__}: {exc}", internal=True)


def autograde(config: Config, task: Task) -> Result:
    """Run nbgrader's `Autograde` for one learner in their private course folder."""
    from nbgrader.converters import Autograde
    from nbgrader.utils import capture_log

    os.chdir(task.root)  # the sandbox hides the course folder autograde is run from
    coursedir = course_dir(config, task.root, assignment_id=task.assignment,
                           student_id=task.learner, db_url=db_url(task.root))
    converter = Autograde(coursedir=coursedir, config=config)
    converter.force, converter.create_student = True, True
    outcome = capture_log(converter)
    log = outcome.get("log", "")
    said = [line for line in log.splitlines() if line.startswith("[WARNING]")
            and STOPPED not in line]  # a stopped notebook is a row of the failures
    if not outcome["success"]:
        return Result(task, error=last_error(outcome.get("error", ""), log), warnings=said)
    return Result(task, read_grades(task), warnings=said)


def last_error(trace: str, log: str) -> str:
    """What went wrong, from nbgrader's log: the last exception of the traceback it logged
    for the learner, else its last error of its own (not the `NbGraderException` or exit
    that ends every failed run, nor its words pointing to the traceback)."""
    lines = [line.strip() for line in log.splitlines()]
    found = [line for line in lines if EXCEPTION.match(line) and not GENERIC.search(line)]
    found = found or [line.removeprefix("[ERROR] ") for line in lines
                      if line.startswith("[ERROR]") and not GENERIC.search(line)]
    found = found or [line.strip() for line in trace.splitlines() if EXCEPTION.match(line)]
    return found[-1] if found else "no reason given"


def read_grades(task: Task) -> Grades:
    """What autograde recorded for the learner in the private gradebook."""
    from nbgrader.api import Gradebook

    url = db_url(task.root)
    with Gradebook(url) as gradebook:
        submission = gradebook.find_submission(task.assignment, task.learner)
        grades = Grades(submission.timestamp)
        for notebook in submission.notebooks:
            grades.notebooks[notebook.name] = {
                "penalty": notebook.late_submission_penalty,
                "grades": {g.name: (g.auto_score, g.needs_manual_grade, g.manual_score)
                           for g in notebook.grades},
                "comments": {c.name: c.auto_comment for c in notebook.comments}}
    grades.runs = {notebook: run for (assignment, learner, notebook), run
                   in read_runs(url).items()
                   if (assignment, learner) == (task.assignment, task.learner)}
    return grades


# --- in the coordinating process ----------------------------------------------------------

def install(config: Config, course: Path, task: Task) -> None:
    """Put the learner's private `autograded/<learner>/<assignment>/` in the course in place
    of the old one: copied beside it, then renamed over it, so the folder is never found
    half-copied (a copy left by a killed run is removed by the next)."""
    source = Path(course_dir(config, task.root).format_path(
        course_dir(config, task.root).autograded_directory, task.learner, task.assignment))
    real = course_dir(config, course)
    dest = Path(real.format_path(real.autograded_directory, task.learner, task.assignment))
    dest.parent.mkdir(parents=True, exist_ok=True)
    for stale in dest.parent.glob(f"{NEW}*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in dest.parent.glob(f"{OLD}*"):
        shutil.rmtree(stale, ignore_errors=True)
    fresh, old = (dest.parent / f"{prefix}{uuid.uuid4().hex}" for prefix in (NEW, OLD))
    shutil.copytree(source, fresh, symlinks=True)
    if dest.exists():
        os.rename(dest, old)
    os.rename(fresh, dest)
    shutil.rmtree(old, ignore_errors=True)


def merge_grades(gradebook: Any, assignment: str, learner: str, grades: Grades,
                 before_commit: Callable[[], None]) -> None:
    """Write one learner's `grades` into the course's open `Gradebook`, in one transaction,
    as nbgrader's autograde would have (see the module's text). `before_commit` (putting
    their autograded folder in place) runs inside it: if it fails, no grade is written."""
    from grader.runs import runs

    gradebook.update_or_create_student(learner)
    if grades.timestamp is not None:
        gradebook.update_or_create_submission(assignment, learner, timestamp=grades.timestamp)
    else:
        gradebook.update_or_create_submission(assignment, learner)
    try:
        for name, notebook in grades.notebooks.items():
            target = gradebook.find_submission_notebook(name, assignment, learner)
            target.late_submission_penalty = notebook["penalty"]
            for cell, (auto, needs_manual, seen_manual) in notebook["grades"].items():
                grade = gradebook.find_grade(cell, name, assignment, learner)
                grade.auto_score = auto
                # SaveAutoGrades: a cell a mentor has scored needs their review again
                grade.needs_manual_grade = needs_manual or (
                    grade.manual_score is not None and seen_manual is None)
            for cell, comment in notebook["comments"].items():
                gradebook.find_comment(cell, name, assignment, learner).auto_comment = comment
        runs.metadata.create_all(gradebook.db.connection())  # in this transaction
        for notebook, run in grades.runs.items():
            key = ((runs.c.assignment == assignment) & (runs.c.student == learner)
                   & (runs.c.notebook == notebook))
            gradebook.db.execute(runs.delete().where(key))
            gradebook.db.execute(runs.insert().values(
                **{**asdict(run), "statuses": json.dumps(run.statuses)},
                assignment=assignment, student=learner, notebook=notebook,
                recorded_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)))
        gradebook.db.flush()  # any error of the gradebook's, before the folder is replaced
        before_commit()
        gradebook.db.commit()
    except BaseException:
        gradebook.db.rollback()
        raise
