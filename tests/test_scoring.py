"""The tag scorers and statistics, on hand-made submissions whose answers are known."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score, f1_score

from grader.grade import grade_submission
from grader.metrics import MISSING
from grader.scoring import jaccard, label_credit
from tests.conftest import write_tags


def tags_csv(rows: list[tuple[str, str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["log_id", "label", "secondary_labels"])
    writer.writerows(rows)
    return out.getvalue()


def scores(grade) -> dict[str, float]:
    return {s.criterion: s.points for s in grade.scores}


def test_perfect_submission_earns_every_point(exercise, tmp_path):
    rows = [(e.log_id, e.label, ";".join(e.secondary)) for e in exercise.key.entries.values()]
    grade = grade_submission(exercise, write_tags(tmp_path / "s", tags_csv(rows)))
    assert scores(grade)["tags.agreement"] + scores(grade)["tags.secondary"] == 60
    assert grade.metrics["accuracy"] == grade.metrics["cohen_kappa"] == 1.0
    assert grade.metrics["macro_f1"] == grade.metrics["coverage"] == 1.0


def test_accepted_alternative_earns_full_credit(exercise, tmp_path):
    ambiguous = [e for e in exercise.key.entries.values() if e.accepted]
    assert len(ambiguous) >= 5
    rows = [(e.log_id, e.accepted[0] if e.accepted else e.label, ";".join(e.secondary))
            for e in exercise.key.entries.values()]
    grade = grade_submission(exercise, write_tags(tmp_path / "s", tags_csv(rows)))
    assert scores(grade)["tags.agreement"] == 50
    assert grade.metrics["cohen_kappa"] == 1.0


def test_family_partial_credit(exercise):
    book = exercise.codebook
    assert label_credit("kb-contradiction", ("kb-contradiction",), book, 0.5) == 1
    assert label_credit("fabricated-fact", ("kb-contradiction",), book, 0.5) == 0.5
    assert label_credit("off-topic", ("kb-contradiction",), book, 0.5) == 0
    assert label_credit("no-failure", ("tone-mismatch",), book, 0.5) == 0
    assert label_credit(MISSING, ("no-failure",), book, 0.5) == 0
    assert label_credit("off-topic", ("wrong-question", "no-failure"), book, 0.5) == 0.5


def test_secondary_labels_never_cost_a_correct_primary(exercise, tmp_path):
    entries = list(exercise.key.entries.values())
    plain = [(e.log_id, e.label, "") for e in entries]
    noisy = [(e.log_id, e.label, "tone-mismatch;off-topic") for e in entries]
    a = grade_submission(exercise, write_tags(tmp_path / "a", tags_csv(plain)))
    b = grade_submission(exercise, write_tags(tmp_path / "b", tags_csv(noisy)))
    assert scores(a)["tags.agreement"] == scores(b)["tags.agreement"] == 50
    assert a.metrics == b.metrics


def test_missing_logs_are_counted(exercise, tmp_path):
    entries = list(exercise.key.entries.values())
    rows = [(e.log_id, e.label, "") for e in entries[:40]]
    grade = grade_submission(exercise, write_tags(tmp_path / "s", tags_csv(rows)))
    assert grade.metrics["coverage"] == 0.4
    assert grade.metrics["accuracy"] == 0.4
    assert scores(grade)["tags.agreement"] == 20
    assert "60 are not tagged" in grade.scores[0].explanation


def test_jaccard():
    assert jaccard(set(), set()) == 1
    assert jaccard({"a"}, {"a", "b"}) == 0.5
    assert jaccard({"a"}, {"b"}) == 0


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_kappa_and_macro_f1_equal_scikit_learn(exercise, tmp_path_factory, data):
    codes = list(exercise.codebook.codes)
    entries = list(exercise.key.entries.values())
    chosen = data.draw(st.lists(st.sampled_from(entries), unique_by=lambda e: e.log_id))
    rows = [(e.log_id, data.draw(st.sampled_from(codes)), "") for e in chosen]
    folder = write_tags(tmp_path_factory.mktemp("prop"), tags_csv(rows))
    grade = grade_submission(exercise, folder)
    given_labels = dict((log_id, label) for log_id, label, _ in rows)
    learner = [given_labels.get(e.log_id, MISSING) for e in entries]
    gold = [g if g in e.correct_labels else e.label for g, e in zip(learner, entries, strict=True)]
    kappa = cohen_kappa_score(gold, learner)
    macro = f1_score(gold, learner, average="macro", zero_division=0)
    assert grade.metrics["cohen_kappa"] == pytest.approx(kappa, abs=1e-4)
    assert grade.metrics["macro_f1"] == pytest.approx(macro, abs=1e-4)
    assert grade.metrics["accuracy"] == pytest.approx(
        sum(a == b for a, b in zip(gold, learner, strict=True)) / len(entries), abs=1e-4)
    assert 0 <= grade.score <= grade.max_score
