"""Batch grading speed: 30 failure-audit submissions graded by `grader grade-batch` with one
worker, then with one worker per core (issue 12). Each learner's feedback page (a
confusion-matrix plot) is most of the work. Prints figures; asserts nothing. Run with
`make bench`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMOS = ROOT / "tests" / "demo_submissions" / "failure-audit"
GRADER = Path(sys.executable).parent / "grader"
LEARNERS = 30


def make_cohort(folder: Path) -> Path:
    """30 learner folders, copies of the four gradable demo submissions in turn."""
    demos = ["beginner", "perfect", "half-missing", "one-label"]
    for n in range(LEARNERS):
        shutil.copytree(DEMOS / demos[n % len(demos)], folder / f"learner{n:02d}")
    return folder


def batch(cohort: Path, out: Path, workers: int) -> float:
    """Wall-clock seconds of one `grader grade-batch` process (cold, as a mentor runs it)."""
    start = time.perf_counter()
    subprocess.run([str(GRADER), "grade-batch", "--exercise", "failure-audit", "--cohort",
                    str(cohort), "--out", str(out), "--workers", str(workers), "--quiet"],
                   check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    """Grade the same cohort with 1 worker and with all cores, and the resumed rerun."""
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        cohort = make_cohort(Path(tmp) / "cohort")
        one = batch(cohort, Path(tmp) / "one", 1)
        print(f"{'grade-batch, 30 learners, 1 worker':<44} total {one:7.2f} s   "
              f"per learner {one / LEARNERS * 1000:7.1f} ms")
        many = batch(cohort, Path(tmp) / "many", cores)
        print(f"{f'grade-batch, 30 learners, {cores} workers':<44} total {many:7.2f} s   "
              f"per learner {many / LEARNERS * 1000:7.1f} ms   speed-up {one / many:4.2f}x "
              f"(ideal {cores}x)")
        same = (Path(tmp) / "one" / "scores.csv").read_bytes() == (
            Path(tmp) / "many" / "scores.csv").read_bytes()
        print(f"{'  scores.csv identical':<44} {same}")
        rerun = batch(cohort, Path(tmp) / "many", cores)
        print(f"{'rerun, nothing changed (resume)':<44} total {rerun:7.2f} s")


if __name__ == "__main__":
    main()
