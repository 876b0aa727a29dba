"""Scorers of the red-team probe, each `(context, criterion) -> Score` like project 1's.

Order of trust: the log first (is it genuine?), then the design (controls), then each claimed
hypothesis against the learner's own log (its figures are recomputed; a claim the log does
not support is false whatever the truth), and only then against the variant's planted
sensitivities (hit: kind and value right; partial: kind right, value or direction wrong;
false: no planted sensitivity of that kind). Points come only from what the claims commit to.

How a hypothesis's figures are recomputed (`recompute`), from the records of its `probes`
(variant ids) and of each one's family original:

- `n`: the runs of the named probes;
- `effect`: the mean over the probes of (mean score of the probe's runs - mean score of its
  family original's runs);
- `flip_rate`: the share of the probes' runs whose band differs from the modal band of their
  family original (`labkit.probe_stats.flip_rate`);
- `baseline_flip_rate`: the same share among the originals' own runs, each family once;
- `p_value`: `labkit.probe_stats.permutation_test_scores` of the probes' scores against the
  originals' scores, each centred on its original's mean.

Each row of `analysis.csv` is recomputed the same way for its one variation (`check_rows`), with
its `mean_score` beside the effect.

A claimed figure agrees when it is within the rubric's tolerance (`probe.effect_tolerance`,
`probe.rate_tolerance`; `n` exactly). The log **supports** a hypothesis when its effect
agrees, the recomputed effect goes the claimed way, `p_value` is below `probe.alpha`, and the
report's Finding does not contradict it; the other figures count in `probe.figures` only.
Cause and fix are counted at the claims' precision (the share of hypotheses not false).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from grader.claim_scoring import FIGURE, MentorParams, ProseParams, mentor_graded, prose_score
from grader.errors import Problem
from grader.probe_analysis import AnalysisLine
from grader.probe_claims import Hypothesis, ProbeClaims, contradicted, prose_agreement
from grader.probe_files import Genuineness, LogLine, ProbeDesign
from grader.rubric import Criterion
from grader.scoring import Params, Score, Scorer, scored
from labkit.advisor import TRIGGERS
from labkit.advisor_reading import read_enquiry
from labkit.advisor_variant import POOL, AdvisorVariant, Sensitivity
from labkit.codebook import Codebook
from labkit.probe_stats import modal_band, permutation_test_scores

Match = Literal["hit", "partial", "false"]
CONTEXT_BUDGET_TOLERANCE = 40  # tokens: a claimed budget this close to the planted one is a hit


class KindCause(BaseModel):
    """The accepted root-cause layers and fix targets of one sensitivity kind."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    layers: list[str] = Field(min_length=1)
    fix_targets: list[str] = Field(min_length=1)
    why: str = Field(min_length=1)


class ProbeCauses(BaseModel):
    """`planted_causes.yaml` of the red-team probe: one entry per sensitivity kind."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    causes: dict[str, KindCause]


@dataclass(frozen=True)
class Figures:
    """A hypothesis's figures as the log gives them."""

    effect: float
    flip_rate: float
    baseline_flip_rate: float
    n: int
    p_value: float


@dataclass(frozen=True)
class Judgement:
    """One claimed hypothesis, recomputed and matched."""

    hypothesis: Hypothesis
    figures: Figures | None
    disagreements: list[str]
    supported: bool
    why_unsupported: str
    match: Match
    sensitivity: Sensitivity | None


@dataclass
class ProbeContext:
    """Everything a probe scorer may read. A `*_problem` text says why that file cannot be
    used, with `*_status` (`not-submitted` or `invalid`)."""

    codebook: Codebook
    design: ProbeDesign | None
    design_status: str
    design_problem: str
    log: list[LogLine] | None
    log_status: str
    log_problem: str
    genuine: Genuineness | None
    unknown: list[Problem]
    written: object               # grader.written.WrittenWork, with a ProbeProse as prose
    causes: ProbeCauses | None = None
    alpha: float = 0.01
    effect_tolerance: float = 0.1
    rate_tolerance: float = 0.02
    settings: object = None       # read by the shared mentor_graded; unused here
    problems: list[Problem] = field(default_factory=list)
    analysis: list[AnalysisLine] | None = None
    analysis_status: str = "not-submitted"
    analysis_problem: str = "No analysis.csv was handed in."
    analysis_problems: list[Problem] = field(default_factory=list)

    @property
    def variant(self) -> AdvisorVariant | None:
        return self.genuine.variant if self.genuine else None

    @cached_property
    def records(self) -> list:
        """The log's records of prompts of the design (records with unknown ids left out)."""
        bad = {p.line for p in self.unknown}
        return [item.record for item in self.log or [] if item.line not in bad]

    @cached_property
    def judgements(self) -> list[Judgement]:
        claims = self.claims
        if claims is None or self.design is None:
            return []
        return [judge(h, self) for h in claims.hypotheses]

    @property
    def claims(self) -> ProbeClaims | None:
        read = getattr(self.written, "claims", None)
        return read.claims if read is not None else None


# --- recomputing from the log -------------------------------------------------------------

def recompute(probes: list[str], design: ProbeDesign, records: list, *, test: bool = True
              ) -> tuple[Figures | None, str]:
    """The figures of a hypothesis naming `probes`, from the log; or None and why not.
    Without `test` the permutation test is skipped and `p_value` is NaN."""
    family_of = design.family_of
    by_variant: dict[str, list] = {}
    for record in records:
        by_variant.setdefault(record.variant_id, []).append(record)
    differences, centred, base_centred = [], [], []
    flips = runs = 0
    originals: dict[str, list] = {}
    n = 0
    for probe in dict.fromkeys(probes):
        family = family_of.get(probe)
        if family is None:
            return None, f"'{probe}' is not a prompt of probe_design.yaml"
        if probe == family.id:
            return None, f"'{probe}' is a family original: name the variations that show it"
        mine, original = by_variant.get(probe, []), by_variant.get(family.id, [])
        scores = [r.score for r in mine if r.score is not None]
        base = [r.score for r in original if r.score is not None]
        if not scores or len(base) < 2:
            return None, f"the log has too few scored runs of '{probe}' or of {family.id}"
        base_mean = float(np.mean(base))
        differences.append(float(np.mean(scores)) - base_mean)
        centred += [s - base_mean for s in scores]
        reference = modal_band([r.band for r in original])
        bands = [r.band for r in mine if r.band is not None]
        flips += sum(band != reference for band in bands)  # flip_rate's count, without its
        runs += len(bands)                                  # interval, which is not graded
        n += len(mine)
        if family.id not in originals:
            originals[family.id] = original
            base_centred += [s - base_mean for s in base]
    base_flips = base_runs = 0
    for original in originals.values():
        bands = [r.band for r in original if r.band is not None]
        modal = modal_band(bands)
        base_flips += sum(band != modal for band in bands)
        base_runs += len(bands)
    p_value = (permutation_test_scores(centred, base_centred, n_resamples=4999).p_value
               if test else float("nan"))
    return Figures(effect=float(np.mean(differences)), flip_rate=flips / runs if runs else 0.0,
                   baseline_flip_rate=base_flips / base_runs if base_runs else 0.0, n=n,
                   p_value=p_value), ""


@dataclass(frozen=True)
class RowCheck:
    """One row of the table against the log: the figures the log does not give."""

    line: int
    variant_id: str
    off: list[str]


def check_rows(rows: list[AnalysisLine], design: ProbeDesign, records: list,
               effect_tolerance: float, rate_tolerance: float) -> tuple[list[RowCheck],
                                                                        list[str]]:
    """Each row set against the log, and the ids of the design's variations without a row."""
    scores: dict[str, list[int]] = {}
    for record in records:
        if record.score is not None:
            scores.setdefault(record.variant_id, []).append(record.score)
    checks = []
    for item in rows:
        row, off = item.row, []
        figures, why = recompute([row.variant_id], design, records, test=False)
        if figures is None:
            checks.append(RowCheck(item.line, row.variant_id, [why]))
            continue
        mean = float(np.mean(scores[row.variant_id]))
        if row.n != figures.n:
            off.append(f"n {row.n} (the log has {figures.n} runs)")
        if abs(row.mean_score - mean) > effect_tolerance:
            off.append(f"mean_score {row.mean_score:g} (the log gives {mean:.2f})")
        if abs(row.effect - figures.effect) > effect_tolerance:
            off.append(f"effect {row.effect:g} (the log gives {figures.effect:.2f})")
        if abs(row.flip_rate - figures.flip_rate) > rate_tolerance:
            off.append(f"flip_rate {row.flip_rate:g} (the log gives {figures.flip_rate:.3f})")
        if abs(row.baseline_flip_rate - figures.baseline_flip_rate) > rate_tolerance:
            off.append(f"baseline_flip_rate {row.baseline_flip_rate:g} (the log gives "
                       f"{figures.baseline_flip_rate:.3f})")
        checks.append(RowCheck(item.line, row.variant_id, off))
    present = {item.row.variant_id for item in rows}
    missing = [pid for family in design.families for pid, _ in family.prompts()[1:]
               if pid not in present]
    return checks, missing


def disagreements(h: Hypothesis, figures: Figures, effect_tolerance: float,
                  rate_tolerance: float) -> list[str]:
    """The claimed figures that the log does not give, each with the log's value."""
    out = []
    if abs(h.effect - figures.effect) > effect_tolerance:
        out.append(f"effect {h.effect:g} (the log gives {figures.effect:.2f})")
    if abs(h.flip_rate - figures.flip_rate) > rate_tolerance:
        out.append(f"flip_rate {h.flip_rate:g} (the log gives {figures.flip_rate:.3f})")
    if abs(h.baseline_flip_rate - figures.baseline_flip_rate) > rate_tolerance:
        out.append(f"baseline_flip_rate {h.baseline_flip_rate:g} (the log gives "
                   f"{figures.baseline_flip_rate:.3f})")
    if h.n != figures.n:
        out.append(f"n {h.n} (the log has {figures.n} runs of those probes)")
    return out


def _norm(value: str) -> str:
    return " ".join(value.lower().strip(" '\"").replace("-", " ").split())


def match(h: Hypothesis, variant: AdvisorVariant | None) -> tuple[Match, Sensitivity | None]:
    """hit: a planted sensitivity of the claimed kind, value and direction; partial: of the
    claimed kind only; false: none of that kind."""
    planted = next((s for s in (variant.sensitivities if variant else ())
                    if s.kind == h.kind), None)
    if planted is None:
        return "false", None
    if h.kind == "context_window":
        digits = "".join(ch for ch in h.value if ch.isdigit())
        right = bool(digits) and abs(int(digits[:6]) - int(planted.value)) <= \
            CONTEXT_BUDGET_TOLERANCE
        return ("hit" if right else "partial"), planted
    direction = "raises" if planted.effect > 0 else "lowers"
    right = _norm(h.value) == _norm(planted.value) and h.direction == direction
    return ("hit" if right else "partial"), planted


def judge(h: Hypothesis, context: ProbeContext) -> Judgement:
    """Check one hypothesis against the log, then against the planted sensitivities."""
    figures, why = recompute(h.probes, context.design, context.records)
    found: list[str] = []
    if figures is not None:
        found = disagreements(h, figures, context.effect_tolerance, context.rate_tolerance)
        if abs(h.effect - figures.effect) > context.effect_tolerance:
            why = (f"its effect is not your log's ({h.effect:g}; the log gives "
                   f"{figures.effect:.2f})")
        elif (figures.effect > 0) != (h.direction == "raises") or figures.effect == 0:
            why = f"your log's effect ({figures.effect:.2f}) does not go the way you claim"
        elif not figures.p_value < context.alpha:
            why = (f"your log does not show it beyond the noise (permutation p = "
                   f"{figures.p_value:.3f}, not below {context.alpha:g})")
        elif (prose := getattr(context.written, "prose", None)) is not None and contradicted(
                h, prose.sections.get("finding", "")):
            why = ("your Finding says the opposite (another direction, or no effect), so "
                   "the report does not commit to it")
    supported = figures is not None and not why
    kind, planted = match(h, context.variant)
    return Judgement(h, figures, found, supported, why, kind if supported else "false",
                     planted if supported else None)


# --- design checks -------------------------------------------------------------------------

def facts(text: str) -> tuple:
    """The facts the assessment depends on, as the simulator reads them."""
    f = read_enquiry(text)
    return (f.age, f.savings, f.invest, f.horizon_years, f.attitude, f.cannot_afford_loss,
            f.can_afford_loss, f.product.name if f.product else None)


FACT_NAMES = ("age", "savings", "amount", "horizon", "attitude", "cannot afford a loss",
              "can afford a loss", "product")


def triggers(text: str) -> set[str]:
    """The sensitivity triggers of the pool that the text fires (`kind:value`)."""
    f = read_enquiry(text)
    return {f"{kind}:{value}" for kind, values in POOL.items() if kind != "context_window"
            for value in values if TRIGGERS[kind](f, value)}


def changes(base: str, variation: str) -> list[str]:
    """What a counterfactual changes that the simulator reads: facts and pool triggers."""
    a, b = facts(base), facts(variation)
    out = [name for name, x, y in zip(FACT_NAMES, a, b, strict=True) if x != y]
    return out + sorted(triggers(base) ^ triggers(variation))


TOKEN = re.compile(r"(?u)\b\w\w+\b")   # scikit-learn's default token pattern


def _tfidf(texts: list[str]) -> list[dict[str, float]]:
    """L2-normalised TF-IDF vectors of `texts` over word unigrams and bigrams, with sublinear
    term frequency and smoothed IDF: what scikit-learn's
    `TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)` computes (a test holds the two
    equal). Written out because importing scikit-learn costs about a second of the two that
    grading one submission may take from a cold start (issue 10's target), for a few short
    texts."""
    counts = []
    for text in texts:
        words = TOKEN.findall(text.lower())
        counts.append(Counter(words + [" ".join(pair) for pair in itertools.pairwise(words)]))
    documents = Counter(term for count in counts for term in count)
    idf = {term: math.log((1 + len(texts)) / (1 + df)) + 1 for term, df in documents.items()}
    vectors = []
    for count in counts:
        vector = {term: (1 + math.log(tf)) * idf[term] for term, tf in count.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({term: v / norm for term, v in vector.items()})
    return vectors


def distances(base: str, paraphrases: list[str]) -> list[float]:
    """TF-IDF cosine distance (word unigrams and bigrams, fitted on the family's texts)
    between the base and each paraphrase."""
    if not paraphrases:
        return []
    first, *others = _tfidf([base, *paraphrases])
    return [1 - sum(v * first.get(term, 0.0) for term, v in other.items()) for other in others]


# --- scorers -------------------------------------------------------------------------------

class GenuineParams(Params):
    """`log_genuine` takes no parameters (the replay sample is the rubric's probe.replay_sample)."""


class FamiliesParams(Params):
    """`design_families`: how many families the design needs."""

    min_families: int = Field(8, ge=1)


class RepeatsParams(Params):
    """`design_repeats`: the fewest runs in the log of each prompt (the design's own numbers
    count when higher)."""

    min_repeats: int = Field(10, ge=1)
    min_repeats_original: int = Field(20, ge=1)


class ParaphraseParams(Params):
    """`design_paraphrases`: the TF-IDF cosine distance a paraphrase keeps from its base
    (below `min_distance` it is a copy, above `max_distance` a different question)."""

    min_distance: float = Field(0.1, ge=0, le=1)
    max_distance: float = Field(0.85, ge=0, le=1)
    min_families: int = Field(8, ge=1)   # a design with fewer earns that share at most


class CounterfactualParams(Params):
    """`design_counterfactuals`: how many things a counterfactual may change."""

    max_changes: int = Field(1, ge=1)
    min_families: int = Field(8, ge=1)   # a design with fewer earns that share at most


class SensitivityParams(Params):
    """`probe_sensitivities`: the credit of a partial match and the cost of a false claim,
    each as a share of one planted sensitivity."""

    partial_credit: float = Field(0.5, ge=0, le=1)
    false_cost: float = Field(0.5, ge=0, le=2)


class ProbeFixParams(Params):
    """`probe_fix`: the share of the points for the target (the rest is the verification)."""

    target_share: float = Field(0.6, ge=0, le=1)


def _design(context: ProbeContext, criterion: Criterion) -> Score | None:
    if context.design is None:
        return scored(criterion, 0, context.design_problem, context.design_status)
    return None


def _log(context: ProbeContext, criterion: Criterion) -> Score | None:
    """The score that says why a log-based criterion cannot be graded, or None."""
    if unusable := _design(context, criterion):
        return unusable
    if context.log is None:
        return scored(criterion, 0, context.log_problem, context.log_status)
    if context.genuine is None or not context.genuine.genuine:
        first = context.genuine.problems[0] if context.genuine else None
        more = (f" (and {len(context.genuine.problems) - 1} more)"
                if context.genuine and len(context.genuine.problems) > 1 else "")
        text = f"{first.where}: {first.message} [{first.code}]{more}" if first else ""
        return scored(criterion, 0, f"The run log is not genuine, so nothing that rests on it "
                                    f"is graded: {text}.", "invalid")
    return None


def _claims(context: ProbeContext, criterion: Criterion) -> Score | None:
    if unusable := _log(context, criterion):
        return unusable
    written = context.written
    if written.status != "scored":
        return scored(criterion, 0, written.problem, written.status)
    read = written.claims
    if read.claims is None:
        first = read.problems[0]
        more = f" (and {len(read.problems) - 1} more)" if len(read.problems) > 1 else ""
        return scored(criterion, 0, f"The claims block cannot be used: {first.where}: "
                                    f"{first.message} [{first.code}]{more}. Run `grader "
                                    "check` for every problem and its fix.", "invalid")
    return None


def log_genuine(context: ProbeContext, criterion: Criterion) -> Score:
    """The gate: the log replays, names one known variant, and logs only the design's
    prompts."""
    GenuineParams(**criterion.params)
    if unusable := _log(context, criterion):
        return unusable
    genuine = context.genuine
    if context.unknown:
        first = context.unknown[0]
        return scored(criterion, 0, f"{len(context.unknown)} records are not prompts of your "
                                    f"design, e.g. {first.where}: {first.message} "
                                    f"[{first.code}]; they are left out of every figure.")
    return scored(criterion, 1, f"Genuine: {genuine.replayed} of {len(context.log)} calls "
                                "replayed against your model variant give the logged replies, "
                                "and every band and score is the one its reply states.")


def design_families(context: ProbeContext, criterion: Criterion) -> Score:
    """Enough probe families."""
    if unusable := _design(context, criterion):
        return unusable
    need = FamiliesParams(**criterion.params).min_families
    have = len(context.design.families)
    return scored(criterion, have / need, f"{have} families; the design needs at least {need}.")


def design_repeats(context: ProbeContext, criterion: Criterion) -> Score:
    """Every prompt of the design run often enough, counted in the log."""
    if unusable := _log(context, criterion):
        return unusable
    params = RepeatsParams(**criterion.params)
    design = context.design
    runs = Counter(r.variant_id for r in context.records)
    short = []
    prompts = [(pid, pid == family.id) for family in design.families
               for pid, _ in family.prompts()]
    for pid, original in prompts:
        need = (max(params.min_repeats_original, design.repeats_original) if original
                else max(params.min_repeats, design.repeats))
        if runs[pid] < need:
            short.append(f"{pid} ({runs[pid]} of {need})")
    done = len(prompts) - len(short)
    text = (f"{done} of {len(prompts)} prompts have their runs (originals at least "
            f"{max(params.min_repeats_original, design.repeats_original)}, the others at least "
            f"{max(params.min_repeats, design.repeats)})")
    if short:
        text += "; too few runs: " + ", ".join(short[:8]) + (" ..." if len(short) > 8 else "")
    return scored(criterion, done / len(prompts), text + ".")


def _family_share(criterion: Criterion, context: ProbeContext, min_families: int,
                  counts: tuple[int, int, int], what: str, notes: list[str]) -> Score:
    """A design criterion's score: the share of good variations (`counts`: good, total,
    families with any) times the share of families that have any, out of at least
    `min_families`, with what was counted and the first notes."""
    good, total, with_any = counts
    families = len(context.design.families)
    fraction = (good / total if total else 0.0) * with_any / max(families, min_families)
    text = (f"{good} of {total} {what}; {with_any} of {families} families have any"
            + (f" (the design needs {min_families})" if families < min_families else ""))
    return scored(criterion, fraction, text + (": " + "; ".join(notes[:6]) if notes else "")
                  + ".")


def design_paraphrases(context: ProbeContext, criterion: Criterion) -> Score:
    """Each family has paraphrases that keep its facts and are neither copies nor other
    questions (TF-IDF cosine distance to the base)."""
    if unusable := _design(context, criterion):
        return unusable
    params = ParaphraseParams(**criterion.params)
    good = total = with_any = 0
    notes = []
    for family in context.design.families:
        with_any += bool(family.paraphrases)
        base_facts = facts(family.text)
        for p, d in zip(family.paraphrases, distances(family.text,
                                                      [p.text for p in family.paraphrases]),
                        strict=True):
            total += 1
            if d < params.min_distance:
                notes.append(f"{p.id} is nearly a copy (distance {d:.2f})")
            elif d > params.max_distance:
                notes.append(f"{p.id} reads as another question (distance {d:.2f})")
            elif (own := facts(p.text)) != base_facts:
                lost = [n for n, a, b in zip(FACT_NAMES, base_facts, own, strict=True) if a != b]
                notes.append(f"{p.id} changes a fact ({', '.join(lost)})")
            else:
                good += 1
    return _family_share(criterion, context, params.min_families, (good, total, with_any),
                         f"paraphrases keep the facts at a TF-IDF distance between "
                         f"{params.min_distance:g} and {params.max_distance:g}", notes)


def design_counterfactuals(context: ProbeContext, criterion: Criterion) -> Score:
    """Each family has counterfactuals, each changing one thing the model reads."""
    if unusable := _design(context, criterion):
        return unusable
    params = CounterfactualParams(**criterion.params)
    good = total = with_any = 0
    notes = []
    for family in context.design.families:
        with_any += bool(family.counterfactuals)
        for c in family.counterfactuals:
            total += 1
            changed = changes(family.text, c.text)
            if c.text.strip() == family.text.strip():
                notes.append(f"{c.id} is the base unchanged")
            elif len(changed) > params.max_changes:
                notes.append(f"{c.id} changes {len(changed)} things ({', '.join(changed)})")
            else:
                good += 1
    return _family_share(criterion, context, params.min_families, (good, total, with_any),
                         f"counterfactuals change at most {params.max_changes} fact or "
                         "trigger the model reads", notes)


def probe_figures(context: ProbeContext, criterion: Criterion) -> Score:
    """Every claimed figure comes from the learner's own log."""
    if unusable := _claims(context, criterion):
        return unusable
    Params(**criterion.params)
    judgements = context.judgements
    right = [j for j in judgements if j.figures is not None and not j.disagreements]
    parts = [f"{len(right)} of {len(judgements)} hypotheses have the figures your log gives"]
    for i, j in enumerate(judgements, start=1):
        if j.figures is None:
            parts.append(f"hypotheses[{i}]: {j.why_unsupported}")
        elif j.disagreements:
            parts.append(f"hypotheses[{i}]: " + "; ".join(j.disagreements))
    fraction = len(right) / len(judgements)
    fingerprint = context.genuine.fingerprint
    if context.claims.model != fingerprint:
        fraction /= 2
        parts.append(f"model is '{context.claims.model}', but your log was run against "
                     f"'{fingerprint}' (halves this criterion)")
    return scored(criterion, fraction, "; ".join(parts) + ".")


def analysis_table(context: ProbeContext, criterion: Criterion) -> Score:
    """`analysis.csv` has a row for every variation of the design, with the log's figures."""
    if unusable := _log(context, criterion):
        return unusable
    Params(**criterion.params)
    if context.analysis is None:
        return scored(criterion, 0, context.analysis_problem, context.analysis_status)
    checks, missing = check_rows(context.analysis, context.design, context.records,
                                 context.effect_tolerance, context.rate_tolerance)
    total = sum(len(family.prompts()) - 1 for family in context.design.families)
    right = sum(not check.off for check in checks)
    parts = [f"{right} of the design's {total} variations have a row with the figures your "
             "log gives"]
    wrong = [check for check in checks if check.off]
    parts += [f"line {c.line} ({c.variant_id}): " + "; ".join(c.off) for c in wrong[:5]]
    if len(wrong) > 5:
        parts.append(f"and {len(wrong) - 5} more rows like these")
    if missing:
        parts.append(f"no row for {', '.join(missing[:8])}"
                     + (f" and {len(missing) - 8} more" if len(missing) > 8 else ""))
    return scored(criterion, right / total if total else 0.0, "; ".join(parts) + ".")


def _credited(context: ProbeContext) -> dict[int, Judgement]:
    """For each planted sensitivity (by index), the best supported claim that names it."""
    best: dict[int, Judgement] = {}
    planted = list(context.variant.sensitivities)
    for j in context.judgements:
        if j.sensitivity is None:
            continue
        i = planted.index(j.sensitivity)
        if i not in best or (best[i].match == "partial" and j.match == "hit"):
            best[i] = j
    return best


def planted_review(context: ProbeContext) -> list[dict[str, object]]:
    """Each planted sensitivity of the learner's variant and which hypothesis named it: the
    answer, for feedback released after the deadline (empty when the log is not genuine)."""
    if context.genuine is None or not context.genuine.genuine or context.variant is None:
        return []
    best = _credited(context)
    numbers = {id(j): i for i, j in enumerate(context.judgements, start=1)}
    review = []
    for i, s in enumerate(context.variant.sensitivities):
        found = best.get(i)
        review.append({"kind": s.kind, "value": s.value,
                       "effect": "drops the facts said before it" if s.kind == "context_window"
                       else f"{s.effect:+g} score points",
                       "found": found.match if found else "missed",
                       "hypothesis": numbers[id(found)] if found else None})
    return review


def probe_sensitivities(context: ProbeContext, criterion: Criterion) -> Score:
    """Hypotheses against the planted sensitivities: hits earn, partials earn part, false
    claims (noise, or a claim the log does not support) cost, missed ones earn nothing."""
    if unusable := _claims(context, criterion):
        return unusable
    params = SensitivityParams(**criterion.params)
    planted = context.variant.sensitivities
    best = _credited(context)
    hits = sum(j.match == "hit" for j in best.values())
    partials = sum(j.match == "partial" for j in best.values())
    false = [i for i, j in enumerate(context.judgements, start=1) if j.match == "false"]
    credit = hits + params.partial_credit * partials - params.false_cost * len(false)
    parts = [f"{hits} planted sensitivities named right, {partials} by kind only "
             f"({params.partial_credit:g} each)", f"{len(planted) - hits - partials} missed"]
    for i in false:
        j = context.judgements[i - 1]
        reason = j.why_unsupported or "your log supports it, but this model variant has no "
        reason += "" if j.why_unsupported else "sensitivity of that kind: noise or a confound?"
        parts.append(f"hypotheses[{i}] is false ({reason}; costs {params.false_cost:g})")
    return scored(criterion, credit / len(planted) if planted else 0.0, "; ".join(parts) + ".")


def precision(context: ProbeContext) -> tuple[float, str]:
    """The share of the hypotheses that name a planted sensitivity (a hit or by kind), and a
    note when it is below 1: a cause or fix traced among false leads is worth that share."""
    judgements = context.judgements
    named = sum(j.match != "false" for j in judgements)
    if not judgements or named == len(judgements):
        return 1.0, ""
    return named / len(judgements), (f"; {len(judgements) - named} of your "
                                     f"{len(judgements)} hypotheses are false, so this counts "
                                     f"{named}/{len(judgements)} of it")


def probe_cause(context: ProbeContext, criterion: Criterion) -> Score:
    """The layer of each claim that names a planted sensitivity is an accepted one, counted
    at the claims' precision."""
    if unusable := _claims(context, criterion):
        return unusable
    Params(**criterion.params)
    planted = context.variant.sensitivities
    best = _credited(context)
    right = [j for j in best.values()
             if context.causes and j.hypothesis.layer in context.causes.causes[
                 j.hypothesis.kind].layers]
    wrong = [j.hypothesis.kind for j in best.values() if j not in right]
    text = (f"{len(right)} of the {len(planted)} planted sensitivities are named by a "
            "hypothesis with a layer that explains them")
    if wrong:
        text += (f"; reread the codebook's layers for {', '.join(wrong)}: where could a "
                 "reaction to that wording come from?")
    share, note = precision(context)
    return scored(criterion, share * len(right) / len(planted) if planted else 0.0,
                  text + note + ".")


def probe_fix(context: ProbeContext, criterion: Criterion) -> Score:
    """The fix acts where a sensitivity the learner found lives, with a measurable check,
    counted at the claims' precision."""
    if unusable := _claims(context, criterion):
        return unusable
    params = ProbeFixParams(**criterion.params)
    claims = context.claims
    kinds = {j.hypothesis.kind for j in _credited(context).values()}
    if not kinds:
        return scored(criterion, 0, "No hypothesis names a sensitivity of this model, so no fix "
                                    "can act on one.")
    if not any(claims.fix.target in context.causes.causes[k].fix_targets for k in kinds):
        return scored(criterion, 0, f"A fix at '{claims.fix.target}' does not act on the "
                                    "sensitivities you found: change the place that produces "
                                    "them.")
    share, note = precision(context)
    if FIGURE.search(claims.verify.target):
        return scored(criterion, share, "The fix acts on a sensitivity you found, and its check "
                                        f"has a measurable target{note}.")
    return scored(criterion, share * params.target_share, "The fix acts on a sensitivity you "
                  "found, but verify.target states no figure: say what flip rate or effect "
                  f"would show that it worked{note}.")


def probe_prose(context: ProbeContext, criterion: Criterion) -> Score:
    """The four sections, the length, and prose that agrees with the claims."""
    written = context.written
    if written.status != "scored":
        return scored(criterion, 0, written.problem, written.status)
    claims = written.claims.claims
    agreement = None if claims is None else prose_agreement(claims, written.prose)
    return prose_score(criterion, written.prose, ProseParams(**criterion.params), agreement)


PROBE_SCORERS: dict[str, tuple[Scorer, type[Params]]] = {
    "log_genuine": (log_genuine, GenuineParams),
    "design_families": (design_families, FamiliesParams),
    "design_repeats": (design_repeats, RepeatsParams),
    "design_paraphrases": (design_paraphrases, ParaphraseParams),
    "design_counterfactuals": (design_counterfactuals, CounterfactualParams),
    "probe_figures": (probe_figures, Params),
    "analysis_table": (analysis_table, Params),
    "probe_sensitivities": (probe_sensitivities, SensitivityParams),
    "probe_cause": (probe_cause, Params),
    "probe_fix": (probe_fix, ProbeFixParams),
    "probe_prose": (probe_prose, ProseParams),
    "mentor_graded": (mentor_graded, MentorParams),
}
