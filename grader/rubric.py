"""Rubrics: which criteria an exercise is graded on, each naming a scorer and its points.

A rubric is `solutions/<exercise>/rubric.yaml`; the answer key and codebook paths in it are
relative to the rubric file, so a workshop lead can point the grader at their own set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

SOLUTIONS_DIR = Path(__file__).resolve().parent.parent / "solutions"


class Criterion(BaseModel):
    """One graded aspect of a submission."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z]+\.[a-z_]+$")
    title: str
    points: float = Field(gt=0)
    scorer: str
    params: dict[str, Any] = Field(default_factory=dict)


class Rubric(BaseModel):
    """An exercise's criteria and where its answer key and codebook live."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    exercise: str
    title: str
    answer_key: Path
    codebook: Path
    criteria: list[Criterion] = Field(min_length=1)

    @property
    def max_score(self) -> float:
        """The sum of every criterion's points."""
        return sum(criterion.points for criterion in self.criteria)


def load_rubric(path: Path) -> Rubric:
    """Read a rubric and resolve its paths against the rubric's folder."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name in ("answer_key", "codebook"):
        raw[name] = (path.parent / raw[name]).resolve()
    return Rubric.model_validate(raw)


def exercise_rubric(exercise: str) -> Path:
    """The rubric file of one of the course's own exercises."""
    return SOLUTIONS_DIR / exercise / "rubric.yaml"


def known_exercises() -> list[str]:
    """The course's exercises: the folders of `solutions/` that hold a rubric."""
    return sorted(path.parent.name for path in SOLUTIONS_DIR.glob("*/rubric.yaml"))
