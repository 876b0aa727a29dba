"""Helpers of the tests that run the real nbgrader command line on a copy of the course
(tests/test_nbgrader.py for project 1, tests/test_probe_nbgrader.py for project 2)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.conftest import ROOT

BIN = Path(sys.executable).parent
HAS_BWRAP = shutil.which("bwrap") is not None
MENTOR_SECRET = "mentor-token-1234"  # in nbgrader's environment; never in learner code's


def skip_without_bwrap() -> None:
    """Skip the calling test module where bubblewrap is missing (but fail on CI)."""
    if not HAS_BWRAP and not os.environ.get("CI"):
        pytest.skip("bubblewrap is not installed (apt-get install -y bubblewrap)",
                    allow_module_level=True)


def nbgrader(course: Path, env: dict, *args: str,
             check: bool = True) -> subprocess.CompletedProcess:
    """Run the `nbgrader` command line in `course`."""
    done = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=900)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def mentor_env(path: str | None = None) -> dict[str, str]:
    """The environment nbgrader runs in: the venv's commands first, and a mentor's secret
    that learner code must never see."""
    return {**os.environ, "PATH": path or f"{BIN}{os.pathsep}{os.environ['PATH']}",
            "MENTOR_SECRET": MENTOR_SECRET}


def copy_course(folder: Path, limits: str, *ignore: str) -> Path:
    """A copy of the course's `exercises/` folder in `folder`, with `limits` appended to its
    nbgrader configuration."""
    course = folder / "course"
    shutil.copytree(ROOT / "exercises", course, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", *ignore))
    with (course / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(limits)
    return course


def submit(course: Path, assignment: str, student: str, nb: nbformat.NotebookNode,
           files: dict[str, str | bytes] | None = None) -> Path:
    """Put a learner's notebook (and any other files) in `submitted/`, as `nbgrader collect`
    would; returns the folder."""
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    for name, content in (files or {}).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def cell(nb, grade_id: str):
    """The cell of a notebook with this nbgrader grade id."""
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def insert_after(nb: nbformat.NotebookNode, grade_id: str, *sources: str
                 ) -> nbformat.NotebookNode:
    """The notebook with new code cells of the learner's own right after a graded cell."""
    at = nb.cells.index(cell(nb, grade_id)) + 1
    nb.cells[at:at] = [nbformat.v4.new_code_cell(source) for source in sources]
    return nb


def outputs_text(c) -> str:
    """What a cell printed (streams and plain-text results)."""
    return "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                   for o in c.get("outputs", []))


def export(course: Path) -> list[dict]:
    """The rows of `grader export --long` of the course's gradebook."""
    done = subprocess.run([str(BIN / "grader"), "export", "--long", "--db",
                           str(course / "gradebook.db")],
                          capture_output=True, text=True, check=True)
    return list(csv.DictReader(io.StringIO(done.stdout)))


def automatic_scores(rows: list[dict], automatic) -> dict[str, dict[str, float]]:
    """Per-criterion scores of the `automatic` criteria in an export, by learner."""
    table: dict[str, dict[str, float]] = {}
    for row in rows:
        if row["criterion"] in automatic:
            table.setdefault(row["student"], {})[row["criterion"]] = float(row["score"])
    return table


def run_of(rows: list[dict], student: str) -> tuple[str, str]:
    """How a learner's notebook ran: the sandbox and the outcome."""
    row = next(r for r in rows if r["student"] == student)
    return row["sandbox"], row["run_outcome"]


def network_code(port: int) -> str:
    """Learner code that sends the mentor's secret, if it can read it, to a port of the
    grading machine's loopback."""
    return (f"import socket, os\ns = socket.socket()\ns.settimeout(3)\ntry:\n"
            f"    s.connect(('127.0.0.1', {port}))\n"
            f"    s.sendall(os.environ.get('MENTOR_SECRET', 'none').encode())\n"
            f"except OSError as exc:\n    print('blocked', exc)\n")


def assert_clean_run(notebook: nbformat.NotebookNode) -> None:
    """No code cell of an executed notebook raised an error or wrote to stderr (which
    nbgrader scores 0)."""
    for code in notebook.cells:
        if code.cell_type != "code":
            continue
        for output in code.outputs:
            assert output.output_type != "error", code.metadata["nbgrader"]["grade_id"]
            assert output.get("name") != "stderr", (code.metadata["nbgrader"]["grade_id"],
                                                    output.get("text"))


def assert_self_check_ready(notebook: nbformat.NotebookNode) -> None:
    """The executed notebook's `self-check` cell printed "ready to submit"."""
    check = cell(notebook, "self-check")
    text = "".join(o.get("text", "") for o in check.outputs)
    assert "ready to submit" in text and "not ready" not in text, text
