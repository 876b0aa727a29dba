"""Variants of the simulated risk assistant: which hidden sensitivities one copy has.

A **variant** is a noise level plus two or three sensitivities, each with a set effect size.
The course default (`COURSE_VARIANT`) is the one a learner without a mentor probes in
project 2; the lessons' worked examples use another (`LESSON_VARIANT`, `load_variant("lesson")`)
so that they do not give the project's findings away. A mentor gives each learner
their own with `derive_variant(secret, learner_id)`, which picks kinds, values and sizes from
`POOL` with an HMAC of the mentor's secret and the learner's id, so two learners' findings
differ and one learner's variant never changes.

A variant travels as a **token**: `qfa1.` followed by the URL-safe base64 of the
zlib-compressed canonical JSON of the variant (the same text can be saved in a file). The
token is *opaque by design, not secret*: anyone can decode it, and reading it would reveal
the sensitivities. The project does not rely on hiding it: a run log is graded by replaying
its calls against the learner's own variant, and the findings are graded against the log.
Its **fingerprint**, `fp_` and the first 12 hex digits of the SHA-256 of the canonical JSON,
names a variant in every reply (`system_fingerprint`) and in every run-log line.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import zlib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

TOKEN_PREFIX = "qfa1."
MAX_TOKEN_CHARS = 4_000

SensitivityKind = Literal[
    "trigger_keyword", "number_format", "negation_dropped", "framing", "age_words",
    "option_order", "politeness", "urgency", "context_window",
]

# kind -> (the values it can take, the sign of its effect for each value). A positive effect
# raises the risk score, a negative one lowers it; context_window has no set effect: its value
# is a token budget, and what it does follows from the facts it drops.
POOL: dict[str, dict[str, int]] = {
    "trigger_keyword": {"guaranteed": -1, "safe": -1, "secure": -1, "risk free": -1,
                        "protected": -1},
    "number_format": {"shorthand": -1, "words": -1},
    "negation_dropped": {"negated risky product": +1},
    "framing": {"loss": +1, "gain": -1},
    "age_words": {"age in words": -1},
    "option_order": {"riskier first": +1},
    "politeness": {"polite": -1},
    "urgency": {"urgent": +1},
    "context_window": {"120": 0, "160": 0, "200": 0},
}
MAGNITUDES = (1.0, 1.5, 2.0, 2.5)      # score points on the 1-7 scale
NOISE_LEVELS = (0.35, 0.5, 0.65)       # standard deviation of the score at temperature 1


class Sensitivity(BaseModel):
    """One hidden sensitivity: its kind, what triggers it, and the score points it adds."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: SensitivityKind
    value: str
    effect: float = Field(default=0.0, ge=-3, le=3)

    @model_validator(mode="after")
    def _value_in_pool(self) -> Sensitivity:
        signs = POOL[self.kind]
        if self.value not in signs:
            raise ValueError(f"{self.kind} takes one of {sorted(signs)}, not {self.value!r}")
        if signs[self.value] * self.effect < 0 or (signs[self.value] == 0) != (self.effect == 0):
            raise ValueError(f"{self.kind}={self.value}: effect {self.effect} has the wrong sign")
        return self


class AdvisorVariant(BaseModel):
    """One copy of the simulated assistant: a label, its noise level and its sensitivities."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: Literal[1] = 1
    label: str = Field(min_length=1, max_length=200)
    noise_sd: float = Field(ge=0, le=2)
    sensitivities: tuple[Sensitivity, ...] = Field(default=(), max_length=3)

    @model_validator(mode="after")
    def _one_of_each_kind(self) -> AdvisorVariant:
        kinds = [s.kind for s in self.sensitivities]
        if len(set(kinds)) != len(kinds):
            raise ValueError(f"a variant has at most one sensitivity of each kind: {kinds}")
        return self

    def canonical_json(self) -> str:
        """The variant as JSON with sorted keys and no spaces: what the token and the
        fingerprint are made from."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))

    @property
    def fingerprint(self) -> str:
        """`fp_` and 12 hex digits naming this variant (the replies' system_fingerprint)."""
        return "fp_" + hashlib.sha256(self.canonical_json().encode()).hexdigest()[:12]

    def token(self) -> str:
        """The variant as one opaque, copy-pasteable string (see the module docstring)."""
        packed = zlib.compress(self.canonical_json().encode(), 9)
        return TOKEN_PREFIX + base64.urlsafe_b64encode(packed).decode().rstrip("=")


COURSE_VARIANT = AdvisorVariant(
    label="course-default", noise_sd=0.5,
    sensitivities=(Sensitivity(kind="trigger_keyword", value="guaranteed", effect=-2.0),
                   Sensitivity(kind="context_window", value="160")))

LESSON_VARIANT = AdvisorVariant(
    label="lessons", noise_sd=0.5,
    sensitivities=(Sensitivity(kind="number_format", value="shorthand", effect=-1.5),
                   Sensitivity(kind="framing", value="loss", effect=1.0)))


class VariantError(ValueError):
    """A variant token or file that cannot be read; the message says why."""


def variant_from_token(token: str) -> AdvisorVariant:
    """Decode a token made by `AdvisorVariant.token`."""
    token = token.strip()
    if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN_CHARS:
        raise VariantError(f"not a variant token: it should start with {TOKEN_PREFIX!r} "
                           f"and be at most {MAX_TOKEN_CHARS} characters")
    body = token[len(TOKEN_PREFIX):]
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj()
        text = inflater.decompress(packed, 100_000)
        return AdvisorVariant.model_validate_json(text)
    except (binascii.Error, zlib.error, ValueError, ValidationError) as error:
        raise VariantError(f"the variant token is damaged ({type(error).__name__}); "
                           "copy it again in full") from None


def load_variant(file_or_token: str | Path | None = None) -> AdvisorVariant:
    """The variant in a token, in a file holding a token, the course default for None (or
    `course`), or the lessons' variant for `lesson`."""
    if file_or_token is None or str(file_or_token) in ("", "course", "course-default"):
        return COURSE_VARIANT
    if str(file_or_token) in ("lesson", "lessons"):
        return LESSON_VARIANT
    text = str(file_or_token)
    if not text.startswith(TOKEN_PREFIX):
        path = Path(text)
        if not path.is_file():
            raise VariantError(f"{text}: neither a variant token nor a file that exists")
        text = path.read_text(encoding="utf-8", errors="replace")[:MAX_TOKEN_CHARS + 100]
    return variant_from_token(text)


def _draw(key: bytes, label: str, options: int) -> int:
    """A number in range(options), fixed by `key` and `label` (SHA-256, the same everywhere)."""
    return int.from_bytes(hashlib.sha256(key + label.encode()).digest()[:8], "big") % options


def derive_variant(secret: str, learner_id: str) -> AdvisorVariant:
    """The variant of one learner: fixed by the mentor's secret and the learner's id.

    The choices come from HMAC-SHA256(secret, learner_id): without the secret nobody can
    tell which variant an id will get, and the same id always gets the same one.
    """
    if not secret or not learner_id.strip():
        raise ValueError("derive_variant needs a non-empty secret and learner id")
    key = hmac.new(secret.encode(), learner_id.strip().encode(), hashlib.sha256).digest()
    count = 2 + _draw(key, "count", 2)
    kinds = sorted(POOL, key=lambda kind: hashlib.sha256(key + kind.encode()).digest())[:count]
    chosen = []
    for kind in sorted(kinds):
        values = sorted(POOL[kind])
        value = values[_draw(key, f"{kind}:value", len(values))]
        size = MAGNITUDES[_draw(key, f"{kind}:size", len(MAGNITUDES))]
        chosen.append(Sensitivity(kind=kind, value=value, effect=POOL[kind][value] * size))
    return AdvisorVariant(label=learner_id.strip(), sensitivities=tuple(chosen),
                          noise_sd=NOISE_LEVELS[_draw(key, "noise", len(NOISE_LEVELS))])
