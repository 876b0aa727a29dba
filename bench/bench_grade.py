"""Grading speed: one submission cold (a whole `grader` process), in-process, and a batch.

Targets (see the foundation issue): under 1 s cold, under 20 ms in-process. Prints figures;
asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.grade import grade_submission, load_exercise
from grader.metrics import tag_metrics
from grader.rubric import exercise_rubric

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "tests" / "demo_submissions" / "failure-audit" / "beginner"
GRADER = Path(sys.executable).parent / "grader"


def timed(action, repeats: int) -> list[float]:
    """Wall-clock seconds of each of `repeats` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def report(name: str, times: list[float], target: float | None = None) -> None:
    """Print the median and the worst of `times`, against a target if there is one."""
    median = statistics.median(times)
    verdict = ""
    if target is not None:
        verdict = f"  (target {target * 1000:.0f} ms: {'met' if median < target else 'MISSED'})"
    print(f"{name:<42} median {median * 1000:8.1f} ms   max {max(times) * 1000:8.1f} ms"
          f"   n={len(times)}{verdict}")


def main() -> None:
    """Run the three measurements and print them."""
    command = [str(GRADER), "grade", "--exercise", "failure-audit", "--submission", str(DEMO),
               "--format", "json"]
    report("cold: one `grader grade` process", timed(
        lambda: subprocess.run(command, check=True, capture_output=True), 7), target=1.0)

    exercise = load_exercise(exercise_rubric("failure-audit"))
    report("load exercise (rubric, codebook, key)",
           timed(lambda: load_exercise(exercise_rubric("failure-audit")), 20))
    report("in-process: grade one submission", timed(
        lambda: grade_submission(exercise, DEMO), 200), target=0.020)
    grade = grade_submission(exercise, DEMO)
    report("  of which the agreement metrics", timed(
        lambda: tag_metrics(grade.context.alignment), 200))

    with tempfile.TemporaryDirectory() as tmp:
        folders = []
        for n in range(1000):
            folder = Path(tmp) / f"s{n:04d}"
            folder.mkdir()
            shutil.copy(DEMO / "tags.csv", folder / "tags.csv")
            folders.append(folder)
        start = time.perf_counter()
        for folder in folders:
            grade_submission(exercise, folder)
        total = time.perf_counter() - start
    print(f"{'batch: 1,000 submissions, one process':<42} total {total:8.2f} s    "
          f"per submission {total:.2f} ms")


if __name__ == "__main__":
    main()
