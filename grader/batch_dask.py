"""`grader grade-batch` on a Dask cluster (`dask.distributed`), instead of the local pool.

Each learner is one task: the worker that runs it loads the exercise once (the first time
it is asked to, for these settings) and grades the learner's folder into the batch's output
folder, as a local worker does. So the cluster's workers must see the same paths as this
machine: the course (rubric, answer key, codebook, the grader's code and environment), the
cohort folder and the output folder, on a shared file system. This process keeps the
ledger (the manifest, `scores.csv`, `failures.csv`), so the results are written from one
place whatever the number of workers. A learner whose task is lost with its worker (killed,
out of memory) is reported as a crash; the next run grades them again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from grader.errors import Problem, UnusableInput

if TYPE_CHECKING:
    from distributed import Client

    from grader.batch import Settings
    from grader.batch_output import Outcome
    from grader.cohort import Learner


def grade_on_worker(task: tuple[Learner, str], settings: Settings) -> Outcome:
    """Grade one learner on a Dask worker, loading the exercise there on first use."""
    from grader.batch import WORKER, grade_learner, init_worker

    if WORKER.get("settings") != settings:
        init_worker(settings)
    return grade_learner(task)


def connect(scheduler: str) -> Client:
    """A client of the Dask scheduler at `scheduler`, or `scheduler-unreachable`."""
    from distributed import Client

    try:
        return Client(scheduler, timeout="10s")
    except (OSError, TimeoutError, ValueError) as error:
        raise UnusableInput([Problem(
            "scheduler-unreachable", scheduler, f"no Dask scheduler answers: {error}", None,
            "start the scheduler (`dask scheduler`) and its workers, or pass the address "
            "it prints (tcp://host:8786); leave out --scheduler to grade on this machine.")]
        ) from None


def check_scheduler(scheduler: str) -> None:
    """Raise `scheduler-unreachable` now, before a batch writes anything, if no scheduler
    answers at `scheduler`."""
    connect(scheduler).close()


def run_on_cluster(tasks: list[tuple[Learner, str]], settings: Settings, scheduler: str,
                   record: Callable[[Outcome], bool]) -> None:
    """Grade `tasks` on the Dask cluster whose scheduler is at `scheduler` (e.g.
    `tcp://10.0.0.5:8786`), passing each outcome to `record` as it arrives; `record`
    returns False to stop the batch (the tasks not started are cancelled)."""
    from distributed import as_completed

    from grader.batch_output import Outcome

    with connect(scheduler) as client:
        futures = {client.submit(grade_on_worker, task, settings, pure=False,
                                 key=f"grade-{task[0].stem}-{task[1][:12]}"): task
                   for task in tasks}
        done = as_completed(futures)
        for future in done:
            learner = futures[future][0]
            try:
                outcome = future.result()
            except Exception as error:  # the task died with its worker, or was lost
                outcome = Outcome(learner.id, "crash", error=f"{type(error).__name__}: "
                                  f"the Dask task failed ({error})")
            if not record(outcome):
                client.cancel(list(futures))
                return
