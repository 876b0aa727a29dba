"""The catalogue of bad inputs (issue 9): one fixture per section of the errors page.

`tests/error_catalogue/<code>/` holds the smallest realistic input that makes the `grader`
command line report `<code>`, and `args`: the command's arguments, one a line, with `{here}`
standing for the fixture's folder (and `{tmp}` for a fresh temporary folder, for what a
command writes). A fixture runs where it lies (a rubric's paths into the
course's materials are relative to it), unless it needs something that does not belong in
git (a symbolic link, a file of gigabytes, a binary database): then it is copied to a
temporary folder and `SETUP` builds that part there.

The tests hold the page, the fixtures and the grader in step: every `## code` section of
`course/reference/errors.md` has a fixture, or is one of the codes only nbgrader's steps
report (`NBGRADER_ONLY`, each covered by a test in `tests/test_nbgrader.py`) or only a
cohort changing during a batch gives (`BATCH_ONLY`, in `tests/test_batch.py`) or only
notebooks run by `grader autograde` give (`AUTOGRADE_ONLY`, in
`tests/test_parallel_autograde.py`); every fixture names a section; every section shows an
example, and the example of a code with a fixture is what the fixture really prints, not an
invented message.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import re
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pytest

from tests.conftest import ROOT, Run

CATALOGUE = ROOT / "tests" / "error_catalogue"
PAGE = ROOT / "course" / "reference" / "errors.md"
NBGRADER_TESTS = ROOT / "tests" / "test_nbgrader.py"
FIXTURES = sorted(path.name for path in CATALOGUE.iterdir() if path.is_dir())
MAX_FIXTURE_BYTES = 20_000  # a fixture is a few lines; anything larger is built by SETUP

# Codes reported only by the nbgrader steps of the course, and the test that covers each.
NBGRADER_ONLY = {
    "sandbox-unavailable": "test_without_bwrap_autograde_refuses_with_a_coded_error",
    "feedback-leak": "test_a_feedback_page_with_the_answer_key_is_not_written",
    "graded-cell-restored": "test_deleted_and_renamed_graded_cells_are_put_back_and_scored",
}
# Codes that only a cohort changing under `grader grade-batch` gives (no fixture can hold
# still while it changes), and the test in `tests/test_batch.py` that covers each.
BATCH_TESTS = ROOT / "tests" / "test_batch.py"
BATCH_ONLY = {
    "submission-changed": "test_a_submission_that_keeps_changing_is_reported",
}
# Codes that only `grader autograde` gives while it runs learners' notebooks (a notebook
# nbgrader cannot autograde, one stopped by its limits, a worker that died), and the test in
# `tests/test_parallel_autograde.py` that covers each.
AUTOGRADE_TESTS = ROOT / "tests" / "test_parallel_autograde.py"
AUTOGRADE_ONLY = {
    "notebook-invalid": "test_stopped_and_unusable_notebooks_are_listed_and_the_batch_goes_on",
    "notebook-stopped": "test_stopped_and_unusable_notebooks_are_listed_and_the_batch_goes_on",
    "worker-killed": "test_a_killed_worker_is_a_coded_problem_and_the_rest_is_graded",
}
# Problems of report.md's claims block (and of project 2's analysis.csv, and of project 3's
# files), and rows of tags.csv for logs not in the dataset: `grader check` lists them under a
# well-formed tags.csv (or design and log) and exits 0 with "not ready yet", since they never
# stop the rest being graded.
REPORT_CODES = frozenset({"unknown-log-id", "analysis-invalid", "claims-missing",
                          "claims-syntax", "claims-invalid", "claims-not-committed",
                          "pointer-unresolved", "quote-not-found", "quote-not-bot",
                          "unified-invalid", "rejects-invalid", "clusters-invalid",
                          "unknown-record-id", "record-not-clustered"})

HEADING = re.compile(r"^## (\S+)\s*$", re.M)
EXAMPLE = re.compile(r"^```text\n(.*?)^```", re.M | re.S)
CODE_AT_END = re.compile(r"\[([a-z][a-z-]*)\]$", re.M)


# --- what a fixture cannot keep in git ----------------------------------------------------

def _link_the_draft(here: Path) -> None:
    """`alex/tags.csv` as a symbolic link to the learner's draft beside the folder."""
    (here / "alex").mkdir()
    (here / "alex" / "tags.csv").symlink_to(Path("..") / "drafts" / "tags.csv")


def _two_gigabytes_of_tags(here: Path) -> None:
    """`alex/tags.csv` of 2 GiB, sparse: it takes no room on disk and is never read."""
    (here / "alex").mkdir()
    with (here / "alex" / "tags.csv").open("wb") as handle:
        handle.truncate(2 ** 31)


def _a_pasted_transcript(here: Path) -> None:
    """A note on line 6 of `alex/tags.csv` that holds a whole chat transcript, pasted."""
    turn = ("customer: can I pay with Klarna? bot: I'm not able to discuss payments or "
            "anything else involving money. ")
    with (here / "alex" / "tags.csv").open("a", encoding="utf-8") as handle:
        handle.write(f'SC-064,unwarranted-refusal,,"{turn * 1500}"\n')


def _another_programs_database(here: Path) -> None:
    """`shop.db`: an SQLite database, but a shop's, not nbgrader's gradebook."""
    with contextlib.closing(sqlite3.connect(here / "shop.db")) as connection, connection:
        connection.execute("CREATE TABLE invoices (id INTEGER, total REAL)")
        connection.execute("INSERT INTO invoices VALUES (1, 9.5)")


SETUP: dict[str, Callable[[Path], None]] = {
    "not-a-file": _link_the_draft,
    "file-too-large": _two_gigabytes_of_tags,
    "value-too-long": _a_pasted_transcript,
    "gradebook-invalid": _another_programs_database,
}


# --- running a fixture --------------------------------------------------------------------

def in_process(args: list[str]) -> Run:
    """`grader.cli.main` run in this process with `args`: its exit status and output."""
    from grader.cli import main

    out, err = io.StringIO(), io.StringIO()
    status: int | str | None = 0
    with (mock.patch.object(sys, "argv", ["grader", *args]),
          contextlib.redirect_stdout(out), contextlib.redirect_stderr(err)):
        try:
            main()
        except SystemExit as exit_status:
            status = exit_status.code
    return Run(status if isinstance(status, int) else 1, out.getvalue(), err.getvalue())


def fingerprint(folder: Path) -> dict[str, str]:
    """Each entry under `folder` and a digest of its content (a link: where it leads)."""
    prints = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            prints[name] = f"-> {os.readlink(path)}"
        elif path.is_file():
            with path.open("rb") as handle:  # a sparse file of gigabytes: its size will do
                prints[name] = (hashlib.sha256(handle.read()).hexdigest()
                                if path.stat().st_size <= MAX_FIXTURE_BYTES * 50
                                else f"{path.stat().st_size} bytes")
    return prints


def run_in(here: Path, code: str) -> tuple[Run, str]:
    """Run the fixture `code` found at `here`; its result and its output with `here` taken
    out of paths. Asserts that the run left every file as it was."""
    lines = (here / "args").read_text(encoding="utf-8").splitlines()
    with tempfile.TemporaryDirectory(prefix=f"catalogue-{code}-out-") as tmp:
        # `{tmp}`: a fresh folder for what the command writes (a batch's results)
        args = [line.replace("{here}", str(here)).replace("{tmp}", tmp)
                for line in lines if line.strip()]
        before = fingerprint(here)
        run = in_process(args)
    assert fingerprint(here) == before, f"{code}: the run changed its input files"
    output = run.stdout + run.stderr
    for folder in {os.path.realpath(here), str(here)}:
        output = output.replace(folder + os.sep, "").replace(folder, ".")
    return run, output


@functools.cache
def result(code: str) -> tuple[Run, str]:
    """The fixture's run, once per session: in place, or set up in a temporary copy."""
    fixture = CATALOGUE / code
    if code not in SETUP:
        return run_in(fixture, code)
    with tempfile.TemporaryDirectory(prefix=f"catalogue-{code}-") as folder:
        here = Path(folder) / code
        shutil.copytree(fixture, here)
        SETUP[code](here)
        return run_in(here, code)


# --- the page -----------------------------------------------------------------------------

@functools.cache
def sections() -> dict[str, str]:
    """Each `## code` section of the errors page, by code: the text below its heading."""
    parts = HEADING.split(PAGE.read_text(encoding="utf-8"))
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def example(code: str) -> list[str]:
    """The lines of the first ```text block of the code's section (none: no lines)."""
    found = EXAMPLE.search(sections()[code])
    return found.group(1).splitlines() if found else []


# --- the tests ----------------------------------------------------------------------------

@pytest.mark.parametrize("code", FIXTURES)
def test_the_fixture_gives_its_code_and_no_other(code: str) -> None:
    """A clean refusal with this code alone (a report problem: a check not ready yet)."""
    run, output = result(code)
    assert "Traceback" not in output and "internal error" not in output, output
    assert set(CODE_AT_END.findall(output)) == {code}, output
    if code in REPORT_CODES:
        assert run.returncode == 3 and "not ready yet" in run.stdout, output
    else:
        assert run.returncode == 2, output


@pytest.mark.parametrize("code", FIXTURES)
def test_the_pages_example_is_what_the_fixture_prints(code: str) -> None:
    """Every line of the section's example occurs in the fixture's real output."""
    lines = example(code)
    assert lines and f"[{code}]" in lines[0], f"## {code}: no example of the code"
    _, output = result(code)
    for line in lines:  # a hint line is shown without its trailing "see <address>"
        assert line.rstrip() in output, f"## {code}: {line!r} is not in the output:\n{output}"


def test_every_section_of_the_page_has_a_fixture_or_an_nbgrader_test() -> None:
    """No section of the page goes unproduced."""
    uncovered = (set(sections()) - set(FIXTURES) - set(NBGRADER_ONLY) - set(BATCH_ONLY)
                 - set(AUTOGRADE_ONLY))
    assert not uncovered, f"sections without a fixture in {CATALOGUE}: {sorted(uncovered)}"
    assert not set(FIXTURES) & (set(NBGRADER_ONLY) | set(BATCH_ONLY) | set(AUTOGRADE_ONLY))


def test_every_fixture_names_a_section_of_the_page() -> None:
    """No fixture of a code the page does not explain, nor a stray entry in the tables."""
    strays = set(FIXTURES) - set(sections())
    assert not strays, f"fixtures of codes the errors page does not have: {sorted(strays)}"
    assert set(FIXTURES).issuperset(set(SETUP) | REPORT_CODES)


# Each code without a fixture, and the test file and test that cover it.
COVERED_ELSEWHERE = {
    **{code: (NBGRADER_TESTS, test) for code, test in NBGRADER_ONLY.items()},
    **{code: (BATCH_TESTS, test) for code, test in BATCH_ONLY.items()},
    **{code: (AUTOGRADE_TESTS, test) for code, test in AUTOGRADE_ONLY.items()},
}


@pytest.mark.parametrize("code", sorted(COVERED_ELSEWHERE))
def test_a_code_without_a_fixture_has_an_example_and_a_test(code: str) -> None:
    """A code that only nbgrader's steps, a cohort changing during a batch or notebooks run
    by `grader autograde` give has an example, and a test that looks for the code itself."""
    lines = example(code)
    assert lines and f"[{code}]" in lines[0], f"## {code}: no example of the code"
    file, test = COVERED_ELSEWHERE[code]
    tests = file.read_text(encoding="utf-8")
    assert f"def {test}(" in tests
    assert f"[{code}]" in tests


@pytest.mark.parametrize("code", FIXTURES)
def test_a_fixture_is_small_text_with_its_command(code: str) -> None:
    """A fixture holds its `args` and small files, and no link."""
    here = CATALOGUE / code
    assert (here / "args").is_file(), f"{code}: no args file"
    for path in here.rglob("*"):
        assert not path.is_symlink(), f"{path}: a link belongs in SETUP, not in git"
        if path.is_file():
            assert path.stat().st_size <= MAX_FIXTURE_BYTES, f"{path}: build it in SETUP"
