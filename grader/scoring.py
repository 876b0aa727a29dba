"""Scorers: plain functions `(context, criterion) -> Score`, chosen by name in a rubric.

Every explanation is safe to show before release: it speaks of counts and codebook rules,
never of the gold label of a particular log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from grader.answer_key import AnswerKey
from grader.metrics import MISSING, Alignment, confused_pairs
from grader.report import Report
from grader.rubric import Criterion
from grader.tags import Tag
from labkit.codebook import Codebook


class Score(BaseModel):
    """The points one criterion earned and an explanation a learner can act on."""

    model_config = ConfigDict(frozen=True)
    criterion: str
    points: float
    max_points: float
    explanation: str


@dataclass(frozen=True)
class Context:
    """Everything a scorer may read: the learner's tags and the exercise's reference."""

    codebook: Codebook
    key: AnswerKey
    tags: list[Tag]
    alignment: Alignment
    report: Report | None = None
    report_problem: str | None = None


def label_credit(given: str, correct: tuple[str, ...], codebook: Codebook,
                 family_credit: float) -> float:
    """1 for a correct label; `family_credit` for a wrong code in a correct code's family."""
    if given in correct:
        return 1.0
    if given == MISSING:
        return 0.0
    family = codebook.family_of[given]
    return family_credit if any(codebook.family_of.get(c) == family for c in correct) else 0.0


def tag_agreement(context: Context, criterion: Criterion) -> Score:
    """Primary labels: full credit when accepted, partial for the right family."""
    family_credit = float(criterion.params.get("family_credit", 0.5))
    credits = [
        label_credit(given, entry.correct_labels, context.codebook, family_credit)
        for given, entry in zip(context.alignment.learner, context.key.entries.values(),
                                strict=True)
    ]
    n = len(credits)
    exact = credits.count(1.0)
    family = sum(0 < c < 1 for c in credits)
    missing = context.alignment.learner.count(MISSING)
    parts = [f"{exact} of {n} logs carry an accepted label"]
    if family:
        parts.append(f"{family} more are in the right family ({family_credit:g} credit each)")
    if missing:
        parts.append(f"{missing} are not tagged (0 credit; add a row for each)")
    advice = _confusion_advice(context)
    return Score(
        criterion=criterion.id,
        points=round(criterion.points * sum(credits) / n, 2),
        max_points=criterion.points,
        explanation="; ".join(parts) + "." + (f" {advice}" if advice else ""),
    )


def _confusion_advice(context: Context) -> str:
    pairs = confused_pairs(context.alignment, top=1)
    if not pairs:
        return ""
    gold, given, count = pairs[0]
    rule = context.codebook.neighbour_rule(gold, given)
    advice = f"Your most frequent mix-up: '{given}' where the key has '{gold}' ({count} logs)."
    return advice + (f" The codebook's rule: {rule}" if rule else "")


def jaccard(a: set[str], b: set[str]) -> float:
    """|a & b| / |a | b|, and 1 when both are empty."""
    return len(a & b) / len(a | b) if a | b else 1.0


def secondary_overlap(context: Context, criterion: Criterion) -> Score:
    """Secondary labels: mean Jaccard overlap over logs where either side has any.

    Scored apart from the primary label, so a secondary label never costs a correct primary.
    """
    given = {tag.log_id: set(tag.secondary) for tag in context.tags}
    overlaps = [
        jaccard(given.get(log_id, set()), set(entry.secondary))
        for log_id, entry in context.key.entries.items()
        if entry.secondary or given.get(log_id)
    ]
    if not overlaps:
        return Score(criterion=criterion.id, points=criterion.points,
                     max_points=criterion.points,
                     explanation="No log needs a secondary label and you gave none.")
    mean = sum(overlaps) / len(overlaps)
    expected = sum(bool(entry.secondary) for entry in context.key.entries.values())
    offered = sum(bool(labels) for labels in given.values())
    return Score(
        criterion=criterion.id,
        points=round(criterion.points * mean, 2),
        max_points=criterion.points,
        explanation=(
            f"Mean overlap {mean:.2f} over {len(overlaps)} logs. The key has secondary labels "
            f"on {expected} logs; you gave them on {offered}. A secondary label is a second, "
            f"downstream failure in the same conversation."
        ),
    )


TAG_SCORERS: dict[str, Callable[[Context, Criterion], Score]] = {
    "tag_agreement": tag_agreement,
    "secondary_overlap": secondary_overlap,
}
