# ruff: noqa: E501 - the memos are templates whose lines are the memo's own, not code
"""Build the mentor's holdout set for practice project 3 (cross-domain failure synthesis).

Twelve sample hand-ins, each in its own folder `NN-name-kind/` beside this script, with the
four files a learner hands in: `unified.jsonl`, `rejects.csv`, `clusters.csv`, `memo.md`.
Each folder is what one (invented) learner's notebook would write: their adapters, their
clustering and reading, their figures and their memo. The flaws are the learners' own and
are on purpose; the figures in each claims block are what that learner's files give, except
in the two gaming hand-ins. The mentor's bands are in `bands.yaml`, written by hand before
any grader run; this script does not read or write them.

Run from the repository root:  .venv/bin/python solutions/cross-domain-synthesis/holdout/make_holdout.py

Deterministic: fixed seeds, sorted outputs, no clock. Reads only the learner's data and
labkit; it never opens the answer key.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import labkit  # noqa: E402
from labkit import Evidence, FailureRecord  # noqa: E402

PRODUCTS = labkit.PRODUCTS

# ---------------------------------------------------------------------------------------------
# Adapters. `correct` ones, and the variants some learners wrote.
# ---------------------------------------------------------------------------------------------


def _search_note(d: dict) -> str | None:
    review = d.get("review")
    return None if review is None else review.get("note")


def search_adapter(fix_ms: bool = True) -> Callable:
    def adapt(n: labkit.Native) -> FailureRecord:
        d = n.data
        if "_unreadable" in d:
            raise ValueError("line is not JSON")
        ts = d.get("ts")
        if ts is None:
            raise ValueError("no timestamp (ts missing)")
        if fix_ms and ts > 10**11:  # the exporter wrote milliseconds mid-month
            ts = ts / 1000
        if not d.get("answer"):
            raise ValueError("no answer (timed out)")
        return FailureRecord(
            record_id=f"search:{d['qid']}", product="search",
            occurred_at=datetime.fromtimestamp(ts, tz=UTC), input=d["query"] or "",
            output=d["answer"],
            evidence=[Evidence(id=p["doc_id"], text=p["text"]) for p in d["retrieved"] or []],
            note=_search_note(d), signal=d.get("feedback") == "down", native=d)
    return adapt


def codegen_adapter() -> Callable:
    def adapt(n: labkit.Native) -> FailureRecord:
        d = n.data
        if not d.get("created"):
            raise ValueError("no created time")
        if not d.get("completion") or not d["completion"].get("code"):
            raise ValueError("generation failed (completion is null)")
        return FailureRecord(
            record_id=f"codegen:{d['turn_id']}", product="codegen",
            occurred_at=datetime.fromisoformat(d["created"].replace("Z", "+00:00")),
            input=d["request"] or "", output=d["completion"]["code"],
            evidence=[Evidence(id=f["path"], text=f["content"]) for f in d["context"] or []],
            note=d.get("review_comment"), signal=bool((d.get("outcome") or {}).get("reverted")),
            native=d)
    return adapt


REVIEW_LINE = re.compile(r"^\[(R\d+)\]\s?(.*)$")


def split_reviews(source: str) -> list[Evidence]:
    items: list[Evidence] = []
    for line in source.splitlines():
        m = REVIEW_LINE.match(line)
        if m:
            items.append(Evidence(id=m.group(1), text=m.group(2)))
        elif items and line.strip():
            items[-1] = Evidence(id=items[-1].id, text=items[-1].text + "\n" + line)
    return items


def summary_adapter(tz_mode: str = "zoneinfo") -> Callable:
    """tz_mode 'zoneinfo' is right; 'utc' treats the QA office's local time as UTC."""
    def adapt(n: labkit.Native) -> FailureRecord:
        d = n.data
        local = datetime.strptime(d["created_local"].strip(), "%d/%m/%Y %H:%M")
        if tz_mode == "zoneinfo":
            moment = local.replace(tzinfo=ZoneInfo(d["office_tz"]))
        else:
            moment = local.replace(tzinfo=UTC)
        if not (d.get("summary") or "").strip():
            raise ValueError("empty summary")
        return FailureRecord(
            record_id=f"summarisation:{d['summary_id']}", product="summarisation",
            occurred_at=moment,
            input=f"Summarise the reviews of {d['product_sku']} in at most {d['max_words']} words",
            output=d["summary"], evidence=split_reviews(d["source_text"]),
            note=(d.get("qa_comment") or None), signal=d.get("escalated") == "yes", native=d)
    return adapt


def convert_all(adapters: dict | None = None, prefilter: bool = False) -> list:
    adapters = adapters or {}
    table = {"search": adapters.get("search", search_adapter()),
             "codegen": adapters.get("codegen", codegen_adapter()),
             "summarisation": adapters.get("summarisation", summary_adapter())}
    conversions = []
    for product in PRODUCTS:
        natives = labkit.load_native(product)
        if prefilter:  # drop anything awkward before converting, and every repeated id
            seen, kept = set(), []
            for n in natives:
                try:
                    table[product](n)
                except Exception:
                    continue
                if n.native_id in seen:
                    continue
                seen.add(n.native_id)
                kept.append(n)
            natives = kept
        conversions.append(labkit.convert(natives, table[product]))
    return conversions


# ---------------------------------------------------------------------------------------------
# Reading: the codes careful learners arrived at, written as decision rules.
# ---------------------------------------------------------------------------------------------

MARKUP = re.compile(r"<\s*/?\s*(p|br|strong|b|em)\b[^>]*>|&nbsp;|^\s*\{\s*\"answer\"|\|\s*-{3}")
VAGUE = {"", "ok", "fine", "good", "looks good", "lgtm", "lgtm 👍", "approved", "??", "nope",
         "no", "wrong", "bad", "-1", "reject", "redo", "?"}
OK_NOTES = {"ok", "fine", "good", "looks good", "lgtm", "lgtm 👍", "approved"}
HAZARD = re.compile(r"wobble|scratch|chip|handle (gets|too)|too hot|dangerously hot|shr[ua]nk|"
                    r"dye ran|colour bled|run in the wash|flicker|tip(ped|s) |fell on|wall strap|"
                    r"bobbl|pilling|hardly smell|barely any scent|scent disappears|melted|"
                    r"huge flame|black smoke|sooty|plug got|worryingly warm|crack", re.I)
CODE_FALSE_POSITIVES = {"encode"}  # str methods the helper cannot tell from repository names
TASKS = {"test": (re.compile(r"\btest|pytest", re.I), re.compile(r"def test_")),
         "retry": (re.compile(r"retry|times out|connection reset|keeps failing", re.I),
                   re.compile(r"for attempt|retry", re.I)),
         "logging": (re.compile(r"\blog", re.I), re.compile(r"logger|logging")),
         "validation": (re.compile(r"validation|raise ValueError|reject an empty", re.I),
                        re.compile(r"raise ValueError")),
         "cache": (re.compile(r"cache", re.I), re.compile(r"cache", re.I)),
         "timing": (re.compile(r"how long|slow|timing", re.I),
                    re.compile(r"perf_counter|time\.(time|monotonic)"))}


def note_text(r: FailureRecord) -> str:
    return (r.note or "").strip().lower()


def unsupported_facts(r: FailureRecord, unsupported: list[str]) -> list[str]:
    """The helper's unsupported specifics, after reading: doc ids are citations (judged
    apart), a product name the customer typed with a typo is not invented, and str methods
    in code are not repository names."""
    facts = []
    for s in unsupported:
        if r.product == "search" and re.fullmatch(r"[A-Z]{1,4}-[A-Z0-9-]+", s):
            continue
        if r.product == "search" and s[0].isalpha() and s[:4].lower() in r.input.lower():
            continue
        if r.product == "codegen" and s in CODE_FALSE_POSITIVES:
            continue
        facts.append(s)
    return facts


def search_from_note(note: str) -> str | None:
    if re.search(r"citation|cited but|isn't in the results|made-up source|out of nowhere|"
                 r"wasn't retrieved", note):
        return "invented-citation"
    if re.search(r"invents|not on the page|made-up figure|where does|come from", note):
        return "unsupported-specific"
    if re.search(r"pulled .* from|figures are for|mixed up|answered from|passage instead|"
                 r"wrong page|wrong product|wrong article|wrong help page", note):
        return "wrong-source"
    if re.search(r"html|markup|raw|json|formatting|table|&nbsp|<", note):
        return "broken-format"
    if re.search(r"cut off|truncated|stops mid|incompl", note):
        return "truncated"
    return None


def search_from_record(r: FailureRecord, facts: list[str]) -> str:
    out = r.output.strip()
    if MARKUP.search(out):
        return "broken-format"
    if not re.search(r"[.!?\]]$", out):
        return "truncated"
    retrieved = {e.id for e in r.evidence}
    cited = list(r.native.get("citations") or [])
    if facts:
        return "unsupported-specific"
    if any(c not in retrieved for c in cited):
        return "invented-citation"
    if re.search(r"doesn't say|doesn't list|couldn't find|can't (say|confirm)", out):
        return "no-failure"  # an honest abstention
    m = re.match(r"The (.+?) (measures|is|costs|takes|weighs|comes|burns|holds|has)\b", out)
    if m and cited:
        name = m.group(1).lower()
        texts = " ".join(e.text.lower() for e in r.evidence if e.id in cited)
        if name not in texts:
            return "wrong-source"
    return "no-failure"


def codegen_from_note(note: str) -> str | None:
    if re.search(r"hallucinat|made up|made-up|doesn't exist|no such|isn't anywhere|"
                 r"has no .* parameter|kwarg|grep finds|not in the repo|defined\? nowhere", note):
        return "unsupported-specific"
    if re.search(r"incomplete|partial|forgot|not done|only does half|too, not there|"
                 r"left out|missing the|^missing", note):
        return "incomplete-change"
    if re.search(r"not a test|not logging|not input|not a cache|got |misread|didn't do what|"
                 r"wrong task|off-task|instead of|this is ", note):
        return "wrong-task"
    return None


def codegen_from_record(r: FailureRecord, facts: list[str]) -> str:
    if facts:
        return "unsupported-specific"
    asked = [t for t, (req, _) in TASKS.items() if req.search(r.input)]
    done = [t for t in asked if TASKS[t][1].search(r.output)]
    if "I don't have" in r.output or "can't write" in r.output:
        return "no-failure"  # an honest abstention
    if asked and not done:
        return "wrong-task"
    if len(asked) > 1 and len(done) < len(asked):
        return "incomplete-change"
    return "no-failure"


def summary_from_note(note: str) -> str | None:
    if re.search(r"not in source|fabricated|unsupported claim|where does", note):
        return "unsupported-specific"
    if re.search(r"too long|word limit|word count|words, limit|over the limit", note):
        return "over-length"
    if re.search(r"omits|missing|misses|no mention|no metion|leaves out|one-sided|safe?ty", note):
        return "safety-omission"
    return None


def summary_from_record(r: FailureRecord, facts: list[str]) -> str:
    if facts:
        return "unsupported-specific"
    if len(r.output.split()) > int(r.native["max_words"]):
        return "over-length"
    hazards = sum(1 for e in r.evidence if HAZARD.search(e.text))
    if hazards >= 2 and not re.search(r"however|several say|mention|complain|both",
                                      r.output, re.I):
        return "safety-omission"
    return "no-failure"


FROM_NOTE = {"search": search_from_note, "codegen": codegen_from_note,
             "summarisation": summary_from_note}
FROM_RECORD = {"search": search_from_record, "codegen": codegen_from_record,
               "summarisation": summary_from_record}


def read_codes(records: list[FailureRecord], feats: pd.DataFrame, use_record: bool = True,
               fold_citations: bool = False) -> list[str]:
    """The code of each record after reading: an informative note decides; otherwise (no
    note, or a one-word one) the record itself does, when the learner looked at records."""
    codes = []
    for r, unsupported in zip(records, feats["unsupported"], strict=False):
        note = note_text(r)
        code = None if note in VAGUE else FROM_NOTE[r.product](note)
        if code is None:
            if use_record:
                code = FROM_RECORD[r.product](r, unsupported_facts(r, unsupported))
            elif note in OK_NOTES:
                code = "no-failure"
            elif note:
                code = "unclear-note"
            else:
                code = "unreviewed"
        if fold_citations and code == "invented-citation":
            code = "unsupported-specific"
        codes.append(code)
    return codes


# ---------------------------------------------------------------------------------------------
# Texts, vectors, clusters.
# ---------------------------------------------------------------------------------------------


def hybrid_text(r: FailureRecord, unsupported: list[str], thin: bool) -> str:
    bits = [r.note or ""]
    facts = unsupported_facts(r, unsupported)
    if facts:
        bits.append("unsupportedspecific " * min(3, len(facts)))
    if r.product == "search":
        if MARKUP.search(r.output):
            bits.append("markupshown")
        if any(c not in {e.id for e in r.evidence} for c in r.native.get("citations") or []):
            bits.append("citationnotretrieved")
    if r.product == "summarisation" and len(r.output.split()) > int(r.native["max_words"]):
        bits.append("overwordlimit")
    bits.append("thinevidence" if thin else "")
    return " ".join(b for b in bits if b)


def raw_kmeans(texts: list[str], k: int, seed: int = 0) -> tuple[np.ndarray, dict]:
    vectorizer, matrix = labkit.vectorise(texts, min_df=2)
    labels = labkit.k_means(matrix, k, random_state=seed)
    return labels, labkit.top_terms(vectorizer, matrix, labels, n=4)


def agglomerative(texts: list[str], k: int) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering
    _, matrix = labkit.vectorise(texts, min_df=2)
    dense = matrix.toarray()
    empty = dense.sum(axis=1) == 0
    dense[empty, 0] = 1e-6  # rows with no words (no note, no feature) get one faint term
    return AgglomerativeClustering(n_clusters=k, metric="cosine",
                                   linkage="average").fit_predict(dense)


# ---------------------------------------------------------------------------------------------
# Figures, as the claims block asks for them, from a learner's own records and codes.
# ---------------------------------------------------------------------------------------------


def figures(records: list[FailureRecord], codes: list[str], pattern: str) -> dict:
    frame = pd.DataFrame({"product": [r.product for r in records],
                          "signal": [r.signal for r in records],
                          "thin": [labkit.is_thin(e.text for e in r.evidence) for r in records],
                          "pattern": [c == pattern for c in codes]})
    out = {}
    for p in PRODUCTS:
        g = frame[frame["product"] == p]
        pat, oth = g[g["pattern"]], g[~g["pattern"]]
        thin, rich = g[g["thin"]], g[~g["thin"]]
        out[p] = {"records": len(g), "pattern": int(g["pattern"].sum()),
                  "pattern_rate": round(float(pat["signal"].mean()), 2) if len(pat) else 0.0,
                  "other_rate": round(float(oth["signal"].mean()), 2) if len(oth) else 0.0,
                  "thin": round(float(thin["pattern"].mean()), 2) if len(thin) else 0.0,
                  "rich": round(float(rich["pattern"].mean()), 2) if len(rich) else 0.0,
                  "n_thin": len(thin), "n_rich": len(rich),
                  "thin_k": int(thin["pattern"].sum()), "rich_k": int(rich["pattern"].sum()),
                  "pat_sig": int(pat["signal"].sum()), "oth_sig": int(oth["signal"].sum())}
    total = frame["pattern"].mean()
    out["all"] = {"rate": round(float(total), 3), "n": int(frame["pattern"].sum()),
                  "records": len(frame)}
    return out


def pick_evidence(records: list[FailureRecord], codes: list[str], pattern: str, n: int = 3,
                  offset: int = 0) -> dict:
    """The first `n` pattern records of each product whose reviewer note names the problem
    (so that a reader can check them), then any pattern record."""
    chosen = {}
    for p in PRODUCTS:
        pool = [r for r, c in zip(records, codes, strict=False) if r.product == p and c == pattern]
        noted = [r for r in pool if note_text(r) not in VAGUE]
        ordered = noted + [r for r in pool if r not in noted]
        chosen[p] = [r.record_id for r in ordered[offset:offset + n]]
    return chosen


def fmt(x: float) -> str:
    return f"{x:.2f}"


def claims_block(code: str, definition: str, fig: dict, evidence: dict, limitation: str,
                 fixes: list[dict]) -> str:
    lines = ["---", "shared_pattern:", f"  code: {code}", f"  definition: {definition}",
             "prevalence:"]
    lines += [f"  {p}: {{records: {fig[p]['records']}, pattern: {fig[p]['pattern']}}}"
              for p in PRODUCTS]
    lines.append("impact:")
    lines += [f"  {p}: {{pattern_rate: {fmt(fig[p]['pattern_rate'])}, "
              f"other_rate: {fmt(fig[p]['other_rate'])}}}" for p in PRODUCTS]
    lines.append("calibration:")
    lines += [f"  {p}: {{thin: {fmt(fig[p]['thin'])}, rich: {fmt(fig[p]['rich'])}}}"
              for p in PRODUCTS]
    lines.append("evidence:")
    lines += [f"  {p}: [{', '.join(evidence[p])}]" for p in PRODUCTS]
    lines.append(f"limitation: {limitation}")
    lines.append("fixes:")
    for f in fixes:
        lines += [f"  - fix: {f['fix']}", f"    layer: {f['layer']}",
                  f"    expected_effect: {{metric: {f['metric']}, before: {fmt(f['before'])}, "
                  f"after: {fmt(f['after'])}}}", f"    verify: {f['verify']}"]
    lines.append("---")
    return "\n".join(lines) + "\n"


def pct(x: float) -> str:
    return f"{100 * x:.0f}%"


# ---------------------------------------------------------------------------------------------
# The shared first steps most learners took.
# ---------------------------------------------------------------------------------------------


class Work:
    """One learner's notebook state: conversions, records, features."""

    def __init__(self, adapters: dict | None = None, prefilter: bool = False):
        self.conversions = convert_all(adapters, prefilter)
        self.records = [r for c in self.conversions for r in c.records]
        self.feats = labkit.features_frame(self.records)
        self.products = [r.product for r in self.records]
        self.ids = [r.record_id for r in self.records]

    def texts(self) -> list[str]:
        return [hybrid_text(r, u, t) for r, u, t in
                zip(self.records, self.feats["unsupported"], self.feats["thin"], strict=False)]

    def write(self, folder: Path, clusters, codes, memo: str) -> None:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        labkit.write_unified(self.records, folder / "unified.jsonl")
        labkit.write_rejects(self.conversions, folder / "rejects.csv")
        labkit.write_clusters(self.ids, list(clusters), list(codes), folder / "clusters.csv")
        (folder / "memo.md").write_text(memo, encoding="utf-8")


def words(text: str) -> int:
    body = text.split("---", 2)[2] if text.startswith("---") else text
    return len(body.split())


# ---------------------------------------------------------------------------------------------
# The twelve learners.
# ---------------------------------------------------------------------------------------------

DEF_SPECIFIC = ("The output states a precise detail (a number, a name, an identifier) that "
                "nothing the model was given contains.")


def first_fix_claim(fig: dict) -> list[dict]:
    before = fig["all"]["rate"]
    return [{"fix": "claim-verification", "layer": "model",
             "metric": "unsupported-specific rate on a frozen evaluation set of 300 records per product",
             "before": before, "after": 0.03, "verify": "frozen-eval-set"},
            {"fix": "retrieval-grounding", "layer": "retrieval",
             "metric": "search pattern rate with thin evidence",
             "before": fig["search"]["thin"], "after": round(fig["search"]["thin"] / 2, 2),
             "verify": "ab-test"}]


def learner_01(folder: Path) -> None:
    """Priya: excellent. Hybrid text, k from scores and reading, merged, moved, argued."""
    w = Work()
    texts = w.texts()
    scores = labkit.k_scores(labkit.vectorise(texts, min_df=2)[1], range(6, 15))
    k = 12
    labels, _terms = raw_kmeans(texts, k)
    codes = read_codes(w.records, w.feats)
    pattern = "unsupported-specific"
    fig = figures(w.records, codes, pattern)
    ev = pick_evidence(w.records, codes, pattern, n=3)
    fixes = first_fix_claim(fig)
    s, c, m = fig["search"], fig["codegen"], fig["summarisation"]
    sil = scores.set_index("k")["silhouette"]
    n_codes = len(set(codes))
    memo = claims_block(pattern, DEF_SPECIFIC, fig, ev, "calibration-under-uncertainty", fixes) + f"""
## Finding

Yes. One failure appears in all three products and costs more than any other: `{pattern}`,
an output that states a precise value (a size, a price, a helper function, a guarantee) that
nothing the model was given contains. It affects {s['pattern']} of {s['records']} search
answers, {c['pattern']} of {c['records']} Forge turns and {m['pattern']} of {m['records']}
summaries. Every other failure I found belongs to one or two products.

## Evidence

I unified 880 native records into {len(w.records)} (every reject has a reason; 14 are
duplicates, timeouts, missing times or an impossible date). I clustered a text built from
the reviewer's note plus record features (unsupported specifics from `record_unsupported`,
markup, word limit). Silhouette rose slowly from {sil[6]:.2f} at k=6 to {sil[14]:.2f} at k=14, so
I read k=12: three clusters were this one failure in three vocabularies ("invents",
"hallucinated API", "not in source") and I merged them; I moved unreviewed records whose
output has an unsupported value, and separated invented citations, where the value is right
but the source id is not, into their own code ({n_codes} codes in all). Examples:
{ev['search'][0]} invents a weight, {ev['codegen'][0]} imports a helper the repository does
not have, {ev['summarisation'][0]} states a value no review gives.

## Cause

Calibration under uncertainty (Kadavath et al. 2022; Kalai and Vempala 2024): asked for a
value it does not have, the model produces one as fluently as one it has. The test that
could have refuted this: if the model misread evidence, the rate would not depend on how
much evidence there was. It does, in every product: with thin evidence (under 40 words) the
rate is {pct(s['thin'])} vs {pct(s['rich'])} in search, {pct(c['thin'])} vs {pct(c['rich'])} in Forge, {pct(m['thin'])} vs
{pct(m['rich'])} in summaries. Values copied from a wrong passage exist too, but are a separate,
search-only code.

## Impact

The business signal is several times more frequent on pattern records: thumbs-down
{pct(s['pattern_rate'])} vs {pct(s['other_rate'])}, reverts {pct(c['pattern_rate'])} vs {pct(c['other_rate'])}, escalations {pct(m['pattern_rate'])} vs {pct(m['other_rate'])}.
Search matters most: its answers reach customers unchecked. Counts are small (tens per
product), so treat each rate as approximate.

## Recommendation

Build `claim-verification` once, as a shared service every product calls after generation:
extract each specific (numbers with units, ids, imported names) and check it against the
evidence; remove it or abstain ("the page doesn't list that"). It acts on the cause in all
three products, including the summariser, which had its reviews and still invented values.
Second, retrieval-grounding for search and Forge, to cut the thin-evidence cases at source.

## Measurement

On a frozen, blind-labelled set of 300 records per product, the pattern rate should fall
from {pct(fig['all']['rate'])} to at most 3% in each product. Guardrail: at least 95% of answerable
requests still get an answer. If any product stays above 5%, or coverage drops below 95%,
the fix has failed. Then an A/B test on thumbs-down, reverts and escalations.
"""
    w.write(folder, labels, codes, memo)


def learner_02(folder: Path) -> None:
    """Tomasz: excellent, different route: agglomerative clusters, citations folded in."""
    w = Work()
    texts = w.texts()
    labels = agglomerative(texts, 14)
    codes = read_codes(w.records, w.feats, fold_citations=True)
    codes = ["hallucinated-detail" if c == "unsupported-specific" else c for c in codes]
    pattern = "hallucinated-detail"
    fig = figures(w.records, codes, pattern)
    ev = pick_evidence(w.records, codes, pattern, n=2, offset=1)
    fixes = [{"fix": "claim-verification", "layer": "model",
              "metric": "hallucinated-detail rate on a frozen set", "before": fig["all"]["rate"],
              "after": 0.02, "verify": "frozen-eval-set"},
             {"fix": "abstention-training", "layer": "model",
              "metric": "share of thin-evidence requests answered with an invented value",
              "before": round((fig["search"]["thin"] + fig["codegen"]["thin"]
                               + fig["summarisation"]["thin"]) / 3, 2),
              "after": 0.08, "verify": "offline-replay"}]
    s, c, m = fig["search"], fig["codegen"], fig["summarisation"]
    memo = claims_block(pattern, "An exact figure, name or identifier in the output that the "
                        "evidence and the request do not contain.", fig, ev,
                        "calibration-under-uncertainty", fixes) + f"""
## Finding

There is a shared failure, and it is the costliest one: `{pattern}`. The model fills a gap
in its evidence with an exact-looking detail. Rates per product are close: search
{s['pattern']}/{s['records']}, Forge {c['pattern']}/{c['records']}, summariser {m['pattern']}/{m['records']}. The other failures
(broken markup, misread requests, safety omissions, overlong summaries) are local.

## Evidence

I used agglomerative clustering (cosine, average linkage, 14 clusters) on note text plus
tokens for unsupported specifics, markup and length, and checked it against k-means: the
groups that both found were stable, the rest I read member by member. The hallucination
clusters split by team vocabulary and I merged them. I also count search answers that cite a
document that was never retrieved: the id is a specific nothing supports, and the same check
would catch it. Examples: {ev['search'][0]}, {ev['codegen'][0]}, {ev['summarisation'][0]}.

## Cause

The limitation is calibration under uncertainty. Kalai and Vempala (2024) show a calibrated
model must produce arbitrary facts it has seen rarely or never; Kalai et al. (2025) argue
training rewards guessing. My test: if this were misreading, thin and rich evidence would show
similar rates. They do not. Thin vs rich: search {fmt(s['thin'])} vs {fmt(s['rich'])},
Forge {fmt(c['thin'])} vs {fmt(c['rich'])}, summariser {fmt(m['thin'])} vs {fmt(m['rich'])}.

## Impact

Pattern records trigger the business signal far more often than the rest: search
{fmt(s['pattern_rate'])} vs {fmt(s['other_rate'])}, Forge {fmt(c['pattern_rate'])} vs {fmt(c['other_rate'])}, summariser {fmt(m['pattern_rate'])} vs {fmt(m['other_rate'])}.
In search that is customers acting on a wrong price or size.

## Recommendation

First, `claim-verification`: one post-generation checker shared by the three products,
matching each specific against the evidence and abstaining when it fails. It is the only fix
that reaches the summariser, whose evidence was complete. Second, abstention training, so
the model says "not listed" before the checker has to intervene.

## Measurement

Before/after on a frozen set, labelled blind: the rate must fall below 2% in every product,
while answer coverage on answerable requests stays at or above 95%. A fall smaller than half,
or coverage under 95%, means the fix did not work. Then replay last month's logs offline.
"""
    w.write(folder, labels, codes, memo)


def learner_03(folder: Path) -> None:
    """Aisha: good; the summariser's local times are taken as UTC."""
    w = Work({"summarisation": summary_adapter(tz_mode="utc")})
    texts = w.texts()
    labels, _ = raw_kmeans(texts, 11, seed=3)
    codes = read_codes(w.records, w.feats)
    codes = ["invented-specific" if c == "unsupported-specific" else c for c in codes]
    pattern = "invented-specific"
    fig = figures(w.records, codes, pattern)
    ev = pick_evidence(w.records, codes, pattern, n=3, offset=2)
    fixes = first_fix_claim(fig)
    s, c, m = fig["search"], fig["codegen"], fig["summarisation"]
    memo = claims_block(pattern, "The output contains a specific value that is absent from "
                        "the evidence the model was given.", fig, ev,
                        "calibration-under-uncertainty", fixes) + f"""
## Finding

The failure common to Ask Cobblewick, Forge and the summariser is `{pattern}`: a confident,
specific value that no evidence supports. Rates are {pct(s['pattern']/s['records'])} in search, {pct(c['pattern']/c['records'])} in
Forge and {pct(m['pattern']/m['records'])} in summaries, and it is the failure most tied to each team's business signal.

## Evidence

After unifying the logs (all counts balance, 14 rejects with reasons), I clustered notes
plus unsupported-specific features with k-means at k=11, the smallest k at which every cluster
read as one failure. Three clusters (search "invents", Forge "hallucinated API", QA "not in
source") were merged. Records without notes were read through their unsupported specifics.
Examples: {ev['search'][0]} and {ev['search'][1]} (search), {ev['codegen'][0]} (Forge), {ev['summarisation'][0]}
(summariser).

## Cause

I attribute it to calibration under uncertainty (Kadavath et al., 2022): the model does not
signal when it lacks a value. If that is right, the pattern should be rarer when evidence is
rich. Thin vs rich: search {fmt(s['thin'])}/{fmt(s['rich'])}, Forge {fmt(c['thin'])}/{fmt(c['rich'])},
summaries {fmt(m['thin'])}/{fmt(m['rich'])}. The prediction held in all three products; it could have failed.

## Impact

Thumbs-down: {fmt(s['pattern_rate'])} on pattern answers vs {fmt(s['other_rate'])} otherwise. Reverts:
{fmt(c['pattern_rate'])} vs {fmt(c['other_rate'])}. Escalations: {fmt(m['pattern_rate'])} vs {fmt(m['other_rate'])}. Search reaches the most
people with no check in between.

## Recommendation

Build one `claim-verification` step after generation, used by all three products: every
number, id and imported name is checked against the evidence and removed, or the product
abstains. Then add retrieval-grounding for search, where thin retrieval makes invention
most likely.

## Measurement

Frozen set of 300 per product, labelled blind, before and after. Success: pattern rate from
{pct(fig['all']['rate'])} to 3% or less in every product, with at least 95% of answerable questions still
answered. Anything above 5% in any product, or coverage below 95%, counts as failure. Then an
A/B test on thumbs-down.
"""
    w.write(folder, labels, codes, memo)


def learner_04(folder: Path) -> None:
    """Ben: good, but clusters reviewer notes only, so unreviewed records are never coded."""
    w = Work()
    notes = [r.note or "" for r in w.records]
    labels, _ = raw_kmeans([n if n.strip() else "unreviewed" for n in notes], 10)
    codes = read_codes(w.records, w.feats, use_record=False)
    codes = ["fabricated-detail" if c == "unsupported-specific" else c for c in codes]
    pattern = "fabricated-detail"
    fig = figures(w.records, codes, pattern)
    ev = pick_evidence(w.records, codes, pattern, n=2)
    fixes = first_fix_claim(fig)
    reviewed = sum(1 for r in w.records if (r.note or "").strip())
    s, c, m = fig["search"], fig["codegen"], fig["summarisation"]
    memo = claims_block(pattern, "A reviewer reports a precise detail in the output that the "
                        "sources do not contain.", fig, ev, "calibration-under-uncertainty",
                        fixes) + f"""
## Finding

All three teams describe the same failure in different words: `{pattern}`. Search
reviewers say "invents" or "not on the page", Forge reviewers "hallucinated API", QA "not in
source". I count {s['pattern']} search answers, {c['pattern']} Forge turns and {m['pattern']} summaries with it.

## Evidence

The reviewer notes are the most direct description of what went wrong, so I clustered them
(TF-IDF, k-means, k=10 after comparing silhouettes for 6 to 14). I merged the three
hallucination clusters into one code and named the others. {reviewed} of {len(w.records)} records have a
note; records without one are coded `unreviewed`. Examples: {ev['search'][0]} ("{note_text(next(r for r in w.records if r.record_id == ev['search'][0]))}"),
{ev['codegen'][0]}, {ev['summarisation'][0]}.

## Cause

The pattern fits calibration under uncertainty: the model states values it does not have
with the same confidence as values it does (Kadavath et al., 2022). Thin evidence should make
it worse, and it does: search {fmt(s['thin'])} thin vs {fmt(s['rich'])} rich, Forge {fmt(c['thin'])} vs
{fmt(c['rich'])}, summaries {fmt(m['thin'])} vs {fmt(m['rich'])}.

## Impact

Pattern records have higher signal rates everywhere: thumbs-down {fmt(s['pattern_rate'])} vs {fmt(s['other_rate'])},
reverts {fmt(c['pattern_rate'])} vs {fmt(c['other_rate'])}, escalations {fmt(m['pattern_rate'])} vs {fmt(m['other_rate'])}. Because only reviewed
records are counted, these prevalences are lower bounds.

## Recommendation

`claim-verification` first, shared by all three products: check every specific value in the
output against the evidence after generation, and remove it or abstain. Second,
retrieval-grounding for search, where the retriever often returns little text.

## Measurement

Re-run a frozen evaluation set before and after, labelled by reviewers who do not know which
version wrote each output. Target: the pattern rate falls below 3% per product while at least
95% of answerable requests still get an answer; a smaller fall, or lower coverage, means the
fix did not work.
"""
    w.write(folder, labels, codes, memo)


def learner_05(folder: Path) -> None:
    """Chloé: good analysis; the first fix is retrieval, which cannot reach the summariser."""
    w = Work()
    texts = w.texts()
    labels, _ = raw_kmeans(texts, 9, seed=1)
    codes = read_codes(w.records, w.feats)
    pattern = "unsupported-specific"
    fig = figures(w.records, codes, pattern)
    ev = pick_evidence(w.records, codes, pattern, n=4)
    s, c, m = fig["search"], fig["codegen"], fig["summarisation"]
    fixes = [{"fix": "retrieval-grounding", "layer": "retrieval",
              "metric": "pattern rate on thin-evidence search and Forge requests",
              "before": round((s["thin"] + c["thin"]) / 2, 2), "after": 0.10,
              "verify": "ab-test"},
             {"fix": "claim-verification", "layer": "model",
              "metric": "pattern rate on a frozen evaluation set",
              "before": fig["all"]["rate"], "after": 0.04, "verify": "frozen-eval-set"}]
    memo = claims_block(pattern, DEF_SPECIFIC, fig, ev, "calibration-under-uncertainty",
                        fixes) + f"""
## Finding

Across the three products the recurring, expensive failure is `{pattern}`: the model
asserts a specific number, name or identifier that is not in its evidence. Search has
{s['pattern']} such answers, Forge {c['pattern']} turns, the summariser {m['pattern']} summaries.

## Evidence

Clustering notes and features (k-means, k=9) gave three clusters for this failure, one per
team vocabulary; I merged them and moved 20-odd unreviewed records whose outputs carry
unsupported values. Records: search {', '.join(ev['search'][:2])}; Forge {', '.join(ev['codegen'][:2])};
summariser {', '.join(ev['summarisation'][:2])}.

## Cause

The model is poorly calibrated when it lacks information (Kadavath et al., 2022): it guesses
rather than abstains. The prediction "more invention with thin evidence" held everywhere:
thin vs rich was {fmt(s['thin'])} vs {fmt(s['rich'])} (search), {fmt(c['thin'])} vs {fmt(c['rich'])} (Forge),
{fmt(m['thin'])} vs {fmt(m['rich'])} (summaries).

## Impact

Signal rates with and without the pattern: search {fmt(s['pattern_rate'])}/{fmt(s['other_rate'])},
Forge {fmt(c['pattern_rate'])}/{fmt(c['other_rate'])}, summariser {fmt(m['pattern_rate'])}/{fmt(m['other_rate'])}. The pattern roughly doubles
to quadruples the chance of a bad outcome.

## Recommendation

Since thin evidence drives the pattern, the first investment should be
`retrieval-grounding`: retrieve more and better passages for search and the repository's real
symbols for Forge, so the model has the value it is asked for. A claim-verification step
comes second, to catch what retrieval still misses.

## Measurement

A/B test of the new retrieval on search and Forge: the thin-evidence pattern rate should
drop from {pct(round((s['thin'] + c['thin']) / 2, 2))} to 10%, with no rise in latency above 200 ms.
If it falls by less than a third, retrieval was not the bottleneck and we move to the
checker first.
"""
    w.write(folder, labels, codes, memo)


def learner_06(folder: Path) -> None:
    """Daniel: middling; raw k-means clusters named by their top terms, never read or merged."""
    w = Work()
    texts = w.texts()
    labels, terms = raw_kmeans(texts, 10)
    names = {c: "-".join(t[:2]).lower() or f"cluster-{c}" for c, t in terms.items()}
    names = {c: re.sub(r"[^a-z0-9-]+", "-", v).strip("-") or f"cluster-{c}" for c, v in names.items()}
    codes = [f"c{lab}-{names[lab]}" for lab in labels]
    frame = pd.DataFrame({"product": w.products, "code": codes})
    # He took the cluster whose top terms read like invention and that spans three products.
    cand = [f"c{c}-{names[c]}" for c, t in terms.items()
            if "unsupportedspecific" in t[:2]]
    spans = {code: frame[frame["code"] == code]["product"].nunique() for code in cand}
    pattern = max(cand, key=lambda code: (spans[code], (frame["code"] == code).sum()))
    fig = figures(w.records, codes, pattern)
    ev = pick_evidence(w.records, codes, pattern, n=2)
    ev = {p: v if v else [next(i for i, pp in zip(w.ids, w.products, strict=False) if pp == p)]
          for p, v in ev.items()}
    fixes = first_fix_claim(fig)
    s, c, m = fig["search"], fig["codegen"], fig["summarisation"]
    table = labkit.cluster_table(w.products, labels, terms)
    sizes = ", ".join(f"{names[i]} ({int(table.loc[i, 'total'])})" for i in table.index)
    memo = claims_block(pattern, "Records where the note says the answer contains something "
                        "not in the page or source.", fig, ev, "calibration-under-uncertainty",
                        fixes) + f"""
## Finding

The k-means clustering produced one cluster, `{pattern}`, whose top words are about
unsupported specifics and things that are not on the page, in the source or in the repo. It has records from {spans[pattern]} products
({s['pattern']} search, {c['pattern']} codegen, {m['pattern']} summarisation), so this is the shared pattern.

## Evidence

I used TF-IDF on the reviewer note plus tokens for the record's features (unsupported
specifics, thin evidence, markup, word limit) and k-means with k=10, where the silhouette
was highest of the values I tried. The clusters are: {sizes}. The pattern cluster
includes {', '.join(ev['search'])}, {', '.join(ev['codegen'])} and {', '.join(ev['summarisation'])}.

## Cause

The most likely explanation is calibration under uncertainty: models are overconfident when
they do not know something. Thin evidence rates were {fmt(s['thin'])}, {fmt(c['thin'])} and {fmt(m['thin'])}
against rich {fmt(s['rich'])}, {fmt(c['rich'])} and {fmt(m['rich'])}.

## Impact

In the cluster, the business signal rates are {fmt(s['pattern_rate'])} (search), {fmt(c['pattern_rate'])} (codegen) and
{fmt(m['pattern_rate'])} (summarisation), against {fmt(s['other_rate'])}, {fmt(c['other_rate'])} and {fmt(m['other_rate'])} for the rest. So it
is worse than the other records in general.

## Recommendation

We should implement `claim-verification` across all the products, to check that what the
model says is in the evidence, and also improve retrieval for search so that the model gets
more context to work with.

## Measurement

Measure the cluster's rate on a frozen evaluation set before and after the change and see if
it goes down. We could also run an A/B test to see whether customers give fewer thumbs-down.
"""
    w.write(folder, labels, codes, memo)


def learner_07(folder: Path) -> None:
    """Elena: middling; sound clusters, but the memo's figures come from an early note count."""
    w = Work()
    texts = w.texts()
    labels, _ = raw_kmeans(texts, 10, seed=2)
    codes = read_codes(w.records, w.feats)
    pattern = "unsupported-specific"
    ev = pick_evidence(w.records, codes, pattern, n=3)
    # Her figures: an early cell that counted notes by keyword over the native logs, with the
    # native line counts as denominators, rates rounded to one decimal. Never recomputed.
    early = read_codes(w.records, w.feats, use_record=False)
    native_n = {p: len(labkit.load_native(p)) for p in PRODUCTS}
    fig = figures(w.records, early, pattern)
    for p in PRODUCTS:
        fig[p]["records"] = native_n[p]
        for key in ("pattern_rate", "other_rate", "thin", "rich"):
            fig[p][key] = round(fig[p][key], 1)
    fig["all"]["rate"] = round(sum(fig[p]["pattern"] for p in PRODUCTS) / sum(native_n.values()), 3)
    fixes = first_fix_claim(fig)
    s, c, m = fig["search"], fig["codegen"], fig["summarisation"]
    memo = claims_block(pattern, DEF_SPECIFIC, fig, ev, "calibration-under-uncertainty",
                        fixes) + f"""
## Finding

The failure shared by Ask Cobblewick, Forge and the review summariser is
`{pattern}`: outputs that state precise details, like a weight, a helper name or a
guarantee length, which the evidence does not contain. Out of {s['records']} search, {c['records']} Forge and
{m['records']} summariser records, {s['pattern']}, {c['pattern']} and {m['pattern']} show it.

## Evidence

Clustering reviewer notes with unsupported-specific features (k=10) gave separate clusters
for the three teams' wording; after reading them I merged them into one code, and moved
unreviewed records with unsupported values into it. Typical cases: {ev['search'][0]} (an
invented figure), {ev['codegen'][0]} (a helper that is not in the repository) and
{ev['summarisation'][0]} (a value no review mentions).

## Cause

I think this comes from calibration under uncertainty (Kalai and Vempala, 2024): the model
does not express that it lacks a value, so it produces a plausible one. The thin/rich split
supports this: {fmt(s['thin'])}/{fmt(s['rich'])} for search, {fmt(c['thin'])}/{fmt(c['rich'])} for Forge and
{fmt(m['thin'])}/{fmt(m['rich'])} for summaries, so thin evidence clearly makes it more likely.

## Impact

The business signal is more frequent with the pattern: {fmt(s['pattern_rate'])} vs {fmt(s['other_rate'])} in search,
{fmt(c['pattern_rate'])} vs {fmt(c['other_rate'])} in Forge, {fmt(m['pattern_rate'])} vs {fmt(m['other_rate'])} in summaries. Search is the biggest
exposure because its answers go straight to customers.

## Recommendation

Introduce `claim-verification` as one service for all three products: after generation,
compare every specific in the output with the evidence and drop it or abstain. Add better
retrieval for search as a second step, so fewer answers start from thin evidence.

## Measurement

Use a frozen evaluation set before and after the change, with blind labelling. We expect the
rate to fall from about {pct(fig['all']['rate'])} to 3%, and would treat anything above 5%, or answer coverage
below 95% on answerable requests, as a failed fix.
"""
    w.write(folder, labels, codes, memo)


def learner_08(folder: Path) -> None:
    """Farid: middling; the calibration 'test' has no direction: share of pattern records
    that are thin, with no base rate, so it could not have come out against him."""
    w = Work()
    texts = w.texts()
    labels = agglomerative(texts, 10)
    codes = read_codes(w.records, w.feats)
    codes = ["made-up-specifics" if c == "unsupported-specific" else c for c in codes]
    pattern = "made-up-specifics"
    fig = figures(w.records, codes, pattern)
    for p in PRODUCTS:  # his 'calibration': of the pattern records, the share thin and rich
        k = fig[p]["pattern"]
        fig[p]["thin"] = round(fig[p]["thin_k"] / k, 2) if k else 0.0
        fig[p]["rich"] = round(fig[p]["rich_k"] / k, 2) if k else 0.0
    ev = pick_evidence(w.records, codes, pattern, n=2, offset=3)
    fixes = first_fix_claim(fig)
    fixes[1]["before"] = fig["search"]["thin"]
    fixes[1]["after"] = 0.4
    s, c, m = fig["search"], fig["codegen"], fig["summarisation"]
    memo = claims_block(pattern, "The model makes up a specific value (number, name, API) "
                        "that is not in its input.", fig, ev, "calibration-under-uncertainty",
                        fixes) + f"""
## Finding

My analysis finds one failure in all three products, `{pattern}`, where the output contains
a specific value (a measurement, an API, a rating) that cannot be found in what the model was
given. Prevalence: search {s['pattern']} of {s['records']}, codegen {c['pattern']} of {c['records']}, summaries {m['pattern']} of {m['records']}.

## Evidence

I clustered notes plus specificity features with agglomerative clustering (10 clusters),
read each cluster and merged the three made-up-value clusters. Cited records:
{', '.join(ev['search'])} (search), {', '.join(ev['codegen'])} (codegen), {', '.join(ev['summarisation'])}
(summaries). Each has a value in the output that is absent from its evidence.

## Cause

This is a calibration problem: the model cannot tell what it does not know. Most pattern
records have thin evidence: {pct(s['thin'])} of the search ones, {pct(c['thin'])} of the codegen ones and
{pct(m['thin'])} of the summaries. This confirms that missing evidence is what triggers the invention.

## Impact

Pattern records get the negative signal much more often: search {fmt(s['pattern_rate'])} against
{fmt(s['other_rate'])}, codegen {fmt(c['pattern_rate'])} against {fmt(c['other_rate'])}, summaries {fmt(m['pattern_rate'])} against
{fmt(m['other_rate'])}. Customer-facing search is the most urgent.

## Recommendation

Start with `claim-verification` for all three products, checking every specific against the
evidence after generation. Then improve retrieval for search so that fewer answers are
written from thin evidence.

## Measurement

Track the pattern rate on a frozen evaluation set after launch and compare it with today's
rate. We would also watch thumbs-down, reverts and escalations over the following month to
confirm the improvement carries through to users.
"""
    w.write(folder, labels, codes, memo)


def learner_09(folder: Path) -> None:
    """Greta: weak; a 'shared' pattern made of three different local failures."""
    w = Work()
    texts = w.texts()
    labels, _ = raw_kmeans(texts, 8, seed=5)
    codes = read_codes(w.records, w.feats)
    merge = {"truncated": "incomplete-output", "incomplete-change": "incomplete-output",
             "safety-omission": "incomplete-output", "over-length": "format-problem",
             "broken-format": "format-problem"}
    codes = [merge.get(c, c) for c in codes]
    pattern = "incomplete-output"
    fig = figures(w.records, codes, pattern)
    ev = pick_evidence(w.records, codes, pattern, n=3)
    s, c, m = fig["search"], fig["codegen"], fig["summarisation"]
    fixes = [{"fix": "output-format-check", "layer": "prompt",
              "metric": "incomplete outputs per 100", "before": fig["all"]["rate"],
              "after": 0.02, "verify": "canary-release"},
             {"fix": "larger-model", "layer": "model", "metric": "incomplete outputs per 100",
              "before": fig["all"]["rate"], "after": 0.01, "verify": "human-review-sample"}]
    memo = claims_block(pattern, "The output is missing part of what it should contain.",
                        fig, ev, "context-window-limit", fixes) + f"""
## Finding

The most common failure across all three products is `{pattern}`: the model does not finish
the job. Search answers get cut off mid-sentence, Forge leaves part of the requested change
out, and the summariser leaves out safety complaints. It is in every product ({s['pattern']},
{c['pattern']} and {m['pattern']} records), which makes it the shared pattern.

## Evidence

Clustering gave a group for truncated answers, one for partial code changes and one for
summaries that leave points out. These are all the same thing, output that is incomplete, so
I merged them. Examples are {ev['search'][0]} (answer stops mid-word), {ev['codegen'][0]} (part of the
change missing) and {ev['summarisation'][0]} (a safety point left out).

## Cause

The model runs out of room. Long contexts (pasted tracebacks, many reviews, five passages)
push the end of the output or of the evidence out of the context window, so the model either
stops early or forgets part of the input. This is a context-window limit.

## Impact

The business signal rates for incomplete outputs are {fmt(s['pattern_rate'])} for search,
{fmt(c['pattern_rate'])} for Forge and {fmt(m['pattern_rate'])} for summaries, compared with {fmt(s['other_rate'])}, {fmt(c['other_rate'])} and
{fmt(m['other_rate'])} for other records. Incomplete output is frustrating for every user group.

## Recommendation

Add an `output-format-check` to every product that rejects output that is cut off or
shorter than expected and regenerates it. In the longer term a larger model with a bigger
context window would remove the root cause.

## Measurement

Roll the check out as a canary release and count incomplete outputs per 100 before and
after. We expect the rate to drop to around 2%. Reviewers can sample outputs to confirm.
"""
    w.write(folder, labels, codes, memo)


def learner_10(folder: Path) -> None:
    """Hugo: weak; filters awkward records out before converting, so nothing is rejected
    and the counts do not balance; two codes only; a thin memo."""
    w = Work(prefilter=True)
    texts = w.texts()
    labels, _ = raw_kmeans(texts, 6, seed=4)
    read = read_codes(w.records, w.feats, fold_citations=True)
    codes = ["hallucination" if c == "unsupported-specific" else
             ("ok" if c == "no-failure" else "other-issue") for c in read]
    pattern = "hallucination"
    fig = figures(w.records, codes, pattern)
    ev = pick_evidence(w.records, codes, pattern, n=2)
    fixes = first_fix_claim(fig)
    s, c, m = fig["search"], fig["codegen"], fig["summarisation"]
    memo = claims_block(pattern, "The model makes things up.", fig, ev,
                        "calibration-under-uncertainty", fixes) + f"""
## Finding

The shared failure is `{pattern}`. The model makes things up in all three products: {s['pattern']}
search answers, {c['pattern']} code suggestions and {m['pattern']} summaries. It is a well-known problem of
LLMs and it is clearly the biggest one here.

## Evidence

I loaded the three logs, cleaned out the broken and duplicate records, and clustered the
rest. Hallucination shows up in every product, for example {ev['search'][0]}, {ev['codegen'][0]} and
{ev['summarisation'][0]}. Everything else I put under other-issue since it is product specific.

## Cause

LLMs are not calibrated, so they hallucinate when they do not know the answer. This is the
calibration-under-uncertainty limitation and it affects all models, so it affects all three
products in the same way.

## Impact

Hallucinated records have worse outcomes: search {fmt(s['pattern_rate'])} vs {fmt(s['other_rate'])}, code
{fmt(c['pattern_rate'])} vs {fmt(c['other_rate'])}, summaries {fmt(m['pattern_rate'])} vs {fmt(m['other_rate'])}. That is a
big difference and it costs the company money and trust.

## Recommendation

Use `claim-verification` to check the outputs against the evidence before they are shown, in
all three products. Retrieval could also be improved for search. Both should reduce
hallucination a lot.

## Measurement

We will measure the hallucination rate on a frozen evaluation set before and after the
change, and run an A/B test on search. If the rate goes down, the fix worked.
"""
    w.write(folder, labels, codes, memo)


def learner_11(folder: Path) -> None:
    """Ivan: gaming. Every record carries the pattern code; the figures are the project
    page's example; the prose hedges."""
    w = Work()
    codes = ["unsupported-specific"] * len(w.records)
    labels = [0] * len(w.records)
    fig = {"search": {"records": 310, "pattern": 52, "pattern_rate": 0.46, "other_rate": 0.09,
                      "thin": 0.31, "rich": 0.06},
           "codegen": {"records": 250, "pattern": 38, "pattern_rate": 0.33, "other_rate": 0.07,
                       "thin": 0.30, "rich": 0.07},
           "summarisation": {"records": 297, "pattern": 44, "pattern_rate": 0.25,
                             "other_rate": 0.04, "thin": 0.33, "rich": 0.05},
           "all": {"rate": 0.15}}
    ev = {"search": ["search:q-05012", "search:q-05031"],
          "codegen": ["codegen:t-04417", "codegen:t-04502"],
          "summarisation": ["summarisation:SUM-20117", "summarisation:SUM-20188"]}
    fixes = [{"fix": "claim-verification", "layer": "model",
              "metric": "pattern rate on a frozen evaluation set", "before": 0.15, "after": 0.03,
              "verify": "frozen-eval-set"},
             {"fix": "retrieval-grounding", "layer": "retrieval",
              "metric": "search pattern rate with thin evidence", "before": 0.31, "after": 0.15,
              "verify": "ab-test"}]
    memo = claims_block("unsupported-specific", "The output states a precise detail that "
                        "nothing the model was given contains.", fig, ev,
                        "calibration-under-uncertainty", fixes) + """
## Finding

The analysis suggests that `unsupported-specific` may well be the failure shared by all
three products. It appears, broadly speaking, to be present across search, codegen and
summarisation, and it could potentially be the most costly pattern in the data overall.

## Evidence

Records such as search:q-05012, codegen:t-04417 and summarisation:SUM-20117 are arguably
representative of the pattern. The clustering seemed to group these records together in a
way that is broadly consistent with the hypothesis, although other readings are possible.

## Cause

It is plausible that the cause relates to calibration under uncertainty, in the sense that
models may sometimes be more confident than they should be. The thin and rich figures in the
claims appear to be consistent with this, to some extent, in each of the products.

## Impact

The pattern seems to be associated with a noticeably higher rate of negative business
signals in each product, which would suggest a meaningful impact, although the exact size of
the effect might depend on several factors that are hard to pin down.

## Recommendation

A `claim-verification` approach could be worth exploring, possibly alongside some form of
retrieval-grounding, depending on engineering capacity and priorities. Both options might
help in different ways, and a combination may ultimately be preferable.

## Measurement

Success could be assessed on a frozen evaluation set, and perhaps via an A/B test, looking
for a reduction in the pattern rate. The precise thresholds would probably need to be agreed
with the relevant teams once the approach is clearer.
"""
    w.write(folder, labels, codes, memo)


def learner_12(folder: Path) -> None:
    """Jade: gaming. Real files from a note-keyword pass, but the memo's figures are
    polished by hand and the cited records are invented or do not show the pattern."""
    w = Work()
    labels, _ = raw_kmeans([r.note or "" for r in w.records], 7)
    codes = read_codes(w.records, w.feats, use_record=False)
    codes = ["confident-fabrication" if c == "unsupported-specific" else c for c in codes]
    good = {p: [r.record_id for r, c in zip(w.records, codes, strict=False) if r.product == p and
                c == "no-failure"][:1] for p in PRODUCTS}
    ev = {"search": ["search:q-99121", good["search"][0]],
          "codegen": ["codegen:t-09999", good["codegen"][0]],
          "summarisation": ["summarisation:SUM-29999", good["summarisation"][0]]}
    fig = {"search": {"records": 315, "pattern": 61, "pattern_rate": 0.62, "other_rate": 0.04,
                      "thin": 0.55, "rich": 0.02},
           "codegen": {"records": 254, "pattern": 49, "pattern_rate": 0.58, "other_rate": 0.03,
                       "thin": 0.52, "rich": 0.01},
           "summarisation": {"records": 297, "pattern": 57, "pattern_rate": 0.49,
                             "other_rate": 0.01, "thin": 0.50, "rich": 0.02},
           "all": {"rate": 0.19}}
    fixes = [{"fix": "claim-verification", "layer": "model",
              "metric": "confident-fabrication rate", "before": 0.19, "after": 0.0,
              "verify": "frozen-eval-set"},
             {"fix": "abstention-training", "layer": "model",
              "metric": "confident-fabrication rate on thin evidence", "before": 0.52,
              "after": 0.0, "verify": "offline-replay"}]
    memo = claims_block("confident-fabrication", "The model confidently fabricates facts.",
                        fig, ev, "calibration-under-uncertainty", fixes) + """
## Finding

The single failure that unites all three products is `confident-fabrication`. It is present
in roughly a fifth of all records and it is, by a wide margin, the dominant driver of every
team's business signal. There is no ambiguity in the data on this point.

## Evidence

The pattern is unmistakable in search:q-99121, codegen:t-09999 and summarisation:SUM-29999,
and equally in the other records listed in the claims. Each shows the model asserting
details with complete confidence. The clusters separate it cleanly from every other failure.

## Cause

This is textbook calibration under uncertainty, exactly as the literature predicts. The
thin-evidence rates are over twenty times the rich-evidence rates in every product, which
leaves no other explanation standing and settles the question of cause.

## Impact

Fabrication multiplies negative outcomes by an order of magnitude: thumbs-down, reverts and
escalations are all concentrated almost entirely in the pattern records, so removing it
would remove most of the cost that the three teams are currently reporting.

## Recommendation

Deploy `claim-verification` across all products immediately, followed by abstention
training. Together they will eliminate the fabrication pattern completely, and the results
on the frozen evaluation set should show a rate of zero after the change.

## Measurement

We will confirm on a frozen evaluation set and an offline replay that the fabrication rate
reaches zero. Given the strength of the evidence, a lengthy measurement programme should not
be necessary before rolling the fixes out to every team.
"""
    w.write(folder, labels, codes, memo)


LEARNERS = [
    ("01-priya-excellent", learner_01),
    ("02-tomasz-excellent", learner_02),
    ("03-aisha-timezone", learner_03),
    ("04-ben-notes-only", learner_04),
    ("05-chloe-fix-order", learner_05),
    ("06-daniel-raw-kmeans", learner_06),
    ("07-elena-figures-elsewhere", learner_07),
    ("08-farid-calibration-no-direction", learner_08),
    ("09-greta-wrong-pattern", learner_09),
    ("10-hugo-drops-rejects", learner_10),
    ("11-ivan-gaming-all-pattern", learner_11),
    ("12-jade-gaming-fake-evidence", learner_12),
]


def main() -> None:
    for name, build in LEARNERS:
        folder = HERE / name
        build(folder)
        memo = (folder / "memo.md").read_text(encoding="utf-8")
        print(f"{name}: memo {words(memo)} words")


if __name__ == "__main__":
    main()
