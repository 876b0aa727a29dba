"""The files of a cross-domain synthesis hand-in: `unified.jsonl`, `rejects.csv`,
`clusters.csv` (and `memo.md`, read by `grader.synthesis_claims`).

Each loader reads one file with a size cap, validates every line or row against its model
(`labkit.crossproduct.FailureRecord` for the unified records) and raises `UnusableInput` with
every coded problem and its line, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from grader.errors import Problem, UnusableInput, fix_for
from grader.files import read_submitted
from grader.tags import decode, read_table
from labkit.crossproduct import REJECT_COLUMNS, REJECTS_FILE, UNIFIED_FILE, FailureRecord

CLUSTERS_FILE = "clusters.csv"
CLUSTER_COLUMNS = ("record_id", "cluster", "code")
MAX_UNIFIED_BYTES = 60_000_000   # the reference is about 1 MB; a 2 GB upload is refused
MAX_TABLE_BYTES = 5_000_000
Row = TypeVar("Row", bound=BaseModel)


class RejectRow(BaseModel):
    """One row of `rejects.csv`: a native record that was not converted, and why."""

    model_config = ConfigDict(extra="forbid")
    product: Literal["search", "codegen", "summarisation"]
    position: int = Field(ge=1, le=1_000_000)
    native_id: str = Field(max_length=200)
    reason: str = Field(min_length=1, max_length=1_000)


class ClusterRow(BaseModel):
    """One row of `clusters.csv`: a record, its raw cluster, and the code it was named."""

    model_config = ConfigDict(extra="forbid")
    record_id: str = Field(min_length=1, max_length=120)
    cluster: str = Field(min_length=1, max_length=40)
    code: str = Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=40)


@dataclass(frozen=True)
class Clusters:
    """The clusters file: each record id's raw cluster and code."""

    cluster: dict[str, str]
    code: dict[str, str]


def load_unified(path: Path) -> list[FailureRecord]:
    """Read `unified.jsonl`: every line a `FailureRecord`, every `record_id` once."""
    file = path.name
    text = decode(read_submitted(path, MAX_UNIFIED_BYTES), file)
    if not text.strip():
        raise UnusableInput([Problem("file-empty", file, "the file is empty", None,
                                     "write one converted record per line "
                                     "(labkit.write_unified).")])
    problems: list[Problem] = []
    records: list[FailureRecord] = []
    first: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = FailureRecord.model_validate_json(line)
        except ValidationError as exc:
            problems += [_problem("unified-invalid", file, e, number, "record") for e in
                         exc.errors()[:3]]
            continue
        if record.record_id in first:
            problems.append(Problem("unified-invalid", file, f"record_id '{record.record_id}' "
                                    f"is on line {first[record.record_id]} already", number,
                                    "convert each native record once: a second copy is a "
                                    "reject (a duplicate).", "record_id"))
            continue
        first[record.record_id] = number
        records.append(record)
    if problems:
        raise UnusableInput(problems)
    return records


# Hints for the fields whose pydantic message alone does not say what to write.
HINTS = {("clusters-invalid", "code"): "write the code in lower case, its words joined by "
                                       "hyphens, e.g. wrong-source.",
         ("unified-invalid", "occurred_at"): "give the time with its zone, e.g. "
                                             "2026-11-01T08:39:56Z (the adapter's datetime "
                                             "must be timezone-aware)."}


def _problem(code: str, file: str, error: dict, line: int, what: str) -> Problem:
    where = ".".join(map(str, error["loc"])) or what
    message = error["msg"] if error["type"] != "json_invalid" else "the line is not JSON"
    hint = fix_for(error["type"]) if error["type"] not in ("value_error", "json_invalid") \
        else "write the record with labkit.write_unified, from a FailureRecord."
    return Problem(code, file, f"{where}: {message}", line,
                   HINTS.get((code, where), hint), where)


def _rows(path: Path, columns: tuple[str, ...], model: type[Row], code: str, row_of: str
          ) -> list[tuple[int, Row]]:
    """Each data row of a CSV file as `model`, with its line; `UnusableInput` otherwise."""
    file, header_text = path.name, ",".join(columns)
    header, rows = read_table(path, header_text, row_of, MAX_TABLE_BYTES)
    missing = [name for name in columns if name not in header]
    if missing:
        raise UnusableInput([Problem("missing-column", file, f"no column '{name}' in the "
                                     "header", 1, f"the header must be '{header_text}'.")
                             for name in missing])
    problems: list[Problem] = []
    result: list[tuple[int, Row]] = []
    for line, fields in rows:
        if len(fields) > len(header):
            problems.append(Problem("bad-row", file, f"{len(fields)} fields, header has "
                                    f"{len(header)}", line, "put a value that contains "
                                    "commas in double quotes."))
            continue
        cells = {name: fields[header.index(name)].strip()
                 if header.index(name) < len(fields) else "" for name in columns}
        try:
            result.append((line, model.model_validate(cells)))
        except ValidationError as exc:
            problems += [_problem(code, file, e, line, "row") for e in exc.errors()]
    if problems:
        raise UnusableInput(problems)
    return result


def load_rejects(path: Path) -> list[RejectRow]:
    """Read `rejects.csv` (a header only is fine: nothing was rejected)."""
    rows = _rows(path, REJECT_COLUMNS, RejectRow, "rejects-invalid", "rejected record")
    seen: dict[tuple[str, int], int] = {}
    problems = []
    for line, row in rows:
        key = (row.product, row.position)
        if key in seen:
            problems.append(Problem("rejects-invalid", path.name, f"{row.product} position "
                                    f"{row.position} is on line {seen[key]} already", line,
                                    "list each rejected record once.", "position"))
        seen.setdefault(key, line)
    if problems:
        raise UnusableInput(problems)
    return [row for _, row in rows]


def load_clusters(path: Path, record_ids: set[str] | None) -> Clusters:
    """Read `clusters.csv`; with `record_ids` (the unified records), every id must be one of
    them (`unknown-record-id`) and every one of them must have a row
    (`record-not-clustered`)."""
    file = path.name
    rows = _rows(path, CLUSTER_COLUMNS, ClusterRow, "clusters-invalid", "record")
    cluster: dict[str, str] = {}
    code: dict[str, str] = {}
    lines: dict[str, int] = {}
    problems = []
    for line, row in rows:
        if row.record_id in lines:
            problems.append(Problem("clusters-invalid", file, f"'{row.record_id}' has a row "
                                    f"on line {lines[row.record_id]} already", line,
                                    "give each record one row.", "record_id"))
            continue
        if record_ids is not None and row.record_id not in record_ids:
            problems.append(Problem("unknown-record-id", file, f"'{row.record_id}' is not a "
                                    f"record of {UNIFIED_FILE}", line, "write the record_id "
                                    f"exactly as in {UNIFIED_FILE} (product, colon, native "
                                    "id).", "record_id"))
            continue
        lines[row.record_id] = line
        cluster[row.record_id], code[row.record_id] = row.cluster, row.code
    if record_ids is not None:
        missing = sorted(record_ids - set(cluster))
        if missing:
            shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more"
                                              if len(missing) > 5 else "")
            problems.append(Problem("record-not-clustered", file, f"{len(missing)} records of "
                                    f"{UNIFIED_FILE} have no row: {shown}", None,
                                    "write one row for every converted record, with the "
                                    "code of its cluster."))
    if problems:
        raise UnusableInput(problems)
    if not cluster:
        raise UnusableInput([Problem("file-empty", file, "has a header and no rows", None,
                                     "write one row per converted record.")])
    return Clusters(cluster, code)


__all__ = ["CLUSTERS_FILE", "REJECTS_FILE", "UNIFIED_FILE", "Clusters", "load_clusters",
           "load_rejects", "load_unified"]
