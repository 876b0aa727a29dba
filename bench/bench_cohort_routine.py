"""A mentor's routine for a cohort of 300 failure-audit learners, timed step by step (issue
12, item 6), each step one cold command as a mentor runs it:

- through nbgrader: `grader autograde` (every notebook run in the sandbox, one worker per
  core), nbgrader's own `generate_feedback`, `grader export` of the gradebook, and
  `grader cohort-report` over the files the notebooks wrote;
- from files alone: `grader grade-batch` over the same 300 folders, its rerun when nothing
  changed, and its rerun after ten learners hand in again.

Prints figures; asserts nothing. It takes about a quarter of an hour on two cores, so it is
`make bench-cohort`, not part of `make bench`; the guide for mentors quotes its output.
Needs bubblewrap, as autograde does.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from bench_autograde import ASSIGNMENT, BIN, make_course, run

LEARNERS = 300
CHANGED = 10


def main() -> None:
    """Build a course with 300 notebooks handed in, then time each step of the routine."""
    cores = os.cpu_count() or 1
    steps: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "jupyter"  # away from the user's own Jupyter settings
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"):
            os.environ[name] = str(home / name.lower())
        course = make_course(Path(tmp), LEARNERS)
        grader, nbgrader = str(BIN / "grader"), str(BIN / "nbgrader")
        steps.append((f"grader autograde, {cores} workers", run(
            course, grader, "autograde", ASSIGNMENT, "--course", ".", "--quiet")))
        steps.append(("nbgrader generate_feedback", run(
            course, nbgrader, "generate_feedback", ASSIGNMENT)))
        steps.append(("grader export (wide CSV)", run(
            course, grader, "export", "--db", "gradebook.db", "--out", "scores.csv")))
        steps.append(("grader cohort-report", run(
            course, grader, "cohort-report", "--exercise", ASSIGNMENT, "--cohort",
            "autograded", "--out", str(Path(tmp) / "cohort"))))
        batch = (grader, "grade-batch", "--exercise", ASSIGNMENT, "--cohort", "autograded",
                 "--out", str(Path(tmp) / "results"), "--quiet")
        steps.append((f"grader grade-batch, {cores} workers", run(course, *batch)))
        steps.append(("grade-batch rerun, nothing changed", run(course, *batch)))
        for n in range(CHANGED):
            tags = course / "autograded" / f"learner{n * 7:03d}" / ASSIGNMENT / "tags.csv"
            tags.write_text(tags.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        steps.append((f"grade-batch rerun, {CHANGED} handed in again", run(course, *batch)))
    print(f"a cohort of {LEARNERS} failure-audit learners on {cores} cores "
          f"(Python {sys.version.split()[0]})")
    for name, seconds in steps:
        print(f"{name:<40} total {seconds:7.1f} s   per learner {seconds / LEARNERS:6.3f} s")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"{'(whole routine, with setting up the course)':<40} total "
          f"{time.perf_counter() - start:7.1f} s")
