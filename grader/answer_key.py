"""Answer keys: the gold label, accepted alternatives and rationale of each log.

Format (`answer_key.csv`, UTF-8): `log_id,label,accepted,secondary,kb_article,rationale`.
`accepted` and `secondary` are semicolon-separated codes and may be empty.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from grader.errors import Problem, UnusableInput
from grader.files import read_bounded
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


REQUIRED = ("log_id", "label", "rationale")
MAX_KEY_BYTES = 20_000_000


def load_answer_key(path: Path, codebook: Codebook | None = None) -> AnswerKey:
    """Read an answer-key CSV; raise `UnusableInput` naming every bad line.

    With a codebook, every gold, accepted and secondary code must be one of its codes.
    """
    file = path.name
    problems: list[Problem] = []
    entries: dict[str, KeyEntry] = {}
    try:
        text = read_bounded(path, MAX_KEY_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnusableInput([Problem("answer-key-invalid", file, "the file is not UTF-8 text",
                                     None, "save it as UTF-8 CSV")]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise UnusableInput([Problem("answer-key-invalid", file,
                                         f"no column {', '.join(missing)}", 1,
                                         "the header is log_id,label,accepted,secondary,"
                                         "kb_article,rationale")])
        for row in reader:
            line = reader.line_num
            entry = _entry(row, (file, line), codebook, problems)
            if entry and entry.log_id in entries:
                problems.append(Problem("answer-key-invalid", file,
                                        f"log '{entry.log_id}' appears twice", line,
                                        "keep one row per log."))
            elif entry:
                entries[entry.log_id] = entry
    except csv.Error as exc:
        raise UnusableInput([Problem("answer-key-invalid", file,
                                     f"cannot be read as CSV: {exc}", reader.line_num or None,
                                     "check the quotes on this line and the ones before it.")]
                            ) from None
    if not entries and not problems:
        problems.append(Problem("answer-key-invalid", file, "no rows", None,
                                "add one row per log"))
    if problems:
        raise UnusableInput(problems)
    return AnswerKey(entries=entries)


def _entry(row: dict[str, str | None], where: tuple[str, int], codebook: Codebook | None,
           problems: list[Problem]) -> KeyEntry | None:
    file, line = where
    values = {name: (row.get(name) or "").strip() for name in REQUIRED}
    blank = [name for name, value in values.items() if not value]
    if blank:
        problems.append(Problem("answer-key-invalid", file, f"blank {', '.join(blank)}", line,
                                "fill in every required value, or delete the row."))
        return None
    entry = KeyEntry(
        log_id=values["log_id"],
        label=values["label"],
        accepted=split_codes(row.get("accepted")),
        secondary=split_codes(row.get("secondary")),
        kb_article=(row.get("kb_article") or "").strip(),
        rationale=values["rationale"],
    )
    unknown = [c for c in (*entry.correct_labels, *entry.secondary)
               if codebook and c not in codebook.codes]
    if unknown:
        problems.append(Problem("answer-key-invalid", file,
                                f"code(s) {', '.join(unknown)} not in the codebook", line,
                                "use the codebook's codes, or add them to the codebook"))
        return None
    return entry
