"""Answer keys: the gold label, accepted alternatives and rationale of each log.

Format (`answer_key.csv`, UTF-8): `log_id,label,accepted,secondary,kb_article,rationale`.
`accepted` and `secondary` are semicolon-separated codes and may be empty.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from labkit.codebook import Codebook


def split_codes(cell: str | None) -> tuple[str, ...]:
    """`'a; b;'` -> `('a', 'b')`: the codes of a semicolon-separated cell."""
    return tuple(part.strip() for part in (cell or "").split(";") if part.strip())


class KeyEntry(BaseModel):
    """The reference answer for one log."""

    model_config = ConfigDict(frozen=True)
    log_id: str = Field(min_length=1)
    label: str = Field(min_length=1)
    accepted: tuple[str, ...] = ()
    secondary: tuple[str, ...] = ()
    kb_article: str = ""
    rationale: str = Field(min_length=1)

    @property
    def correct_labels(self) -> tuple[str, ...]:
        """The gold label and every alternative accepted in full."""
        return (self.label, *self.accepted)


class AnswerKey(BaseModel):
    """Every log's reference answer, in dataset order."""

    model_config = ConfigDict(frozen=True)
    entries: dict[str, KeyEntry]

    def check_against(self, codebook: Codebook) -> list[str]:
        """Codes the key uses that the codebook lacks (an empty list when consistent)."""
        used = {
            (entry.log_id, code)
            for entry in self.entries.values()
            for code in (*entry.correct_labels, *entry.secondary)
        }
        return sorted(f"{log_id}: '{code}'" for log_id, code in used if code not in codebook.codes)


def load_answer_key(path: Path) -> AnswerKey:
    """Read an answer-key CSV into an `AnswerKey`."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    entries = [
        KeyEntry(
            log_id=row["log_id"].strip(),
            label=row["label"].strip(),
            accepted=split_codes(row.get("accepted")),
            secondary=split_codes(row.get("secondary")),
            kb_article=(row.get("kb_article") or "").strip(),
            rationale=row["rationale"].strip(),
        )
        for row in rows
    ]
    return AnswerKey(entries={entry.log_id: entry for entry in entries})
