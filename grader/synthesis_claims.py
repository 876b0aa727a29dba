"""The claims block of project 3's `memo.md`, and its prose.

As in projects 1 and 2: YAML front matter (read by `grader.front_matter`), a pydantic model
with `extra="forbid"`, one value where one is asked (`claims-not-committed` otherwise), every
problem with its field path and line. The claims are what is graded: the shared pattern's
code, its prevalence, impact and calibration figures per product (recomputed from the
learner's own files), evidence record ids, one model limitation and a prioritised list of
fixes. The prose below has six sections, at most 600 words; its reasoning is the mentor's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, ClassVar, Generic, TypeVar

from pydantic import Field, StringConstraints, field_validator

from grader.claims import (
    Id,
    OneValue,
    ReadClaims,
    Sentence,
    Short,
    _Claims,
    read_claims_block,
)
from grader.report import Report, normalise_text, split_sections
from labkit.codebook import Codebook

# The model limitations and fixes a memo chooses from (the project page explains each).
LIMITATIONS = ("calibration-under-uncertainty", "context-window-limit", "retrieval-recall",
               "instruction-following", "tokenisation", "knowledge-cutoff",
               "decoding-randomness")
FIXES = ("claim-verification", "abstention-training", "retrieval-grounding",
         "prompt-instruction", "lower-temperature", "larger-model", "output-format-check")
VERIFY_METHODS = ("frozen-eval-set", "ab-test", "canary-release", "offline-replay",
                  "human-review-sample")
Code = Annotated[str, StringConstraints(strip_whitespace=True,
                                        pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
                                        max_length=40)]
RecordId = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120,
                                            pattern=r"^(search|codegen|summarisation):\S+$")]
Rate = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
T = TypeVar("T")


class ByProduct(_Claims, Generic[T]):
    """One entry for each of the three products."""

    search: T
    codegen: T
    summarisation: T


class Pattern(_Claims):
    """The shared pattern: the code it has in `clusters.csv`, and what it means."""

    code: Code = Field(description="the code of the pattern's records in clusters.csv")
    definition: Sentence = Field(description="what the code means, in one sentence")


class Prevalence(_Claims):
    """How many of a product's converted records there are, and how many show the pattern."""

    records: int = Field(ge=0, le=1_000_000)
    pattern: int = Field(ge=0, le=1_000_000)


class Impact(_Claims):
    """The business signal's rate among the pattern's records and among the product's others."""

    pattern_rate: Rate
    other_rate: Rate


class Calibration(_Claims):
    """The pattern's rate among records with thin evidence (fewer than 40 words) and rich."""

    thin: Rate
    rich: Rate


class Effect(_Claims):
    """The effect a fix should have: a measure and its value before and after."""

    metric: Short
    before: Rate
    after: Rate


class FixClaim(_Claims):
    """One fix of the prioritised list."""

    fix: Id = Field(description=f"one of: {', '.join(FIXES)}")
    layer: Id = Field(description="the root-cause layer that owns it (a codebook layer id)")
    expected_effect: Effect
    verify: Id = Field(description=f"one of: {', '.join(VERIFY_METHODS)}")

    @field_validator("fix")
    @classmethod
    def _known_fix(cls, fix: str) -> str:
        if fix not in FIXES:
            raise ValueError(f"'{fix}' is not a fix; use one of: {', '.join(FIXES)}")
        return fix

    @field_validator("verify")
    @classmethod
    def _known_method(cls, method: str) -> str:
        if method not in VERIFY_METHODS:
            raise ValueError(f"'{method}' is not a verification method; use one of: "
                             f"{', '.join(VERIFY_METHODS)}")
        return method


class SynthesisClaims(_Claims):
    """The claims block of the cross-domain synthesis's `memo.md`."""

    model_config = _Claims.model_config | {"title": "Cross-domain synthesis memo claims, "
                                                    "version 1"}
    shared_pattern: Pattern
    prevalence: ByProduct[Prevalence]
    impact: ByProduct[Impact]
    calibration: ByProduct[Calibration]
    evidence: ByProduct[list[RecordId]] = Field(
        description="2 to 5 record ids per product that show the pattern")
    limitation: Id = Field(description=f"one of: {', '.join(LIMITATIONS)}")
    fixes: list[FixClaim] = Field(min_length=1, max_length=4,
                                  description="in priority order, the first first")

    @field_validator("limitation")
    @classmethod
    def _known_limitation(cls, limitation: str) -> str:
        if limitation not in LIMITATIONS:
            raise ValueError(f"'{limitation}' is not a limitation; use one of: "
                             f"{', '.join(LIMITATIONS)}")
        return limitation

    @field_validator("evidence")
    @classmethod
    def _two_to_five(cls, evidence: ByProduct[list[str]]) -> ByProduct[list[str]]:
        for product in ("search", "codegen", "summarisation"):
            ids = getattr(evidence, product)
            if not 2 <= len(ids) <= 5:
                raise ValueError(f"{product} holds {len(ids)} record ids: cite 2 to 5")
            if any(not i.startswith(f"{product}:") for i in ids):
                raise ValueError(f"{product} holds a record id of another product")
        return evidence


MEMO_EXAMPLE = """---
shared_pattern:
  code: <the code of the pattern's records in clusters.csv>
  definition: <what it means, in one sentence>
prevalence:          # from your unified.jsonl and clusters.csv
  search: {records: <converted records>, pattern: <records with the code>}
  codegen: {records: <n>, pattern: <n>}
  summarisation: {records: <n>, pattern: <n>}
impact:              # the business signal's rate: among the pattern's records, the others
  search: {pattern_rate: <0 to 1>, other_rate: <0 to 1>}
  codegen: {pattern_rate: <0 to 1>, other_rate: <0 to 1>}
  summarisation: {pattern_rate: <0 to 1>, other_rate: <0 to 1>}
calibration:         # the pattern's rate where evidence is thin (< 40 words) and rich
  search: {thin: <0 to 1>, rich: <0 to 1>}
  codegen: {thin: <0 to 1>, rich: <0 to 1>}
  summarisation: {thin: <0 to 1>, rich: <0 to 1>}
evidence:            # 2 to 5 record ids per product that show the pattern
  search: [<search:...>, <search:...>]
  codegen: [<codegen:...>, <codegen:...>]
  summarisation: [<summarisation:...>, <summarisation:...>]
limitation: <one of: calibration-under-uncertainty, context-window-limit, retrieval-recall,
             instruction-following, tokenisation, knowledge-cutoff, decoding-randomness>
fixes:               # in priority order
  - fix: <one of: claim-verification, abstention-training, retrieval-grounding,
          prompt-instruction, lower-temperature, larger-model, output-format-check>
    layer: <the codebook layer that owns it: data, model, prompt, retrieval, product-policy>
    expected_effect: {metric: <what you measure>, before: <0 to 1>, after: <0 to 1>}
    verify: <one of: frozen-eval-set, ab-test, canary-release, offline-replay,
             human-review-sample>
---"""


def read_memo_claims(text: str, file: str, codebook: Codebook) -> ReadClaims:
    """The claims block of `text`, validated; never raises for a learner's mistake."""
    return read_claims_block(
        text, file, MEMO_EXAMPLE, SynthesisClaims, lambda data: _one_value(data, codebook),
        lambda claims: [(("fixes", i, "layer"), f.layer) for i, f in enumerate(claims.fixes)],
        codebook)


def _one_value(data: dict, codebook: Codebook) -> list[OneValue]:
    """Where one value is asked: the limitation, the pattern's code, and each fix's fix,
    layer and verification method."""
    paths: list[OneValue] = [(("limitation",), lambda v: v in LIMITATIONS),
                             (("shared_pattern", "code"), None)]
    fixes = data.get("fixes")
    for i in range(len(fixes) if isinstance(fixes, list) else 0):
        paths += [(("fixes", i, "fix"), lambda v: v in FIXES),
                  (("fixes", i, "layer"), lambda v: v in codebook.layer_ids),
                  (("fixes", i, "verify"), lambda v: v in VERIFY_METHODS)]
    return paths


# --- the prose ----------------------------------------------------------------------------

SECTIONS = {"finding": ("finding", "summary"), "evidence": ("evidence",),
            "cause": ("cause", "root cause", "model limitation"), "impact": ("impact",),
            "recommendation": ("recommendation", "recommendations", "fix", "fixes"),
            "measurement": ("measurement", "how we will measure it", "verification")}
TITLES = {"finding": "Finding", "evidence": "Evidence", "cause": "Cause", "impact": "Impact",
          "recommendation": "Recommendation", "measurement": "Measurement"}
MEMO_MAX_WORDS = 600


@dataclass(frozen=True)
class MemoProse(Report):
    """The prose of the memo: its six sections and its length."""

    titles: ClassVar[dict[str, str]] = TITLES


def parse_memo_prose(text: str) -> MemoProse:
    """Split the Markdown below the claims block into the six sections by their headings."""
    return MemoProse(text, split_sections(text, SECTIONS))


def memo_agreement(claims: SynthesisClaims, prose: MemoProse) -> tuple[float, list[str]]:
    """The share of agreement checks the prose passes, and what disagrees: the Finding names
    the pattern (its code, or its words), the Evidence cites a claimed record of each
    product, and the Recommendation names the first fix. Uses no answer key."""
    finding = normalise_text(prose.sections.get("finding", ""))
    evidence = prose.sections.get("evidence", "")
    recommendation = normalise_text(prose.sections.get("recommendation", ""))
    unnamed = normalise_text(claims.shared_pattern.code) not in finding
    uncited = [p for p in ("search", "codegen", "summarisation")
               if not any(re.search(rf"(?<![\w:-]){re.escape(i)}(?![\w-])", evidence)
                          for i in getattr(claims.evidence, p))]
    first = claims.fixes[0].fix
    unrecommended = normalise_text(first) not in recommendation
    problems = []
    if unnamed:
        problems.append(f"the Finding does not name the pattern "
                        f"'{claims.shared_pattern.code}'")
    if uncited:
        problems.append("the Evidence cites no claimed record of " + ", ".join(uncited))
    if unrecommended:
        problems.append(f"the Recommendation does not name the first fix '{first}'")
    return 1 - (unnamed + len(uncited) + unrecommended) / 5, problems
