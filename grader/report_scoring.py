"""Scorers of the written report, each `(context, criterion) -> Score` like the tag scorers.

They check substance a mentor checks, not keywords alone: the named failure must be the
first one the Finding names; numbers must agree with the reference; cited logs must really
show the failure; the cause must be affirmed (not negated) in one sentence that joins its
concepts; a cause or fix asserted with no supported evidence earns half; a root-cause
section that blames every layer at once earns half.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from grader.report import (
    REPORT_MAX_WORDS,
    SECTION_TITLES,
    affirmed,
    claims,
    log_ids,
    normalise_text,
    numbers,
    sentences,
    term_pattern,
)
from grader.rubric import Criterion
from grader.scoring import Context, Score

NO_EVIDENCE_FACTOR = 0.5


@dataclass(frozen=True)
class TopFailure:
    """The reference's most frequent failure and the figures a report may quote for it."""

    code: str
    count: int
    family_count: int
    logs: int
    failures: int


def top_failure(context: Context) -> TopFailure:
    """The most frequent gold label other than the codebook's no-failure code."""
    book, entries = context.codebook, list(context.key.entries.values())
    counts = Counter(e.label for e in entries if e.label != book.no_failure_code)
    code, count = counts.most_common(1)[0]
    family = book.family_of[code]
    return TopFailure(
        code=code,
        count=count,
        family_count=sum(n for c, n in counts.items() if book.family_of[c] == family),
        logs=len(entries),
        failures=sum(counts.values()),
    )


def _score(criterion: Criterion, fraction: float, explanation: str) -> Score:
    fraction = min(1.0, max(0.0, fraction))
    return Score(criterion=criterion.id, points=round(criterion.points * fraction, 2),
                 max_points=criterion.points, explanation=explanation)


def _section(context: Context, criterion: Criterion, key: str) -> tuple[str | None, Score | None]:
    """The section's text, or the zero score that says why there is none."""
    if context.report is None:
        return None, _score(criterion, 0, context.report_problem or "No report.md was handed in.")
    text = context.report.sections.get(key, "")
    if not text:
        title = SECTION_TITLES[key]
        return None, _score(criterion, 0, f"No '## {title}' section with content was found: "
                                          f"add one (see the report format).")
    return text, None


def _failure_terms(context: Context, code: str, extra: list[str]) -> list[str]:
    entry = context.codebook.codes[code]
    return [code, entry.name, *entry.synonyms, *extra]


def named_failure(context: Context, finding: str, also_accept: list[str]) -> str | None:
    """The failure code the Finding names first (the top failure may have extra phrasings)."""
    top = top_failure(context).code
    first: tuple[int, str] | None = None
    text = normalise_text(finding)
    for code in context.codebook.codes:
        if code == context.codebook.no_failure_code:
            continue
        extra = also_accept if code == top else []
        match = term_pattern(_failure_terms(context, code, extra)).search(text)
        if match and (first is None or match.start() < first[0]):
            first = (match.start(), code)
    return first[1] if first else None


def report_names_failure(context: Context, criterion: Criterion) -> Score:
    """The first failure the Finding names is the reference's most frequent one."""
    text, zero = _section(context, criterion, "finding")
    if zero:
        return zero
    top = top_failure(context).code
    first = named_failure(context, text, list(criterion.params.get("also_accept", [])))
    if first is None:
        return _score(criterion, 0, "The Finding names no failure type of the taxonomy: say "
                                    "which failure is the most frequent, in the codebook's words.")
    if first == top:
        return _score(criterion, 1, "The Finding names the most frequent failure.")
    return _score(criterion, 0, f"The Finding leads with '{first}', which is not the most "
                                f"frequent failure in the reference labels. Recount your tags.")


def report_quantifies(context: Context, criterion: Criterion) -> Score:
    """A number in the Finding agrees with the reference count (or share) of the failure."""
    text, zero = _section(context, criterion, "finding")
    if zero:
        return zero
    top = top_failure(context)
    named = named_failure(context, text, list(criterion.params.get("also_accept", [])))
    if named != top.code:
        return _score(criterion, 0, "Your figure does not quantify the most frequent failure "
                                    "(the Finding names a different one, or none).")
    tol_count = float(criterion.params.get("count_tolerance", 3))
    tol_pct = float(criterion.params.get("percent_tolerance", 3))
    stated, agrees = figures(text, top, tol_count, tol_pct)
    if not stated:
        return _score(criterion, 0, "The Finding gives no figure: say how many logs (or what "
                                    "share) show the failure.")
    if agrees:
        return _score(criterion, 1, "The figure in the Finding agrees with the reference labels.")
    return _score(criterion, 0, "No figure in the Finding agrees with the reference labels "
                                f"(within {tol_count:g} logs or {tol_pct:g} percentage points). "
                                "Count from your tags file rather than estimating.")


def _evidence(context: Context) -> tuple[list[str], list[str]]:
    """Cited log ids that do and do not show the top failure by the reference labels.

    A log shows it when the failure is its gold, accepted or secondary label, or when its
    gold label is in the same family (a report may fairly cite the related hand-offs).
    """
    text = context.report.sections.get("evidence", "") if context.report else ""
    top = top_failure(context).code
    family = context.codebook.family_of
    supported, unsupported = [], []
    for log_id in log_ids(text):
        entry = context.key.entries.get(log_id)
        shows = entry is not None and (top in (*entry.correct_labels, *entry.secondary)
                                       or family[entry.label] == family[top])
        (supported if shows else unsupported).append(log_id)
    return supported, unsupported


def report_evidence(context: Context, criterion: Criterion) -> Score:
    """Cited logs really show the failure; each unsupported citation costs its share."""
    _, zero = _section(context, criterion, "evidence")
    if zero:
        return zero
    supported, unsupported = _evidence(context)
    needed = int(criterion.params.get("min_supported", 3))
    cited = len(supported) + len(unsupported)
    if not cited:
        return _score(criterion, 0, "The Evidence cites no log ids: cite the logs (e.g. SC-014) "
                                    "that show the failure.")
    precision = float(criterion.params.get("min_precision", 0.8))
    fraction = min(1.0, len(supported) / needed) * min(1.0, len(supported) / cited / precision)
    parts = [f"{len(supported)} of {cited} cited logs show the failure you report"]
    if len(supported) < needed:
        parts.append(f"cite at least {needed} that do")
    if len(supported) / cited < precision:
        parts.append(f"fewer than {precision:.0%} of your citations support the finding")
    if unsupported:
        parts.append(f"unsupported evidence: {', '.join(unsupported)} "
                     "(by the reference labels these logs do not show it)")
    return _score(criterion, fraction, "; ".join(parts) + ".")


def figures(finding: str, top: TopFailure, tol_count: float = 3, tol_pct: float = 3
            ) -> tuple[bool, bool]:
    """(does the Finding state figures, does one agree with the reference count or share).

    The count may be the failure's or its family's; a share may be of all logs or of the
    failures.
    """
    counts = (top.count, top.family_count)
    shares = [100 * c / base for c in counts for base in (top.logs, top.failures)]
    found = numbers(finding)
    agrees = any(
        any(abs(v - s) <= tol_pct for s in shares) if pct
        else any(abs(v - c) <= tol_count for c in counts)
        for v, pct in found
    )
    return bool(found), agrees


def _figures_contradict(context: Context) -> bool:
    """True when the Finding names the top failure and states figures none of which agree."""
    finding = context.report.sections.get("finding", "") if context.report else ""
    top = top_failure(context)
    stated, agrees = figures(finding, top)
    return stated and not agrees and named_failure(context, finding, []) == top.code


def _evidence_factor(context: Context) -> tuple[float, str]:
    """Half credit for a claim the report does not back: no supporting log, or wrong figures."""
    supported, _ = _evidence(context)
    if not supported:
        return NO_EVIDENCE_FACTOR, " Half credit: no cited log supports it."
    if _figures_contradict(context):
        return NO_EVIDENCE_FACTOR, " Half credit: the report's figures contradict the logs."
    return 1.0, ""


def report_names_cause(context: Context, criterion: Criterion) -> Score:
    """The Root cause affirms the planted cause, not under negation, and not among all layers."""
    text, zero = _section(context, criterion, "root_cause")
    if zero:
        return zero
    claimed = claims(text, criterion.params["concepts"])
    if not claimed:
        return _score(criterion, 0, "The Root cause does not identify the cause the evidence "
                                    "points to. Ask what the logs of this failure have in common "
                                    "in the prompt, the knowledge base and the retrieved articles.")
    rival_patterns = {name: term_pattern(terms)
                      for name, terms in criterion.params.get("rivals", {}).items()}
    every = sentences(text)
    rivals = [name for name, p in rival_patterns.items() if any(affirmed(s, p) for s in every)]
    locus = term_pattern(next(iter(criterion.params["concepts"].values())))
    first_claim = every.index(next(s for s in sentences(claimed[0]) if affirmed(s, locus)))
    leading = [name for name, p in rival_patterns.items()
               if any(affirmed(s, p) for s in every[:first_claim])]
    if leading:
        return _score(criterion, 0, f"The Root cause commits first to {' and '.join(leading)}; "
                                    "the evidence points elsewhere. Check what the logs of this "
                                    "failure have in common before naming a cause.")
    fraction, note = _evidence_factor(context)
    reasoning = term_pattern(criterion.params.get("reasoning", []) or ["retriev"])
    if not log_ids(text) and not reasoning.search(normalise_text(text)):
        fraction *= 0.7
        note += (" Partial: say why the evidence points there (which articles were retrieved, "
                 "which logs show it) and what rules the alternatives out.")
    explanation = "The Root cause names the cause the logs point to." + note
    if len(rivals) >= 2:
        fraction *= 0.5
        explanation += (" Half credit: it also blames " + " and ".join(rivals) +
                        "; a root cause that names every layer names none.")
    return _score(criterion, fraction, explanation)


def report_fix(context: Context, criterion: Criterion) -> Score:
    """The Recommended fix changes the thing that causes the failure."""
    text, zero = _section(context, criterion, "fix")
    if zero:
        return zero
    if not claims(text, criterion.params["concepts"]):
        return _score(criterion, 0, "The fix does not change the cause you should have found; "
                                    "a fix must act on the root cause, not on the symptom.")
    fraction, note = _evidence_factor(context)
    verification = term_pattern(criterion.params.get("verification", []) or ["re run", "test"])
    if not verification.search(normalise_text(text)):
        fraction *= 0.7
        note += " Partial: say how you would check that the fix worked."
    return _score(criterion, fraction, "The fix acts on the root cause." + note)


def report_structure(context: Context, criterion: Criterion) -> Score:
    """The four sections are present and the report keeps to its length limit."""
    if context.report is None:
        return _score(criterion, 0, context.report_problem or "No report.md was handed in.")
    limit = int(criterion.params.get("max_words", REPORT_MAX_WORDS))
    missing = context.report.missing_sections
    words = context.report.words
    present = 4 - len(missing)
    fraction = 0.8 * present / 4 + (0.2 if present and words <= limit else 0)
    parts = []
    if missing:
        parts.append("missing or empty sections: " + ", ".join(f"'## {m}'" for m in missing))
    if words > limit:
        parts.append(f"{words} words, over the one-page limit of {limit}")
    if context.report.read_words:
        parts.append(f"only the first {context.report.read_words} words were read and graded")
    if not parts:
        return _score(criterion, fraction, f"All four sections, {words} words.")
    explanation = "; ".join(parts)
    return _score(criterion, fraction, explanation[0].upper() + explanation[1:] + ".")


REPORT_SCORERS = {
    "report_names_failure": report_names_failure,
    "report_quantifies": report_quantifies,
    "report_evidence": report_evidence,
    "report_names_cause": report_names_cause,
    "report_fix": report_fix,
    "report_structure": report_structure,
}
