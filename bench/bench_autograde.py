"""Autograde speed: 30 failure-audit notebooks autograded by nbgrader's own serial
`nbgrader autograde` (one run for all 30), then by `grader autograde` with one worker per
core, each in its own copy of the same course (issue 12). Learner code runs in the sandbox
in both, so bubblewrap must be installed. Prints both times, the speed-up and whether every
cell's score is the same in both gradebooks; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ASSIGNMENT = "failure-audit"
LEARNERS = 30


def run(course: Path, *command: str) -> float:
    """Wall-clock seconds of one command run in `course` (cold, as a mentor runs it)."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    start = time.perf_counter()
    subprocess.run(command, cwd=course, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def learner_notebook(release: Path, rows: list[dict[str, str]]) -> nbformat.NotebookNode:
    """The released notebook as a learner fills it in: `rows` tagged, the top failure
    counted, the source notebook's report."""
    source = nbformat.read(ROOT / "exercises" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                           as_version=4)
    nb = nbformat.read(release, as_version=4)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    solved = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in source.cells}
    by_id["tags"].source = "tags = labkit.blank_tags()\n" + "\n".join(
        f'tags.loc["{r["log_id"]}", ["label", "secondary_labels"]] = '
        f'["{r["label"]}", "{r["secondary_labels"]}"]' for r in rows)
    for grade_id in ("count", "evidence", "report"):
        by_id[grade_id].source = solved[grade_id].source
    return nb


def make_course(folder: Path, learners: int = LEARNERS) -> Path:
    """A copy of the course with the assignment generated and `learners` notebooks handed
    in: the demo submissions' tags, cut to different lengths."""
    course = folder / "course"
    shutil.copytree(ROOT / "exercises", course, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db"))
    run(course, str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT)
    release = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    demos = ROOT / "tests" / "demo_submissions" / ASSIGNMENT
    tags = {}
    for demo in ("beginner", "perfect", "half-missing", "one-label"):
        with (demos / demo / "tags.csv").open(encoding="utf-8") as handle:
            tags[demo] = [{"secondary_labels": "", **row} for row in csv.DictReader(handle)]
    for n in range(learners):
        rows = list(tags.values())[n % len(tags)]
        folder = course / "submitted" / f"learner{n:03d}" / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(learner_notebook(release, rows[: 40 + (n % 30) * 2]),
                       folder / f"{ASSIGNMENT}.ipynb")
    return course


def scores(course: Path) -> dict[tuple[str, str], tuple]:
    """Every cell's autograde score and review flag, by learner, from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {(s.student.id, g.name): (g.auto_score, g.needs_manual_grade)
                for s in gb.assignment_submissions(ASSIGNMENT)
                for nb in s.notebooks for g in nb.grades}


def main() -> None:
    """Autograde the same 30 notebooks serially and in parallel, in two copies."""
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "jupyter"  # away from the user's own Jupyter settings
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"):
            os.environ[name] = str(home / name.lower())
        prepared = make_course(Path(tmp) / "prepared")
        serial, parallel = Path(tmp) / "serial", Path(tmp) / "parallel"
        shutil.copytree(prepared, serial)
        shutil.copytree(prepared, parallel)
        one = run(serial, str(BIN / "nbgrader"), "autograde", ASSIGNMENT)
        print(f"{'nbgrader autograde, 30 notebooks (serial)':<48} total {one:7.2f} s   "
              f"per notebook {one / LEARNERS:5.2f} s")
        many = run(parallel, str(BIN / "grader"), "autograde", ASSIGNMENT, "--course", ".",
                   "--workers", str(cores), "--quiet")
        print(f"{f'grader autograde, 30 notebooks, {cores} workers':<48} total {many:7.2f} s   "
              f"per notebook {many / LEARNERS:5.2f} s   speed-up {one / many:4.2f}x "
              f"(ideal {cores}x)")
        ours, theirs = scores(parallel), scores(serial)
        print(f"{'  every cell scored the same':<48} {ours == theirs} "
              f"({len(ours)} cells of {len({k[0] for k in ours})} learners)")


if __name__ == "__main__":
    main()
