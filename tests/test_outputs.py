"""`--out` never destroys a file, and `grader export` reads only real gradebooks, read-only."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import DEMOS, ROOT

PERFECT = DEMOS / "perfect"
KEY = ROOT / "solutions" / "failure-audit" / "answer_key.csv"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def grade(grader_cli, submission: Path, *args: str | Path):
    return grader_cli("grade", "--exercise", "failure-audit", "--submission", submission, *args)


def test_an_existing_file_is_replaced_only_with_force(grader_cli, tmp_path):
    out = tmp_path / "notes.txt"
    out.write_text("a mentor's notes\n", encoding="utf-8")
    run = grade(grader_cli, PERFECT, "--format", "json", "--out", out)
    assert run.returncode == 2 and "[output-refused]" in run.stdout + run.stderr
    assert out.read_text(encoding="utf-8") == "a mentor's notes\n"
    run = grade(grader_cli, PERFECT, "--format", "json", "--out", out, "--force")
    assert run.returncode == 0, run.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["score"] == 92
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # an ordinary file, not mkstemp's
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]  # no temporary left behind


@pytest.mark.parametrize("target", ["tags", "report", "key", "codebook"])
def test_the_files_being_graded_are_never_replaced(grader_cli, tmp_path, target):
    submission = tmp_path / "alex"
    shutil.copytree(PERFECT, submission)
    out = {"tags": submission / "tags.csv", "report": submission / "report.md", "key": KEY,
           "codebook": ROOT / "datasets" / "taxonomy" / "codebook.yaml"}[target]
    before = digest(out)
    run = grade(grader_cli, submission, "--out", out, "--force")
    assert run.returncode == 2 and "is one of the files being graded" in run.stderr
    assert digest(out) == before


@pytest.mark.parametrize(("out", "message"), [
    ("missing/feedback.html", "does not exist"),
    (".", "is a folder"),
    ("/dev/full", "is not an ordinary file"),
])
def test_an_unusable_target_is_refused_before_grading(grader_cli, tmp_path, out, message):
    target = Path(out) if out.startswith("/") else tmp_path / out
    run = grade(grader_cli, PERFECT, "--out", target, "--force")
    assert run.returncode == 2 and "[output-refused]" in run.stderr and message in run.stderr
    assert "Traceback" not in run.stderr


def test_an_unwritable_target_is_refused_before_grading(grader_cli):
    # even root, whom the folder's permissions let through, cannot create a file in /proc:
    # the target is tried before grading, so no grading work is done and then lost
    run = grade(grader_cli, PERFECT, "--format", "json", "--out", "/proc/grader-feedback.json")
    assert run.returncode == 2
    assert run.json() == {"error": run.json()["error"]}  # the error, in place of a score
    assert run.json()["error"]["code"] == "output-refused"


def other_database(path: Path) -> Path:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER, total REAL)")
        connection.execute("INSERT INTO invoices VALUES (1, 9.5)")
    return path


@pytest.mark.parametrize(("content", "message"), [
    (b"log_id,label\n", "is not an SQLite database"),
    (b"", "is not an SQLite database"),
    (b"SQLite format 3\x00" + os.urandom(200), "cannot be read"),
    (None, "without nbgrader's tables"),
], ids=["text", "empty", "truncated", "other-database"])
def test_export_refuses_what_is_not_a_gradebook_and_leaves_it_alone(grader_cli, tmp_path,
                                                                    content, message):
    db = tmp_path / "gradebook.db"
    if content is None:
        other_database(db)
    else:
        db.write_bytes(content)
    before = digest(db)
    run = grader_cli("export", "--db", db)
    assert run.returncode == 2, run.stderr
    assert "[gradebook-invalid]" in run.stderr and message in run.stderr
    assert digest(db) == before


def test_export_will_not_write_over_the_gradebook(grader_cli, tmp_path):
    db = other_database(tmp_path / "gradebook.db")
    before = digest(db)
    run = grader_cli("export", "--db", db, "--out", db, "--force")
    assert run.returncode == 2 and "is one of the files being graded" in run.stderr
    assert digest(db) == before
