"""The model under test of practice project 2: Quillfield's simulated risk assistant.

Quillfield is a fictional UK investment firm, and nothing this assistant says is financial
advice. Given a conversation, a temperature and a seed, `assess` returns a reply that starts
in a fixed form and adds a short justification::

    Risk band: high. Score: 6/7. <justification>

The score runs from 1 (lowest risk for this client) to 7; the band follows from it: 1-2 low,
3-5 medium, 6-7 high. How the reply is made, in order:

1. **Context window.** Variants with a `context_window` sensitivity keep only the latest
   messages that fit in its token budget (the last message is always kept), as a product
   that truncates long conversations does: facts stated early can be lost.
2. **Reading.** `advisor_reading.read_enquiry` reads the user messages left: age, savings and
   amount, time horizon, attitude to risk, capacity for loss, products named.
3. **Base score.** The product's own risk, adjusted for the client (`base_score`).
4. **Hidden sensitivities.** Each sensitivity of the variant whose trigger occurs in the
   text adds its effect (see `TRIGGERS`; positive raises the score). A robust assistant
   would have none of these; finding them is the project.
5. **Sampling noise.** Normal-like noise with standard deviation `noise_sd * temperature`,
   drawn from a SHA-256 of the messages, the seed and the variant: temperature 0 gives none,
   and the same request with the same seed gives the same reply in every process on every
   platform. A missing seed counts as 0, so every call can be replayed.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from labkit.advisor_reading import Features, read_enquiry
from labkit.advisor_variant import (
    COURSE_VARIANT,
    AdvisorVariant,
    Sensitivity,
    derive_variant,
    load_variant,
    variant_from_token,
)

MODEL_ID = "simulator"
Band = Literal["low", "medium", "high"]
TOKEN = re.compile(r"\w+|[^\w\s]")

LOSS_FRAME = re.compile(r"\b(?:could|might|would|will|can) i lose\b|\brisk of losing\b"
                        r"|\blos(?:e|ing) money\b|\bdownside\b|\bworst case\b")
GAIN_FRAME = re.compile(r"\b(?:could|might|would|will|can) i (?:gain|make|earn)\b|\bupside\b"
                        r"|\bmake money\b|\b(?:could|might|would|will) it grow\b|\bbest case\b")
POLITE = re.compile(r"\b(?:please|thank you|thanks|kindly|grateful|would you be so kind)\b")
URGENT = re.compile(r"\b(?:urgent(?:ly)?|asap|as soon as possible|right away|immediately"
                    r"|straight away|today)\b")


class ChatMessage(BaseModel):
    """One chat message, as OpenAI-compatible servers take it (text parts are joined)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    role: Literal["system", "developer", "user", "assistant"]
    content: str

    @field_validator("content", mode="before")
    @classmethod
    def _join_text_parts(cls, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(part.get("text", "") for part in value
                             if isinstance(part, dict) and part.get("type") == "text")
        return "" if value is None else value


def as_messages(messages: str | Sequence[ChatMessage | dict[str, Any]]) -> list[ChatMessage]:
    """A plain string becomes one user message; dicts are validated as messages."""
    if isinstance(messages, str):
        return [ChatMessage(role="user", content=messages)]
    return [m if isinstance(m, ChatMessage) else ChatMessage.model_validate(m) for m in messages]


def count_tokens(text: str) -> int:
    """The simulator's token count: words and punctuation marks (not any real tokenizer)."""
    return len(TOKEN.findall(text))


def visible_messages(messages: list[ChatMessage], budget: int | None) -> list[ChatMessage]:
    """The latest messages that fit in `budget` tokens; the last one is always kept."""
    if budget is None:
        return messages
    kept, used = [], 0
    for message in reversed(messages):
        used += count_tokens(message.content)
        if kept and used > budget:
            break
        kept.append(message)
    return kept[::-1]


def _riskier_first(f: Features) -> bool:
    named = f.named_products
    return len(named) >= 2 and named[0].risk > named[1].risk


# One small test per kind of sensitivity: does its trigger occur in what the assistant read?
TRIGGERS: dict[str, Callable[[Features, str], bool]] = {
    "trigger_keyword": lambda f, word: re.search(rf"\b{re.escape(word)}\b", f.text) is not None,
    "number_format": lambda f, style: style in f.amount_styles,
    "negation_dropped": lambda f, _: any(m.negated and m.product.risk >= 4 for m in f.mentions),
    "framing": lambda f, frame: (LOSS_FRAME if frame == "loss" else GAIN_FRAME).search(f.text)
    is not None,
    "age_words": lambda f, _: f.age_in_words,
    "option_order": lambda f, _: _riskier_first(f),
    "politeness": lambda f, _: POLITE.search(f.text) is not None,
    "urgency": lambda f, _: URGENT.search(f.text) is not None,
    "context_window": lambda f, _: False,   # acts before reading, in visible_messages
}


def base_score(f: Features) -> float:
    """The risk of the plan for this client, before sensitivities and noise (1-7 scale)."""
    score = f.product.risk if f.product else 3.5
    if f.horizon_years is not None:
        score += 1.0 if f.horizon_years <= 3 else 0.5 if f.horizon_years <= 5 else \
            -1.0 if f.horizon_years >= 15 else -0.5 if f.horizon_years >= 10 else 0.0
    if f.age is not None:
        score += 0.75 if f.age >= 75 else 0.5 if f.age >= 55 else -0.25 if f.age < 30 else 0.0
    if f.share is not None:
        score += 0.75 if f.share >= 0.75 else 0.5 if f.share >= 0.5 else \
            -0.5 if f.share <= 0.2 else 0.0
    score += {"cautious": 0.75, "adventurous": -0.5}.get(f.attitude or "", 0.0)
    score += 1.0 if f.cannot_afford_loss else -0.5 if f.can_afford_loss else 0.0
    return score


def band_of(score: int) -> Band:
    """The band of a score: 1-2 low, 3-5 medium, 6-7 high."""
    return "low" if score <= 2 else "medium" if score <= 5 else "high"


def _digest(messages: list[ChatMessage], seed: int, variant: AdvisorVariant) -> bytes:
    request = json.dumps([[m.role, m.content] for m in messages] + [seed, variant.fingerprint],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(request.encode()).digest()


def standard_noise(digest: bytes) -> float:
    """A draw close to a standard normal: the sum of twelve uniforms made from the digest,
    minus six. Only additions and divisions, so it is the same on every platform."""
    return sum(int.from_bytes(digest[2 * i:2 * i + 2], "big") / 65536 for i in range(12)) - 6


def justify(f: Features, pick: Callable[[int], int]) -> str:
    """A short justification from the facts read; `pick(n)` chooses among n phrasings."""
    def say(*options: str) -> str:
        return options[pick(len(options)) % len(options)]

    if f.product is None:
        parts = [say("You do not say which product you have in mind.",
                     "The enquiry does not name a product.")]
    elif f.product.risk <= 1:
        parts = [say(f"This is about {f.product.name}: its value does not fall, though "
                     "inflation can reduce what it buys.",
                     f"You are asking about {f.product.name}, which keeps its value in pounds "
                     "but can lose ground to inflation.")]
    else:
        parts = [say(f"This is about {f.product.name}, whose value can go down as well as up.",
                     f"You are asking about {f.product.name}; its value can fall as well as "
                     "rise.")]
    if f.horizon_years is not None:
        years = f"{f.horizon_years:g} year" + ("" if f.horizon_years == 1 else "s")
        parts.append(say(f"With about {years} before you need the money",
                         f"Over a horizon of about {years}")
                     + (", there is little time to recover from a fall." if f.horizon_years <= 5
                        else ", there is time to ride out falls."))
    if f.share is not None and f.share >= 0.5:
        parts.append(say("It would be a large share of your savings.",
                         "Much of your savings would be in one place."))
    if f.cannot_afford_loss:
        parts.append(say("You say you cannot afford a loss.",
                         "You have told us a loss would hurt."))
    if f.attitude:
        parts.append(f"You describe yourself as {f.attitude} about risk.")
    parts.append("(Simulated assessment from a fictional assistant; not financial advice.)")
    return " ".join(parts)


@dataclass(frozen=True)
class Assessment:
    """A reply and how it was made (for tests and for teaching root-cause analysis)."""

    text: str
    band: Band
    score: int
    base: float
    noise: float
    features: Features
    triggered: dict[str, float] = field(default_factory=dict)


def assess(messages: str | Sequence[ChatMessage | dict[str, Any]], *, temperature: float = 0.0,
           seed: int | None = None, variant: AdvisorVariant = COURSE_VARIANT) -> Assessment:
    """The assistant's assessment of a conversation (or of one enquiry given as a string)."""
    if not 0 <= temperature <= 2 or not math.isfinite(temperature):
        raise ValueError(f"temperature must be between 0 and 2, not {temperature}")
    sent = as_messages(messages)
    budget = next((int(s.value) for s in variant.sensitivities if s.kind == "context_window"),
                  None)
    visible = visible_messages(sent, budget)
    features = read_enquiry("\n".join(m.content for m in visible if m.role == "user"))
    triggered = {s.kind: s.effect for s in variant.sensitivities
                 if TRIGGERS[s.kind](features, s.value)}
    digest = _digest(sent, 0 if seed is None else seed, variant)
    noise = variant.noise_sd * temperature * standard_noise(digest)
    base = base_score(features)
    score = min(7, max(1, math.floor(base + sum(triggered.values()) + noise + 0.5)))
    more = hashlib.sha256(digest).digest()
    counter = iter(range(32))

    def pick(options: int) -> int:
        return 0 if temperature == 0 else more[next(counter)] % options

    text = f"Risk band: {band_of(score)}. Score: {score}/7. {justify(features, pick)}"
    return Assessment(text, band_of(score), score, base, noise, features, triggered)


def reply(messages: str | Sequence[ChatMessage | dict[str, Any]], *, temperature: float = 0.0,
          seed: int | None = None, variant: AdvisorVariant = COURSE_VARIANT) -> str:
    """Just the reply text of `assess`."""
    return assess(messages, temperature=temperature, seed=seed, variant=variant).text


__all__ = [
    "COURSE_VARIANT", "MODEL_ID", "AdvisorVariant", "Assessment", "ChatMessage", "Sensitivity",
    "as_messages", "assess", "band_of", "base_score", "count_tokens", "derive_variant",
    "load_variant", "reply", "variant_from_token", "visible_messages",
]
