"""`grader autograde` against nbgrader's own serial `nbgrader autograde`, on two copies of one
course: the same learners, the same scores in both gradebooks, cell by cell; a mentor's
override survives a re-run; bad input is a coded problem and the batch carries on."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from tests.conftest import DEMOS, ROOT
from tests.nbgrader_helpers import (
    BIN,
    copy_course,
    mentor_env,
    nbgrader,
    skip_without_bwrap,
    submit,
)
from tests.test_nbgrader import SOLUTIONS, TEST_LIMITS, learner_notebook, tag_lines

skip_without_bwrap()

ASSIGNMENT = "failure-audit"
UNICODE = "Zoë Martín"  # a space and accents in the folder name
IGNORES_INTERRUPT = ("import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                     "while True:\n    time.sleep(0.01)")


def learners(release: Path) -> dict[str, nbformat.NotebookNode | str]:
    """The cohort: honest full and partial work, an untouched notebook, a notebook that runs
    out of time, one whose kernel dies, a learner with a space and accents in their id, and
    a file that is no notebook."""
    with (DEMOS / "beginner" / "tags.csv").open(encoding="utf-8") as handle:
        beginner = tag_lines(list(csv.DictReader(handle))[:60])
    shallow = (SOLUTIONS / "sample_reports" / "08-adequate-shallow.md").read_text()
    source = ROOT / "exercises" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    return {
        "solved": nbformat.read(source, as_version=4),
        "partial": learner_notebook(release, beginner, shallow),
        "untouched": nbformat.read(release, as_version=4),
        "looper": learner_notebook(release, beginner, shallow, after_report=IGNORES_INTERRUPT),
        "crasher": learner_notebook(release, beginner, shallow,
                                    after_report="import os\nos._exit(3)"),
        UNICODE: learner_notebook(release, beginner, shallow),
        "broken": '{"cells": [ this is not a notebook',
    }


def cohort(course: Path, notebooks: dict[str, nbformat.NotebookNode | str]) -> None:
    """Hand in each learner's notebook, as `nbgrader collect` would."""
    for student, nb in notebooks.items():
        if isinstance(nb, str):
            folder = course / "submitted" / student / ASSIGNMENT
            folder.mkdir(parents=True)
            (folder / f"{ASSIGNMENT}.ipynb").write_text(nb, encoding="utf-8")
        else:
            submit(course, ASSIGNMENT, student, nb)


def grader_autograde(course: Path, *args: str) -> subprocess.CompletedProcess:
    """`grader autograde` of the assignment in `course`."""
    return subprocess.run([str(BIN / "grader"), "autograde", ASSIGNMENT, "--course",
                           str(course), "--quiet", *args], env=mentor_env(),
                          capture_output=True, text=True, timeout=600)


def gradebook(course: Path) -> dict[tuple[str, ...], tuple]:
    """Every grade and comment of the gradebook, read with nbgrader's API, by learner,
    notebook and cell: what autograde gives and what a mentor gave."""
    from nbgrader.api import Gradebook, MissingEntry

    from grader.runs import read_runs

    url = f"sqlite:///{course / 'gradebook.db'}"
    table: dict[tuple[str, ...], tuple] = {}
    with Gradebook(url) as gb:
        for student in gb.students:
            try:
                submission = gb.find_submission(ASSIGNMENT, student.id)
            except MissingEntry:
                continue
            table[(student.id,)] = (submission.timestamp,)
            for notebook in submission.notebooks:
                table[(student.id, notebook.name)] = (notebook.late_submission_penalty,)
                for g in notebook.grades:
                    table[(student.id, notebook.name, g.name)] = (
                        g.auto_score, g.manual_score, g.score, g.needs_manual_grade)
                for c in notebook.comments:
                    table[(student.id, notebook.name, "comment", c.name)] = (
                        c.auto_comment, c.manual_comment)
    for (_, student, notebook), run in read_runs(url).items():
        table[(student, notebook, "run")] = (run.sandbox, run.outcome, run.detail,
                                             tuple(sorted(run.statuses.items())))
    return table


def failures(course: Path) -> dict[str, tuple[str, str]]:
    """`autograde-failures.csv`: each learner's kind of failure and code."""
    with (course / "autograde-failures.csv").open(encoding="utf-8") as handle:
        return {row["learner"]: (row["kind"], row["code"]) for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Path:
    """A course with the assignment generated and the cohort handed in, not yet graded."""
    course = copy_course(tmp_path_factory.mktemp("prepared"), TEST_LIMITS)
    nbgrader(course, mentor_env(), "generate_assignment", ASSIGNMENT)
    cohort(course, learners(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"))
    return course


@pytest.fixture(scope="module")
def graded(prepared, tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    """The cohort autograded serially by nbgrader in one copy, by `grader autograde` with two
    workers in another."""
    serial = tmp_path_factory.mktemp("serial") / "course"
    parallel = tmp_path_factory.mktemp("parallel") / "course"
    shutil.copytree(prepared, serial, symlinks=True)
    shutil.copytree(prepared, parallel, symlinks=True)
    nbgrader(serial, mentor_env(), "autograde", ASSIGNMENT, check=False)  # "broken" fails
    return serial, parallel, grader_autograde(parallel, "--workers", "2")


def test_every_cell_scores_as_in_a_serial_nbgrader_run(graded):
    serial, parallel, done = graded
    ours, theirs = gradebook(parallel), gradebook(serial)
    assert {key[0] for key in ours} == {"solved", "partial", "untouched", "looper", "crasher",
                                        UNICODE}
    theirs = {key: value for key, value in theirs.items() if key[0] != "broken"}
    assert ours == theirs
    assert ours["solved", ASSIGNMENT, "tags-agreement"][0] == 50
    assert 0 < ours[UNICODE, ASSIGNMENT, "tags-agreement"][0] < 50
    assert "Traceback" not in done.stderr, done.stderr


def test_the_autograded_folders_are_nbgraders(graded):
    serial, parallel, _ = graded
    for student in ("solved", "partial", UNICODE, "looper"):
        ours = nbformat.read(parallel / "autograded" / student / ASSIGNMENT /
                             f"{ASSIGNMENT}.ipynb", as_version=4)
        theirs = nbformat.read(serial / "autograded" / student / ASSIGNMENT /
                               f"{ASSIGNMENT}.ipynb", as_version=4)
        assert [c.source for c in ours.cells] == [c.source for c in theirs.cells]
        assert {p.name for p in (parallel / "autograded" / student / ASSIGNMENT).iterdir()} \
            == {p.name for p in (serial / "autograded" / student / ASSIGNMENT).iterdir()}
    assert not (parallel / "autograded" / "broken").exists()
    assert not list((parallel / "autograded").rglob(".grader-*"))


def test_stopped_and_unusable_notebooks_are_listed_and_the_batch_goes_on(graded):
    _, parallel, done = graded
    assert done.returncode == 2, done.stdout + done.stderr
    assert failures(parallel) == {"looper": ("timeout", "notebook-stopped"),
                                  "crasher": ("crashed", "notebook-stopped"),
                                  "broken": ("unusable", "notebook-invalid")}
    assert "[notebook-invalid]" in done.stderr and "[notebook-stopped]" in done.stderr
    assert "7 learners: 6 autograded now" in done.stdout


def test_a_rerun_keeps_a_mentors_override_as_nbgrader_does(graded):
    from nbgrader.api import Gradebook

    serial, parallel, _ = graded
    for course in (serial, parallel):
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
            gb.find_grade("tags-agreement", ASSIGNMENT, ASSIGNMENT, "partial").manual_score = 42
            gb.find_grade("report-reasoning", ASSIGNMENT, ASSIGNMENT, "partial"
                          ).manual_score = 6
            gb.find_comment("report", ASSIGNMENT, ASSIGNMENT, "partial").manual_comment = "ok"
            gb.db.commit()
    nbgrader(serial, mentor_env(), "autograde", ASSIGNMENT, "--student", "partial", "--force")
    again = grader_autograde(parallel, "--student", "partial", "--force")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "1 learner: 1 autograded now" in again.stdout
    ours = gradebook(parallel)
    assert ours["partial", ASSIGNMENT, "tags-agreement"][1:] == (42, 42, True)
    assert ours["partial", ASSIGNMENT, "report-reasoning"][1:3] == (6, 6)
    assert ours["partial", ASSIGNMENT, "comment", "report"][1] == "ok"
    theirs = {k: v for k, v in gradebook(serial).items() if k[0] != "broken"}
    assert ours == theirs


def test_a_rerun_skips_what_is_already_autograded(graded):
    _, parallel, _ = graded
    before = gradebook(parallel)
    again = grader_autograde(parallel)
    assert "6 already autograded" in again.stdout
    assert failures(parallel) == {"broken": ("unusable", "notebook-invalid")}
    assert gradebook(parallel) == before


def test_a_learner_named_but_not_submitted_is_listed(prepared, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(prepared, course)
    done = grader_autograde(course, "--student", "nobody")
    assert done.returncode == 2 and "[submission-not-found]" in done.stderr, done.stderr
    assert failures(course) == {"nobody": ("unusable", "submission-not-found")}
    assert not (course / "autograded").exists()


def refused(course: Path, code: str) -> None:
    """`grader autograde` in `course` refuses with `code` alone, exit 2, and writes nothing."""
    before = {p: p.read_bytes() for p in course.rglob("*") if p.is_file()}
    done = grader_autograde(course)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"[{code}]" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert {p: p.read_bytes() for p in course.rglob("*") if p.is_file()} == before


def test_an_empty_cohort_is_refused(prepared, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(prepared, course, ignore=shutil.ignore_patterns("submitted"))
    (course / "submitted" / "alex").mkdir(parents=True)  # a learner without this assignment
    refused(course, "cohort-empty")


def test_a_corrupt_gradebook_is_refused(prepared, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(prepared, course)
    db = course / "gradebook.db"
    db.write_bytes(db.read_bytes()[:4096] + b"\0garbage" * 512)
    refused(course, "gradebook-invalid")


def test_an_assignment_never_generated_is_refused(prepared, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(prepared, course)
    shutil.copytree(course / "submitted" / "partial" / ASSIGNMENT,
                    course / "submitted" / "partial" / "red-team-probe")
    done = subprocess.run([str(BIN / "grader"), "autograde", "red-team-probe", "--course",
                           str(course)], env=mentor_env(), capture_output=True, text=True)
    assert done.returncode == 2 and "[assignment-not-generated]" in done.stderr, done.stderr


def parent(pid: int | str) -> int:
    """The parent process of `pid` (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        return int(status.split("PPid:")[1].split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def worker_of(marker: str, coordinator: int) -> int | None:
    """The worker process of `coordinator` (its child) that started the sandbox (bwrap)
    whose command line names `marker`."""
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if Path(argv[0].decode(errors="replace")).name == "bwrap" and \
                marker.encode() in b" ".join(argv):
            worker = parent(proc.name)
            if worker and parent(worker) == coordinator:
                return worker
    return None


def test_a_killed_worker_is_a_coded_problem_and_the_rest_is_graded(prepared, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(prepared, course, ignore=shutil.ignore_patterns("submitted"))
    release = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    keep = learners(release)
    cohort(course, {"partial": keep["partial"], "victim": keep["looper"]})
    run = subprocess.Popen([str(BIN / "grader"), "autograde", ASSIGNMENT, "--course",
                            str(course), "--quiet", "--workers", "2"], env=mentor_env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed: list[int] = []

    def kill_victims() -> None:  # every worker that runs the victim's notebook, as it runs
        while run.poll() is None:
            worker = worker_of("/victim/", run.pid)
            if worker and worker not in killed:
                killed.append(worker)
                os.kill(worker, signal.SIGKILL)  # a worker of the run this test started
            time.sleep(0.2)

    killer = threading.Thread(target=kill_victims)
    killer.start()
    out, err = run.communicate(timeout=600)
    killer.join()
    assert len(killed) == 2, (killed, out, err)
    assert run.returncode == 2, out + err
    assert failures(course) == {"victim": ("killed", "worker-killed")}
    assert "[worker-killed]" in err and "Traceback" not in err
    grades = gradebook(course)
    assert {key[0] for key in grades} == {"partial"}  # nothing of the victim's half-written
    assert not (course / "autograded" / "victim").exists()
    assert grades["partial", ASSIGNMENT, "tags-agreement"][0] > 0


@pytest.fixture
def outside_hidden_folders() -> Iterator[Path]:
    """A folder learner code would see unless it is hidden by name: the sandbox shows the
    system folders (/usr among them) read-only and nothing else, so a course kept under
    /usr/local is the case where hiding the course folder matters; removed afterwards."""
    base = Path("/usr/local")
    if not os.access(base, os.W_OK):
        pytest.skip("needs a writable /usr/local, a folder the sandbox shows to learner code")
    folder = Path(tempfile.mkdtemp(prefix="grader-autograde-test-", dir=base))
    folder.chmod(0o755)  # readable by others, as a course folder usually is
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_learner_code_cannot_read_the_course_it_is_graded_in(prepared, outside_hidden_folders):
    """Serial `nbgrader autograde` hides the course folder from learner code (its source
    notebook holds the solutions, `submitted/` everyone's work); run from a private folder,
    `grader autograde` hides the real course too. A learner who knows where the course is
    looks for the solved notebook and another learner's hand-in, and finds neither."""
    course = outside_hidden_folders / "course"
    shutil.copytree(prepared, course, ignore=shutil.ignore_patterns("submitted"))
    release = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    keep = learners(release)
    solution = course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    other = course / "submitted" / "partial" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    peek = (f"import os\nseen = [p for p in ({str(solution)!r}, {str(other)!r}) "
            "if os.path.exists(p)]\nopen('peek.txt', 'w').write(repr(seen))")
    with (DEMOS / "beginner" / "tags.csv").open(encoding="utf-8") as handle:
        beginner = tag_lines(list(csv.DictReader(handle))[:60])
    shallow = (SOLUTIONS / "sample_reports" / "08-adequate-shallow.md").read_text()
    cohort(course, {"partial": keep["partial"],
                    "peeker": learner_notebook(release, beginner, shallow, after_report=peek)})
    for folder in [course, *course.rglob("*")]:  # pytest's folders are private: open them
        if folder.is_dir():
            folder.chmod(0o755)
    done = grader_autograde(course, "--workers", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    seen = (course / "autograded" / "peeker" / ASSIGNMENT / "peek.txt").read_text()
    assert seen == "[]", seen
    grades = gradebook(course)
    for cell_id in ("tags-agreement", "tags-secondary"):  # the same work, the same score
        assert grades["peeker", ASSIGNMENT, cell_id][0] == grades["partial", ASSIGNMENT,
                                                                  cell_id][0]
