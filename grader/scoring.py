"""Scorers: plain functions `(context, criterion) -> Score`, chosen by name in a rubric.

Every explanation is safe to show before release: it speaks of counts and codebook rules,
never of the gold label of a particular log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from grader.answer_key import AnswerKey
from grader.errors import visible
from grader.metrics import MISSING, Alignment, confused_pairs
from grader.rubric import ClaimsSettings, Criterion
from grader.tags import Tag
from labkit.codebook import Codebook

if TYPE_CHECKING:
    from grader.planted import PlantedCauses
    from grader.written import WrittenWork


Status = Literal["scored", "pending", "not-submitted", "invalid"]


class Score(BaseModel):
    """The points one criterion earned and an explanation a learner can act on.

    `status` says why a score is what it is: `scored` (graded), `pending` (a mentor grades
    it; `points` is None until then), `not-submitted` (the file it grades was not handed in)
    or `invalid` (the file, or the claim it grades, cannot be used).
    """

    model_config = ConfigDict(frozen=True)
    criterion: str
    points: float | None
    max_points: float
    explanation: str
    status: Status = "scored"

    @field_validator("explanation")
    @classmethod
    def _shown_not_obeyed(cls, text: str) -> str:
        # It quotes the rubric and codebook (titles, rules), and is printed in terminals
        # and notebooks: control characters there are shown as escapes, never obeyed.
        return visible(text)


class Totals:
    """The totals of a grade (both projects): a subclass holds `scores` and a `rubric` with
    a `max_score`."""

    scores: list[Score]
    rubric: Any

    @property
    def score(self) -> float:
        """Total points earned so far (a pending criterion adds nothing until graded)."""
        return round(sum(score.points or 0 for score in self.scores), 2)

    @property
    def max_score(self) -> float:
        """Total points available."""
        return self.rubric.max_score

    @property
    def pending_points(self) -> float:
        """Points that wait for a mentor's grade."""
        return sum(s.max_points for s in self.scores if s.status == "pending")


class Params(BaseModel):
    """A scorer's parameters, as the rubric sets them: a misspelt one is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Context:
    """Everything a scorer may read: the learner's files as read, and the exercise's reference."""

    codebook: Codebook
    key: AnswerKey
    tags: list[Tag]
    alignment: Alignment
    written: WrittenWork | None = None
    planted: PlantedCauses | None = None
    settings: ClaimsSettings | None = None
    skipped: int = 0  # rows of tags.csv whose log ids are not in the dataset


def scored(criterion: Criterion, fraction: float, explanation: str,
           status: Status = "scored") -> Score:
    """A score worth `fraction` (clamped to 0..1) of the criterion's points."""
    fraction = min(1.0, max(0.0, fraction))
    return Score(criterion=criterion.id, points=round(criterion.points * fraction, 2),
                 max_points=criterion.points, explanation=explanation, status=status)


class AgreementParams(Params):
    """`tag_agreement`: the credit of a wrong code in a correct code's family."""

    family_credit: float = Field(0.5, ge=0, le=1)


def label_credit(given: str, correct: tuple[str, ...], codebook: Codebook,
                 family_credit: float) -> float:
    """1 for a correct label; `family_credit` for a wrong code in a correct code's family."""
    if given in correct:
        return 1.0
    if given == MISSING:
        return 0.0
    family = codebook.family_of[given]
    return family_credit if any(codebook.family_of.get(c) == family for c in correct) else 0.0


def _no_tags(context: Context, criterion: Criterion) -> Score | None:
    """The not-submitted score when the tags file has no rows (invalid when it has rows but
    none names a log of the dataset), else None."""
    if context.tags:
        return None
    if context.skipped:
        return scored(criterion, 0, f"None of the {context.skipped} rows of tags.csv names a "
                      "log of the dataset, so none could be graded: see the rows skipped, "
                      "fix the ids and hand in again.", "invalid")
    return scored(criterion, 0, "No tags were handed in: tags.csv has no rows.",
                  "not-submitted")


def tag_agreement(context: Context, criterion: Criterion) -> Score:
    """Primary labels: full credit when accepted, partial for the right family."""
    if none := _no_tags(context, criterion):
        return none
    family_credit = AgreementParams(**criterion.params).family_credit
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
        parts.append(f"{family} more {_are(family)} in the right family "
                     f"({family_credit:g} credit each)")
    if missing:
        parts.append(f"{missing} {_are(missing)} not tagged (0 credit; add a row for each)")
    if context.skipped:
        parts.append(f"{context.skipped} row{'s' if context.skipped != 1 else ''} of tags.csv "
                     "skipped: log ids not in the dataset (see the rows skipped)")
    advice = _confusion_advice(context)
    return Score(
        criterion=criterion.id,
        points=round(criterion.points * sum(credits) / n, 2),
        max_points=criterion.points,
        explanation="; ".join(parts) + "." + (f" {advice}" if advice else ""),
    )


def _logs(count: int) -> str:
    """`1 log`, `3 logs`."""
    return f"{count} log{'s' if count != 1 else ''}"


def _are(count: int) -> str:
    """The verb agreeing with `count` logs."""
    return "is" if count == 1 else "are"


def _confusion_advice(context: Context) -> str:
    pairs = confused_pairs(context.alignment, top=1)
    if not pairs:
        return ""
    gold, given, count = pairs[0]
    rule = context.codebook.neighbour_rule(gold, given)
    advice = (f"Your most frequent mix-up: '{given}' where the key has '{gold}' ({count} "
              f"log{'s' if count != 1 else ''}).")
    return advice + (f" The codebook's rule: {rule}" if rule else "")


def jaccard(a: set[str], b: set[str]) -> float:
    """|a & b| / |a | b|, and 1 when both are empty."""
    return len(a & b) / len(a | b) if a | b else 1.0


def secondary_overlap(context: Context, criterion: Criterion) -> Score:
    """Secondary labels: mean Jaccard overlap over logs where either side has any.

    Scored apart from the primary label, so a secondary label never costs a correct primary.
    """
    if none := _no_tags(context, criterion):
        return none
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
    extra = sum(len(given.get(log_id, set()) - set(entry.secondary))
                for log_id, entry in context.key.entries.items())
    missing = sum(len(set(entry.secondary) - given.get(log_id, set()))
                  for log_id, entry in context.key.entries.items())
    return Score(
        criterion=criterion.id,
        points=round(criterion.points * mean, 2),
        max_points=criterion.points,
        explanation=(
            f"Mean overlap {mean:.2f} over {_logs(len(overlaps))}. The key has secondary "
            f"labels on {_logs(expected)}; you gave them on {offered}: {extra} of your "
            f"secondary labels {'is' if extra == 1 else 'are'} not in the key, and you left "
            f"out {missing} of the key's. A secondary label is a second, downstream failure "
            f"in the same conversation."
        ),
    )


Scorer = Callable[[Context, Criterion], Score]
TAG_SCORERS: dict[str, tuple[Scorer, type[Params]]] = {
    "tag_agreement": (tag_agreement, AgreementParams),
    "secondary_overlap": (secondary_overlap, Params),
}
