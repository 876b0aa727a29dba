"""Project 3's data: three products' native logs, and the one schema they are unified into.

Each product logs in its own format (`datasets/cross-product/DATASHEET.md`): Ask Cobblewick
(`search`) as JSON Lines, Forge (`codegen`) as one nested JSON export, the review summariser
(`summarisation`) as CSV. `load_native` reads each as a list of `Native` records, with the
position a reviewer can find it by. A learner writes one adapter per product, a function
from a native record to a `FailureRecord`; `convert` applies it to every record and keeps
the count: a record the adapter cannot convert, or a second copy of a record already
converted, is a `Reject` with its reason, never dropped. `write_unified` and
`write_rejects` save what the grader reads.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_serializer,
    field_validator,
    model_validator,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "datasets" / "cross-product"
Product = Literal["search", "codegen", "summarisation"]
PRODUCTS: tuple[Product, ...] = ("search", "codegen", "summarisation")
NATIVE_FILES: dict[Product, str] = {"search": "search/answers.jsonl",
                                    "codegen": "codegen/forge_export.json",
                                    "summarisation": "summaries/summaries.csv"}
UNIFIED_FILE = "unified.jsonl"
REJECTS_FILE = "rejects.csv"
REJECT_COLUMNS = ("product", "position", "native_id", "reason")
MAX_NATIVE_BYTES = 50_000_000


class Evidence(BaseModel):
    """One item the model was given: a retrieved passage, a context file or a review."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1, max_length=200,
                    description="the passage's doc_id, the file's path or the review's marker")
    text: str = Field(max_length=200_000)


class FailureRecord(BaseModel):
    """One product interaction in the unified schema, with its evidence and native record.

    `record_id` is `<product>:<native id>`, unique across products. `occurred_at` must carry
    a time zone and is stored in UTC. `note` is the reviewer's words (None when nobody
    reviewed it or the note is empty), `signal` the product's business signal (search: a
    thumbs-down; codegen: the change was reverted; summarisation: a customer escalated).
    `native` is the original record, every field, untouched.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    record_id: str = Field(pattern=r"^(search|codegen|summarisation):\S{1,100}$")
    product: Product
    occurred_at: AwareDatetime
    input: str = Field(max_length=200_000,
                       description="what was asked: the query, the request, the task")
    output: str = Field(min_length=1, max_length=200_000,
                        description="what the model produced: answer, code or summary")
    evidence: list[Evidence] = Field(max_length=200)
    note: str | None = Field(None, max_length=20_000)
    signal: bool
    native: dict[str, Any]

    @field_validator("occurred_at")
    @classmethod
    def _in_utc(cls, moment: datetime) -> datetime:
        return moment.astimezone(UTC)

    @field_serializer("occurred_at")
    def _iso_z(self, moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    @model_validator(mode="after")
    def _id_names_product(self) -> FailureRecord:
        if not self.record_id.startswith(f"{self.product}:"):
            raise ValueError(f"record_id '{self.record_id}' must start with "
                             f"'{self.product}:' (the product, a colon, the native id)")
        return self


@dataclass(frozen=True)
class Native:
    """A product's record as it was logged, and where: its 1-based position in the file
    (search: the line; codegen: the turn, counted in export order; summarisation: the row
    after the header). A Forge turn carries its session's fields too (`session_id`,
    `engineer`, `repo`), since the export nests turns in sessions."""

    product: Product
    position: int
    data: dict[str, Any]

    @property
    def native_id(self) -> str:
        """The product's own id of the record ("" when the record has none)."""
        key = {"search": "qid", "codegen": "turn_id", "summarisation": "summary_id"}
        return str(self.data.get(key[self.product]) or "")


@dataclass(frozen=True)
class Reject:
    """A native record that was not converted, and why."""

    product: Product
    position: int
    native_id: str
    reason: str


@dataclass
class Conversion:
    """What `convert` made of one product's records: every record is in exactly one list."""

    product: Product
    records_in: int
    records: list[FailureRecord] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)

    def summary(self) -> str:
        """One line: records in, converted, rejected (and the reasons, counted)."""
        reasons: dict[str, int] = {}
        for reject in self.rejects:
            reasons[reject.reason] = reasons.get(reject.reason, 0) + 1
        why = "; ".join(f"{n} {reason}" for reason, n in sorted(reasons.items()))
        return (f"{self.product}: {self.records_in} in, {len(self.records)} converted, "
                f"{len(self.rejects)} rejected" + (f" ({why})" if why else ""))


def load_native(product: Product, data_dir: Path = DATA_DIR) -> list[Native]:
    """Every native record of `product`, in file order. A search line that is not JSON is
    kept as a record whose data is `{"_unreadable": <the line>}`, so that it can be counted
    and rejected like any other."""
    path = data_dir / NATIVE_FILES[product]
    if path.stat().st_size > MAX_NATIVE_BYTES:
        raise ValueError(f"{path} is larger than {MAX_NATIVE_BYTES:,} bytes")
    if product == "search":
        return [Native("search", number, _json_line(line))
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if line.strip()]
    if product == "codegen":
        export = json.loads(path.read_text(encoding="utf-8"))
        turns = [{**{k: v for k, v in session.items() if k != "turns"}, **turn}
                 for session in export["sessions"] for turn in session["turns"]]
        return [Native("codegen", number, turn) for number, turn in enumerate(turns, 1)]
    with path.open(newline="", encoding="utf-8") as handle:
        return [Native("summarisation", number, row)
                for number, row in enumerate(csv.DictReader(handle), 1)]


def _json_line(line: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError:
        return {"_unreadable": line}
    return value if isinstance(value, dict) else {"_unreadable": line}


def convert(natives: Iterable[Native], adapter: Callable[[Native], FailureRecord]
            ) -> Conversion:
    """Apply `adapter` to each native record of one product, keeping every record.

    A record the adapter raises on (a `ValidationError` from the schema, or any other
    exception) is rejected with the error's first line; a record whose `record_id` was
    already converted is rejected as a duplicate of it. Records in always equal records
    converted plus records rejected.
    """
    natives = list(natives)
    product = natives[0].product if natives else "search"
    conversion = Conversion(product, len(natives))
    first_at: dict[str, int] = {}
    for native in natives:
        try:
            record = adapter(native)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(map(str, first["loc"])) or "record"
            conversion.rejects.append(Reject(native.product, native.position, native.native_id,
                                             f"{where}: {first['msg']}"))
            continue
        except Exception as error:  # an adapter's every failure is a reject, with its reason
            message = str(error).splitlines()[0] if str(error) else ""
            conversion.rejects.append(Reject(native.product, native.position, native.native_id,
                                             f"{type(error).__name__}: {message}".rstrip(": ")))
            continue
        if record.record_id in first_at:
            conversion.rejects.append(Reject(
                native.product, native.position, native.native_id,
                f"duplicate of position {first_at[record.record_id]}"))
            continue
        first_at[record.record_id] = native.position
        conversion.records.append(record)
    return conversion


def write_unified(records: Iterable[FailureRecord], path: Path | str = UNIFIED_FILE) -> Path:
    """Save records as JSON Lines, one record per line, times in UTC with a `Z`."""
    path = Path(path)
    path.write_text("".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8")
    return path


def read_unified(path: Path | str = UNIFIED_FILE) -> list[FailureRecord]:
    """Read `unified.jsonl` back (raises `ValidationError` on the first bad line)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [FailureRecord.model_validate_json(line) for line in lines if line.strip()]


def write_rejects(conversions: Iterable[Conversion], path: Path | str = REJECTS_FILE) -> Path:
    """Save every reject of every product as CSV: product, position, native_id, reason."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(REJECT_COLUMNS)
        for conversion in conversions:
            for r in conversion.rejects:
                writer.writerow([r.product, r.position, r.native_id, r.reason])
    return path


def records_frame(records: Iterable[FailureRecord]) -> Any:
    """The records as a pandas DataFrame, one row each: the schema's fields, with
    `evidence_ids` and `evidence_text` in place of the evidence list, without `native`."""
    import pandas as pd

    rows = [{"record_id": r.record_id, "product": r.product, "occurred_at": r.occurred_at,
             "input": r.input, "output": r.output,
             "evidence_ids": [e.id for e in r.evidence],
             "evidence_text": "\n".join(e.text for e in r.evidence),
             "note": r.note, "signal": r.signal} for r in records]
    return pd.DataFrame(rows, columns=["record_id", "product", "occurred_at", "input", "output",
                                       "evidence_ids", "evidence_text", "note", "signal"])
