"""`grader grade-batch` (issue 12, item 1): a cohort graded in parallel, resumably, on the
demo submissions copied into cohorts; the bad inputs of a cohort, each a coded problem."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import grader.batch as batch
from grader.batch import run_batch
from grader.batch_output import OutputFailed
from grader.cohort import content_hash, file_stem
from grader.errors import UnusableInput
from grader.feedback import feedback_dict
from grader.grade import grade_submission
from grader.grade_feedback import grade_feedback_dict
from grader.probe_grade import grade_probe, load_probe_exercise
from grader.rubric import exercise_rubric
from tests.conftest import DEMOS, ROOT
from tests.test_error_catalogue import in_process

RUBRIC = exercise_rubric("failure-audit")
PROBE = ROOT / "solutions" / "red-team-probe"
GRADER = Path(sys.executable).parent / "grader"
# learner id -> demo submission: a space and an accent in ids, and one unusable submission
COHORT = {"alex": "beginner", "Zoë Smith": "perfect", "sam lee": "half-missing",
          "kim": "one-label", "lee": "malformed"}


def make_cohort(folder: Path, learners: dict[str, str], exercise: str = "") -> Path:
    """A cohort of copies of the demo submissions (`learner/exercise/` when `exercise`)."""
    for learner, demo in learners.items():
        shutil.copytree(DEMOS / demo, folder / learner / exercise)
    return folder


def outputs(out: Path) -> dict[str, bytes]:
    """Every file of a batch's output folder and its bytes (the lock file aside)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".grader-batch.lock"}


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> Path:
    return make_cohort(tmp_path_factory.mktemp("cohort"), COHORT)


@pytest.fixture(scope="module")
def serial(cohort, tmp_path_factory) -> tuple[Path, batch.BatchResult]:
    """The cohort graded in this process, one learner after another: the reference run."""
    out = tmp_path_factory.mktemp("serial") / "out"
    return out, run_batch(RUBRIC, cohort, out, workers=1)


def test_a_cohort_is_graded_into_feedback_scores_and_failures(serial, exercise):
    out, result = serial
    assert (result.learners, result.graded, result.skipped, result.status) == (5, 4, 0, 2)
    scores = {row["learner"]: row for row in rows(out / "scores.csv")}
    assert sorted(scores) == ["Zoë Smith", "alex", "kim", "sam lee"]  # ids as given
    for learner in scores:
        expected = feedback_dict(grade_submission(exercise, DEMOS / COHORT[learner]))
        stem = file_stem(learner)
        assert json.loads((out / "feedback" / f"{stem}.json").read_text()) == expected
        assert (out / "feedback" / f"{stem}.html").read_text().startswith("<!doctype html>")
        assert float(scores[learner]["total"]) == expected["score"]
        for c in expected["criteria"]:
            assert scores[learner][f"{c['id']}.status"] == c["status"]
            assert scores[learner][c["id"]] == ("" if c["score"] is None else f"{c['score']:g}")
    assert file_stem("Zoë Smith").isascii() and " " not in file_stem("sam lee")
    failures = rows(out / "failures.csv")
    assert {row["learner"] for row in failures} == {"lee"}
    assert {row["code"] for row in failures} >= {"unknown-label", "duplicate-log-id"}
    error = json.loads((out / "feedback" / "lee.json").read_text())["error"]
    assert error["code"] == "unknown-label"
    manifest = json.loads((out / "manifest.json").read_text())["learners"]
    assert manifest["Zoë Smith"]["hash"] == content_hash(DEMOS / "perfect")
    assert manifest["lee"]["result"] == "unusable"


def test_parallel_workers_give_what_one_process_gives(cohort, serial, tmp_path):
    out, _ = serial
    result = run_batch(RUBRIC, cohort, tmp_path / "out", workers=2)
    assert result.graded == 4
    assert outputs(tmp_path / "out") == outputs(out)


def test_a_rerun_grades_only_what_changed(cohort, serial, tmp_path):
    copy = shutil.copytree(cohort, tmp_path / "cohort")
    out = shutil.copytree(serial[0], tmp_path / "out")
    again = run_batch(RUBRIC, copy, out, workers=1)
    assert (again.graded, again.skipped) == (0, 5)
    assert outputs(out) == outputs(serial[0])
    shutil.copy(DEMOS / "one-label" / "tags.csv", copy / "alex" / "tags.csv")
    changed = run_batch(RUBRIC, copy, out, workers=1)
    assert (changed.graded, changed.skipped) == (1, 4)
    alex = json.loads((out / "feedback" / "alex.json").read_text())
    assert alex["criteria"][0] == json.loads((out / "feedback" / "kim.json").read_text())[
        "criteria"][0]  # the tags of one-label, now
    assert next(r for r in rows(out / "scores.csv") if r["learner"] == "alex")["total"] == (
        f"{alex['score']:g}")


def test_a_killed_batch_resumes_to_the_same_results(cohort, serial, tmp_path):
    """Killed (with its workers) once some learners are recorded, then run again: every
    result is there, byte for byte a clean run's, and none was lost or half-written."""
    out = tmp_path / "out"
    command = [str(GRADER), "grade-batch", "--exercise", "failure-audit", "--cohort",
               str(cohort), "--out", str(out), "--workers", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if len(json.loads((out / "manifest.json").read_text())["learners"]) >= 2:
                break
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL  # killed, not finished
    recorded = json.loads((out / "manifest.json").read_text())["learners"]
    assert len(recorded) >= 2
    run = in_process(command[1:])  # the rerun: the same command, in this (warm) process
    assert run.returncode == 2, run.stderr  # lee's submission is unusable
    assert "Traceback" not in run.stderr
    graded_now = len(set(COHORT) - set(recorded) - {"lee"})  # lee's is unusable
    kept = len(set(recorded) - {"lee"})
    assert f"({graded_now} now, {kept} kept from the last run, unchanged), 1 not graded" \
        in run.stdout
    assert outputs(out) == outputs(serial[0])
    assert not [p for p in out.rglob(".grader-batch-tmp-*")]


def test_nbgrader_layout_through_the_command_line(tmp_path):
    submitted = make_cohort(tmp_path / "submitted", {"alex": "perfect", "bo": "one-label"},
                            "failure-audit")
    (submitted / "cy" / "other-assignment").mkdir(parents=True)  # nothing for this exercise
    run = in_process(["grade-batch", "--exercise", "failure-audit", "--cohort", str(submitted),
                      "--out", str(tmp_path / "out"), "--workers", "2"])
    assert run.returncode == 0, run.stderr
    assert "2 learners (nbgrader layout): 2 graded (2 now, 0 kept" in run.stdout
    assert [row["learner"] for row in rows(tmp_path / "out" / "scores.csv")] == ["alex", "bo"]
    assert rows(tmp_path / "out" / "failures.csv") == []


def test_the_probe_cohort_holds_each_log_to_its_learners_variant(tmp_path):
    """sam and priya hand in their own logs; alex hands in a copy of sam's folder."""
    folders = {"sam": PROBE / "samples" / "thorough",
               "priya": PROBE / "tuning" / "01-priya-thorough",
               "alex": PROBE / "samples" / "few-repeats"}
    for learner, folder in folders.items():
        shutil.copytree(folder, tmp_path / "cohort" / learner)
    rubric = exercise_rubric("red-team-probe")
    result = run_batch(rubric, tmp_path / "cohort", tmp_path / "out", workers=2)
    assert (result.graded, result.status) == (3, 0)
    assert "log-not-genuine" in result.notes["alex"] and set(result.notes) == {"alex"}
    exercise = load_probe_exercise(rubric)
    for learner in ("sam", "priya"):
        expected = grade_feedback_dict(grade_probe(exercise, folders[learner]))
        assert json.loads((tmp_path / "out" / "feedback" / f"{learner}.json").read_text()) \
            == expected
    scores = {row["learner"]: row for row in rows(tmp_path / "out" / "scores.csv")}
    assert "invalid" in scores["alex"].values() and "invalid" not in scores["sam"].values()
    assert float(scores["alex"]["total"]) < float(scores["sam"]["total"])


# --- bad input ----------------------------------------------------------------------------

def test_an_empty_cohort_is_refused_and_nothing_written(grader_cli, tmp_path):
    (tmp_path / "submitted" / ".ipynb_checkpoints").mkdir(parents=True)
    with pytest.raises(UnusableInput) as caught:
        run_batch(RUBRIC, tmp_path / "submitted", tmp_path / "out")
    assert caught.value.problems[0].code == "cohort-empty"
    run = grader_cli("grade-batch", "--exercise", "failure-audit", "--cohort",
                     tmp_path / "submitted", "--out", tmp_path / "out")
    assert run.returncode == 2 and "[cohort-empty]" in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "out").exists()


def test_ids_differing_only_in_case_are_both_reported_and_neither_graded(tmp_path):
    cohort = make_cohort(tmp_path / "cohort", {"Alex": "perfect", "alex": "one-label",
                                               "kim": "half-missing"})
    result = run_batch(RUBRIC, cohort, tmp_path / "out", workers=1)
    assert (result.graded, result.status) == (1, 2)
    clashes = [r for r in rows(tmp_path / "out" / "failures.csv")
               if r["code"] == "learner-id-clash"]
    assert sorted(r["learner"] for r in clashes) == ["Alex", "alex"]
    assert sorted(p.name for p in (tmp_path / "out" / "feedback").iterdir()) == [
        "kim.html", "kim.json"]
    assert [row["learner"] for row in rows(tmp_path / "out" / "scores.csv")] == ["kim"]


def test_a_submission_that_keeps_changing_is_reported(tmp_path, monkeypatch):
    """Each grading of alex's folder adds to it: graded twice, then `[submission-changed]`;
    one change only (a copy finishing) is graded again and recorded."""
    cohort = make_cohort(tmp_path / "cohort", {"alex": "malformed", "bo": "malformed"})
    grade_data = batch.grade_data
    changes = {"alex": 5, "bo": 1}

    def changing(learner):
        if changes[learner.id]:
            changes[learner.id] -= 1
            with (learner.folder / "notes.txt").open("a") as handle:
                handle.write("more\n")
        return grade_data(learner)

    monkeypatch.setattr(batch, "grade_data", changing)
    result = run_batch(RUBRIC, cohort, tmp_path / "out", workers=1)
    assert [(r["learner"], r["code"]) for r in result.failures if r["learner"] == "alex"] == [
        ("alex", "submission-changed")]
    assert "[submission-changed]" in batch.problem_lines(result)[0]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())["learners"]
    assert set(manifest) == {"bo"} and manifest["bo"]["hash"] == content_hash(cohort / "bo")
    assert not (tmp_path / "out" / "feedback" / "alex.json").exists()


@pytest.mark.parametrize("where", ["/proc/grader-batch", "inside", "file", "foreign"])
def test_an_unusable_output_folder_is_refused_before_grading(grader_cli, tmp_path, where):
    cohort = make_cohort(tmp_path / "cohort", {"alex": "malformed"})
    out = {"/proc/grader-batch": Path(where), "inside": cohort / "results",
           "file": tmp_path / "notes.txt", "foreign": tmp_path / "home"}[where]
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "thesis.tex").write_text("mine")
    run = grader_cli("grade-batch", "--exercise", "failure-audit", "--cohort", cohort,
                     "--out", out)
    assert run.returncode == 2 and "[output-refused]" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr and not (cohort / "results").exists()
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in (tmp_path / "home").iterdir()) == ["thesis.tex"]


def test_a_full_disk_stops_the_batch_and_a_rerun_completes_it(cohort, serial, tmp_path,
                                                              monkeypatch):
    write_atomic, calls = batch.write_atomic, []

    def filling(path, text):
        calls.append(path)
        if len(calls) > 5:
            raise OutputFailed(f"{path}: No space left on device")
        write_atomic(path, text)

    monkeypatch.setattr(batch, "write_atomic", filling)
    monkeypatch.setattr("grader.batch_output.write_atomic", filling)
    with pytest.raises(UnusableInput) as caught:
        run_batch(RUBRIC, cohort, tmp_path / "out", workers=1)
    assert caught.value.problems[0].code == "output-refused"
    assert "No space left" in caught.value.problems[0].message
    monkeypatch.undo()
    run_batch(RUBRIC, cohort, tmp_path / "out", workers=1)
    assert outputs(tmp_path / "out") == outputs(serial[0])


def test_a_crash_is_reported_without_a_traceback_and_the_batch_goes_on(tmp_path,
                                                                       monkeypatch):
    cohort = make_cohort(tmp_path / "cohort", {"alex": "malformed", "bo": "malformed"})
    grade_data = batch.grade_data

    def buggy(learner):
        if learner.id == "alex":
            raise KeyError("concepts")
        return grade_data(learner)

    monkeypatch.setattr(batch, "grade_data", buggy)
    run = in_process(["grade-batch", "--exercise", "failure-audit", "--cohort", str(cohort),
                      "--out", str(tmp_path / "out"), "--workers", "1"])
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "alex: internal error: KeyError: 'concepts'" in run.stderr
    failures = {r["learner"]: r for r in rows(tmp_path / "out" / "failures.csv")}
    assert failures["alex"]["kind"] == "crash" and failures["bo"]["kind"] == "unusable"


def test_a_worker_that_dies_costs_only_its_learner(tmp_path, monkeypatch):
    cohort = make_cohort(tmp_path / "cohort", {"alex": "malformed", "bo": "malformed",
                                               "cy": "malformed"})
    grade_data = batch.grade_data

    def dying(learner):
        if learner.id == "bo":
            os._exit(9)  # killed, as by the kernel's out-of-memory killer
        return grade_data(learner)

    monkeypatch.setattr(batch, "grade_data", dying)  # forked workers inherit it
    result = run_batch(RUBRIC, cohort, tmp_path / "out", workers=2)
    kinds = {row["learner"]: row["kind"] for row in result.failures}
    assert kinds == {"alex": "unusable", "bo": "crash", "cy": "unusable"}
    assert "BrokenProcessPool" in next(r["code"] for r in result.failures
                                       if r["learner"] == "bo")
