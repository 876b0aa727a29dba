"""Practice project 3's data: the three products' native logs agree with the answer key
(`solutions/cross-domain-synthesis/gold.csv`), the planted rates are in their bands, and the
generator reproduces every file byte for byte."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import ROOT

DATA = ROOT / "datasets" / "cross-product"
SOLUTION = ROOT / "solutions" / "cross-domain-synthesis"
GENERATOR = SOLUTION / "make_data.py"
FILES = ["datasets/cross-product/search/answers.jsonl",
         "datasets/cross-product/codegen/forge_export.json",
         "datasets/cross-product/summaries/summaries.csv",
         "solutions/cross-domain-synthesis/gold.csv"]
PRODUCTS = ("search", "codegen", "summarisation")
PATTERN = "hallucinated-specificity"
CLUSTERS = {"search": {"wrong-document", "broken-format"},
            "codegen": {"incomplete-change", "wrong-task"},
            "summarisation": {"length-violation", "omitted-complaint"}}
NATIVE_COUNTS = {"search": 320, "codegen": 260, "summarisation": 300}
REJECTED = {"search": {"duplicate": 2, "no-output": 2, "missing-timestamp": 1},
            "codegen": {"duplicate": 3, "missing-timestamp": 2, "no-output": 1},
            "summarisation": {"duplicate": 1, "impossible-date": 1, "no-output": 1}}


def _search() -> list[dict]:
    text = (DATA / "search" / "answers.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _codegen() -> list[dict]:
    export = json.loads((DATA / "codegen" / "forge_export.json").read_text(encoding="utf-8"))
    return [{**{k: v for k, v in s.items() if k != "turns"}, **turn}
            for s in export["sessions"] for turn in s["turns"]]


def _summaries() -> list[dict]:
    with (DATA / "summaries" / "summaries.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def native() -> dict[str, list[dict]]:
    return {"search": _search(), "codegen": _codegen(), "summarisation": _summaries()}


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    with (SOLUTION / "gold.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _by_product(gold: list[dict], product: str) -> list[dict]:
    return [row for row in gold if row["product"] == product]


def _native_id(product: str, record: dict) -> str:
    return record[{"search": "qid", "codegen": "turn_id",
                   "summarisation": "summary_id"}[product]]


def _output(product: str, record: dict) -> str:
    if product == "search":
        return record.get("answer") or ""
    if product == "codegen":
        return (record.get("completion") or {}).get("code") or ""
    return record["summary"]


def _evidence(product: str, record: dict) -> list[tuple[str, str]]:
    if product == "search":
        return [(p["doc_id"], p["text"]) for p in record["retrieved"]]
    if product == "codegen":
        return [(c["path"], c["content"]) for c in record["context"]]
    reviews = record["source_text"].split("\n")
    return [(r.split("] ", 1)[0].lstrip("["), r) for r in reviews]


def _signal(product: str, record: dict) -> bool:
    if product == "search":
        return record["feedback"] == "down"
    if product == "codegen":
        return record["outcome"]["reverted"] is True
    return record["escalated"] == "yes"


def _occurred_at(product: str, record: dict) -> str:
    """The record's instant in UTC, converted independently of the generator."""
    if product == "search":
        if "ts" not in record:
            return ""
        ts = record["ts"]
        moment = datetime.fromtimestamp(ts / 1000 if ts > 10**12 else ts, UTC)
    elif product == "codegen":
        if not record["created"]:
            return ""
        moment = datetime.fromisoformat(record["created"].replace("Z", "+00:00"))
    else:
        try:
            local = datetime.strptime(record["created_local"], "%d/%m/%Y %H:%M")
        except ValueError:
            return ""
        moment = local.replace(tzinfo=ZoneInfo(record["office_tz"]))
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_regenerating_is_byte_identical(tmp_path: Path):
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path)], check=True,
                   cwd=ROOT, timeout=120)
    for rel in FILES:
        assert (tmp_path / rel).read_bytes() == (ROOT / rel).read_bytes(), rel


def test_native_counts(native):
    assert {p: len(records) for p, records in native.items()} == NATIVE_COUNTS


@pytest.mark.parametrize("product", PRODUCTS)
def test_gold_follows_native_order_and_rejects(native, gold, product):
    rows = _by_product(gold, product)
    records = native[product]
    assert len(rows) == len(records)
    for position, (row, record) in enumerate(zip(rows, records, strict=True), 1):
        assert row["record_id"] == f"{product}:{_native_id(product, record)}"
        assert int(row["position"]) == position
        assert (row["status"] == "rejected") == bool(row["reject_reason"])
        assert (row["code"] == "") == (row["status"] == "rejected")
    reasons = Counter(row["reject_reason"] for row in rows if row["status"] == "rejected")
    assert dict(reasons) == REJECTED[product]
    converted = [row["record_id"] for row in rows if row["status"] == "converted"]
    assert len(converted) == len(set(converted)), "every converted id is unique"


@pytest.mark.parametrize("product", PRODUCTS)
def test_rejects_are_what_they_say(native, gold, product):
    seen: set[str] = set()
    for row, record in zip(_by_product(gold, product), native[product], strict=True):
        reason = row["reject_reason"]
        native_id = _native_id(product, record)
        assert (reason == "duplicate") == (native_id in seen), row["record_id"]
        seen.add(native_id)
        if reason == "no-output":
            assert not _output(product, record)
        elif reason == "missing-timestamp":
            assert not record.get("ts" if product == "search" else "created")
        elif reason == "impossible-date":
            assert _occurred_at(product, record) == ""
        elif not reason:
            assert _output(product, record) and _occurred_at(product, record)


@pytest.mark.parametrize("product", PRODUCTS)
def test_evidence_ids_thin_and_signal_match_native(native, gold, product):
    for row, record in zip(_by_product(gold, product), native[product], strict=True):
        evidence = _evidence(product, record)
        assert row["evidence_ids"] == ";".join(i for i, _ in evidence), row["record_id"]
        n_words = sum(len(text.split()) for _, text in evidence)
        assert row["thin"] == str(n_words < 40).lower(), row["record_id"]
        assert n_words <= 30 or n_words >= 60, row["record_id"]
        assert row["signal"] == str(_signal(product, record)).lower(), row["record_id"]


@pytest.mark.parametrize("product", PRODUCTS)
def test_occurred_at_is_the_native_time_in_utc(native, gold, product):
    for row, record in zip(_by_product(gold, product), native[product], strict=True):
        assert row["occurred_at"] == _occurred_at(product, record), row["record_id"]
        if row["occurred_at"]:
            assert "2026-11-01T00:00:00Z" <= row["occurred_at"] <= "2026-11-28T23:59:59Z"


def test_some_search_times_are_milliseconds(native):
    ms = sum(1 for r in native["search"] if r.get("ts", 0) > 10**12)
    assert 0.015 <= ms / len(native["search"]) <= 0.05


def test_codegen_times_have_mixed_offsets(native):
    suffixes = {r["created"][19:] for r in native["codegen"] if r["created"]}
    assert {"Z", "+00:00", "+01:00", "+05:30", "-05:00"} <= suffixes


@pytest.mark.parametrize("product", PRODUCTS)
def test_unsupported_specifics_are_in_the_output_and_not_the_evidence(native, gold, product):
    planted = 0
    for row, record in zip(_by_product(gold, product), native[product], strict=True):
        specifics = [s for s in row["unsupported"].split(";") if s]
        assert bool(specifics) == (row["code"] == PATTERN), row["record_id"]
        output = _output(product, record)
        evidence = [text.lower() for _, text in _evidence(product, record)]
        for specific in specifics:
            planted += 1
            assert specific in output, (row["record_id"], specific)
            assert all(specific.lower() not in text for text in evidence), (row["record_id"],
                                                                             specific)
    assert planted


@pytest.mark.parametrize("product", PRODUCTS)
def test_planted_rates_are_in_their_bands(gold, product):
    rows = [r for r in _by_product(gold, product) if r["status"] == "converted"]
    thin = [r for r in rows if r["thin"] == "true"]
    rich = [r for r in rows if r["thin"] == "false"]

    def rate(group):
        return sum(r["code"] == PATTERN for r in group) / len(group)

    assert 0.30 <= len(thin) / len(rows) <= 0.40
    assert 0.30 <= rate(thin) <= 0.35
    assert 0.05 <= rate(rich) <= 0.08
    assert 0.12 <= rate(rows) <= 0.18
    codes = Counter(r["code"] for r in rows)
    assert set(codes) == {"ok", PATTERN} | CLUSTERS[product]
    assert 0.50 <= codes["ok"] / len(rows) <= 0.62
    for code in CLUSTERS[product]:
        assert 0.10 <= codes[code] / len(rows) <= 0.15, code
        share_thin = sum(r["thin"] == "true" for r in rows if r["code"] == code) / codes[code]
        assert abs(share_thin - len(thin) / len(rows)) < 0.08, f"{code} tracks thinness"


@pytest.mark.parametrize("product", PRODUCTS)
def test_signal_is_ordered_pattern_other_ok(gold, product):
    rows = [r for r in _by_product(gold, product) if r["status"] == "converted"]

    def rate(keep):
        group = [r for r in rows if keep(r["code"])]
        return sum(r["signal"] == "true" for r in group) / len(group)

    pattern = rate(lambda c: c == PATTERN)
    other = rate(lambda c: c not in ("ok", PATTERN))
    ok = rate(lambda c: c == "ok")
    assert pattern > other > ok > 0


def test_reviewer_notes_are_mixed(native, gold):
    """About 15% of failing records are unreviewed, and good ones mostly have no note."""
    for product, field in (("search", "review"), ("codegen", "review_comment"),
                           ("summarisation", "qa_comment")):
        rows = zip(_by_product(gold, product), native[product], strict=True)
        failing = [rec for row, rec in rows if row["code"] not in ("", "ok")]
        missing = sum(1 for rec in failing if not rec[field]) / len(failing)
        assert 0.07 <= missing <= 0.25, product


def test_no_answer_key_leaks_into_the_learners_data():
    names = {PATTERN, "gold", *(c for codes in CLUSTERS.values() for c in codes)}
    files = [p for p in DATA.rglob("*") if p.is_file()]
    assert len(files) >= 4
    for path in files:
        text = path.read_text(encoding="utf-8").lower()
        for name in names:
            assert name not in text, f"{path.relative_to(ROOT)} mentions '{name}'"


def test_datasheet_describes_each_file():
    sheet = (DATA / "DATASHEET.md").read_text(encoding="utf-8")
    for needle in ("answers.jsonl", "forge_export.json", "summaries.csv", "Gebru",
                   "CC BY 4.0", "source_text", "reverted", "escalated", "feedback"):
        assert needle in sheet, needle


def test_datasheet_counts_match_the_files(native):
    sheet = " ".join((DATA / "DATASHEET.md").read_text(encoding="utf-8").split())
    search, turns, rows = native["search"], native["codegen"], native["summarisation"]
    feedback = Counter(r["feedback"] for r in search)
    sessions = json.loads((DATA / "codegen" / "forge_export.json").read_text(
        encoding="utf-8"))["sessions"]
    claims = [
        f"{len(search)} lines in {len({r['session'] for r in search})} sessions",
        f"{feedback['down']} answers got a thumbs-down and {feedback['up']} a thumbs-up",
        f"{sum(r['review'] is not None for r in search)} were reviewed",
        f"{len(turns)} turns in {len(sessions)} session entries",
        f"{sum(t['outcome']['reverted'] for t in turns)} merged changes were reverted",
        f"{sum(r['office_tz'] == 'Europe/London' for r in rows)} logged in London, "
        f"{sum(r['office_tz'] == 'America/New_York' for r in rows)} in New York",
        f"{sum(r['escalated'] == 'yes' for r in rows)} escalated, "
        f"{sum(r['escalated'] == '' for r in rows)} unknown",
    ]
    for claim in claims:
        assert claim in sheet, claim
