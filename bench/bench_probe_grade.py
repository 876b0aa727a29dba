"""Grading speed of practice project 2 (the red-team probe), replay included.

Target (issue 10): one submission graded, its log replayed, in under 2 s cold (a whole
`grader` process). Prints figures; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench_grade import report, timed  # beside this file

from grader.probe_grade import grade_probe, load_probe_exercise
from grader.rubric import exercise_rubric

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "solutions" / "red-team-probe" / "samples" / "thorough"
GRADER = Path(sys.executable).parent / "grader"


def main() -> None:
    """Cold (a new process each time) and warm (in process) grading of the thorough sample."""
    records = sum(1 for _ in (SAMPLE / "probe_log.jsonl").open(encoding="utf-8"))
    print(f"red-team-probe sample: {records} logged calls")
    command = [str(GRADER), "grade", "--exercise", "red-team-probe", "--submission",
               str(SAMPLE), "--format", "json"]
    report("grade, cold (one process)",
           timed(lambda: subprocess.run(command, capture_output=True, check=True), 5), 2.0)
    exercise = load_probe_exercise(exercise_rubric("red-team-probe"))
    report("grade, in process", timed(lambda: grade_probe(exercise, SAMPLE), 10))


if __name__ == "__main__":
    main()
