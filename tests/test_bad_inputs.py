"""The catalogue of bad inputs of issue 9, one test (or more) per row, run through the CLI.

Each input is handed to the `grader` command line. The inputs built to exhaust memory or
the stack, the runs as an unprivileged user, and one case of every row run the installed
console script in its own process, under a memory limit so that a regression fails instead
of eating the machine; the rest run its entry point in this process (see `cli`). Every one
must end in exit status 2 with a coded problem (never 1, never a traceback), must not echo
the content of a file that is not the learner's, and must leave every file it was given
byte for byte as it was.

Rows covered elsewhere as well: `tests/test_outputs.py` (`--out` targets, export of
non-gradebooks) and `tests/test_hostile_yaml.py` (alias bombs, deep nesting, duplicate keys,
problem floods of codebooks).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import io
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
import yaml

from tests.conftest import DEMOS, ROOT, Run

PERFECT = DEMOS / "perfect"
SOLUTIONS = ROOT / "solutions" / "failure-audit"
KEY = SOLUTIONS / "answer_key.csv"
RUBRIC = SOLUTIONS / "rubric.yaml"
CODEBOOK = ROOT / "datasets" / "taxonomy" / "codebook.yaml"
GRADER = Path(sys.executable).parent / "grader"
MEMORY_LIMIT = 1_500_000_000  # bytes of address space; the grader needs a fraction of it
NOBODY = 65534


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def unprivileged() -> list[str]:
    """The command prefix that drops root's privileges (root reads and writes anything)."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot drop privileges")
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


def cli(*args: str | Path, isolated: bool = False, as_nobody: bool = False) -> Run:
    """Run `grader` with these arguments.

    `isolated`: as the installed console script in its own process, under a memory limit
    (for the inputs built to exhaust memory, and one case of each row); `as_nobody`: the
    same, as an unprivileged user when the tests run as root. Otherwise the command line's
    entry point runs in this process, which is twenty times faster (a new process spends
    most of its time importing), with the same exit status and output.
    """
    if not (isolated or as_nobody):
        return in_process(*args)
    prefix = unprivileged() if as_nobody else []
    env = {**os.environ, "COLUMNS": "100", "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([*prefix, str(GRADER), *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120, preexec_fn=_limit_memory)
    return Run(done.returncode, done.stdout, done.stderr)


def in_process(*args: str | Path) -> Run:
    """`grader.cli.main` run here with these arguments: its exit status and output."""
    from grader.cli import main

    out, err = io.StringIO(), io.StringIO()
    with (mock.patch.object(sys, "argv", ["grader", *map(str, args)]),
          contextlib.redirect_stdout(out), contextlib.redirect_stderr(err),
          pytest.raises(SystemExit) as exit_status):
        main()
    code = exit_status.value.code
    return Run(code if isinstance(code, int) else 1, out.getvalue(), err.getvalue())


def refused(run: Run, code: str, *needles: str) -> str:
    """Assert a clean refusal: exit 2, the coded problem, no traceback; return the output."""
    output = run.stdout + run.stderr
    assert run.returncode == 2, output[-3000:]
    assert "Traceback" not in output and "internal error" not in output, output[-3000:]
    assert f"[{code}]" in output or f'"code": "{code}"' in output, output[-3000:]
    for needle in needles:
        assert needle in output, output[-3000:]
    return output


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def key_secrets() -> list[str]:
    """Text only the answer key holds: its header and some of its rationales."""
    import csv

    with KEY.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return ["kb_article,rationale", *(row["rationale"][:60] for row in rows[:5])]


def grade(submission: Path, *extra: str | Path, **kwargs) -> Run:
    return cli("grade", "--exercise", "failure-audit", "--submission", submission, *extra,
               **kwargs)


@pytest.fixture
def submission(tmp_path: Path) -> Path:
    """A copy of the perfect demo submission."""
    folder = tmp_path / "alex"
    shutil.copytree(PERFECT, folder)
    return folder


@pytest.fixture
def open_tmp() -> Iterator[Path]:
    """A temporary folder any user may enter (pytest's own is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="grader-bad-inputs-"))
    folder.chmod(0o755)
    yield folder
    for top, folders, files in os.walk(folder):  # give back what the test took away
        for name in folders:
            Path(top, name).chmod(0o755)
        for name in files:
            if not Path(top, name).is_symlink():
                Path(top, name).chmod(0o644)
    shutil.rmtree(folder)


# --- row: tags.csv a symlink to the answer key (absolute, relative; grade and check) ------

@pytest.mark.parametrize("command", ["grade", "check"])
@pytest.mark.parametrize("kind", ["absolute", "relative"])
def test_tags_linked_to_the_answer_key_are_refused(submission, command, kind):
    tags = submission / "tags.csv"
    tags.unlink()
    tags.symlink_to(KEY if kind == "absolute" else os.path.relpath(KEY, submission))
    isolated = kind == "absolute"
    run = (grade(submission, "--format", "json", isolated=isolated) if command == "grade"
           else cli("check", "--submission", submission, isolated=isolated))
    output = refused(run, "not-a-file", "link")
    assert "well-formed" not in output and '"score"' not in output
    for secret in key_secrets():
        assert secret not in output


@pytest.mark.parametrize("command", ["grade", "check"])
def test_tags_hard_linked_to_an_answer_key_are_refused(submission, tmp_path, command):
    # a hard link is another name of the key's data: no link to follow, the same harm
    key = tmp_path / "mentor-key.csv"
    shutil.copy(KEY, key)
    tags = submission / "tags.csv"
    tags.unlink()
    os.link(key, tags)
    run = (grade(submission, "--format", "json") if command == "grade"
           else cli("check", "--submission", submission))
    output = refused(run, "not-a-file", "hard link")
    assert '"score"' not in output
    for secret in key_secrets():
        assert secret not in output


# --- row: tags.csv a symlink to /etc/passwd ---------------------------------------------

@pytest.mark.parametrize("command", ["grade", "check"])
def test_tags_linked_to_a_system_file_echo_nothing_of_it(submission, command):
    tags = submission / "tags.csv"
    tags.unlink()
    tags.symlink_to("/etc/passwd")
    run = (grade(submission, "--format", "json", isolated=True) if command == "grade"
           else cli("check", "--submission", submission))
    output = refused(run, "not-a-file")
    first_line = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0]
    assert first_line not in output and "root:" not in output


# --- row: unreadable tags.csv (non-root user); BOM-only tags.csv; 2 GiB tags.csv ---------

@pytest.mark.parametrize("command", ["grade", "check"])
def test_unreadable_tags_are_a_coded_problem(open_tmp, command):
    folder = open_tmp / "alex"
    shutil.copytree(PERFECT, folder)
    folder.chmod(0o755)
    (folder / "tags.csv").chmod(0o000)
    run = (grade(folder, as_nobody=True) if command == "grade"
           else cli("check", "--submission", folder, as_nobody=True))
    refused(run, "not-a-file", "cannot be read")


@pytest.mark.parametrize("content", [b"\xef\xbb\xbf", b"\xef\xbb\xbf  \r\n\r\n"],
                         ids=["bom", "bom-and-blank-lines"])
@pytest.mark.parametrize("command", ["grade", "check"])
def test_bom_only_tags_are_empty(submission, command, content):
    (submission / "tags.csv").write_bytes(content)
    run = (grade(submission) if command == "grade"
           else cli("check", "--submission", submission))
    refused(run, "file-empty")


@pytest.mark.parametrize("command", ["grade", "check"])
def test_a_2_gib_tags_file_is_refused_before_it_is_read(submission, command):
    tags = submission / "tags.csv"
    tags.unlink()
    tags.touch()
    os.truncate(tags, 2 * 2**30)  # sparse: takes no room on disk
    run = (grade(submission, isolated=True) if command == "grade"
           else cli("check", "--submission", submission))
    refused(run, "file-too-large", "20 MB")


# --- row: --out to a missing folder, a directory, /proc/version, a read-only folder, /dev/full

@pytest.mark.parametrize(("target", "needle"), [
    ("missing/alex.json", "does not exist"),
    (".", "is a folder"),
    ("/dev/full", "is not an ordinary file"),
    ("/proc/version", "already exists"),
], ids=["missing-folder", "directory", "dev-full", "proc-version"])
def test_unusable_out_targets_are_refused_before_grading(tmp_path, target, needle):
    out = Path(target) if target.startswith("/") else tmp_path / target
    before = set(tmp_path.rglob("*"))
    run = grade(PERFECT, "--format", "json", "--out", out)
    refused(run, "output-refused", needle)
    assert '"score"' not in run.stdout  # refused before grading: no work done, none lost
    assert set(tmp_path.rglob("*")) == before


@pytest.mark.parametrize("target", ["/proc/version", "/proc/grader-feedback.json",
                                    "/dev/full"])
def test_unwritable_out_targets_are_refused_before_grading_even_with_force(target):
    run = grade(PERFECT, "--format", "json", "--out", target, "--force")
    refused(run, "output-refused")
    assert '"score"' not in run.stdout  # found out before grading, not after
    assert "printed above instead" not in run.stderr


def test_a_write_that_fails_after_grading_prints_the_result_instead(tmp_path):
    # a disk that fills up between the check and the write: the work is not lost
    out = tmp_path / "alex.json"
    with mock.patch("os.fsync", side_effect=OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))):
        run = grade(PERFECT, "--format", "json", "--out", out)
    refused(run, "output-refused", "printed above instead")
    assert '"score": 92' in run.stdout
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


def test_out_in_a_read_only_folder_is_refused_before_grading(open_tmp):
    folder = open_tmp / "read-only"
    folder.mkdir()
    folder.chmod(0o555)  # and as root, the grader runs as another user
    run = grade(PERFECT, "--out", folder / "alex.txt", as_nobody=True)
    refused(run, "output-refused", "cannot be written")
    assert list(folder.iterdir()) == []


# --- row: --out onto the learner's tags.csv, the answer key, any existing file -----------

@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
@pytest.mark.parametrize("target", ["tags", "report", "key", "rubric", "codebook"])
def test_out_never_replaces_a_file_being_graded(submission, target, force):
    out = {"tags": submission / "tags.csv", "report": submission / "report.md", "key": KEY,
           "rubric": RUBRIC, "codebook": CODEBOOK}[target]
    before = digest(out)
    run = grade(submission, "--format", "json", "--out", out, *(["--force"] if force else []),
                isolated=target == "key" and force)
    refused(run, "output-refused")
    assert digest(out) == before


def test_out_never_replaces_an_existing_file_without_force(submission, tmp_path):
    out = tmp_path / "notes.json"
    out.write_text("a mentor's notes\n", encoding="utf-8")
    refused(grade(submission, "--format", "json", "--out", out), "output-refused",
            "already exists")
    assert out.read_text(encoding="utf-8") == "a mentor's notes\n"


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_out_is_not_replaced_when_the_submission_is_unusable(submission, tmp_path, fmt):
    (submission / "tags.csv").write_text("log_id,label\nSC-001,halucination\n",
                                         encoding="utf-8")
    out = tmp_path / "notes.json"
    out.write_text("a mentor's notes\n", encoding="utf-8")
    refused(grade(submission, "--format", fmt, "--out", out), "output-refused")
    assert out.read_text(encoding="utf-8") == "a mentor's notes\n"


def test_out_is_not_replaced_when_the_rubric_is_unusable(submission, tmp_path):
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text("exercise: [unclosed\n", encoding="utf-8")
    out = tmp_path / "notes.json"
    out.write_text("a mentor's notes\n", encoding="utf-8")
    run = cli("grade", "--rubric", rubric, "--submission", submission, "--format", "json",
              "--out", out, isolated=True)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert out.read_text(encoding="utf-8") == "a mentor's notes\n"
    # and the rubric itself, named as --out, is never replaced
    before = digest(rubric)
    run = cli("grade", "--rubric", rubric, "--submission", submission, "--format", "json",
              "--out", rubric, "--force")
    refused(run, "output-refused")
    assert digest(rubric) == before


# --- shared: a workshop's own exercise folder built from the course's --------------------

def own_exercise(folder: Path, *, rubric: str | None = None, key: str | None = None,
                 planted: str | None = None, codebook: str | None = None) -> Path:
    """A copy of the failure-audit exercise in `folder`, with any file replaced by text;
    returns the rubric's path."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = {
        "rubric.yaml": rubric if rubric is not None else rubric_text(lambda data: None),
        "answer_key.csv": key if key is not None else KEY.read_text(encoding="utf-8"),
        "planted_causes.yaml": planted if planted is not None else (
            SOLUTIONS / "planted_causes.yaml").read_text(encoding="utf-8"),
        "codebook.yaml": codebook if codebook is not None else CODEBOOK.read_text(
            encoding="utf-8"),
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder / "rubric.yaml"


def rubric_text(edit) -> str:
    """The course rubric (as a workshop's copy) after `edit(data)`."""
    data = yaml.safe_load(RUBRIC.read_text(encoding="utf-8"))
    data["codebook"] = "codebook.yaml"
    data["claims"]["materials"] = str(ROOT / "datasets" / "support-chat")
    edit(data)
    return yaml.safe_dump(data, sort_keys=False)


def criterion(data: dict, scorer: str) -> dict:
    return next(c for c in data["criteria"] if c["scorer"] == scorer)


# --- row: a 19 kB codebook of YAML aliases that pass type checks (same via --rubric) ------

def alias_codebook() -> str:
    """About 19 kB of codebook whose aliases expand to 2,890,000 well-typed codes."""
    code = ("&c {id: fake-code, name: Fake, definition: d, use_when: u, examples: [a, b], "
            "root_causes: [data]}")
    codes = ", ".join([code, *["*c"] * 1699])
    return ("schema_version: 1\nname: Bomb\nversion: \"1.0.0\"\ndescription: d\n"
            "no_failure_code: fake-code\nlayers: [{id: data, name: Data, description: d}]\n"
            f"families:\n  - &f {{id: fam, name: F, description: d, codes: [{codes}]}}\n"
            + "  - *f\n" * 1699)


def test_the_alias_codebook_is_about_19_kb_of_well_typed_aliases():
    text = alias_codebook()
    assert 15_000 < len(text.encode()) < 25_000
    assert text.count("*c") + text.count("*f") > 3000


def test_an_alias_codebook_is_refused_by_taxonomy_validate(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text(alias_codebook(), encoding="utf-8")
    refused(cli("taxonomy", "validate", path, isolated=True), "yaml-syntax",
            "anchors and aliases")


def test_an_alias_codebook_is_refused_through_a_rubric(tmp_path, submission):
    rubric = own_exercise(tmp_path / "workshop", codebook=alias_codebook())
    refused(cli("grade", "--rubric", rubric, "--submission", submission, isolated=True),
            "yaml-syntax", "anchors and aliases")


def test_an_alias_rubric_is_refused(tmp_path, submission):
    text = rubric_text(lambda data: None)
    text = text.replace("scorer: tag_agreement", "scorer: &s tag_agreement", 1)
    text = text.replace("scorer: secondary_overlap", "scorer: *s", 1)
    rubric = own_exercise(tmp_path / "workshop", rubric=text)
    refused(cli("grade", "--rubric", rubric, "--submission", submission, isolated=True),
            "rubric-invalid", "anchors and aliases")


# --- row: a 20 MB codebook ---------------------------------------------------------------

def huge_codebook() -> str:
    """About 20 MB of codebook, every code of which breaks the format twice."""
    entry = "      - {id: Not A Slug, colour: red}\n"
    count = 20_000_000 // len(entry)
    return ("schema_version: 1\nname: Huge\nversion: \"1.0.0\"\ndescription: d\n"
            "no_failure_code: x\nlayers: [{id: data, name: Data, description: d}]\n"
            "families:\n  - id: fam\n    name: F\n    description: d\n    codes:\n"
            + entry * count)


def test_a_20_mb_codebook_is_refused_by_taxonomy_validate(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text(huge_codebook(), encoding="utf-8")
    run = cli("taxonomy", "validate", path, isolated=True)
    refused(run, "file-too-large", "limit")
    assert len((run.stdout + run.stderr).splitlines()) < 10


def test_a_20_mb_codebook_is_refused_through_a_rubric(tmp_path, submission):
    rubric = own_exercise(tmp_path / "workshop", codebook=huge_codebook())
    run = cli("grade", "--rubric", rubric, "--submission", submission, isolated=True)
    refused(run, "file-too-large", "limit")
    assert len((run.stdout + run.stderr).splitlines()) < 10


def test_a_sparse_2_gib_codebook_is_refused_through_a_rubric(tmp_path, submission):
    rubric = own_exercise(tmp_path / "workshop")
    os.truncate(tmp_path / "workshop" / "codebook.yaml", 2 * 2**30)
    refused(cli("grade", "--rubric", rubric, "--submission", submission, isolated=True),
            "file-too-large")


# --- row: deeply nested YAML -------------------------------------------------------------

DEEP = "[" * 5000 + "]" * 5000


def test_a_deeply_nested_codebook_is_refused(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text(f"families: {DEEP}\n", encoding="utf-8")
    refused(cli("taxonomy", "validate", path, isolated=True), "yaml-syntax")


def test_a_deeply_nested_rubric_is_refused(tmp_path, submission):
    rubric = own_exercise(tmp_path / "workshop", rubric=f"criteria: {DEEP}\n")
    refused(cli("grade", "--rubric", rubric, "--submission", submission, isolated=True),
            "rubric-invalid")


def test_a_deeply_nested_claims_block_is_a_coded_problem(submission):
    report = submission / "report.md"
    report.write_text(f"---\nfinding: {DEEP}\n---\n\n## Finding\n", encoding="utf-8")
    run = cli("check", "--submission", submission, isolated=True)
    assert run.returncode == 3 and "Traceback" not in run.stdout + run.stderr
    assert "[claims-syntax]" in run.stdout and "not ready yet" in run.stdout


# --- row: a duplicate YAML key in a codebook ---------------------------------------------

def test_a_duplicate_key_in_a_code_of_a_codebook_is_refused_with_its_line(tmp_path):
    lines = CODEBOOK.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("definition:"))
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines.insert(at, f"{indent}definition: An earlier definition.\n")
    path = tmp_path / "codebook.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    output = refused(cli("taxonomy", "validate", path), "yaml-syntax", "written twice",
                     f"line {at + 2}")
    assert "valid codebook" not in output


def test_a_duplicate_key_in_a_codebook_is_refused_through_a_rubric(tmp_path, submission):
    text = CODEBOOK.read_text(encoding="utf-8").replace("\nname:", "\nname: First\nname:", 1)
    rubric = own_exercise(tmp_path / "workshop", codebook=text)
    refused(cli("grade", "--rubric", rubric, "--submission", submission, isolated=True),
            "yaml-syntax", "written twice")


def test_a_duplicate_key_in_a_claims_block_is_a_coded_problem(submission):
    report = submission / "report.md"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("\nfinding:", "\nfinding: off-topic\nfinding:", 1),
                      encoding="utf-8")
    run = cli("check", "--submission", submission)
    assert run.returncode == 3 and "Traceback" not in run.stdout + run.stderr
    assert "[claims-syntax]" in run.stdout and "written twice" in run.stdout


# --- row: rubric: missing `concepts`; `count_tolerance: three`; a key with no failures ----
# The report scorers now take their terms from the claims block: `mentor_graded`'s
# `descriptors` is the required parameter, `claim_count`'s `tolerance` the count tolerance.

def test_a_missing_required_scorer_parameter_is_a_rubric_problem(tmp_path, submission):
    text = rubric_text(lambda data: criterion(data, "mentor_graded").pop("params"))
    rubric = own_exercise(tmp_path / "workshop", rubric=text)
    refused(cli("grade", "--rubric", rubric, "--submission", submission), "rubric-invalid",
            "report.reasoning: params.descriptors: Field required")


def test_a_word_for_a_number_is_a_rubric_problem(tmp_path, submission):
    text = rubric_text(lambda data: criterion(data, "claim_count")["params"].update(
        tolerance="three"))
    rubric = own_exercise(tmp_path / "workshop", rubric=text)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "tolerance: three" in row)
    refused(cli("grade", "--rubric", rubric, "--submission", submission), "rubric-invalid",
            "report.count: params.tolerance", f"line {line}")


def test_a_misspelt_scorer_parameter_is_a_rubric_problem(tmp_path, submission):
    text = rubric_text(lambda data: criterion(data, "claim_count")["params"].update(
        count_tolerance=3))
    rubric = own_exercise(tmp_path / "workshop", rubric=text)
    refused(cli("grade", "--rubric", rubric, "--submission", submission), "rubric-invalid",
            "params.count_tolerance")


def test_an_answer_key_with_no_failures_is_an_answer_key_problem(tmp_path, submission):
    import csv
    import io

    with KEY.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({**row, "label": "no-failure", "accepted": "", "secondary": ""}
                     for row in rows)
    rubric = own_exercise(tmp_path / "workshop", key=out.getvalue())
    refused(cli("grade", "--rubric", rubric, "--submission", submission, isolated=True),
            "answer-key-invalid", "label")


@pytest.mark.parametrize("scorer", ["claim_count", "claim_evidence"])
def test_a_scorer_without_parameters_takes_its_defaults(tmp_path, submission, scorer):
    text = rubric_text(lambda data: criterion(data, scorer).pop("params"))
    run = cli("grade", "--rubric", own_exercise(tmp_path / "workshop", rubric=text),
              "--submission", submission)
    assert run.returncode == 0, run.stderr


# --- row: rubric: an empty term ----------------------------------------------------------

@pytest.mark.parametrize(("edit", "needle"), [
    (lambda data: data["claims"].update(also_accept=[""]), "claims.also_accept.0"),
    (lambda data: criterion(data, "mentor_graded")["params"]["descriptors"].update({"8": " "}),
     "params.descriptors.8"),
], ids=["also-accept", "descriptor"])
def test_an_empty_term_in_a_rubric_is_refused(tmp_path, submission, edit, needle):
    rubric = own_exercise(tmp_path / "workshop", rubric=rubric_text(edit))
    refused(cli("grade", "--rubric", rubric, "--submission", submission), "rubric-invalid",
            needle)


@pytest.mark.parametrize("field", ["gap_topics", "locations", "failure_codes", "fix_targets"])
def test_an_empty_term_in_the_planted_causes_is_refused(tmp_path, submission, field):
    data = yaml.safe_load((SOLUTIONS / "planted_causes.yaml").read_text(encoding="utf-8"))
    data["causes"][0][field] = [*data["causes"][0].get(field, []), ""]
    rubric = own_exercise(tmp_path / "workshop", planted=yaml.safe_dump(data))
    refused(cli("grade", "--rubric", rubric, "--submission", submission),
            "answer-key-invalid", f"causes.0.{field}")


# --- row: export: a text file, an empty file, a truncated or random file, a locked
# gradebook; --out a directory; another program's SQLite database --------------------------

@functools.cache
def _empty_gradebook() -> bytes:
    from nbgrader.api import Gradebook

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gradebook.db"
        # nbgrader runs `alembic` from PATH to stamp a new gradebook
        bin_dir = str(Path(sys.executable).parent)
        with (mock.patch.dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}"),
              Gradebook(f"sqlite:///{path}")):
            pass
        return path.read_bytes()


def gradebook(path: Path) -> Path:
    """An empty nbgrader gradebook at `path`."""
    path.write_bytes(_empty_gradebook())
    return path


def other_database(path: Path) -> Path:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER, total REAL)")
        connection.execute("INSERT INTO invoices VALUES (1, 9.5)")
    connection.close()
    return path


def _truncated(path: Path) -> None:
    gradebook(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


@pytest.mark.parametrize(("make", "needle"), [
    (lambda p: p.write_text("assignment,student\nfailure-audit,alex\n", encoding="utf-8"),
     "is not an SQLite database"),
    (lambda p: p.write_bytes(b""), "is not an SQLite database"),
    (_truncated, "gradebook"),
    (lambda p: p.write_bytes(b"SQLite format 3\x00" + os.urandom(4096)), "cannot be read"),
    (lambda p: p.write_bytes(os.urandom(4096)), "is not an SQLite database"),
    (other_database, "without nbgrader's tables"),
], ids=["text", "empty", "truncated", "random-after-header", "random", "other-database"])
def test_export_refuses_what_is_not_a_gradebook_and_leaves_it_alone(tmp_path, make, needle):
    db = tmp_path / "gradebook.db"
    make(db)
    before = digest(db)
    files = sorted(tmp_path.iterdir())
    refused(cli("export", "--db", db, isolated=make is other_database), "gradebook-invalid",
            needle)
    assert digest(db) == before  # not turned into a gradebook, no tables written into it
    assert sorted(tmp_path.iterdir()) == files  # no journal or copy left beside it


def test_export_of_another_programs_database_writes_no_tables_into_it(tmp_path):
    db = other_database(tmp_path / "shop.db")
    refused(cli("export", "--db", db), "gradebook-invalid")
    with contextlib.closing(sqlite3.connect(db)) as connection:
        tables = {name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"invoices"}


def test_export_of_a_locked_gradebook_is_a_coded_problem(tmp_path):
    db = gradebook(tmp_path / "gradebook.db")
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        run = cli("export", "--db", db, "--wait", "0.2", isolated=True)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    refused(run, "gradebook-invalid", "locked")


def test_export_of_a_real_gradebook_works(tmp_path):
    db = gradebook(tmp_path / "gradebook.db")
    before = digest(db)
    run = cli("export", "--db", db)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("assignment,student,")
    assert digest(db) == before


@pytest.mark.parametrize("target", ["directory", "missing-folder", "existing", "gradebook",
                                    "dev-full"])
def test_export_out_targets_are_refused_before_reading(tmp_path, target):
    db = gradebook(tmp_path / "gradebook.db")
    (tmp_path / "existing.csv").write_text("kept\n", encoding="utf-8")
    out = {"directory": tmp_path, "missing-folder": tmp_path / "missing" / "scores.csv",
           "existing": tmp_path / "existing.csv", "gradebook": db,
           "dev-full": Path("/dev/full")}[target]
    before = {p: digest(p) for p in tmp_path.iterdir() if p.is_file()}
    refused(cli("export", "--db", db, "--out", out), "output-refused")
    assert {p: digest(p) for p in tmp_path.iterdir() if p.is_file()} == before


@pytest.mark.parametrize("db", ["missing.db", ".", "/dev/null"])
def test_export_of_no_file_is_a_coded_problem(tmp_path, db):
    path = Path(db) if db.startswith("/") else tmp_path / db
    run = cli("export", "--db", path)
    output = refused(run, "gradebook-invalid")
    assert "Traceback" not in output


# --- weak messages ------------------------------------------------------------------------

def tags_lines(count: int) -> list[str]:
    return ["log_id,label,secondary_labels,note",
            *(f"SC-{i:03d},no-failure,," for i in range(1, count + 1))]


@pytest.mark.parametrize("command", ["grade", "check"])
def test_an_unclosed_quote_is_reported_on_the_line_it_opens(submission, command):
    lines = tags_lines(100)
    lines[20] = 'SC-020,no-failure,,"the bot was fine'  # line 21 of the file
    (submission / "tags.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = (grade(submission) if command == "grade"
           else cli("check", "--submission", submission))
    output = refused(run, "not-csv", "tags.csv line 21:", "never closed")
    assert "line 102" not in output and "line 101" not in output


def test_an_unclosed_quote_in_a_large_file_is_reported_on_the_line_it_opens(submission):
    lines = tags_lines(100) + [f"SC-{i:03d},no-failure,,fine" for i in range(101, 20_000)]
    lines[20] = 'SC-020,no-failure,,"the bot was fine'  # swallows more than csv's field limit
    (submission / "tags.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = refused(grade(submission), "not-csv", "tags.csv line 21:", "never closed")
    assert "value-too-long" not in output


def test_a_stray_quote_inside_a_value_is_reported_on_its_line(submission):
    lines = tags_lines(40)
    lines[9] = 'SC-009,no-failure,,"fine" really'  # line 10
    (submission / "tags.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused(grade(submission), "not-csv", "tags.csv line 10:")


def test_a_very_long_note_is_not_told_to_close_a_quote(submission):
    lines = tags_lines(30)
    lines[5] = 'SC-005,no-failure,,"' + "x" * 200_000 + '"'  # line 6
    (submission / "tags.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = refused(grade(submission), "value-too-long", "tags.csv line 6:")
    assert "close the quote" not in output


def test_a_cut_problem_list_says_how_many_more(submission):
    lines = tags_lines(100)
    lines[1:] = [f"SC-{i:03d},halucination,," for i in range(1, 101)]
    (submission / "tags.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = refused(cli("check", "--submission", submission), "unknown-label",
                     "and 75 more problems like these")
    assert output.count("[unknown-label]") == 26
    json_output = refused(grade(submission, "--format", "json"), "unknown-label")
    # the 26 problems, and the first one's code again at the top of the error object
    assert json_output.count('"code": "unknown-label"') == 27
    assert "and 75 more problems like these" in json_output


def test_a_cut_answer_key_problem_list_says_how_many_more(tmp_path, submission):
    lines = KEY.read_text(encoding="utf-8").splitlines()
    broken = [lines[0], *(line.replace(",no-failure,", ",nope,", 1) for line in lines[1:])]
    count = sum(",nope," in line for line in broken)
    assert count > 30
    rubric = own_exercise(tmp_path / "workshop", key="\n".join(broken) + "\n")
    refused(cli("grade", "--rubric", rubric, "--submission", submission), "answer-key-invalid",
            f"and {count - 25} more problems like these")


@pytest.mark.parametrize("command", ["grade", "check"])
def test_control_characters_are_shown_not_obeyed(submission, command):
    payload = "no\x00fail\x1b[2J\x07\u202eure"
    (submission / "tags.csv").write_text(f"log_id,label\nSC-001,{payload}\n",
                                         encoding="utf-8")
    run = (grade(submission) if command == "grade"
           else cli("check", "--submission", submission))
    output = refused(run, "unknown-label", "\\x00", "\\x1b[2J", "\\u202e")
    assert not any(ch in output for ch in "\x00\x1b\x07\u202e")


@pytest.mark.parametrize("value", ["one", "1.0", "1", "'v1.0.0'"])
def test_a_bad_codebook_version_gets_the_right_hint(tmp_path, value):
    text = CODEBOOK.read_text(encoding="utf-8")
    path = tmp_path / "codebook.yaml"
    path.write_text(text.replace('\nversion: "1.1.0"', f"\nversion: {value}", 1),
                    encoding="utf-8")
    output = refused(cli("taxonomy", "validate", path), "codebook-invalid", "version")
    assert "three numbers joined by dots" in output
    assert "lower-case words joined by hyphens" not in output


def test_taxonomy_validate_of_no_file_is_a_coded_problem(tmp_path):
    refused(cli("taxonomy", "validate", tmp_path / "missing.yaml"), "file-missing")
    refused(cli("taxonomy", "validate", "/dev/zero"), "not-a-file")


def test_every_code_used_here_is_on_the_errors_page():
    page = (ROOT / "course" / "reference" / "errors.md").read_text(encoding="utf-8")
    for code in ("not-a-file", "file-too-large", "file-empty", "output-refused",
                 "gradebook-invalid", "value-too-long", "rubric-invalid",
                 "answer-key-invalid", "yaml-syntax"):
        assert f"## {code}" in page, code
