"""Logs of any exercise, in the generic format a workshop lead's own data is written in.

`logs.jsonl` holds one JSON object per line, one log each, in either shape:

```json
{"id": "tv-0412-a", "input": "When does the Harbour branch open?", "output": "At 9am."}
{"id": "ticket 17", "turns": [{"role": "user", "text": "Hi"}, {"role": "bot", "text": "Hello"}]}
```

- `id` (or `log_id`): any text up to 120 characters without line breaks or tabs; white space
  around it is dropped. Ids are matched exactly (case counts) after that trimming.
- `input` and `output` (one exchange) or `turns` (a conversation): each turn has a `role`
  and a `text`. An `input` becomes a `user` turn and an `output` an `assistant` turn. The
  model's turns are those whose role is `assistant`, `bot` or `model`: a report's quotes
  must come from them.
- Every other field is kept in `metadata` (a channel, a timestamp, a rating), so the
  course's own support-chat logs load too.

`logs_from_csv` reads a spreadsheet export (one row per log, an id column, an input and an
output column, the rest metadata) into the same records, and `read_logs_file` takes either
kind of file, which is how `grader new-exercise` starts an exercise.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

LOGS_FILE = "logs.jsonl"
MODEL_ROLES = frozenset({"assistant", "bot", "model"})
MAX_LOGS_BYTES = 50_000_000
MAX_ID_CHARS = 120


MAX_REPORTED = 50  # problems of one file reported at once; the rest are counted


class LogsProblem(ValueError):
    """A logs file that cannot be read: what is wrong, on which line, and how to fix it;
    `more` holds the file's further problems, so that one fix-and-rerun is enough."""

    def __init__(self, file: str, message: str, line: int | None, hint: str) -> None:
        super().__init__(f"{file}{f' line {line}' if line else ''}: {message} ({hint})")
        self.file, self.message, self.line, self.hint = file, message, line, hint
        self.more: list[LogsProblem] = []

    @classmethod
    def of(cls, problems: list[LogsProblem]) -> LogsProblem:
        """The first of `problems`, holding the others."""
        first = problems[0]
        first.more = problems[1:MAX_REPORTED]
        return first


class Turn(BaseModel):
    """One message of a log: who wrote it and what it says."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    role: str = Field(min_length=1, max_length=40)
    text: str = Field(min_length=1)


class Log(BaseModel):
    """One logged interaction of an exercise."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    turns: tuple[Turn, ...] = Field(min_length=1)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _generic_shape(cls, raw: Any) -> Any:
        """`log_id` as `id`, `input`/`output` as turns, other fields into `metadata`."""
        if not isinstance(raw, dict):
            return raw
        raw = dict(raw)
        if "id" not in raw and "log_id" in raw:
            raw["id"] = raw.pop("log_id")
        if "turns" not in raw and ("input" in raw or "output" in raw):
            raw["turns"] = [{"role": role, "text": raw.pop(name)}
                            for name, role in (("input", "user"), ("output", "assistant"))
                            if name in raw]
        extra = {k: raw.pop(k) for k in list(raw) if k not in ("id", "turns", "metadata")}
        if extra:
            raw["metadata"] = {**extra, **(raw.get("metadata") or {})}
        return raw

    @field_validator("id", mode="before")
    @classmethod
    def _trimmed_id(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)  # a spreadsheet's numeric id is still an id
        if isinstance(value, str):
            value = value.strip()
            if any(c in value for c in "\n\r\t"):
                raise ValueError("an id is one line of text, without tabs")
        return value

    @property
    def model_texts(self) -> list[str]:
        """The texts of the model's turns."""
        return [turn.text for turn in self.turns if turn.role.lower() in MODEL_ROLES]


def logs_path(source: str | Path) -> Path:
    """The logs file of `source`: the file itself, or `logs.jsonl` in a folder."""
    path = Path(source)
    return path / LOGS_FILE if path.is_dir() else path


def load_exercise_logs(source: str | Path) -> list[Log]:
    """Every log of an exercise folder's `logs.jsonl` (or of the JSONL file given), in file
    order; raises `LogsProblem` naming each unreadable line and repeated id."""
    path = logs_path(source)
    file = path.name
    if not path.is_file():
        raise LogsProblem(file, "no such file", None,
                          f"an exercise folder holds its logs in {LOGS_FILE}")
    if path.stat().st_size > MAX_LOGS_BYTES:
        raise LogsProblem(file, f"larger than {MAX_LOGS_BYTES // 1_000_000} MB", None,
                          "split the exercise into smaller sets of logs")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise LogsProblem(file, "not UTF-8 text", None, "save the file as UTF-8") from None
    logs: list[Log] = []
    problems: list[LogsProblem] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            log = _parse_line(file, number, line)
        except LogsProblem as problem:
            problems.append(problem)
            continue
        if log.id in first_line:
            problems.append(_repeated(file, log.id, number, first_line[log.id]))
            continue
        first_line[log.id] = number
        logs.append(log)
    if problems:
        raise LogsProblem.of(problems)
    if not logs:
        raise LogsProblem(file, "holds no logs", None, "write one JSON object per line")
    return logs


def _repeated(file: str, log_id: str, line: int, first: int) -> LogsProblem:
    return LogsProblem(file, f"id '{log_id}' is used again", line,
                       f"each log needs its own id; the first is on line {first}")


def _parse_line(file: str, number: int, line: str) -> Log:
    """One line of the logs file as a `Log`, or a `LogsProblem` naming the line."""
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LogsProblem(file, f"not JSON: {exc.msg}", number,
                          "write one JSON object per line") from None
    try:
        return Log.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(map(str, error["loc"])) or "the log"
        raise LogsProblem(file, f"{where}: {error['msg']}", number,
                          'each log is {"id": ..., "input": ..., "output": ...} or '
                          '{"id": ..., "turns": [{"role": ..., "text": ...}]}') from None


def logs_from_csv(path: str | Path, id_column: str, input_column: str,
                  output_column: str) -> list[Log]:
    """The rows of a CSV export as logs: `id_column` the id, `input_column` the user's
    message, `output_column` the model's reply, every other column metadata. Raises
    `LogsProblem` naming each row that cannot be used (blank cells, an id used twice)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise LogsProblem(path.name, str(detail), None,
                          "give a CSV file saved as UTF-8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    named = (id_column, input_column, output_column)
    columns = reader.fieldnames or []
    missing = [c for c in named if c not in columns]
    if missing and len(columns) == 1 and any(sep in columns[0] for sep in ";\t|"):
        raise LogsProblem(path.name, "the header has no commas", 1,
                          "save the file as comma-separated values (CSV UTF-8)")
    if missing:
        raise LogsProblem(path.name, f"no column {', '.join(repr(c) for c in missing)}", 1,
                          f"the header has: {', '.join(columns) or 'nothing'}; name the "
                          "columns with --id-column, --input-column and --output-column")
    logs: list[Log] = []
    problems: list[LogsProblem] = []
    seen: dict[str, int] = {}
    try:
        for row in reader:
            number = reader.line_num
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue
            log = _csv_log(path.name, number, row, named, problems)
            if log is None:
                continue
            if log.id in seen:
                problems.append(_repeated(path.name, log.id, number, seen[log.id]))
                continue
            seen[log.id] = number
            logs.append(log)
    except csv.Error as exc:
        problems.append(LogsProblem(path.name, f"cannot be read as CSV: {exc}", reader.line_num,
                                    "quote values that hold commas or line breaks"))
    if problems:
        raise LogsProblem.of(problems)
    if not logs:
        raise LogsProblem(path.name, "holds no rows", None, "one row per log under a header")
    return logs


def _csv_log(file: str, line: int, row: dict[str, Any], named: tuple[str, str, str],
             problems: list[LogsProblem]) -> Log | None:
    """One CSV row as a log, or None with its problems appended, in the row's own words."""
    id_column, input_column, output_column = named
    before = len(problems)
    for column in named:
        if not (row.get(column) or "").strip():
            problems.append(LogsProblem(file, f"'{column}' is blank", line,
                                        "every row needs an id, the user's message and the "
                                        "model's reply; fill it in or delete the row"))
    log_id = (row.get(id_column) or "").strip()
    if any(c in log_id for c in "\n\r\t") or len(log_id) > MAX_ID_CHARS:
        problems.append(LogsProblem(file, f"'{id_column}' is not a usable id", line,
                                    f"write the id on one line, without tabs, in at most "
                                    f"{MAX_ID_CHARS} characters"))
    if len(problems) > before:
        return None
    metadata = {k: v for k, v in row.items() if k not in named and isinstance(k, str)}
    return Log.model_validate({"id": log_id, "input": row[input_column],
                               "output": row[output_column], "metadata": metadata})


def read_logs_file(path: str | Path, columns: tuple[str, str, str] = ("id", "input",
                                                                      "output")) -> list[Log]:
    """Logs from a CSV export (its id, input and output `columns`) or a JSONL file in the
    generic format: by the file's suffix (`.csv`; `.jsonl`, `.ndjson`, `.json`), else by
    its first character (`{` starts JSONL)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return logs_from_csv(path, *columns)
    if suffix in (".jsonl", ".ndjson", ".json") or not path.is_file():
        return load_exercise_logs(path)
    with path.open("rb") as handle:
        start = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return load_exercise_logs(path) if start.startswith(b"{") else logs_from_csv(path, *columns)


def write_logs(logs: Iterable[Log], path: str | Path) -> Path:
    """Write `logs` as JSONL (the generic format, one log a line); returns the path."""
    path = Path(path)
    lines = [json.dumps(log.model_dump(exclude_defaults=True), ensure_ascii=False)
             for log in logs]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def exercise_logs_frame(source: str | Path):  # -> pandas.DataFrame (imported on use)
    """One row per log: `log_id`, `turns`, the first user `input`, the last model
    `output`, then each metadata field as a column."""
    import pandas as pd

    rows = []
    for log in load_exercise_logs(source):
        users = [t.text for t in log.turns if t.role.lower() not in MODEL_ROLES]
        rows.append({"log_id": log.id, "turns": len(log.turns),
                     "input": users[0] if users else "",
                     "output": (log.model_texts or [""])[-1], **log.metadata})
    return pd.DataFrame(rows)
