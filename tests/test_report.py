"""The report grader: parsing, and validity measured against a mentor's bands."""

from __future__ import annotations

import shutil

import pytest
import yaml
from scipy.stats import spearmanr

from grader.grade import grade_submission
from grader.report import affirmed, first_page, log_ids, numbers, parse_report, term_pattern
from tests.conftest import DEMOS, ROOT

SAMPLES = ROOT / "solutions" / "failure-audit" / "sample_reports"
BANDS = yaml.safe_load((SAMPLES / "bands.yaml").read_text(encoding="utf-8"))
PASS_MARK = 0.6


def report_points(grade) -> tuple[float, float]:
    scores = [s for s in grade.scores if s.criterion.startswith("report.")]
    return sum(s.points for s in scores), sum(s.max_points for s in scores)


def graded(exercise, tmp_path, report: str | None):
    folder = tmp_path / "sub"
    folder.mkdir(exist_ok=True)
    shutil.copy(DEMOS / "perfect" / "tags.csv", folder / "tags.csv")
    if report is not None:
        (folder / "report.md").write_text(report, encoding="utf-8")
    return grade_submission(exercise, folder)


def by_criterion(grade) -> dict:
    return {s.criterion: s for s in grade.scores}


def test_sections_headings_and_words():
    report = parse_report("# Title\n\n## 1. Findings\nA b c.\n\n## Root Cause:\nD e.\n\n"
                          "## Recommendations\nF.\n\n## Evidence\nSC-1 and sc 014.\n")
    assert set(report.sections) == {"finding", "root_cause", "fix", "evidence"}
    assert report.words == 10
    assert log_ids(report.sections["evidence"]) == ["SC-001", "SC-014"]


def test_numbers_ignore_log_ids():
    assert numbers("16 of 100 logs (16%), sixteen in all; see SC-016") == [
        (16, False), (100, False), (16, True), (16, False)]


def test_negation_is_clause_level():
    prompt, kb = term_pattern(["prompt"]), term_pattern(["knowledge base"])
    sentence = "this is not a knowledge base problem; the prompt is too broad"
    assert affirmed(sentence, prompt) and not affirmed(sentence, kb)
    assert not affirmed("it is not the prompt but the knowledge base", prompt)


def test_a_page_is_a_page():
    text = "## Finding\n" + "word " * 600 + "\n## Root cause\nthe prompt\n"
    assert "prompt" not in first_page(text, 550)
    report = parse_report(text)
    assert report.read_words == 550 and "root_cause" not in report.sections


def test_reference_report_earns_full_marks(exercise, tmp_path):
    grade = graded(exercise, tmp_path, (SAMPLES / "reference.md").read_text(encoding="utf-8"))
    earned, available = report_points(grade)
    assert earned == available == 40


@pytest.fixture(scope="module")
def sample_scores(exercise, tmp_path_factory):
    scores = {}
    for entry in BANDS:
        text = (SAMPLES / entry["file"]).read_text(encoding="utf-8")
        grade = graded(exercise, tmp_path_factory.mktemp("s"), text)
        scores[entry["file"]] = grade
    return scores


def test_grader_ranks_reports_as_a_mentor_does(sample_scores):
    assert len(BANDS) >= 12
    ours = [report_points(sample_scores[e["file"]])[0] for e in BANDS]
    rho = spearmanr(ours, [e["band"] for e in BANDS]).statistic
    assert rho >= 0.8, f"Spearman {rho:.2f}"


def test_no_keyword_stuffed_or_invented_report_passes(sample_scores):
    for entry in BANDS:
        if entry["kind"] in {"keyword-stuffing", "invented-evidence", "empty", "vague"}:
            earned, available = report_points(sample_scores[entry["file"]])
            assert earned < PASS_MARK * available, entry["file"]
    kinds = {e["kind"] for e in BANDS}
    assert {"keyword-stuffing", "fabricated-numbers", "wrong-cause", "unusual-wording"} <= kinds


def test_the_hard_cases_lose_what_they_should(sample_scores):
    kind = {e["kind"]: sample_scores[e["file"]] for e in BANDS}
    assert by_criterion(kind["fabricated-numbers"])["report.quantity"].points == 0
    assert by_criterion(kind["negated-cause"])["report.cause"].points == 0
    assert by_criterion(kind["wrong-cause"])["report.cause"].points == 0
    assert by_criterion(kind["unusual-wording"])["report.cause"].points == 10
    invented = by_criterion(kind["invented-evidence"])["report.evidence"]
    assert invented.points == 0 and "unsupported evidence: SC-" in invented.explanation


def test_missing_empty_and_sectionless_reports_are_graded(exercise, tmp_path):
    for report, reason in [(None, "No report.md"), ("  \n", "is empty"),
                           ("I think the bot refuses money questions.", "section")]:
        grade = graded(exercise, tmp_path, report)
        scores = by_criterion(grade)
        assert scores["tags.agreement"].points == 50
        for criterion in [c for c in scores if c.startswith("report.")]:
            assert scores[criterion].points == 0
            assert reason in scores[criterion].explanation or criterion == "report.structure"
