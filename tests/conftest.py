"""Shared fixtures: the course's real data, the grader run as a subprocess, goldens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.grade import Exercise, load_exercise
from grader.rubric import exercise_rubric

ROOT = Path(__file__).resolve().parent.parent
DEMOS = ROOT / "tests" / "demo_submissions" / "failure-audit"
GOLDENS = ROOT / "tests" / "goldens"


def pytest_configure(config: pytest.Config) -> None:
    """Keep Jupyter, IPython and nbgrader away from the user's own settings."""
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="course-tests-jupyter-"))
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"):
        os.environ[name] = str(home / name.lower())


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true",
                     help="rewrite tests/goldens/ from the current output instead of comparing")


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def exercise() -> Exercise:
    return load_exercise(exercise_rubric("failure-audit"))


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The course site, built once with `mkdocs build --strict`."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                           str(out)], cwd=ROOT, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return out


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        return json.loads(self.stdout)


def run_grader(*args: str | Path, cwd: Path = ROOT) -> Run:
    """Run the installed `grader` console script in a separate process."""
    script = Path(sys.executable).parent / "grader"
    env = {**os.environ, "COLUMNS": "100"}
    done = subprocess.run([str(script), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def grader_cli():
    return run_grader


def write_tags(folder: Path, text: str | bytes) -> Path:
    """A submission folder holding `tags.csv` with exactly this content."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tags.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def listener():
    """A TCP server on the grader's loopback that records every connection made to it (the
    nbgrader tests' learner code must never reach it)."""
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.5)
    seen: list[str] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            seen.append(conn.recv(100).decode(errors="replace"))
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join()
    server.close()


SYNTHESIS_HAND_IN = ("unified.jsonl", "rejects.csv", "clusters.csv", "memo.md")


@pytest.fixture(scope="session")
def synthesis_run(tmp_path_factory) -> tuple[Path, object]:
    """Practice project 3's source notebook (solutions in place) run from top to bottom in
    a copy of its folder: the folder, holding the four files it wrote, and the notebook."""
    import shutil

    import nbformat
    from nbclient import NotebookClient

    source = ROOT / "exercises" / "source" / "cross-domain-synthesis"
    folder = tmp_path_factory.mktemp("synthesis") / "cross-domain-synthesis"
    shutil.copytree(source, folder)
    for name in SYNTHESIS_HAND_IN:  # never grade files left in the source folder
        (folder / name).unlink(missing_ok=True)
    notebook = nbformat.read(folder / "cross-domain-synthesis.ipynb", as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return folder, notebook


def check_published(page: Path, markers: tuple[str, str], text: str, update: bool) -> None:
    """`text` stands in `page` between the two `markers` (a calibration table of the grading
    page); with `update` (`pytest --update-goldens`) it is written there first."""
    def published() -> tuple[str, int, int]:
        content = page.read_text(encoding="utf-8")
        return (content, content.index(markers[0]) + len(markers[0]),
                content.index(markers[1]))

    content, start, end = published()
    if update:
        page.write_text(content[:start] + text + content[end:], encoding="utf-8")
        content, start, end = published()
    assert content[start:end] == text, "run `pytest --update-goldens` and review the table"
