"""Planted causes: the defects an exercise's data was built with, and the claims that name them.

Format (`solutions/<exercise>/planted_causes.yaml`, mentors only): a list of causes, each with
the failure codes it produces, the layers and pointers that name it (in the forms of
`grader.materials`), and where a fix must be made. The claim scorers read it; nothing a
learner receives does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from grader.errors import Problem, UnusableInput, fix_for
from grader.front_matter import FrontMatter
from labkit.safe_yaml import YamlProblem, load_yaml_file

GAP_PREFIX = "knowledge_base.yaml#missing:"
MAX_PLANTED_CHARS = 1_000_000
# A word or pointer a claim is matched against: an empty one would match every claim.
Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class PlantedCause(BaseModel):
    """One planted defect and what a claim must say to name it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1)
    layer: str = Field(min_length=1)
    also_layers: list[Term] = Field(default_factory=list,
                                   description="other layers that name it as well")
    locations: list[Term] = Field(default_factory=list,
                                 description="pointers (canonical form) that name it")
    gap_topics: list[Term] = Field(default_factory=list,
                                  description="for a missing article: words, one of which the "
                                              "learner's missing:<topic> must contain")
    fix_targets: list[Term] = Field(default_factory=list,
                                   description="where the fix is made; default: the locations")
    failure_codes: list[Term] = Field(min_length=1)
    downstream_codes: list[Term] = Field(default_factory=list)
    logs: list[Term] = Field(default_factory=list)
    summary: str = Field(min_length=1)
    where: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _named_somehow(self) -> PlantedCause:
        if not self.locations and not self.gap_topics:
            raise ValueError("give locations, gap_topics or both")
        return self

    @property
    def layers(self) -> list[str]:
        """Every layer that names the cause."""
        return [self.layer, *self.also_layers]

    def names(self, pointer: str) -> bool:
        """True when a (canonical) pointer names this cause."""
        if pointer in self.locations:
            return True
        topic = pointer.removeprefix(GAP_PREFIX) if pointer.startswith(GAP_PREFIX) else None
        return topic is not None and any(word in topic for word in self.gap_topics)

    def fixed_at(self, pointer: str) -> bool:
        """True when a fix made at `pointer` acts on this cause."""
        return pointer in self.fix_targets if self.fix_targets else self.names(pointer)


class PlantedCauses(BaseModel):
    """Every planted cause of an exercise."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    top_failure: str = ""
    causes: list[PlantedCause] = Field(min_length=1)

    def of(self, code: str) -> PlantedCause | None:
        """The cause that produces failures of `code` (the first one listed)."""
        return next((c for c in self.causes if code in c.failure_codes), None)


def load_planted_causes(path: Path) -> PlantedCauses:
    """Read a planted-causes file; raise `UnusableInput` with each problem and its line."""
    def problem(message: str, line: int | None = None, hint: str = "") -> UnusableInput:
        return UnusableInput([Problem("answer-key-invalid", path.name, message, line, hint)])

    try:
        raw, root = load_yaml_file(path, what="a planted-causes file",
                                   max_chars=MAX_PLANTED_CHARS)
    except YamlProblem as error:
        raise problem(error.message, error.line, error.hint) from None
    try:
        return PlantedCauses.model_validate(raw)
    except ValidationError as exc:
        where = FrontMatter(raw, root, 1) if root is not None else None
        raise UnusableInput([
            Problem("answer-key-invalid", path.name,
                    f"{'.'.join(map(str, e['loc'])) or 'top level'}: {e['msg']}",
                    where.line_of(tuple(e["loc"])) if where else None, fix_for(e["type"]),
                    ".".join(map(str, e["loc"])))
            for e in exc.errors()
        ]) from None
