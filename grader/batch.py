"""`grader grade-batch`: grade a whole cohort's submission folders, in parallel, resumably.

Grading is a pure function over files, so each learner is graded in a worker process (a
local `ProcessPoolExecutor`; each worker loads the exercise once) and the worker writes that
learner's feedback itself. The main process keeps the record, `manifest.json`: for each
learner, the content hash of their folder (`grader.cohort.content_hash`) and where the
result is. A rerun into the same folder skips a learner whose hash is unchanged and whose
result exists, so a batch that was stopped picks up where it stopped, and a changed
submission is graded again. Every file is written to a temporary file beside it and renamed
over it (`os.replace`), so a batch killed at any moment leaves no half-written file; the
temporary files of a killed run are removed by the next one. `scores.csv` and
`failures.csv` are rebuilt at the end from the per-learner JSON.

A folder that changes while it is graded (a learner still copying files in) is hashed
before and after: it is graded once more, then reported (`submission-changed`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from grader.batch_output import (
    FEEDBACK,
    Ledger,
    Outcome,
    OutputFailed,
    is_done,
    locked,
    prepare_outdir,
    read_manifest,
    refused,
    write_atomic,
)
from grader.cohort import Learner, content_hash, find_learners, is_nbgrader_layout
from grader.errors import Problem, UnusableInput

GRADER_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Settings:
    """What every worker needs to grade: the rubric, its kind, where results go, and the
    feedback's visibility."""

    rubric: Path
    kind: str          # the rubric's kind: audit, probe or synthesis
    out: Path
    released: bool


# --- one learner, in a worker -------------------------------------------------------------

WORKER: dict[str, Any] = {}


def init_worker(settings: Settings) -> None:
    """Load the exercise once, in each worker process (and in this one for `--workers 1`)."""
    WORKER.update(settings=settings, exercise=load_checked(settings.rubric, settings.kind))


def grade_data(learner: Learner) -> tuple[dict[str, Any], str]:
    """The feedback data of `learner`'s folder and a note for the mentor. For the probe,
    the log must be of this learner's own variant (`probe_grade_of`)."""
    settings, exercise = WORKER["settings"], WORKER["exercise"]
    visibility = "released" if settings.released else "formative"
    if settings.kind == "probe":
        from grader.grade_feedback import grade_feedback_dict
        from grader.probe_grade import probe_grade_of

        grade, note = probe_grade_of(exercise, learner.folder, learner.id)
        return grade_feedback_dict(grade, visibility), note
    if settings.kind == "synthesis":
        from grader.grade_feedback import grade_feedback_dict
        from grader.synthesis_grade import grade_synthesis

        return grade_feedback_dict(grade_synthesis(exercise, learner.folder), visibility), ""
    from grader.feedback import feedback_dict
    from grader.grade import grade_submission

    grade = grade_submission(exercise, learner.folder)
    skipped = grade.skipped
    note = (f"{len(skipped)} row(s) of tags.csv skipped, log ids not in the dataset (first: "
            f"line {skipped[0].line}: {skipped[0].hint})" if skipped else "")
    return feedback_dict(grade, visibility), note


def render_page(data: dict[str, Any]) -> str:
    """The feedback page of `data` (a grade's, or an error's)."""
    if "error" in data:
        return error_page(data)
    if WORKER["settings"].kind in ("probe", "synthesis"):
        from grader.grade_feedback import render_grade_html

        return render_grade_html(data)
    from grader.feedback import render_html

    return render_html(data)


def error_page(data: dict[str, Any]) -> str:
    """A page listing why a submission could not be graded, each problem with its fix."""
    from jinja2 import Environment

    return Environment(autoescape=True).from_string(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>not graded"
        "</title></head><body><h1>Your submission could not be graded</h1><ul>"
        "{% for p in problems %}<li>{{ p.file }}{% if p.line %} line {{ p.line }}{% endif %}"
        ": {{ p.message }} [{{ p.code }}]<br>{{ p.hint }} <a href='{{ p.docs }}'>{{ p.code }}"
        "</a></li>{% endfor %}</ul></body></html>").render(problems=data["error"]["problems"])


def grade_stable(learner: Learner, before: str
                 ) -> tuple[tuple[dict[str, Any], str] | UnusableInput, str]:
    """Grade `learner` (their data and note, or why it is unusable) and the hash of the
    folder it was graded from, which held still meanwhile: a folder whose hash moved is
    graded once more, then refused (`submission-changed`)."""
    for _ in range(2):
        try:
            result: tuple[dict[str, Any], str] | UnusableInput = grade_data(learner)
        except UnusableInput as error:
            result = error
        after = content_hash(learner.folder)
        if after == before:
            return result, after
        before = after
    raise UnusableInput([Problem(
        "submission-changed", str(learner.folder), "changed while it was graded, twice; "
        "not graded", None, "grade it again once the files have stopped changing (was it "
        "still being copied?).")])


def grade_learner(task: tuple[Learner, str]) -> Outcome:
    """Grade one learner and write their feedback (JSON and HTML); never raises."""
    learner, before = task
    feedback = WORKER["settings"].out / FEEDBACK
    try:
        result, digest = grade_stable(learner, before)
        if isinstance(result, UnusableInput):
            data: dict[str, Any] = error_json(result)
            kind, note = "unusable", ""
        else:
            (data, note), kind = result, "graded"
        write_atomic(feedback / f"{learner.stem}.html", render_page(data))
        write_atomic(feedback / f"{learner.stem}.json", json.dumps(data, indent=2) + "\n")
        return Outcome(learner.id, kind, digest, data.get("error", {}).get("problems", []),
                       note=note)
    except UnusableInput as error:  # submission-changed, or a file that cannot be hashed
        return Outcome(learner.id, "changed" if error.problems[0].code == "submission-changed"
                       else "unusable", problems=[p.as_dict() for p in error.problems])
    except OutputFailed as error:
        return Outcome(learner.id, "output", error=str(error))
    except Exception as exc:
        return Outcome(learner.id, "crash", error=f"{type(exc).__name__}: {exc}")


def error_json(error: UnusableInput) -> dict[str, Any]:
    """What `grader grade --format json` prints for an unusable submission."""
    from grader.feedback import error_dict

    return error_dict(error)


# --- the batch ----------------------------------------------------------------------------

@dataclass
class BatchResult:
    """What a batch did: counts, the rows of `failures.csv` and the mentor's notes."""

    exercise: str
    layout: str
    learners: int
    graded: int
    skipped: int
    failures: list[dict[str, Any]]
    notes: dict[str, str]

    @property
    def status(self) -> int:
        """0 all graded, 2 some could not be (coded problems), 1 a crash (a bug)."""
        kinds = {row["kind"] for row in self.failures}
        return 1 if "crash" in kinds else 2 if kinds else 0


def exercise_files(exercise: Any, rubric: Path) -> list[Path]:
    """Every file of the exercise a grade depends on, and the grader's own code."""
    if hasattr(exercise, "files"):  # the probe's
        files = [Path(p) for p in exercise.files]
    else:
        r = exercise.rubric
        files = [rubric, r.answer_key, r.codebook]
        if r.claims is not None:
            files += [r.claims.planted_causes,
                      *sorted(p for p in Path(r.claims.materials).rglob("*") if p.is_file())]
    code = [*GRADER_DIR.rglob("*.py"), *GRADER_DIR.rglob("*.j2"),
            *(GRADER_DIR.parent / "labkit").rglob("*.py")]
    return files + sorted(code)


def grading_key(files: Iterable[Path], released: bool) -> str:
    """A digest of what grades depend on besides the submission: when it changes (a key
    corrected, the grader updated, released feedback asked for), every learner is regraded."""
    digest = hashlib.sha256(b"released" if released else b"formative")
    for path in files:
        digest.update(str(path).encode("utf-8", "surrogateescape") + b"\0")
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def run_tasks(tasks: list[tuple[Learner, str]], settings: Settings, workers: int,
              record: Callable[[Outcome], bool]) -> None:
    """Grade `tasks`, in this process (`workers` 1) or in a pool, passing each outcome to
    `record`, which returns False to stop the batch. Learners lost with a worker that died
    (killed, out of memory) are graded again one by one, each in a fresh worker."""
    if workers <= 1:
        init_worker(settings)
        for task in tasks:
            if not record(grade_learner(task)):
                return
        return
    preload(settings.kind)
    lost = _pool_round(tasks, settings, workers, record)
    for task in lost or []:
        again = _pool_round([task], settings, 1, record)
        if again is None:
            return
        if again:
            record(Outcome(task[0].id, "crash", error="BrokenProcessPool: the worker process "
                           "died while grading (killed, or out of memory)"))


def preload(kind: str) -> None:
    """Import the feedback renderers (matplotlib, scikit-learn's plot) in this process
    before a pool forks it, so that the workers share them instead of each importing them
    again (seconds each); with another start method than fork this would be wasted."""
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        return
    if kind == "probe":
        import grader.probe_grade
        return
    if kind == "synthesis":
        import sklearn.metrics

        import grader.synthesis_grade  # noqa: F401
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot
    import sklearn.metrics  # noqa: F401


def _pool_round(tasks: list[tuple[Learner, str]], settings: Settings, workers: int,
                record: Callable[[Outcome], bool]) -> list[tuple[Learner, str]] | None:
    """One pool over `tasks`; the tasks lost with a dead worker, or None when stopped."""
    lost = []
    with ProcessPoolExecutor(workers, initializer=init_worker, initargs=(settings,)) as pool:
        futures = {pool.submit(grade_learner, task): task for task in tasks}
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except BrokenProcessPool:
                lost.append(futures[future])
                continue
            if not record(outcome):
                pool.shutdown(wait=True, cancel_futures=True)
                return None
    return lost


def load_checked(rubric: Path, kind: str) -> Any:
    """The exercise, loaded once (here, to report an unusable rubric before any work, and
    in each worker)."""
    if kind == "synthesis":
        from grader.synthesis_grade import load_synthesis_exercise

        return load_synthesis_exercise(rubric)
    if kind == "probe":
        from grader.probe_grade import load_probe_exercise

        return load_probe_exercise(rubric)
    from grader.grade import load_exercise

    return load_exercise(rubric)


def todo(out: Path, learners: list[Learner], entries: dict[str, dict[str, Any]]
         ) -> list[tuple[Learner, str]]:
    """The learners to grade, each with their content hash: all but those whose result of
    this very content is on disk. `entries` keeps only the learners left as they were."""
    tasks = []
    for learner in learners:
        try:
            digest = content_hash(learner.folder)
        except UnusableInput:
            digest = ""  # the worker reports it
        if not is_done(out, entries.get(learner.id), digest):
            tasks.append((learner, digest))
            entries.pop(learner.id, None)
    return tasks


def run_batch(rubric: Path, cohort: Path, out: Path, *, workers: int | None = None,
              released: bool = False, force: bool = False, quiet: bool = True,
              scheduler: str | None = None) -> BatchResult:
    """Grade every learner of `cohort` into `out` and rebuild its tables, in a local pool
    of `workers` processes or, given a Dask `scheduler` address, on that cluster
    (`grader.batch_dask`). Raises `UnusableInput` when nothing can be graded (an unusable
    rubric, no learners, `out` refused, a result that cannot be written, no scheduler at
    the address); a learner whose submission cannot be graded is a row of `failures.csv`."""
    from grader.rubric import rubric_kind

    kind, cohort = rubric_kind(rubric), cohort.absolute()  # paths in messages: whole
    exercise = load_checked(rubric, kind)
    name = exercise.rubric.exercise
    layout = "nbgrader" if is_nbgrader_layout(cohort, name) else "folders"
    learners, clashes = find_learners(cohort, name)  # before `out` is made
    if scheduler:
        from grader.batch_dask import check_scheduler

        check_scheduler(scheduler)
    prepare_outdir(out, cohort, force)
    key = grading_key(exercise_files(exercise, rubric), released)
    with locked(out):
        ids = {learner.id for learner in learners}
        entries = {k: v for k, v in ({} if force else read_manifest(out, key)).items()
                   if k in ids}
        ledger = Ledger(out, name, key, {x.id: x.stem for x in learners}, entries)
        tasks = todo(out, learners, entries)
        count = min(workers or os.cpu_count() or 1, max(len(tasks), 1))
        failures: list[dict[str, Any]] = []
        with progress_bar(len(tasks), quiet) as advance:

            def record(outcome: Outcome) -> bool:
                advance()
                return ledger.add(outcome)

            try:
                settings = Settings(rubric.resolve(), kind, out.absolute(), released)
                if scheduler:
                    from grader.batch_dask import run_on_cluster

                    run_on_cluster(tasks, settings, scheduler, record)
                else:
                    run_tasks(tasks, settings, count, record)
                if not ledger.stopped:
                    failures = ledger.finish([c.id for c in exercise.rubric.criteria], clashes)
            except OutputFailed as error:
                ledger.stopped = str(error)
        if ledger.stopped:
            raise refused(out, f"a result could not be written ({ledger.stopped}); the "
                          "batch stopped", "free some space or choose another --out, then "
                          "run it again: what was written is kept, and the rest is graded.")
    notes = {k: v["note"] for k, v in entries.items() if v.get("note")}
    return BatchResult(name, layout, len(learners) + len(clashes), ledger.graded,
                       len(learners) - len(tasks), failures, notes)


@contextlib.contextmanager
def progress_bar(total: int, quiet: bool) -> Iterator[Callable[[], None]]:
    """A rich progress bar on stderr (none when quiet or stderr is not a terminal); yields
    the function that moves it one learner on."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    disable = quiet or not sys.stderr.isatty()
    with Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), disable=disable) as progress:
        task = progress.add_task("grading", total=total)
        yield lambda: progress.advance(task)


def problem_lines(result: BatchResult) -> list[str]:
    """The failures as a mentor reads them in a terminal: each learner's first problem with
    its fix (every one is in failures.csv), or the crash."""
    lines = []
    for learner in dict.fromkeys(row["learner"] for row in result.failures):
        rows = [row for row in result.failures if row["learner"] == learner]
        first = rows[0]
        if first["kind"] == "crash":
            lines.append(f"{learner}: internal error: {first['code']}: {first['message']} "
                         "(a bug in the grader, not in the submission: please report it)")
            continue
        more = f" (and {len(rows) - 1} more in failures.csv)" if len(rows) > 1 else ""
        problem = Problem(first["code"], first["file"], first["message"] + more,
                          first["line"] or None, first["hint"])
        if not Path(first["file"]).is_absolute():  # a file of the submission: whose
            problem = replace(problem, file=f"{learner}/{first['file']}")
        lines.append(problem.render())
    return lines
