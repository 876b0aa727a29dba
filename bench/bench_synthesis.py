"""Speed of practice project 3 (the cross-domain synthesis).

Targets (issue 11): the notebook's reference solution runs in under 60 s on 2 cores, and one
hand-in is graded in under 2 s cold (a whole `grader` process). Prints figures; asserts
nothing. Run with `make bench`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_grade import report, timed  # beside this file

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "exercises" / "source" / "cross-domain-synthesis"
GRADER = Path(sys.executable).parent / "grader"
JUPYTER = Path(sys.executable).parent / "jupyter"


def main() -> None:
    """Run the reference notebook headless (twice), then grade what it wrote, cold and warm."""
    from grader.rubric import exercise_rubric
    from grader.synthesis_grade import grade_synthesis, load_synthesis_exercise

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "cross-domain-synthesis"
        shutil.copytree(SOURCE, folder)
        run = [str(JUPYTER), "nbconvert", "--to", "notebook", "--execute", "--inplace",
               "--ExecutePreprocessor.timeout=300", str(folder / "cross-domain-synthesis.ipynb")]
        report("reference notebook, whole run",
               timed(lambda: subprocess.run(run, capture_output=True, check=True), 2), 60.0)
        command = [str(GRADER), "grade", "--exercise", "cross-domain-synthesis",
                   "--submission", str(folder), "--format", "json"]
        report("grade, cold (one process)",
               timed(lambda: subprocess.run(command, capture_output=True, check=True), 5), 2.0)
        exercise = load_synthesis_exercise(exercise_rubric("cross-domain-synthesis"))
        report("grade, in process", timed(lambda: grade_synthesis(exercise, folder), 10))


if __name__ == "__main__":
    main()
