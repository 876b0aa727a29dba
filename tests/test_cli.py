"""The `grader` command line, run as a learner or mentor runs it: in its own process."""

from __future__ import annotations

import json
import re

import pytest
from markupsafe import escape

from tests.conftest import DEMOS, GOLDENS, ROOT, write_tags

DEMO_NAMES = ["perfect", "beginner", "one-label", "half-missing", "malformed"]


def grade(cli, demo: str, *extra: str):
    return cli("grade", "--exercise", "failure-audit", "--submission", DEMOS / demo, *extra)


@pytest.fixture(scope="module", autouse=True)
def demos(request):
    if request.config.getoption("--update-goldens"):
        from tests.demo_submissions.build import build

        build()


@pytest.mark.parametrize("demo", DEMO_NAMES)
def test_demo_outputs_match_goldens(grader_cli, update_goldens, demo):
    text = grade(grader_cli, demo)
    as_json = grade(grader_cli, demo, "--format", "json")
    expected_status = 2 if demo == "malformed" else 0
    assert text.returncode == as_json.returncode == expected_status, text.stderr
    outputs = {f"{demo}.txt": text.stdout + text.stderr, f"{demo}.json": as_json.stdout}
    for name, output in outputs.items():
        golden = GOLDENS / name
        if update_goldens:
            golden.write_text(output, encoding="utf-8")
        assert output == golden.read_text(encoding="utf-8"), f"{name} differs from its golden"


def test_json_contract(grader_cli):
    data = grade(grader_cli, "beginner", "--format", "json").json()
    assert {"exercise", "score", "max_score", "criteria", "metrics"} <= data.keys()
    assert data["exercise"] == "failure-audit"
    assert 0 < data["score"] < data["max_score"]
    for criterion in data["criteria"]:
        assert set(criterion) == {"id", "score", "max_score", "status", "feedback"}
        assert criterion["id"].split(".")[0] in {"tags", "report"}
        if criterion["status"] == "pending":  # a mentor's criterion: no score yet, not zero
            assert criterion["score"] is None
            continue
        assert criterion["status"] in {"scored", "not-submitted", "invalid"}
        assert 0 <= criterion["score"] <= criterion["max_score"]
    assert sum(c["score"] or 0 for c in data["criteria"]) == pytest.approx(data["score"])
    assert data["pending_points"] == sum(c["max_score"] for c in data["criteria"]
                                         if c["status"] == "pending")
    metrics = data["metrics"]
    assert {"accuracy", "macro_f1", "cohen_kappa", "coverage", "per_label", "confusion"} <= set(
        metrics)
    assert set(next(iter(metrics["per_label"].values()))) == {
        "precision", "recall", "f1", "support"}
    labels, matrix = metrics["confusion"]["labels"], metrics["confusion"]["matrix"]
    assert len(matrix) == len(labels) and all(len(row) == len(labels) for row in matrix)
    assert sum(map(sum, matrix)) == 100


def test_one_label_kappa_is_zero(grader_cli):
    data = grade(grader_cli, "one-label", "--format", "json").json()
    assert data["metrics"]["cohen_kappa"] == 0
    assert data["under_used"] and "no-failure" in data["over_used"]


def _key_secrets(exercise) -> tuple[list[str], list[str]]:
    ids = list(exercise.key.entries)
    rationales = [e.rationale for e in exercise.key.entries.values()]
    return ids, rationales


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_formative_feedback_reveals_no_log_answer(grader_cli, exercise, tmp_path, fmt):
    out = tmp_path / f"feedback.{fmt}"
    run = grade(grader_cli, "beginner", "--format", fmt, "--out", out)
    assert run.returncode == 0, run.stderr
    page = out.read_text(encoding="utf-8")
    ids, rationales = _key_secrets(exercise)
    assert not [log_id for log_id in ids if log_id in page]
    assert not [r for r in rationales if r in page]


def test_released_feedback_teaches_with_rationales(grader_cli, exercise, tmp_path):
    data = grade(grader_cli, "beginner", "--format", "json", "--released").json()
    review = data["review"]
    assert review and all(row["yours"] not in [row["reference"], *row["accepted"]]
                          for row in review)
    entry = exercise.key.entries[review[0]["log_id"]]
    assert review[0]["rationale"] == entry.rationale
    out = tmp_path / "released.html"
    assert grade(grader_cli, "beginner", "--format", "html", "--released",
                 "--out", out).returncode == 0
    assert str(escape(entry.rationale)) in out.read_text(encoding="utf-8")


def test_html_is_self_contained(grader_cli, tmp_path):
    out = tmp_path / "f.html"
    assert grade(grader_cli, "beginner", "--format", "html", "--out", out).returncode == 0
    page = out.read_text(encoding="utf-8")
    assert "<img" in page and "data:image/png;base64," in page
    assert not re.findall(r'(?:src|href)="(?!data:)', page)
    assert "default-src 'none'" in page  # a CSP: no script runs, nothing is fetched


def test_unusable_submission_exits_2_without_traceback(grader_cli):
    run = grade(grader_cli, "malformed")
    assert run.returncode == 2
    assert "Traceback" not in run.stderr + run.stdout
    assert "tags.csv line 3: label 'halucination' is not in taxonomy" in run.stderr
    assert "[unknown-label]" in run.stderr and "[duplicate-log-id]" in run.stderr
    assert "/reference/errors/#unknown-label" in run.stderr


def test_unusable_submission_as_json(grader_cli, tmp_path):
    run = grader_cli("grade", "--exercise", "failure-audit", "--submission", tmp_path / "none",
                     "--format", "json")
    assert run.returncode == 2
    error = run.json()["error"]
    assert error["code"] == "submission-not-found"
    assert error["problems"][0]["docs"].endswith("#submission-not-found")


def test_unknown_exercise_is_a_usage_error(grader_cli, tmp_path):
    run = grader_cli("grade", "--exercise", "nope", "--submission", tmp_path)
    assert run.returncode == 2
    assert "failure-audit" in run.stderr and "Traceback" not in run.stderr


def test_unusable_rubric_exits_2(grader_cli, tmp_path):
    rubric = tmp_path / "rubric.yaml"
    key = ROOT / "solutions" / "failure-audit" / "answer_key.csv"
    codebook = ROOT / "datasets" / "taxonomy" / "codebook.yaml"
    rubric.write_text(json.dumps({
        "exercise": "x", "title": "x", "answer_key": str(key), "codebook": str(codebook),
        "criteria": [{"id": "tags.agreement", "title": "t", "points": 1, "scorer": "nope"}]}))
    run = grader_cli("grade", "--rubric", rubric, "--submission", DEMOS / "perfect")
    assert run.returncode == 2
    assert "[rubric-invalid]" in run.stderr and "tag_agreement" in run.stderr
    rubric.write_text("exercise: x\ntitle: x\nanswer_key: missing.csv\n"
                      f"codebook: {codebook}\ncriteria: []\n")
    run = grader_cli("grade", "--rubric", rubric, "--submission", DEMOS / "perfect")
    assert run.returncode == 2 and "rubric.yaml line 3: answer_key: no such file" in run.stderr


def test_broken_codebook_in_a_rubric_exits_2(grader_cli, tmp_path):
    (tmp_path / "codebook.yaml").write_text("name: x\nfamilies:\n  - id: a\n   codes: [\n")
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text("exercise: team\ntitle: t\nanswer_key: key.csv\ncodebook: codebook.yaml\n"
                      "criteria:\n  - {id: tags.agreement, title: t, points: 1, "
                      "scorer: tag_agreement}\n")
    (tmp_path / "key.csv").write_text("log_id,label,rationale\nT-1,off-topic,x\n")
    run = grader_cli("grade", "--rubric", rubric, "--submission", tmp_path)
    assert run.returncode == 2 and "codebook.yaml line" in run.stderr
    assert "[yaml-syntax]" in run.stderr and "Traceback" not in run.stderr


def test_bad_answer_key_names_its_lines(grader_cli, tmp_path):
    (tmp_path / "key.csv").write_text(
        "log_id,label,accepted,secondary,kb_article,rationale\n"
        "T-1,off-topic,,,,fine\nT-2,made-up,,,,x\nT-1,no-failure,,,,again\nT-3,,,,,\n")
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(
        "exercise: team\ntitle: t\nanswer_key: key.csv\n"
        f"codebook: {ROOT / 'datasets' / 'taxonomy' / 'codebook.yaml'}\n"
        "criteria:\n  - {id: tags.agreement, title: t, points: 10, scorer: tag_agreement}\n")
    run = grader_cli("grade", "--rubric", rubric, "--submission", tmp_path)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    for expected in ["key.csv line 3: code(s) made-up not in the codebook",
                     "key.csv line 4: log 'T-1' appears twice",
                     "key.csv line 5: blank label, rationale"]:
        assert expected in run.stderr


def test_internal_error_exits_1_without_traceback(monkeypatch, capsys):
    import grader.grade
    from grader import cli

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(grader.grade, "grade_submission", broken)
    monkeypatch.setattr("sys.argv", ["grader", "grade", "--exercise", "failure-audit",
                                     "--submission", str(DEMOS / "perfect")])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: a bug" in err and "Traceback" not in err


def test_own_rubric_grades_own_key(grader_cli, tmp_path):
    key = tmp_path / "key.csv"
    key.write_text("log_id,label,accepted,secondary,kb_article,rationale\n"
                   "T-1,off-topic,,,,Talks about the weather.\n"
                   "T-2,no-failure,,,,Answers correctly.\n")
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(
        "exercise: team\ntitle: Team logs\nanswer_key: key.csv\n"
        f"codebook: {ROOT / 'datasets' / 'taxonomy' / 'codebook.yaml'}\n"
        "criteria:\n  - {id: tags.agreement, title: t, points: 10, scorer: tag_agreement}\n")
    folder = write_tags(tmp_path / "sub", "log_id,label\nT-1,off-topic\nT-2,off-topic\n")
    run = grader_cli("grade", "--rubric", rubric, "--submission", folder, "--format", "json")
    assert run.returncode == 0, run.stderr
    assert run.json()["score"] == 5


def test_console_script_and_module_agree(tmp_path):
    import subprocess
    import sys

    args = ["grade", "--exercise", "failure-audit", "--submission", str(DEMOS / "beginner"),
            "--format", "json"]
    via_module = subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True,
                                text=True, cwd=ROOT, check=True)
    from tests.conftest import run_grader

    assert json.loads(via_module.stdout) == run_grader(*args).json()
