"""The failure-taxonomy codebook: its format (pydantic) and its loader.

A codebook is a YAML file of families, each holding codes. Every code says what it means,
when to use it, how to tell it from each neighbour it is confused with, and which root-cause
layers it usually traces to. Teams can write their own; `grader taxonomy validate` checks one.
"""

from __future__ import annotations

import datetime
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CODEBOOK = ROOT / "datasets" / "taxonomy" / "codebook.yaml"
MAX_CODEBOOK_CHARS = 2_000_000  # the course's codebook is about 64,000

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Layer(_Strict):
    """A root-cause layer a failure can be traced to (data, model, prompt, ...)."""

    id: Slug
    name: Text
    description: Text


class Reference(_Strict):
    """A published work the codebook maps codes to."""

    id: Slug
    citation: Text
    url: Annotated[str, StringConstraints(pattern=r"^https://")]


class Mapping(_Strict):
    """How a code relates to a term in a published reference."""

    reference: Slug
    term: Text
    fit: Literal["equivalent", "narrower", "broader", "related"]
    note: Text


class Neighbour(_Strict):
    """The decision rule that separates a code from one it is confused with.

    The same rule (and example, if any) is written under both codes of the pair.
    """

    code: Slug
    rule: Text
    example: Text | None = None


class DecisionRule(_Strict):
    """A general rule that decides between more than two codes, or between any codes."""

    id: Slug
    question: Text
    codes: list[Slug] = Field(default_factory=list)
    rule: Text
    example: Text


Version = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]


class ChangelogEntry(_Strict):
    """What one version of the codebook changed."""

    version: Version
    date: datetime.date
    changes: list[Text] = Field(min_length=1)


class Code(_Strict):
    """One failure code: the unit a reviewer tags a log with."""

    id: Slug
    name: Text
    synonyms: list[Text] = Field(default_factory=list)
    definition: Text
    use_when: Text
    not_when: list[Neighbour] = Field(default_factory=list)
    examples: list[Text] = Field(min_length=2)
    root_causes: list[Slug] = Field(min_length=1)
    mappings: list[Mapping] = Field(default_factory=list)


class Family(_Strict):
    """A group of related codes; a wrong code in the right family earns partial credit."""

    id: Slug
    name: Text
    description: Text
    codes: list[Code] = Field(min_length=1)


class Codebook(_Strict):
    """A versioned failure taxonomy."""

    schema_version: Literal[1]
    name: Text
    version: Version
    description: Text
    no_failure_code: Slug
    layers: list[Layer] = Field(min_length=1)
    references: list[Reference] = Field(default_factory=list)
    families: list[Family] = Field(min_length=2)
    decision_rules: list[DecisionRule] = Field(default_factory=list)
    changelog: list[ChangelogEntry] = Field(default_factory=list)

    @cached_property
    def codes(self) -> dict[str, Code]:
        """Every code by id, in codebook order."""
        return {code.id: code for family in self.families for code in family.codes}

    @cached_property
    def layer_ids(self) -> list[str]:
        """The ids of the root-cause layers, in codebook order."""
        return [layer.id for layer in self.layers]

    @cached_property
    def family_of(self) -> dict[str, str]:
        """The family id of each code id."""
        return {code.id: family.id for family in self.families for code in family.codes}

    @cached_property
    def synonyms(self) -> dict[str, str]:
        """Each synonym and name (normalised) mapped to its code id."""
        table: dict[str, str] = {}
        for code in self.codes.values():
            for word in [code.name, *code.synonyms]:
                table.setdefault(normalise(word), code.id)
        return table

    def neighbour_rule(self, a: str, b: str) -> str | None:
        """The codebook's rule that separates code `a` from code `b`, looked up both ways."""
        for first, second in ((a, b), (b, a)):
            code = self.codes.get(first)
            for neighbour in code.not_when if code else []:
                if neighbour.code == second:
                    return neighbour.rule
        return None


def normalise(word: str) -> str:
    """Lower-case a label and fold spaces and underscores into hyphens."""
    return re.sub(r"[\s_]+", "-", word.strip().lower())


def cross_reference_problems(book: Codebook) -> list[tuple[str, str]]:
    """Problems pydantic cannot see field by field: duplicates and dangling references.

    Each problem is `(location, message)`, the location a dotted path into the YAML.
    """
    problems: list[tuple[str, str]] = []
    layers = {layer.id for layer in book.layers}
    references = {ref.id for ref in book.references}
    seen: dict[str, str] = {}
    for f, family in enumerate(book.families):
        for c, code in enumerate(family.codes):
            where = f"families.{f}.codes.{c}"
            if code.id in seen:
                problems.append((f"{where}.id", f"code '{code.id}' is defined twice"))
            seen[code.id] = where
            for r, layer in enumerate(code.root_causes):
                if layer not in layers:
                    problems.append(
                        (f"{where}.root_causes.{r}", f"unknown layer '{layer}'; add it to layers")
                    )
            for m, mapping in enumerate(code.mappings):
                if mapping.reference not in references:
                    problems.append(
                        (f"{where}.mappings.{m}.reference",
                         f"unknown reference '{mapping.reference}'; add it to references")
                    )
    for f, family in enumerate(book.families):
        for c, code in enumerate(family.codes):
            for n, neighbour in enumerate(code.not_when):
                if neighbour.code not in seen:
                    problems.append(
                        (f"families.{f}.codes.{c}.not_when.{n}.code",
                         f"neighbour '{neighbour.code}' is not a code in this codebook")
                    )
    if book.no_failure_code not in seen:
        problems.append(("no_failure_code", f"'{book.no_failure_code}' is not a code"))
    rule_ids: set[str] = set()
    for d, decision in enumerate(book.decision_rules):
        if decision.id in rule_ids:
            problems.append((f"decision_rules.{d}.id",
                             f"decision rule '{decision.id}' is defined twice"))
        rule_ids.add(decision.id)
    # A decision rule's `codes` may name codes a cut-down copy of a codebook left out: they
    # are shown without a link, not refused.
    if book.changelog and book.version not in {entry.version for entry in book.changelog}:
        problems.append(("changelog", f"the changelog has no entry for version {book.version}"))
    return problems + mirror_problems(book)


def mirror_problems(book: Codebook) -> list[tuple[str, str]]:
    """Pairs whose decision rule is not written the same under both codes.

    The convention: if code A lists B under `not_when`, B lists A with the same rule (and the
    same example). Each problem is `(location, message)`, located at A's entry.
    """
    entries: dict[tuple[str, str], tuple[str, Neighbour]] = {}
    for f, family in enumerate(book.families):
        for c, code in enumerate(family.codes):
            for n, neighbour in enumerate(code.not_when):
                entries.setdefault((code.id, neighbour.code),
                                   (f"families.{f}.codes.{c}.not_when.{n}", neighbour))
    problems: list[tuple[str, str]] = []
    for (a, b), (where, neighbour) in entries.items():
        if a == b or b not in book.codes:
            continue  # a code naming itself has no mirror; a missing code is reported above
        other = entries.get((b, a))
        if other is None:
            problems.append((f"{where}.code",
                             f"'{a}' has a rule for '{b}', but '{b}' has no rule for '{a}'; "
                             f"write the same rule under both codes"))
        elif a < b and other[1].rule != neighbour.rule:
            problems.append((f"{where}.rule",
                             f"the rule for the pair '{a}' / '{b}' differs between the two "
                             f"codes; write the same rule under both"))
        elif a < b and other[1].example != neighbour.example:
            problems.append((f"{where}.example",
                             f"the example for the pair '{a}' / '{b}' differs between the two "
                             f"codes; write the same example under both"))
    return problems


def load_codebook(path: str | Path = DEFAULT_CODEBOOK) -> Codebook:
    """Load and validate a codebook YAML file (the course's own by default)."""
    from labkit.safe_yaml import load_yaml_file

    raw, _ = load_yaml_file(Path(path), what="a codebook", max_chars=MAX_CODEBOOK_CHARS)
    book = Codebook.model_validate(raw)
    problems = cross_reference_problems(book)
    if problems:
        raise ValueError("; ".join(f"{where}: {what}" for where, what in problems))
    return book
