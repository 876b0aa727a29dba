"""`grader autograde`: nbgrader's autograde of a cohort's notebooks, several at once, with
one process writing the gradebook.

`nbgrader autograde` runs one notebook after another, and its gradebook (SQLite) must not
be written by several processes at once. Here each learner is autograded by nbgrader's own
`Autograde` converter, unchanged and with the course's configuration (so learner code runs
in the sandbox and the grader's cells are scored outside it), in a worker process of a
local `ProcessPoolExecutor`, in a private course folder with a private copy of the
gradebook (`grader.autograde_learner`). The coordinating process alone writes to the
course: it puts the learner's `autograded/` folder in place and merges what autograde
recorded into the course's gradebook with nbgrader's `Gradebook` API, one learner at a
time, each in one transaction, keeping a mentor's manual scores and comments as nbgrader's
own re-autograde does. Workers thus need no lock and cannot leave the gradebook half
written; the scores are nbgrader's own, so they equal those of a serial run.

Learners are chosen as `nbgrader autograde` chooses them: everyone in `submitted/` with the
assignment (or those named with `--student`), skipping those already autograded unless their
submission is newer or `--force` is given. A learner who cannot be graded does not stop the
batch: an unreadable notebook (`notebook-invalid`), a worker that died (`worker-killed`,
after one more try in a fresh worker), a notebook stopped by its time limit or a dead kernel
(`notebook-stopped`, graded on the files it wrote) are rows of `autograde-failures.csv` in
the course folder, rewritten atomically at the end of each run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from traitlets.config import Config

from grader.autograde_course import (
    check_assignment,
    check_sandbox,
    failure,
    find_learners,
    gradebook_path,
    is_done,
    load_config,
    locked,
    problem,
)
from grader.autograde_learner import Result, Task, course_dir, install, merge_grades
from grader.batch_output import FAILURE_COLUMNS, OutputFailed, csv_text, write_atomic
from grader.errors import Problem

FAILURES = "autograde-failures.csv"


class InternalError(Exception):
    """An exception raised in a worker, by the grader's code: its name and message."""


@dataclass
class AutogradeResult:
    """What a run did: counts, the rows of `autograde-failures.csv`, nbgrader's warnings."""

    assignment: str
    learners: int
    graded: int
    skipped: int
    failures: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> int:
        """0 every learner graded (some perhaps on a stopped notebook's files), 2 some could
        not be (coded problems), 1 a crash (a bug)."""
        kinds = {row["kind"] for row in self.failures}
        return 1 if "crash" in kinds else 2 if kinds - {"timeout", "crashed"} else 0


def run_autograde(assignment: str, course: Path, *, workers: int | None = None,
                  students: Sequence[str] = (), force: bool = False,
                  quiet: bool = True) -> AutogradeResult:
    """Autograde `assignment` for the learners of `course` in `workers` processes (one per
    core by default). Raises `UnusableInput` when nothing can be graded (no course, no
    gradebook or a corrupt one, an assignment never generated, no learner, no sandbox);
    a learner who cannot be graded is a row of the result's failures."""
    from grader.autograde_learner import init_worker
    from grader.batch import progress_bar
    from grader.export import snapshot_gradebook

    course = course.absolute()
    config = load_config(course)
    coursedir = course_dir(config, course)
    db = gradebook_path(coursedir, assignment)
    learners, failures = find_learners(coursedir, assignment, students)
    with tempfile.TemporaryDirectory(prefix="grader-autograde-") as scratch:
        template = snapshot_gradebook(db, Path(scratch))
        check_assignment(template, assignment, db)
        check_sandbox(config)
        todo = [x for x in learners if force or not is_done(coursedir, assignment, x)]
        tasks = [Task(assignment, x, Path(scratch) / f"learner-{n}") for n, x in enumerate(todo)]
        result = AutogradeResult(assignment, len(learners) + len(failures), 0,
                                 len(learners) - len(todo), failures)
        preload()
        with locked(course), progress_bar(len(tasks), quiet) as advance, \
                open_gradebook(db) as gradebook:

            def record(outcome: Result) -> None:
                advance()
                take(outcome, config, course, gradebook, result)

            count = min(workers or os.cpu_count() or 1, max(len(tasks), 1))
            run_pool(tasks, (config, course, template), count, init_worker, record)
            result.failures.sort(key=lambda row: row["learner"])
            try:
                write_atomic(course / FAILURES, csv_text(FAILURE_COLUMNS, result.failures))
            except OutputFailed as error:  # the grades are in; only the list is lost
                raise problem("output-refused", course / FAILURES, f"cannot be written "
                              f"({error}); the learners were autograded", "free some space "
                              "and run it again for the list (with --force for all).") from None
    return result


@contextlib.contextmanager
def open_gradebook(db: Path) -> Iterator[Any]:
    """The course's gradebook, open in this process for the whole run."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings(), Gradebook(f"sqlite:///{db}") as gradebook:
        warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader's session use
        yield gradebook


def preload() -> None:
    """Import nbgrader and the grader's autograde steps before the pool forks this process,
    so that workers share them instead of importing them again each."""
    import nbgrader.converters
    import nbgrader.preprocessors  # noqa: F401

    import grader.nbgrader_scores
    import grader.restore_cells
    import grader.sandboxed_execute  # noqa: F401


def take(outcome: Result, config: Config, course: Path, gradebook: Any,
         result: AutogradeResult) -> None:
    """Put one learner's autograde into the course (folder, then gradebook), or note why it
    could not be done; the learner's private folder is removed either way."""
    task = outcome.task
    real = course_dir(config, course)
    where = Path(real.format_path(real.submitted_directory, task.learner, task.assignment))
    with contextlib.suppress(ValueError):
        where = where.relative_to(course)
    result.warnings += [f"{task.learner}: {line}" for line in outcome.warnings]
    try:
        if outcome.internal:
            name, _, message = outcome.error.partition(": ")
            raise InternalError(name, message)
        if outcome.grades is None:
            result.failures.append(
                failure(task.learner, "killed", "worker-killed", where, outcome.error,
                        "autograde it again; if it dies again, look for what grows without "
                        "bound in nbgrader's process (output, files the notebook writes).")
                if outcome.killed else
                failure(task.learner, "unusable", "notebook-invalid", where,
                        f"nbgrader could not autograde it: {outcome.error}",
                        "open the notebook in Jupyter and save it again: it must be the "
                        "assignment's notebook, not renamed or edited outside Jupyter."))
            return
        merge_grades(gradebook, task.assignment, task.learner, outcome.grades,
                     lambda: install(config, course, task))
        result.graded += 1
        for notebook, run in outcome.grades.stopped():
            result.failures.append(failure(
                task.learner, run.outcome, "notebook-stopped", where / f"{notebook}.ipynb",
                run.detail, "graded on the files it wrote before it stopped; its outputs "
                "in autograded/ show where."))
    except Exception as exc:
        name, message = exc.args if isinstance(exc, InternalError) else (
            type(exc).__name__, str(exc))
        result.failures.append(failure(task.learner, "crash", name, where, message,
                                       "a bug in the grader: please report it."))
    finally:
        shutil.rmtree(task.root, ignore_errors=True)


def run_pool(tasks: list[Task], setup: tuple[Config, Path, Path], workers: int,
             init: Callable[..., None], record: Callable[[Result], None]) -> None:
    """Autograde `tasks` in a pool of `workers`, passing each result to `record`. Learners
    lost with a worker that died are autograded again one by one, each in a fresh worker;
    one lost again is recorded as killed."""
    lost = _pool_round(tasks, setup, workers, init, record)
    for task in lost:
        if _pool_round([task], setup, 1, init, record):
            record(Result(task, error="the process autograding it died, and again in a "
                                      "fresh one (killed, or out of memory)", killed=True))


def _pool_round(tasks: list[Task], setup: tuple[Config, Path, Path], workers: int,
                init: Callable[..., None], record: Callable[[Result], None]) -> list[Task]:
    """One pool over `tasks`; the tasks lost with a dead worker."""
    from grader.autograde_learner import prepare_and_autograde

    lost = []
    with ProcessPoolExecutor(workers, initializer=init, initargs=setup) as pool:
        futures = {pool.submit(prepare_and_autograde, task): task for task in tasks}
        for future in as_completed(futures):
            try:
                record(future.result())
            except BrokenProcessPool:
                lost.append(futures[future])
    return lost


def report_lines(result: AutogradeResult, course: Path) -> tuple[list[str], str]:
    """What a mentor reads in a terminal: nbgrader's warnings and each failure with its
    fix (for stderr), and a summary (for stdout)."""
    from grader.errors import visible

    lines = [visible(line, one_line=True) for line in result.warnings]
    for row in result.failures:
        if row["kind"] == "crash":
            lines.append(visible(f"{row['learner']}: internal error: {row['code']}: "
                                 f"{row['message']} (a bug in the grader, not in the "
                                 "submission: please report it)", one_line=True))
        else:
            lines.append(f"{row['kind']}: " + Problem(row["code"], row["file"],
                                                      row["message"], None,
                                                      row["hint"]).render())
    failed = len({row["learner"] for row in result.failures
                  if row["kind"] not in ("timeout", "crashed")})
    summary = (f"{result.assignment}: {result.learners} learner"
               f"{'s' if result.learners != 1 else ''}: {result.graded} autograded "
               f"now, {result.skipped} already autograded (kept; --force to redo), {failed} "
               f"not autograded; the list: {course / FAILURES}")
    return lines, summary
