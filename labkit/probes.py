"""Probe families, the run log, and reading a rating out of a reply.

A **probe family** is a base enquiry with its paraphrases (same meaning, one dimension of
wording changed) and counterfactuals (one fact changed, with the effect expected), as in
`probe_design.yaml` on the project page. `run_family` sends every prompt of a family several
times with fixed settings and consecutive seeds and appends one `RunRecord` per call to a
JSONL run log, the `probe_log.jsonl` the project asks for. `extract_rating` reads the band and
score from a reply, from the simulator or from a real model that words them its own way.
`ANALYSIS_COLUMNS` is the header of `analysis.csv`, the table of figures handed in with it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from labkit.advisor import ChatMessage

if TYPE_CHECKING:  # the grader reads logs without the client library or pandas loaded
    import pandas as pd

    from labkit.llm import LLMClient

Band = Literal["low", "medium", "high"]
_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"

# The header of `analysis.csv`: one row per paraphrase or counterfactual of the design, with
# its figures from the log (see the project page for what each column holds).
ANALYSIS_COLUMNS = ("family", "variant_id", "type", "feature", "expect", "n", "mean_score",
                    "effect", "flip_rate", "baseline_flip_rate", "p_value", "p_adjusted")


class Paraphrase(BaseModel):
    """A rewrite that keeps every fact the assessment depends on."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=_ID)
    dimension: str = Field(min_length=1)
    text: str = Field(min_length=1)


class Counterfactual(BaseModel):
    """The base enquiry with exactly one change, and the effect expected before the run."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=_ID)
    change: str = Field(min_length=1)
    expect: str = Field(min_length=1)
    text: str = Field(min_length=1)


class ProbeFamily(BaseModel):
    """A base enquiry, its paraphrases and its counterfactuals.

    `history` holds earlier messages of the conversation, sent before every prompt of the
    family (for context-window probes); empty for a one-message enquiry.
    """

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=_ID)
    text: str = Field(min_length=1)
    history: list[ChatMessage] = []
    paraphrases: list[Paraphrase] = []
    counterfactuals: list[Counterfactual] = []

    def prompts(self) -> list[tuple[str, str]]:
        """(variant id, text) of every prompt, the original first under the family's id."""
        return [(self.id, self.text)] + [(p.id, p.text)
                                         for p in [*self.paraphrases, *self.counterfactuals]]


class RunRecord(BaseModel):
    """One line of the run log: one call, with everything needed to replay it."""

    model_config = ConfigDict(extra="forbid")
    run_id: int = Field(ge=0)
    probe_id: str
    variant_id: str
    repeat: int = Field(ge=0)
    seed: int | None
    model: str
    temperature: float
    timestamp: dt.datetime
    prompt: str | list[ChatMessage]
    response: str
    band: Band | None
    score: int | None = Field(ge=1, le=7)
    system_fingerprint: str | None = None


class Rating(NamedTuple):
    """The band and score a reply states; None for whichever it does not state clearly."""

    band: Band | None
    score: int | None


BANDS: dict[str, Band] = {"low": "low", "medium": "medium", "moderate": "medium", "high": "high"}
BAND_LABELLED = re.compile(r"\brisk\s*(?:band|level|category|rating)?\W{0,6}(?:is\s+|would be\s+)?"
                           r"(low|medium|moderate|high)\b", re.IGNORECASE)
BAND_LOOSE = re.compile(r"\b(low|medium|moderate|high)[\s-]+risk\b", re.IGNORECASE)
_OUT_OF = r"(?:\s*(?:/|out of)\s*(\w+))?"
SCORE_LABELLED = re.compile(
    rf"\b(?:score|rating)\W{{0,6}}(?:of\s+|is\s+)?(\d+(?:[.,]\d+)?){_OUT_OF}", re.IGNORECASE)
SCORE_LOOSE = re.compile(r"\b(\d+(?:[.,]\d+)?)\s*(?:/|out of)\s*(7|seven)\b", re.IGNORECASE)


def extract_rating(text: str) -> Rating:
    """The band and the 1-7 score stated in a reply.

    A labelled statement wins ("Risk band: medium", "**Risk level:** High", "the risk is
    high", "Score: 4/7", "a risk score of 5"); otherwise a phrase such as "medium risk" or
    "5 out of 7" counts when the reply states only one. "Moderate" reads as medium. A score
    that is not a whole number from 1 to 7, or out of anything but 7, gives None, and so does
    a reply naming two different bands without a label.
    """
    labelled = BAND_LABELLED.search(text)
    bands = ({labelled.group(1).lower()} if labelled
             else {m.group(1).lower() for m in BAND_LOOSE.finditer(text)})
    band = BANDS[bands.pop()] if len({BANDS[b] for b in bands}) == 1 else None

    labelled = SCORE_LABELLED.search(text)
    found = [labelled] if labelled else list(SCORE_LOOSE.finditer(text))
    scores = {m.group(1) for m in found
              if m.group(2) is None or m.group(2).lower() in ("7", "seven")}
    score = int(scores.pop()) if len(scores) == 1 and next(iter(scores)).isdigit() else None
    return Rating(band, score if score is not None and 1 <= score <= 7 else None)


def read_run_log(path: str | Path) -> list[RunRecord]:
    """Every record of a JSONL run log, validated (blank lines are skipped)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [RunRecord.model_validate_json(line) for line in lines if line.strip()]


def run_log_frame(records: Iterable[RunRecord]) -> pd.DataFrame:
    """The run log as a table, one row per call (the prompt as text, messages joined)."""
    import pandas as pd

    rows = [r.model_dump() for r in records]
    for row in rows:
        if isinstance(row["prompt"], list):
            row["prompt"] = "\n".join(m["content"] for m in row["prompt"])
    return pd.DataFrame(rows, columns=list(RunRecord.model_fields))


def _next_run_id(path: Path) -> int:
    if not path.exists():
        return 1
    last = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return json.loads(last[-1])["run_id"] + 1 if last else 1


def run_family(client: LLMClient, family: ProbeFamily, log_path: str | Path, *,
               repeats: int = 10, repeats_original: int = 20, temperature: float = 0.7,
               seed_base: int = 1000) -> list[RunRecord]:
    """Run every prompt of a family and append one record per call to `log_path`.

    The original is sent `repeats_original` times, every other prompt `repeats` times; repeat
    r (from 1) uses seed `seed_base + r`, so prompts share seeds and a log can be replayed.
    Each record is written as soon as its call returns: a run that stops halfway keeps the
    calls it made.
    """
    path = Path(log_path)
    run_id = _next_run_id(path)
    records = []
    with path.open("a", encoding="utf-8") as log:
        for variant_id, text in family.prompts():
            sent: str | list[ChatMessage] = text
            if family.history:
                sent = [*family.history, ChatMessage(role="user", content=text)]
            count = repeats_original if variant_id == family.id else repeats
            for repeat in range(1, count + 1):
                seed = seed_base + repeat
                answer = client.chat(sent, temperature=temperature, seed=seed)
                band, score = extract_rating(answer.text)
                record = RunRecord(
                    run_id=run_id, probe_id=family.id, variant_id=variant_id, repeat=repeat,
                    seed=seed, model=client.model, temperature=temperature,
                    timestamp=dt.datetime.now(dt.UTC).replace(microsecond=0), prompt=sent,
                    response=answer.text, band=band, score=score,
                    system_fingerprint=answer.system_fingerprint)
                log.write(record.model_dump_json() + "\n")
                log.flush()
                records.append(record)
                run_id += 1
    return records
