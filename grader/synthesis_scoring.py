"""Scorers of the cross-domain synthesis (practice project 3): `(context, criterion) -> Score`.

The gold file (`solutions/cross-domain-synthesis/gold.csv`) says, for every native record,
whether a correct adapter converts or rejects it, its gold code, whether its evidence is
thin, whether its business signal fired, its time in UTC and its evidence ids. Scores come
from what the learner commits to: the accounting of every native record, the fields of a
hidden sample of records, the clusters' codes against the gold codes (ARI and NMI, as
scikit-learn computes them: `grader.cluster_metrics`) and the shared pattern's records,
and the memo's claims, each figure recomputed from the learner's own files and then set
against the truth. Explanations speak of counts, products and fields, never of a
particular record's gold code.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field

from grader.claim_scoring import MentorParams, ProseParams, mentor_graded, prose_score
from grader.cluster_metrics import adjusted_rand_index, normalized_mutual_information
from grader.errors import Problem
from grader.rubric import Criterion
from grader.scoring import Params, Score, scored
from grader.synthesis_claims import SynthesisClaims, memo_agreement
from grader.synthesis_files import Clusters, RejectRow
from grader.written import WrittenWork
from labkit.crossproduct import PRODUCTS, FailureRecord, Native, load_native
from labkit.specificity import THIN_WORDS, evidence_words

FIELDS = ("occurred_at", "signal", "evidence_ids", "output")


@dataclass(frozen=True)
class GoldRecord:
    """One native record as the reference sees it."""

    record_id: str
    product: str
    position: int
    rejected: bool
    code: str
    thin: bool
    signal: bool
    occurred_at: str
    evidence_ids: tuple[str, ...]


@dataclass(frozen=True)
class Gold:
    """The reference: every native record, and the converted ones by id."""

    records: tuple[GoldRecord, ...]
    pattern: str
    no_failure: str
    converted: dict[str, GoldRecord] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)   # record id -> native output

    def of(self, product: str) -> list[GoldRecord]:
        """The native records of one product."""
        return [r for r in self.records if r.product == product]


def native_output(native: Native) -> str:
    """What the model produced, as the product logged it, whitespace folded."""
    data = native.data
    text = {"search": lambda: data.get("answer"),
            "codegen": lambda: (data.get("completion") or {}).get("code"),
            "summarisation": lambda: data.get("summary")}[native.product]()
    return " ".join(str(text or "").split())


def load_gold(path: Path, pattern: str, no_failure: str, data_dir: Path) -> Gold:
    """Read `gold.csv` (its format is in its generator's docstring) and the native outputs
    of the converted records from `data_dir`."""
    with path.open(newline="", encoding="utf-8") as handle:
        records = tuple(GoldRecord(
            row["record_id"], row["product"], int(row["position"]), row["status"] == "rejected",
            row["code"], row["thin"] == "true", row["signal"] == "true", row["occurred_at"],
            tuple(filter(None, row["evidence_ids"].split(";"))))
            for row in csv.DictReader(handle))
    converted = {r.record_id: r for r in records if not r.rejected}
    rejected = {(r.product, r.position) for r in records if r.rejected}
    outputs = {f"{n.product}:{n.native_id}": native_output(n) for product in PRODUCTS
               for n in load_native(product, data_dir) if (product, n.position) not in rejected}
    return Gold(records, pattern, no_failure, converted, outputs)


@dataclass
class SynthesisContext:
    """Everything a scorer may read: the learner's files as read, and the reference."""

    gold: Gold
    unified: list[FailureRecord] | None
    rejects: list[RejectRow] | None
    clusters: Clusters | None
    written: WrittenWork
    status: dict[str, tuple[str, str]]    # file -> (status, explanation) when unusable
    problems: list[Problem] = field(default_factory=list)
    settings: SynthesisParams | None = None
    own: dict[str, dict[str, float]] = field(default_factory=dict)  # own_figures, by product

    @property
    def claims(self) -> SynthesisClaims | None:
        """The memo's claims, when usable."""
        return self.written.claims.claims if self.written.claims else None

    def unusable(self, criterion: Criterion, *files: str) -> Score | None:
        """A zero with the first unusable file's status and explanation, if any is."""
        for name in files:
            if name in self.status:
                status, why = self.status[name]
                return scored(criterion, 0, why, status)
        return None


class SynthesisParams(Params):
    """The `synthesis:` block of the rubric: tolerances and the accepted claims."""

    pattern_code: str = Field(min_length=1, description="the gold code of the shared pattern")
    no_failure_code: str = Field(min_length=1, description="the gold code of a good record")
    invented_evidence_cost: float = Field(1 / 3, ge=0, le=1)
    fidelity_sample: int = Field(40, ge=1, le=10_000)
    fidelity_seed: int = 2026
    own_tolerance: float = Field(0.01, ge=0, le=1)
    prevalence_tolerance: float = Field(0.03, ge=0, le=1)
    impact_tolerance: float = Field(0.08, ge=0, le=1)
    calibration_tolerance: float = Field(0.08, ge=0, le=1)
    accept_limitation: list[str] = Field(min_length=1)
    first_fixes: list[str] = Field(min_length=1)
    fix_layers: dict[str, list[str]] = Field(min_length=1)


class AgreementParams(Params):
    """`cluster_agreement`: the mean of ARI and NMI (over all records and over the failing
    ones) that earns nothing, and the mean that earns full points."""

    floor: float = Field(0.2, ge=-1, le=1)
    full: float = Field(0.7, gt=-1, le=1)


class PatternParams(Params):
    """`pattern_match`: the per-product F1 that earns full points."""

    full_f1: float = Field(0.85, gt=0, le=1)


# --- the unified data ----------------------------------------------------------------------

def unified_accounting(context: SynthesisContext, criterion: Criterion) -> Score:
    """Every native record converted or rejected, as the reference does: per product, the
    counts balance, and the rejected positions match the reference's (F1)."""
    if (unusable := context.unusable(criterion, "unified.jsonl", "rejects.csv")):
        return unusable
    shares, notes = [], []
    for product in PRODUCTS:
        natives = context.gold.of(product)
        converted = {r.record_id for r in context.unified if r.product == product}
        rejected = {r.position for r in context.rejects if r.product == product}
        if len(converted) + len(rejected) != len(natives):
            shares.append(0.0)
            notes.append(f"{product}: {len(natives)} native records, but {len(converted)} "
                         f"converted and {len(rejected)} rejected: the counts do not balance")
            continue
        gold_rejected = {r.position for r in natives if r.rejected}
        hits = len(gold_rejected & rejected)
        f1 = 1.0 if not gold_rejected and not rejected else (
            2 * hits / (len(gold_rejected) + len(rejected)))
        gold_converted = {r.record_id for r in natives if not r.rejected}
        unknown = converted - gold_converted
        shares.append(f1 * (1 - len(unknown) / max(len(converted), 1)))
        if rejected - gold_rejected:
            notes.append(f"{product}: {len(rejected - gold_rejected)} records rejected that a "
                         "correct adapter converts (read their reasons in rejects.csv)")
        if gold_rejected - rejected:
            notes.append(f"{product}: {len(gold_rejected - rejected)} records converted that "
                         "cannot be (a duplicate, or a field the schema cannot hold)")
        if unknown:
            notes.append(f"{product}: {len(unknown)} record ids that are not the native ids")
    fraction = sum(shares) / len(shares)
    text = "; ".join(notes) if notes else (
        "Every native record is converted or rejected as it should be, and the counts balance")
    return scored(criterion, fraction, text + ".")


def _field_value(record: FailureRecord, name: str) -> object:
    if name == "occurred_at":
        return record.occurred_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    if name == "evidence_ids":
        return tuple(e.id for e in record.evidence)
    if name == "output":
        return " ".join(record.output.split())
    return getattr(record, name)


def _gold_value(record: GoldRecord, name: str, native_output: str | None) -> object:
    if name == "output":
        return native_output
    return getattr(record, name)


def unified_fidelity(context: SynthesisContext, criterion: Criterion) -> Score:
    """Four fields (time in UTC, business signal, evidence ids, output) of a hidden sample
    of converted records, against the reference."""
    if (unusable := context.unusable(criterion, "unified.jsonl")):
        return unusable
    settings = context.settings
    rng = random.Random(settings.fidelity_seed)
    pool = sorted(context.gold.converted)
    sample = rng.sample(pool, min(settings.fidelity_sample, len(pool)))
    mine = {r.record_id: r for r in context.unified}
    wrong: dict[str, dict[str, int]] = {name: {} for name in FIELDS}
    right = 0
    for record_id in sample:
        gold = context.gold.converted[record_id]
        record = mine.get(record_id)
        for name in FIELDS:
            expected = _gold_value(gold, name, context.gold.outputs.get(record_id))
            if record is not None and _field_value(record, name) == expected:
                right += 1
            else:
                wrong[name][gold.product] = wrong[name].get(gold.product, 0) + 1
    notes = [f"{name} differs in {sum(by.values())} sampled records ("
             + ", ".join(f"{p} {n}" for p, n in sorted(by.items())) + ")"
             for name, by in wrong.items() if by]
    text = (f"{right} of {len(sample) * len(FIELDS)} checked fields match the reference in a "
            f"hidden sample of {len(sample)} records")
    return scored(criterion, right / (len(sample) * len(FIELDS)),
                  text + (": " + "; ".join(notes) if notes else "") + ".")


# --- the clusters --------------------------------------------------------------------------

def _aligned(context: SynthesisContext) -> tuple[list[str], list[str], list[str]]:
    """Record ids both the reference and the learner have, their gold and learner codes."""
    ids = [i for i in sorted(context.clusters.code) if i in context.gold.converted]
    return ids, [context.gold.converted[i].code for i in ids], [context.clusters.code[i]
                                                                 for i in ids]


def cluster_agreement(context: SynthesisContext, criterion: Criterion) -> Score:
    """The codes of `clusters.csv` against the gold codes: the mean of the adjusted Rand
    index and normalised mutual information, scaled between the rubric's floor and full."""
    if (unusable := context.unusable(criterion, "unified.jsonl", "clusters.csv")):
        return unusable
    params = AgreementParams(**criterion.params)
    ids, gold, mine = _aligned(context)
    if len(ids) < 2:
        return scored(criterion, 0, "Fewer than two records of clusters.csv are records of "
                      "the data: nothing to compare.", "invalid")
    ari, nmi = adjusted_rand_index(gold, mine), normalized_mutual_information(gold, mine)
    # The same over the records the reference counts as failures: a coding that lumps the
    # failures together scores well over all records, where good records dominate the pairs.
    failed = [(g, m) for g, m in zip(gold, mine, strict=True) if g != context.gold.no_failure]
    fail_gold, fail_mine = [g for g, _ in failed], [m for _, m in failed]
    fail_ari = adjusted_rand_index(fail_gold, fail_mine) if failed else 0.0
    fail_nmi = normalized_mutual_information(fail_gold, fail_mine) if failed else 0.0
    mean = (ari + nmi + fail_ari + fail_nmi) / 4
    raw = [context.clusters.cluster[i] for i in ids]
    raw_ari = adjusted_rand_index(gold, raw)
    fraction = (mean - params.floor) / (params.full - params.floor)
    return scored(criterion, fraction, f"Your {len(set(mine))} codes against the reference's "
                  f"over {len(ids)} records: adjusted Rand index {ari:.2f}, normalised mutual "
                  f"information {nmi:.2f}; over the {len(failed)} records that fail: "
                  f"{fail_ari:.2f} and {fail_nmi:.2f} (full points from a mean of "
                  f"{params.full:g}, nothing at {params.floor:g}); your {len(set(raw))} raw "
                  f"clusters alone: ARI {raw_ari:.2f}.")


def _pattern_ids(context: SynthesisContext, product: str) -> tuple[set[str], set[str]]:
    code = context.claims.shared_pattern.code if context.claims else None
    mine = {i for i, c in context.clusters.code.items()
            if c == code and i.startswith(f"{product}:")}
    gold = {i for i, r in context.gold.converted.items()
            if r.product == product and r.code == context.gold.pattern}
    return mine, gold


def pattern_match(context: SynthesisContext, criterion: Criterion) -> Score:
    """The records coded with the memo's shared pattern against the reference's pattern, in
    each product: precision, recall, F1."""
    if (unusable := context.unusable(criterion, "unified.jsonl", "clusters.csv", "memo.md")):
        return unusable
    params = PatternParams(**criterion.params)
    code = context.claims.shared_pattern.code
    if code not in set(context.clusters.code.values()):
        return scored(criterion, 0, f"No record of clusters.csv has the code '{code}' that "
                      "memo.md names as the shared pattern.")
    parts, f1s = [], []
    for product in PRODUCTS:
        mine, gold = _pattern_ids(context, product)
        hits = len(mine & gold)
        precision = hits / len(mine) if mine else 0.0
        recall = hits / len(gold) if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        f1s.append(min(1.0, f1 / params.full_f1))
        parts.append(f"{product}: {len(mine)} records coded, precision {precision:.2f}, "
                     f"recall {recall:.2f}")
    return scored(criterion, sum(f1s) / len(f1s), f"'{code}' against the reference's shared "
                  "pattern: " + "; ".join(parts) + ".")


# --- the memo's figures ----------------------------------------------------------------------

def _share(group: list, test: Callable[[object], bool]) -> float:
    """The share of `group` that passes `test` (0 for an empty group)."""
    return sum(map(test, group)) / len(group) if group else 0.0


def own_figures(context: SynthesisContext, product: str) -> dict[str, float]:
    """The figures of one product recomputed from the learner's own unified records and
    clusters: records, pattern count and prevalence, signal rates, thin and rich pattern
    rates. Computed once per product and kept in the context."""
    if product in context.own:
        return context.own[product]
    code, codes = context.claims.shared_pattern.code, context.clusters.code
    records = [r for r in context.unified if r.product == product]
    inside = [r for r in records if codes.get(r.record_id) == code]
    outside = [r for r in records if codes.get(r.record_id) != code]
    thin = {r.record_id for r in records
            if evidence_words(e.text for e in r.evidence) < THIN_WORDS}

    def coded(record: FailureRecord) -> bool:
        return codes.get(record.record_id) == code

    context.own[product] = {
        "records": len(records), "pattern": len(inside), "prevalence": _share(records, coded),
        "pattern_rate": _share(inside, lambda r: r.signal),
        "other_rate": _share(outside, lambda r: r.signal),
        "thin": _share([r for r in records if r.record_id in thin], coded),
        "rich": _share([r for r in records if r.record_id not in thin], coded)}
    return context.own[product]


def true_figures(gold: Gold, product: str) -> dict[str, float]:
    """The reference's figures of one product: the pattern's prevalence, the signal's rate
    among its records and the others, and its rate with thin and with rich evidence."""
    records = [r for r in gold.of(product) if not r.rejected]

    def coded(record: GoldRecord) -> bool:
        return record.code == gold.pattern

    inside = [r for r in records if coded(r)]
    outside = [r for r in records if not coded(r)]
    return {"prevalence": _share(records, coded),
            "pattern_rate": _share(inside, lambda r: r.signal),
            "other_rate": _share(outside, lambda r: r.signal),
            "thin": _share([r for r in records if r.thin], coded),
            "rich": _share([r for r in records if not r.thin], coded)}


def _figures_score(context: SynthesisContext, criterion: Criterion, block: str,
                   names: tuple[str, ...], tolerance: float) -> Score:
    """Half for claims that recompute from the learner's own files, half for own figures
    within `tolerance` of the truth, per product. `names` are the block's fields; for
    `prevalence` (counts) the rate they give is what is set against the truth."""
    if (unusable := context.unusable(criterion, "unified.jsonl", "clusters.csv", "memo.md")):
        return unusable
    points, notes = 0.0, []
    for product in PRODUCTS:
        claimed = getattr(getattr(context.claims, block), product)
        own = own_figures(context, product)
        true = true_figures(context.gold, product)
        backed = all(abs(getattr(claimed, n) - own[n]) <= context.settings.own_tolerance
                     for n in names)
        compared = ("prevalence",) if block == "prevalence" else names
        near = all(abs(own[n] - true[n]) <= tolerance for n in compared)
        points += 0.5 * backed + 0.5 * (backed and near)
        if not backed:
            shown = ", ".join(f"{n} {own[n]:.3g}" for n in names)
            notes.append(f"{product}: the claim is not what your files give ({shown})")
        elif not near:
            notes.append(f"{product}: recomputed from your files, but more than {tolerance:g} "
                         "from the reference's (a clustering or adapter error moves it)")
    text = "; ".join(notes) if notes else (f"Every {block} figure recomputes from your files "
                                           "and is within tolerance of the reference's")
    return scored(criterion, points / len(PRODUCTS), text + ".")


def memo_prevalence(context: SynthesisContext, criterion: Criterion) -> Score:
    """`prevalence`: records and pattern counts per product from the learner's files, and
    the rate they give near the true rate."""
    return _figures_score(context, criterion, "prevalence", ("records", "pattern"),
                          context.settings.prevalence_tolerance)


def memo_impact(context: SynthesisContext, criterion: Criterion) -> Score:
    """`impact`: the business signal's rate among the pattern's records and the others."""
    return _figures_score(context, criterion, "impact", ("pattern_rate", "other_rate"),
                          context.settings.impact_tolerance)


def memo_calibration(context: SynthesisContext, criterion: Criterion) -> Score:
    """`calibration`: the pattern's rate with thin and with rich evidence; the direction
    (thin above rich in every product) is worth a third."""
    base = _figures_score(context, criterion, "calibration", ("thin", "rich"),
                          context.settings.calibration_tolerance)
    if base.status != "scored":
        return base
    claims = context.claims.calibration
    upward = [p for p in PRODUCTS if getattr(claims, p).thin > getattr(claims, p).rich]
    fraction = (2 / 3) * base.points / criterion.points + (1 / 3) * len(upward) / len(PRODUCTS)
    note = ("" if len(upward) == len(PRODUCTS) else
            f" The claims do not show the pattern more often with thin evidence in "
            f"{', '.join(p for p in PRODUCTS if p not in upward)}.")
    return scored(criterion, fraction, base.explanation + note)


def memo_evidence(context: SynthesisContext, criterion: Criterion) -> Score:
    """Each cited record is coded with the pattern in the learner's clusters and shows the
    pattern in the reference."""
    if (unusable := context.unusable(criterion, "clusters.csv", "memo.md")):
        return unusable
    code = context.claims.shared_pattern.code
    cited = [i for p in PRODUCTS for i in getattr(context.claims.evidence, p)]
    own = [i for i in cited if context.clusters.code.get(i) == code]
    shown = [i for i in own if i in context.gold.converted
             and context.gold.converted[i].code == context.gold.pattern]
    notes = []
    if len(own) < len(cited):
        notes.append(f"{len(cited) - len(own)} cited records are not coded '{code}' in your "
                     "clusters.csv")
    if len(shown) < len(own):
        notes.append(f"{len(own) - len(shown)} cited records do not show the pattern: read "
                     "their output against their evidence again")
    text = "; ".join(notes) if notes else (f"All {len(cited)} cited records are coded '{code}' "
                                           "and show it")
    return scored(criterion, len(shown) / len(cited), text + ".")


def invented_evidence(context: SynthesisContext) -> list[str]:
    """Cited record ids that are not records of the learner's own `unified.jsonl` (nor, when
    that cannot be read, of the data): evidence that does not exist."""
    known = ({r.record_id for r in context.unified} if context.unified is not None
             else set(context.gold.converted))
    return [i for p in PRODUCTS for i in getattr(context.claims.evidence, p) if i not in known]


def _discounted(context: SynthesisContext, criterion: Criterion, fraction: float,
                text: str) -> Score:
    """A memo criterion's score, less `invented_evidence_cost` of it for each cited record
    that does not exist: claims that rest on invented evidence earn less (as in project 1)."""
    invented = invented_evidence(context)
    if invented:
        fraction *= max(0.0, 1 - context.settings.invented_evidence_cost * len(invented))
        text += (f" Your evidence cites {len(invented)} records that are not in your "
                 f"unified.jsonl ({', '.join(invented[:3])}): claims resting on invented "
                 "evidence earn less.")
    return scored(criterion, fraction, text)


def memo_limitation(context: SynthesisContext, criterion: Criterion) -> Score:
    """One model limitation, from the accepted set."""
    if (unusable := context.unusable(criterion, "memo.md")):
        return unusable
    named = context.claims.limitation
    if named in context.settings.accept_limitation:
        return _discounted(context, criterion, 1, f"'{named}' is a limitation the records "
                                                  "support.")
    return scored(criterion, 0, f"'{named}' does not explain a pattern that appears in "
                  "every product, more often when the evidence is thin: test it against your "
                  "calibration figures.")


def memo_fixes(context: SynthesisContext, criterion: Criterion) -> Score:
    """Half for a first fix that acts on the shared cause; a quarter for owner layers that
    fit each fix; a quarter for expected effects that can fail (after below before)."""
    if (unusable := context.unusable(criterion, "memo.md")):
        return unusable
    settings, fixes = context.settings, context.claims.fixes
    first = fixes[0].fix in settings.first_fixes
    layered = [f for f in fixes if f.layer in settings.fix_layers.get(f.fix, [])]
    testable = [f for f in fixes if f.expected_effect.after < f.expected_effect.before]
    notes = []
    if not first:
        notes.append(f"the first fix, '{fixes[0].fix}', does not act on the cause the three "
                     "products share (or not in all three)")
    if len(layered) < len(fixes):
        notes.append(", ".join(f"'{f.fix}'" for f in fixes if f not in layered)
                     + " is owned by another layer than the one given")
    if len(testable) < len(fixes):
        notes.append(", ".join(f"'{f.fix}'" for f in fixes if f not in testable)
                     + " expects no fall in its measure: state the effect a result could "
                       "prove wrong")
    fraction = 0.5 * first + 0.25 * len(layered) / len(fixes) + 0.25 * len(testable) / len(fixes)
    text = "; ".join(notes) if notes else "The fixes are ordered, owned and testable"
    return _discounted(context, criterion, fraction, text[0].upper() + text[1:] + ".")


def memo_prose(context: SynthesisContext, criterion: Criterion) -> Score:
    """The six sections, the length, and prose that agrees with the claims."""
    written = context.written
    if written.status != "scored":
        return scored(criterion, 0, written.problem, written.status)
    agreement = None if context.claims is None else memo_agreement(context.claims,
                                                                   written.prose)
    return prose_score(criterion, written.prose, ProseParams(**criterion.params), agreement)


Scorer = Callable[[SynthesisContext, Criterion], Score]
SYNTHESIS_SCORERS: dict[str, tuple[Scorer, type[Params]]] = {
    "unified_accounting": (unified_accounting, Params),
    "unified_fidelity": (unified_fidelity, Params),
    "cluster_agreement": (cluster_agreement, AgreementParams),
    "pattern_match": (pattern_match, PatternParams),
    "memo_prevalence": (memo_prevalence, Params),
    "memo_impact": (memo_impact, Params),
    "memo_calibration": (memo_calibration, Params),
    "memo_evidence": (memo_evidence, Params),
    "memo_limitation": (memo_limitation, Params),
    "memo_fixes": (memo_fixes, Params),
    "memo_prose": (memo_prose, ProseParams),
    "mentor_graded": (mentor_graded, MentorParams),  # reads only `written`, as here
}
