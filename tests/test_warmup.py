"""The tagging warm-up: 15 constructed logs before project 1, graded end to end by the same
grader (check, grade, feedback before and after release, a batch), its key in step with its
logs, and nothing of the key in what learners get (the page, the download, the pack)."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest

from grader.grade import load_exercise
from grader.pack import build_pack
from grader.rubric import exercise_rubric
from labkit.codebook import load_codebook
from labkit.supportchat import WARMUP_DIR, load_chat_logs, load_knowledge_base
from tests.conftest import ROOT
from tests.test_error_catalogue import in_process

SUBMISSIONS = ROOT / "tests" / "demo_submissions" / "tagging-warmup"
KEY = ROOT / "solutions" / "tagging-warmup" / "answer_key.csv"


def key_rows() -> list[dict[str, str]]:
    with KEY.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_key_has_one_row_with_a_rationale_for_each_of_the_15_logs():
    logs = load_chat_logs(WARMUP_DIR)
    rows = key_rows()
    assert len(logs) == 15
    assert [row["log_id"] for row in rows] == [log.log_id for log in logs]
    assert all(len(row["rationale"].split()) >= 12 for row in rows)
    exercise = load_exercise(exercise_rubric("tagging-warmup"))  # the grader's own checks
    assert len(exercise.key.entries) == 15


def test_the_logs_name_real_articles_and_are_hard_enough_to_be_a_warm_up():
    articles = {article.id for article in load_knowledge_base()}
    logs = load_chat_logs(WARMUP_DIR)
    assert all(set(log.retrieved_articles) <= articles for log in logs)
    rows = key_rows()
    codebook = load_codebook()
    labels = [row["label"] for row in rows]
    assert codebook.no_failure_code in labels
    assert len(set(labels)) >= 8  # many codes, not one failure repeated
    assert sum(bool(row["secondary"]) for row in rows) >= 3  # primary vs secondary chosen
    project = {log.log_id for log in load_chat_logs()}
    assert not project & {log.log_id for log in logs}


def test_a_finished_file_is_ready_and_a_partial_one_is_not(tmp_path):
    done = in_process(["check", "--exercise", "tagging-warmup", "--submission",
                       str(SUBMISSIONS / "perfect")])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "15 of 15 logs tagged" in done.stdout and "ready to submit" in done.stdout
    assert "report.md" not in done.stdout  # the warm-up asks for no report
    lines = (SUBMISSIONS / "beginner" / "tags.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "tags.csv").write_text("\n".join(lines[:8]) + "\n", encoding="utf-8")
    partial = in_process(["check", "--exercise", "tagging-warmup", "--submission",
                          str(tmp_path)])
    assert partial.returncode == 3 and "7 of 15 logs tagged" in partial.stdout
    assert "not ready yet" in partial.stdout
    project = in_process(["check", "--submission", str(SUBMISSIONS / "perfect")])
    assert project.returncode == 3 and "--exercise tagging-warmup" in project.stdout


def grade(name: str, *extra: str) -> str:
    run = in_process(["grade", "--exercise", "tagging-warmup", "--submission",
                      str(SUBMISSIONS / name), *extra])
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def test_the_grader_scores_the_warm_up_and_teaches_only_after_release():
    import json

    perfect = json.loads(grade("perfect", "--format", "json"))
    assert (perfect["score"], perfect["max_score"]) == (100, 100)
    beginner = json.loads(grade("beginner", "--format", "json"))
    assert 40 <= beginner["score"] < 90, beginner["score"]
    rationales = [row["rationale"] for row in key_rows()]
    formative = grade("beginner", "--format", "json")
    assert not any(json.dumps(rationale)[1:-1] in formative for rationale in rationales)
    released = grade("beginner", "--format", "json", "--released")
    own = own_labels("beginner")
    missed = [row["rationale"] for row in key_rows() if row["label"] != own[row["log_id"]]]
    assert missed and all(json.dumps(rationale)[1:-1] in released for rationale in missed)


def own_labels(name: str) -> dict[str, str]:
    with (SUBMISSIONS / name / "tags.csv").open(encoding="utf-8", newline="") as handle:
        return {row["log_id"]: row["label"] for row in csv.DictReader(handle)}


def test_a_cohort_of_warm_ups_is_graded_in_one_batch(tmp_path):
    run = in_process(["grade-batch", "--exercise", "tagging-warmup", "--cohort",
                      str(SUBMISSIONS), "--out", str(tmp_path / "out")])
    assert run.returncode == 0, run.stdout + run.stderr
    with (tmp_path / "out" / "scores.csv").open(encoding="utf-8", newline="") as handle:
        scores = {row["learner"]: row for row in csv.DictReader(handle)}
    assert set(scores) == {"perfect", "beginner"}
    report = in_process(["cohort-report", "--exercise", "tagging-warmup", "--cohort",
                         str(SUBMISSIONS), "--out", str(tmp_path / "report")])
    assert report.returncode == 0, report.stdout + report.stderr
    assert "tagging-warmup: 2 learners" in report.stdout


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> zipfile.ZipFile:
    return zipfile.ZipFile(build_pack("failure-audit", tmp_path_factory.mktemp("pack"),
                                      requirements=""))


def test_the_project_1_pack_carries_the_warm_up_and_not_its_key(pack):
    names = pack.namelist()
    root = "failure-audit-learner-pack/"
    assert f"{root}datasets/tagging-warmup/logs.jsonl" in names
    assert f"{root}datasets/tagging-warmup/DATASHEET.md" in names
    assert not any("solutions" in name for name in names)
    text = b"".join(pack.read(name) for name in names if not name.endswith(".ipynb"))
    assert not any(row["rationale"][:60].encode() in text for row in key_rows())
    assert b"--exercise tagging-warmup" in pack.read(f"{root}README.md")


def test_the_site_shows_every_log_and_no_answer(site: Path):
    page = (site / "projects" / "tagging-warmup" / "index.html").read_text(encoding="utf-8")
    for log in load_chat_logs(WARMUP_DIR):
        assert f'id="{log.log_id.lower()}"' in page, log.log_id
    assert not any(row["rationale"][:60] in page for row in key_rows())
    download = site / "projects" / "tagging-warmup-logs.jsonl"
    assert download.read_bytes() == (WARMUP_DIR / "logs.jsonl").read_bytes()
    datasheet = (WARMUP_DIR / "DATASHEET.md").read_text(encoding="utf-8")
    assert "WU-" not in datasheet.replace("WU-01", "").replace("WU-15", "")


def test_a_turn_keeps_its_words_on_the_page():
    from grader.logs_page import quoted

    assert quoted("a *bold* <b>claim</b> [HANDOFF:care]\n\nsecond") == (
        "a \\*bold\\* \\<b\\>claim\\</b\\> \\[HANDOFF:care\\]\n>\n> second")
