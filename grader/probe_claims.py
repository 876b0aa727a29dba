"""The claims block of the red-team probe's `report.md`, and its prose.

Like project 1's (`grader.claims`): YAML front matter read by `grader.front_matter`
(duplicate keys and aliases refused), a pydantic model with `extra="forbid"`, one value where
one is asked (`claims-not-committed` otherwise), every problem with its field path and line.
The prose below it has four sections: `## Finding`, `## Evidence`, `## Hypothesis` and
`## Refutation test`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Literal

from pydantic import Field, field_validator

from grader.claims import (
    Id,
    OneValue,
    ReadClaims,
    Sentence,
    Short,
    Verify,
    _Claims,
    read_claims_block,
)
from grader.report import Report, normalise_text, split_sections
from labkit.advisor_variant import POOL
from labkit.codebook import Codebook

# Where a fix can be made in the assistant, one of these (the project page explains each).
FIX_TARGETS = ("training-data", "model", "system-prompt", "input-normalisation",
               "conversation-truncation", "output-check")
VALUES = {value for values in POOL.values() for value in values}


class Hypothesis(_Claims):
    """One sensitivity the log shows: what triggers it, which way and how much."""

    kind: Id = Field(description="one sensitivity kind, e.g. trigger_keyword")
    value: Short = Field(description="what triggers it, e.g. the keyword, or a token budget")
    direction: Literal["raises", "lowers"]
    effect: float = Field(ge=-6, le=6, allow_inf_nan=False,
                          description="mean score of the probes minus their originals'")
    flip_rate: float = Field(ge=0, le=1, allow_inf_nan=False)
    baseline_flip_rate: float = Field(ge=0, le=1, allow_inf_nan=False)
    n: int = Field(ge=1, le=1_000_000, description="runs of the probes named")
    probes: list[Id] = Field(min_length=1, max_length=30,
                             description="variant ids of the design whose runs show it")
    layer: Id = Field(description="one root-cause layer id of the codebook")

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in POOL:
            raise ValueError(f"'{kind}' is not a sensitivity kind; use one of: "
                             f"{', '.join(POOL)}")
        return kind


class ProbeFix(_Claims):
    """Where the change is made and what it is."""

    target: Id = Field(description=f"one of: {', '.join(FIX_TARGETS)}")
    change: Sentence = Field(description="the change, in one sentence")

    @field_validator("target")
    @classmethod
    def _known_target(cls, target: str) -> str:
        if target not in FIX_TARGETS:
            raise ValueError(f"'{target}' is not a fix target; use one of: "
                             f"{', '.join(FIX_TARGETS)}")
        return target


class ProbeClaims(_Claims):
    """The claims block of the red-team probe's `report.md`."""

    model_config = _Claims.model_config | {"title": "Red-team probe report claims, version 1"}
    model: Id = Field(description="the system_fingerprint of the model you probed")
    hypotheses: list[Hypothesis] = Field(min_length=1, max_length=5)
    fix: ProbeFix
    verify: Verify


PROBE_EXAMPLE = """---
model: <the system_fingerprint in your run log, e.g. fp_cce364699fb4>
hypotheses:
  - kind: <one sensitivity kind, e.g. trigger_keyword>
    value: <what triggers it, e.g. guaranteed>
    direction: <raises or lowers>
    effect: <mean score of the probes minus their originals', e.g. -1.9>
    flip_rate: <share of the probes' runs whose band differs from the original's modal band>
    baseline_flip_rate: <the same share among the originals' own repeats>
    n: <runs of the probes named>
    probes: [<variant ids>]
    layer: <one layer>
fix:
  target: <one of: training-data, model, system-prompt, input-normalisation,
           conversation-truncation, output-check>
  change: <the change, in one sentence>
verify:
  metric: <what you will measure>
  target: <the figure that means it worked>
---"""

# One value is asked at these paths (in each hypothesis, and in the fix).
ONE_VALUE = {"kind": lambda v: v in POOL, "value": lambda v: v.lower() in VALUES,
             "direction": lambda v: v in ("raises", "lowers"), "layer": None}


def read_probe_claims(text: str, file: str, codebook: Codebook) -> ReadClaims:
    """The claims block of `text`, validated; never raises for a learner's mistake."""
    return read_claims_block(
        text, file, PROBE_EXAMPLE, ProbeClaims, lambda data: _one_value(data, codebook),
        lambda claims: [(("hypotheses", i, "layer"), h.layer)
                        for i, h in enumerate(claims.hypotheses)], codebook)


def _one_value(data: dict, codebook: Codebook) -> list[OneValue]:
    """Where one value is asked: the model, the fix's target, and in each hypothesis its
    kind, value, direction and layer."""
    paths: list[OneValue] = [(("model",), None), (("fix", "target"), lambda v: v in FIX_TARGETS)]
    hypotheses = data.get("hypotheses")
    for i in range(len(hypotheses) if isinstance(hypotheses, list) else 0):
        paths += [(("hypotheses", i, name), valid or (lambda v: v in codebook.layer_ids))
                  for name, valid in ONE_VALUE.items()]
    return paths


# --- the prose ----------------------------------------------------------------------------

SECTIONS = {"finding": ("finding", "findings", "summary"),
            "evidence": ("evidence",),
            "hypothesis": ("hypothesis", "root cause", "root cause hypothesis"),
            "refutation": ("refutation test", "refutation", "how to refute it",
                           "falsification test")}
TITLES = {"finding": "Finding", "evidence": "Evidence", "hypothesis": "Hypothesis",
          "refutation": "Refutation test"}


@dataclass(frozen=True)
class ProbeProse(Report):
    """The prose of the probe report: its four sections and its length."""

    titles: ClassVar[dict[str, str]] = TITLES


def parse_probe_prose(text: str) -> ProbeProse:
    """Split the Markdown below the claims block into the four sections by their headings."""
    return ProbeProse(text, split_sections(text, SECTIONS))


# Words that say which way a score moved, and phrases that deny any effect, for the check
# that the Finding does not contradict a hypothesis (see `contradicted`).
DIRECTION_WORDS = {
    "raises": re.compile(r"\b(rais\w*|increas\w*|higher|up|riskier)\b"),
    "lowers": re.compile(r"\b(lower\w*|decreas\w*|reduc\w*|down|safer|drop\w*)\b"),
}
DENIAL = re.compile(r"\b(no effect|did not (change|move|affect)|does not (change|move|affect)|"
                    r"didn't|doesn't|not change|no difference|within (the )?noise|"
                    r"not a problem|no real)\b")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def contradicted(h: Hypothesis, finding: str) -> bool:
    """Whether a sentence of the Finding that names the hypothesis's value (or kind) says
    the score moved the other way, or denies an effect, without saying the claimed way."""
    names = {normalise_text(h.value), normalise_text(h.kind)}
    other = "lowers" if h.direction == "raises" else "raises"
    for sentence in SENTENCE_END.split(finding):
        said = normalise_text(sentence)
        if not any(name in said for name in names):
            continue
        if DIRECTION_WORDS[h.direction].search(said):
            continue
        if DIRECTION_WORDS[other].search(said) or DENIAL.search(said):
            return True
    return False


def prose_agreement(claims: ProbeClaims, prose: ProbeProse) -> tuple[float, list[str]]:
    """The share of agreement checks the prose passes, and what disagrees: the Finding
    names each hypothesis's value (or kind) without contradicting its direction, and the
    Evidence names at least one probe of each. Uses no answer key, so `grader check` runs
    it too."""
    raw_finding = prose.sections.get("finding", "")
    finding = normalise_text(raw_finding)
    evidence = prose.sections.get("evidence", "")
    unnamed = [h.value for h in claims.hypotheses
               if normalise_text(h.value) not in finding
               and normalise_text(h.kind) not in finding]
    against = [h.value for h in claims.hypotheses
               if h.value not in unnamed and contradicted(h, raw_finding)]
    uncited = [h.value for h in claims.hypotheses
               if not any(re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", evidence)
                          for p in h.probes)]
    problems = []
    if unnamed:
        problems.append("the Finding does not name " + ", ".join(f"'{v}'" for v in unnamed))
    if against:
        problems.append("the Finding says the opposite of the claims about "
                        + ", ".join(f"'{v}'" for v in against)
                        + " (another direction, or no effect)")
    if uncited:
        problems.append("the Evidence cites no probe of " + ", ".join(f"'{v}'" for v in uncited))
    checks = 3 * len(claims.hypotheses)
    return 1 - (2 * len(unnamed) + len(against) + len(uncited)) / checks, problems
