"""Grading written work on its claims: the scorers, and their validity against mentors' bands.

The sample reports and their bands were written by mentors who never saw the scorer (see
`course/reference/grading.md`). Each sample comes with the changes its learner's own
tags.csv makes to the gold labels, so a count is judged against that learner's tags.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import yaml
from scipy.stats import spearmanr

from grader.grade import grade_submission
from tests.conftest import DEMOS, ROOT, check_published

SOLUTIONS = ROOT / "solutions" / "failure-audit"
SETS = {"tuning": SOLUTIONS / "sample_reports", "holdout": SOLUTIONS / "holdout_reports"}
LOW = 0.25  # stuffed, fabricated and not-committed reports earn less than this share


def bands(name: str) -> list[dict]:
    return yaml.safe_load((SETS[name] / "bands.yaml").read_text(encoding="utf-8"))


def submission(folder: Path, report: str | None, tag_changes: dict | None = None) -> Path:
    """A submission with the gold tags (as the perfect demo has them), changed as given."""
    folder.mkdir(parents=True, exist_ok=True)
    with (DEMOS / "perfect" / "tags.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with (folder / "tags.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "label": (tag_changes or {}).get(row["log_id"],
                                                                    row["label"])})
    if report is not None:
        (folder / "report.md").write_text(report, encoding="utf-8")
    return folder


def by_criterion(grade) -> dict:
    return {s.criterion: s for s in grade.scores}


def automatic(grade) -> tuple[float, float]:
    """Points earned and available on the report's automatically scored criteria."""
    scores = [s for s in grade.scores if s.criterion.startswith("report.")
              and s.status != "pending"]
    return sum(s.points for s in scores), sum(s.max_points for s in scores)


@pytest.fixture(scope="module")
def graded(exercise, tmp_path_factory):
    """Every sample of both sets, graded with its learner's own tags."""
    out = {}
    for name, folder in SETS.items():
        for entry in bands(name):
            text = (folder / entry["file"]).read_text(encoding="utf-8")
            sub = submission(tmp_path_factory.mktemp("s"), text, entry.get("tag_changes"))
            out[entry["file"]] = grade_submission(exercise, sub)
    return out


def kinds(*names: str) -> list[dict]:
    return [e for e in bands("tuning") if e["kind"] in names]


def test_reference_report_earns_every_automatic_point(exercise, tmp_path):
    text = (SETS["tuning"] / "reference.md").read_text(encoding="utf-8")
    grade = grade_submission(exercise, submission(tmp_path, text))
    earned, available = automatic(grade)
    assert earned == available == 32
    assert by_criterion(grade)["report.reasoning"].status == "pending"
    assert grade.pending_points == 8


def reasoning_grades(name: str) -> dict[str, float]:
    """The mentor's grade of the reasoning criterion, per sample (graded by another mentor
    than the one who set the bands, for the holdout)."""
    entries = yaml.safe_load((SETS[name] / "reasoning_grades.yaml").read_text(encoding="utf-8"))
    return {e["file"]: e["reasoning"] for e in entries}


# Spearman's rho with the mentors' bands, as published on course/reference/grading.md:
# (automatic points alone, automatic points plus the mentor-graded reasoning). The floors sit
# just under the measured values, so that a change that ranks reports worse fails here.
# The holdout was never used to tune the scorer; its figures are below the tuning set's.
RHO_FLOORS = {"tuning": (0.87, 0.90), "holdout": (0.70, 0.77)}


@pytest.mark.parametrize("name", list(SETS))
def test_scores_rank_reports_as_mentors_do(graded, name):
    entries = bands(name)
    assert len(entries) >= 16
    mentor = [e["band"] for e in entries]
    ours = [automatic(graded[e["file"]])[0] for e in entries]
    reasoning = reasoning_grades(name)
    total = [points + reasoning[e["file"]] for points, e in zip(ours, entries, strict=True)]
    automatic_floor, total_floor = RHO_FLOORS[name]
    rho = spearmanr(ours, mentor).statistic
    assert rho >= automatic_floor, f"{name}: Spearman {rho:.3f} (automatic points)"
    rho = spearmanr(total, mentor).statistic
    assert rho >= total_floor, f"{name}: Spearman {rho:.3f} (with the reasoning grade)"


def test_stuffed_fabricated_and_uncommitted_reports_score_low(graded):
    low = kinds("keyword-stuffing", "stuffed-lists", "invented-evidence", "fabricated-quotes",
                "invented-ids", "empty", "vague")
    assert len(low) >= 7
    for entry in low:
        earned, available = automatic(graded[entry["file"]])
        assert earned < LOW * available, entry["file"]
    uncommitted = [f for f, g in graded.items() if any(
        p.code == "claims-not-committed" for p in g.context.written.claims.problems)]
    assert len(uncommitted) >= 2
    for file in uncommitted:
        earned, available = automatic(graded[file])
        assert earned < LOW * available, file


def test_a_negated_or_wrong_cause_earns_no_cause_or_fix(graded):
    for entry in kinds("negated-cause", "wrong-cause"):
        scores = by_criterion(graded[entry["file"]])
        assert scores["report.cause"].points == 0, entry["file"]
        assert scores["report.fix"].points == 0, entry["file"]


def test_a_long_report_keeps_its_content_and_loses_the_length_share(graded):
    for entry in kinds("too-long"):
        scores = by_criterion(graded[entry["file"]])
        for criterion in ("finding", "count", "evidence", "cause", "fix"):
            assert scores[f"report.{criterion}"].points == scores[f"report.{criterion}"]. \
                max_points, (entry["file"], criterion)
        assert scores["report.prose"].points == pytest.approx(0.6 * 4)
        assert "over the one-page limit" in scores["report.prose"].explanation


def test_the_second_failure_earns_the_rubric_share(graded, exercise):
    share = exercise.rubric.claims.off_target_credit
    for entry in kinds("wrong-failure", "second-failure"):
        scores = by_criterion(graded[entry["file"]])
        assert scores["report.finding"].points == 0
        for criterion in ("evidence", "cause", "fix"):
            score = scores[f"report.{criterion}"]
            assert score.points == pytest.approx(share * score.max_points), criterion
            assert "not the most frequent failure" in score.explanation


def test_invented_evidence_costs_more_than_evidence_left_out(exercise, tmp_path):
    reference = (SETS["tuning"] / "reference.md").read_text(encoding="utf-8")
    first = reference.index("  - log: SC-013")
    end = reference.index("  - log: SC-074")
    left_out = reference[:first] + reference[end:]
    invented = reference.replace("I'm not able to discuss delivery charges",
                                 "I will never discuss delivery charges")
    scores = {}
    for name, text in (("left-out", left_out), ("invented", invented)):
        grade = grade_submission(exercise, submission(tmp_path / name, text))
        scores[name] = by_criterion(grade)
    assert scores["left-out"]["report.evidence"].points == 8
    assert scores["invented"]["report.evidence"].points < 8
    assert "invented or misquoted: SC-013" in scores["invented"]["report.evidence"].explanation
    assert scores["invented"]["report.cause"].points < scores["left-out"]["report.cause"].points


def test_a_count_must_come_from_the_learners_own_tags(exercise, tmp_path):
    reference = (SETS["tuning"] / "reference.md").read_text(encoding="utf-8")
    own = grade_submission(exercise, submission(tmp_path / "a", reference,
                                                {"SC-037": "no-failure"}))
    count = by_criterion(own)["report.count"]
    assert count.points == 0 and "gives 'unwarranted-refusal' as the primary label of 15" in \
        count.explanation
    honest = grade_submission(exercise, submission(
        tmp_path / "b", reference.replace("count: 16", "count: 15"), {"SC-037": "no-failure"}))
    assert by_criterion(honest)["report.count"].points == 4


@pytest.mark.parametrize(("report", "status", "reason"), [
    (None, "not-submitted", "No report.md was handed in"),
    ("  \n", "not-submitted", "is empty"),
    ("## Finding\nThe bot refuses money questions.\n", "invalid", "claims-missing"),
])
def test_reports_that_cannot_be_read_are_graded_with_a_status(exercise, tmp_path, report,
                                                              status, reason):
    grade = grade_submission(exercise, submission(tmp_path, report))
    scores = by_criterion(grade)
    assert scores["tags.agreement"].points == 50
    for criterion in ("finding", "count", "evidence", "cause", "fix"):
        score = scores[f"report.{criterion}"]
        assert (score.points, score.status) == (0, status) and reason in score.explanation
    if status == "invalid":
        assert "finding: <one failure code>" in scores["report.finding"].explanation
    # A mentor can still read the prose of a report without claims; with no report there is
    # nothing to read.
    reasoning = scores["report.reasoning"]
    if status == "invalid":
        assert reasoning.status == "pending"
    else:
        assert (reasoning.points, reasoning.status) == (0, status)


def test_an_unreadable_report_is_invalid_not_missing(exercise, tmp_path):
    folder = submission(tmp_path, None)
    (folder / "report.md").write_bytes(b"\xff\xfe not utf-8 \x80")
    score = by_criterion(grade_submission(exercise, folder))["report.finding"]
    assert score.status == "invalid" and "UTF-8" in score.explanation


def test_a_linked_report_is_refused(exercise, tmp_path):
    folder = submission(tmp_path, None)
    (folder / "report.md").symlink_to(SETS["tuning"] / "reference.md")
    score = by_criterion(grade_submission(exercise, folder))["report.finding"]
    assert (score.points, score.status) == (0, "invalid") and "not-a-file" in score.explanation


def test_explanations_name_no_reference_answer(graded, exercise):
    planted = exercise.planted.causes
    secrets = [c.summary[:60] for c in planted] + ["KB-05", "money-matters", "international"]
    for file, grade in graded.items():
        report = grade.context.written.claims.body if grade.context.written.claims else ""
        for score in grade.scores:
            for secret in secrets:
                own = secret.lower() in (report + str(grade.context.written.claims.claims)).lower()
                assert own or secret not in score.explanation, (file, score.criterion, secret)


def test_samples_are_where_the_bands_say(tmp_path):
    for name, folder in SETS.items():
        files = {e["file"] for e in bands(name)}
        assert files == {p.name for p in folder.glob("*.md")} - {"reference.md", "README.md"}, name
        shutil.copy(folder / "bands.yaml", tmp_path / f"{name}.yaml")


CALIBRATION = ROOT / "course" / "reference" / "grading.md"
MARKERS = ("<!-- calibration table: written by `pytest --update-goldens` -->\n",
           "<!-- end of calibration table -->\n")


def calibration_table(graded) -> str:
    """The published calibration: per set, each sample's band and points, and Spearman's rho."""
    lines = []
    for name in SETS:
        entries, reasoning = bands(name), reasoning_grades(name)
        ours = [automatic(graded[e["file"]])[0] for e in entries]
        total = [points + reasoning[e["file"]] for points, e in zip(ours, entries, strict=True)]
        mentor = [e["band"] for e in entries]
        lines += [f"**{name.capitalize()} set** ({len(entries)} reports): Spearman's rho with "
                  f"the bands {spearmanr(ours, mentor).statistic:.2f} on the automatic points, "
                  f"{spearmanr(total, mentor).statistic:.2f} with the mentor's reasoning grade.",
                  "", "| report | what it is | band (1 to 5) | automatic (of 32) | reasoning "
                  "(of 8) | total (of 40) |", "|---|---|---|---|---|---|"]
        for entry, points, whole in zip(entries, ours, total, strict=True):
            lines.append(f"| `{entry['file']}` | {entry['kind']} | {entry['band']} | "
                         f"{points:.1f} | {reasoning[entry['file']]} | {whole:.1f} |")
        lines.append("")
    return "\n".join(lines)


def test_the_published_calibration_table_is_current(graded, update_goldens):
    check_published(CALIBRATION, MARKERS, calibration_table(graded), update_goldens)
