"""Scorers of written work, each `(context, criterion) -> Score` like the tag scorers.

Points come from the claims block: the finding against the reference labels, the count
against the learner's own tags and the reference, each evidence log and quote against the
data and the reference labels, the cause and the fix against the planted causes. The prose
is scored only for its sections, its length and its agreement with the claims; its reasoning
is graded by a mentor (`mentor_graded`, pending until then). No explanation names a gold
label or a planted cause before release.

An analysis of a failure other than the most frequent one is graded on its own terms and
scaled by the rubric's `off_target_credit`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pydantic import Field

from grader.claims import AuditClaims
from grader.planted import PlantedCause
from grader.report import Report, normalise_text
from grader.rubric import Criterion
from grader.scoring import Context, Params, Score, Scorer, scored
from labkit.codebook import Codebook

FIGURE = re.compile(r"\d|\b(zero|none|no|one|two|three|four|five|six|seven|eight|nine|ten|"
                    r"half|all|every|each)\b", re.I)
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                "seventeen", "eighteen", "nineteen", "twenty"]


class CountParams(Params):
    """`claim_count`: how far from the reference count a count may be, and what is earned
    by a count that matches the learner's tags but not the reference."""

    tolerance: int = Field(3, ge=0)
    outside_tolerance_credit: float = Field(0.5, ge=0, le=1)


class EvidenceParams(Params):
    """`claim_evidence`: the credit of each kind of cited log, and how many are needed."""

    needed: int = Field(3, ge=1)
    related_credit: float = Field(0.5, ge=0, le=1)
    fabricated_credit: float = Field(-1.0, le=0)


class CauseParams(Params):
    """`claim_cause`: the credit of a right layer with a wrong location, and the reverse."""

    layer_only_credit: float = Field(0.4, ge=0, le=1)
    location_only_credit: float = Field(0.3, ge=0, le=1)


class FixParams(Params):
    """`claim_fix`: the share of the points for the target (the rest is the verification)."""

    target_share: float = Field(0.6, ge=0, le=1)


class ProseParams(Params):
    """`report_prose`: the word limit and the shares of sections, agreement and length."""

    max_words: int = Field(500, gt=0)
    min_section_words: int = Field(25, ge=0)
    sections_share: float = Field(0.4, ge=0, le=1)
    agreement_share: float = Field(0.4, ge=0, le=1)
    length_share: float = Field(0.2, ge=0, le=1)


class MentorParams(Params):
    """`mentor_graded`: what each band of the criterion means, for the mentor and learner."""

    descriptors: dict[str, str] = Field(min_length=1)


@dataclass(frozen=True)
class Reference:
    """The reference's view of the failures: gold counts and the accepted findings."""

    gold: Counter
    widest: Counter
    accepted: frozenset[str]


def reference(context: Context) -> Reference:
    """Gold counts per code, counts including accepted alternatives, and the findings
    accepted as the most frequent failure (ties with accepted alternatives honoured)."""
    none = context.codebook.no_failure_code
    entries = context.key.entries.values()
    gold = Counter(e.label for e in entries if e.label != none)
    widest = Counter(c for e in entries for c in set(e.correct_labels) if c != none)
    top = max(gold.values(), default=0)
    extra = context.settings.also_accept if context.settings else []
    accepted = {c for c, n in widest.items() if n >= top and top} | set(extra)
    return Reference(gold, widest, frozenset(accepted))


def _claims(context: Context, criterion: Criterion) -> tuple[AuditClaims | None, Score | None]:
    """The usable claims, or the score that says why there are none."""
    written = context.written
    if written is None or written.status != "scored":
        status = written.status if written else "not-submitted"
        return None, scored(criterion, 0, written.problem if written else "No report.",
                            status)
    read = written.claims
    if read is None or read.claims is None:
        problems = read.problems if read else []
        first = problems[0] if problems else None
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        text = f"{first.where}: {first.message} [{first.code}]{more}" if first else "no block"
        fix = (f" {first.hint}" if first and first.code == "claims-missing"
               else " Run `grader check` for every problem and its fix.")
        return None, scored(criterion, 0, f"The claims block cannot be used: {text}.{fix}",
                            "invalid")
    return read.claims, None


def _on_target(context: Context, claims: AuditClaims) -> tuple[float, str]:
    """1 for an analysis of an accepted finding; else the rubric's off-target credit."""
    if claims.finding in reference(context).accepted:
        return 1.0, ""
    credit = context.settings.off_target_credit if context.settings else 0.0
    return credit, (f" Scaled by {credit:g}: the finding is not the most frequent failure by "
                    "the reference labels, so this analysis earns that share.")


INVENTED = {"unknown-log-id", "quote-not-found"}


def invented_evidence(context: Context, claims: AuditClaims) -> list[str]:
    """The cited logs that do not exist, or whose quote is not in them."""
    read = context.written.claims
    invented = []
    for i, item in enumerate(claims.evidence):
        problem = read.problem_at("evidence", i)
        if item.log not in context.key.entries or (problem and problem.code in INVENTED):
            invented.append(item.log)
    return invented


def _backed(context: Context, claims: AuditClaims) -> tuple[float, str]:
    """How far the claims are backed by what the learner really found: invented evidence
    and a count that is not in the learner's own tags cost the claims that rest on them."""
    settings = context.settings
    factor, notes = 1.0, []
    invented = invented_evidence(context, claims)
    if invented and settings:
        factor *= max(0.0, 1 - settings.invented_evidence_cost * len(invented))
        notes.append(f"{len(invented)} evidence entries are invented (a log that does not exist "
                     "or a quote that is not in it)")
    own = sum(t.label == claims.finding for t in context.tags)
    if claims.count != own and settings:
        factor *= settings.unbacked_count_factor
        notes.append("the count is not the one your tags give")
    if not notes:
        return 1.0, ""
    return factor, (f" Scaled by {factor:.2g}: {' and '.join(notes)}, so the claims they "
                    "should back earn less.")


def _weight(context: Context, claims: AuditClaims, backed: bool = True) -> tuple[float, str]:
    """The on-target share, times (for claims that rest on evidence) how far it is backed."""
    target, note = _on_target(context, claims)
    if not backed:
        return target, note
    trust, why = _backed(context, claims)
    return target * trust, note + why


def claim_finding(context: Context, criterion: Criterion) -> Score:
    """The finding is the most frequent failure by the reference labels."""
    claims, unusable = _claims(context, criterion)
    if unusable:
        return unusable
    if claims.finding in reference(context).accepted:
        trust, why = _backed(context, claims)
        return scored(criterion, trust, f"'{claims.finding}' is the most frequent failure by "
                                        "the reference labels." + why)
    own = Counter(t.label for t in context.tags if t.label != context.codebook.no_failure_code)
    yours = own.most_common(1)[0][0] if own else None
    advice = ("It is the most frequent in your own tags, so review the logs you tagged with it "
              "and with its neighbours against the codebook's rules." if yours == claims.finding
              else "Count your primary labels (leave out no-failure): the finding is the code "
                   "with the most logs.")
    return scored(criterion, 0, f"'{claims.finding}' is not the most frequent failure by the "
                                f"reference labels. {advice}")


def claim_count(context: Context, criterion: Criterion) -> Score:
    """The count equals the learner's own tags, and the reference count within a tolerance."""
    claims, unusable = _claims(context, criterion)
    if unusable:
        return unusable
    params = CountParams(**criterion.params)
    own = sum(t.label == claims.finding for t in context.tags)
    if claims.count != own:
        return scored(criterion, 0, f"You claim {claims.count} logs, but your tags.csv gives "
                                    f"'{claims.finding}' as the primary label of {own}: a "
                                    "figure must come from your own tags.")
    ref = reference(context)
    low, high = ref.gold[claims.finding], ref.widest[claims.finding]
    factor, note = _weight(context, claims)
    if low - params.tolerance <= claims.count <= high + params.tolerance:
        return scored(criterion, factor, f"{claims.count} matches your tags and the reference "
                                         f"count within {params.tolerance} logs." + note)
    return scored(criterion, factor * params.outside_tolerance_credit,
                  f"{claims.count} matches your tags, but differs from the reference count by "
                  f"more than {params.tolerance} logs: review the logs you gave this label and "
                  "those you gave its neighbours." + note)


def claim_evidence(context: Context, criterion: Criterion) -> Score:
    """Each cited log shows the finding by the reference; an invented log or quote costs
    more than a citation left out."""
    claims, unusable = _claims(context, criterion)
    if unusable:
        return unusable
    params = EvidenceParams(**criterion.params)
    read = context.written.claims
    cause = context.planted.of(claims.finding) if context.planted else None
    credit, shows, related, wrong, invented = 0.0, [], [], [], []
    made_up = set(invented_evidence(context, claims))
    for i, item in enumerate(claims.evidence):
        entry = context.key.entries.get(item.log)
        if item.log in made_up:
            invented.append(item.log)
            credit += params.fabricated_credit
        elif read.problem_at("evidence", i):
            wrong.append(item.log)
        elif claims.finding in (*entry.correct_labels, *entry.secondary):
            shows.append(item.log)
            credit += 1
        elif cause and item.log in cause.logs:
            related.append(item.log)
            credit += params.related_credit
        else:
            wrong.append(item.log)
    factor, note = _on_target(context, claims)
    parts = [f"{len(shows)} of {len(claims.evidence)} cited logs show '{claims.finding}' by the "
             "reference labels"]
    if related:
        parts.append(f"{', '.join(related)} show a related failure of the same cause "
                     f"({params.related_credit:g} each)")
    if wrong:
        parts.append(f"unsupported evidence: {', '.join(wrong)} (by the reference labels these "
                     "logs do not show it, or the quote is not the bot's)")
    if invented:
        parts.append(f"invented or misquoted: {', '.join(invented)} (a log that does not exist "
                     "or a quote that is not in it costs more than leaving it out)")
    fraction = max(0.0, credit) / max(params.needed, len(claims.evidence))
    return scored(criterion, fraction * factor, "; ".join(parts) + "." + note)


def _claims_and_cause(context: Context, criterion: Criterion, claim: str
                      ) -> tuple[AuditClaims | None, PlantedCause | None, Score | None]:
    """The usable claims and the planted cause of their finding, or the score that says why
    `claim` (`cause` or `fix`) cannot be graded: no usable block, or a pointer in it that does
    not resolve."""
    claims, unusable = _claims(context, criterion)
    if unusable:
        return None, None, unusable
    unresolved = context.written.claims.problem_at(claim)
    if unresolved:
        return None, None, scored(criterion, 0, f"{unresolved.message} [{unresolved.code}]: "
                                                f"{unresolved.hint}", "invalid")
    cause = context.planted.of(claims.finding) if context.planted else None
    return claims, cause, None


def claim_cause(context: Context, criterion: Criterion) -> Score:
    """The layer and location name the planted cause of the finding; a right layer with a
    wrong location earns part."""
    claims, cause, unusable = _claims_and_cause(context, criterion, "cause")
    if unusable:
        return unusable
    params = CauseParams(**criterion.params)
    layer = bool(cause) and claims.cause.layer in cause.layers
    place = bool(cause) and cause.names(claims.cause.location)
    factor, note = _weight(context, claims)
    if layer and place:
        return scored(criterion, factor, "The layer and the location name the cause the "
                                         "evidence points to." + note)
    if layer:
        return scored(criterion, params.layer_only_credit * factor,
                      "The layer is right but the location is not: which one place in that layer "
                      "explains every log of the finding?" + note)
    if place:
        return scored(criterion, params.location_only_credit * factor,
                      "The location is right but the layer is not: reread the codebook's layers "
                      "and ask what kind of thing that place is." + note)
    return scored(criterion, 0, "Neither the layer nor the location names the cause the evidence "
                                "points to. Ask what the logs of this failure have in common, "
                                "layer by layer, and what rules each layer out.")


def claim_fix(context: Context, criterion: Criterion) -> Score:
    """The fix is made where the cause lives, and its check names a measurable target."""
    claims, cause, unusable = _claims_and_cause(context, criterion, "fix")
    if unusable:
        return unusable
    params = FixParams(**criterion.params)
    if not (cause and cause.fixed_at(claims.fix.target)):
        return scored(criterion, 0, "The fix is not made where the cause lives: a fix must "
                                    "change the place that produces the failure.")
    factor, note = _weight(context, claims)
    if FIGURE.search(claims.verify.target):
        return scored(criterion, factor, "The fix acts on the cause, and its check has a "
                                         "measurable target." + note)
    return scored(criterion, params.target_share * factor,
                  "The fix acts on the cause, but verify.target states no figure: say what "
                  "result (a number of logs, a rate) would show that it worked." + note)


def report_prose(context: Context, criterion: Criterion) -> Score:
    """The four sections, the length, and prose that agrees with the claims."""
    written = context.written
    if written is None or written.status != "scored":
        return scored(criterion, 0, written.problem if written else "No report.",
                      written.status if written else "not-submitted")
    prose = written.prose
    claims = written.claims.claims if written.claims else None
    agreement = None if claims is None else prose_agreement(
        context.codebook, claims, prose.sections.get("finding", ""), prose.text)
    return prose_score(criterion, prose, ProseParams(**criterion.params), agreement)


def prose_score(criterion: Criterion, prose: Report, params: ProseParams,
                agreement: tuple[float, list[str]] | None) -> Score:
    """The prose criterion of a report (both projects): its sections, its length, and its
    `agreement` with the claims (the share passed and what disagrees; None while the claims
    block cannot be used). A section that reads as a list of terms counts as missing, and
    voids the agreement: a list of every term names every claim."""
    missing = prose.missing_sections
    listed = [title for title in prose.listed_sections if title not in missing]
    thin = [title for title, words in prose.section_words.items()
            if title not in missing and title not in listed
            and words < params.min_section_words]
    sections = len(prose.titles)
    fraction = params.sections_share * (sections - len(missing) - len(thin) - len(listed)) \
        / sections
    parts = []
    if missing:
        parts.append("missing or empty sections: " + ", ".join(f"'## {m}'" for m in missing))
    if thin:
        parts.append(f"sections of fewer than {params.min_section_words} words: "
                     + ", ".join(f"'## {t}'" for t in thin))
    if listed:
        parts.append("sections that list terms instead of saying something in sentences "
                     "(they count as missing, and the prose's agreement with the claims is "
                     "not credited): " + ", ".join(f"'## {t}'" for t in listed))
        agreement = (0.0, []) if agreement is not None else None
    if prose.words <= params.max_words:
        fraction += params.length_share
    else:
        parts.append(f"{prose.words} words of prose, over the one-page limit of "
                     f"{params.max_words} (this costs the length share only)")
    if agreement is None:
        parts.append("its agreement with the claims cannot be checked until the claims block "
                     "is usable")
    else:
        share, disagreements = agreement
        fraction += params.agreement_share * share
        parts += disagreements
    if not parts:
        return scored(criterion, fraction, f"All {NUMBER_WORDS[sections]} sections, "
                                           f"{prose.words} words, and the prose agrees with "
                                           "the claims.")
    text = "; ".join(parts)
    return scored(criterion, fraction, text[0].upper() + text[1:] + ".")


def prose_agreement(codebook: Codebook, claims: AuditClaims, finding: str,
                    prose: str) -> tuple[float, list[str]]:
    """The share of agreement checks the prose passes, and what disagrees: the Finding
    section names the claimed code (or its name) and count, and the prose names every
    evidence log. Uses no answer key, so `grader check` runs it too."""
    code = codebook.codes[claims.finding]
    names = {normalise_text(n) for n in (code.id, code.name, *code.synonyms)}
    said = normalise_text(finding)
    counts = {str(claims.count)} | ({NUMBER_WORDS[claims.count]} if claims.count < 21 else set())
    problems = []
    named = any(re.search(rf"\b{re.escape(n)}", said) for n in names)
    if not named:
        problems.append(f"the Finding does not name '{claims.finding}' or its name")
    counted = any(re.search(rf"(?<![\w.-]){re.escape(c)}(?![\w-])", said, re.I) for c in counts)
    if not counted:
        problems.append(f"the Finding does not state the claimed count, {claims.count}")
    absent = [e.log for e in claims.evidence
              if not re.search(rf"\b{re.escape(e.log)}\b", prose, re.I)]
    if absent:
        problems.append(f"the prose never mentions {', '.join(absent)} of the evidence")
    cited = 1 - len(absent) / len(claims.evidence)
    return 0.25 * named + 0.25 * counted + 0.5 * cited, problems


def mentor_graded(context: Context, criterion: Criterion) -> Score:
    """Pending until a mentor grades it (in nbgrader's formgrader); never zero meanwhile.
    With no report to read, or one that cannot be read, there is nothing to grade: 0, with
    the report's status."""
    MentorParams(**criterion.params)
    written = context.written
    if written is None or written.status != "scored":
        return scored(criterion, 0, written.problem if written else "No report.",
                      written.status if written else "not-submitted")
    return Score(criterion=criterion.id, points=None, max_points=criterion.points,
                 explanation=f"Graded by your mentor: {criterion.title.lower()}. Pending until "
                             "then; it does not count as zero.", status="pending")


CLAIM_SCORERS: dict[str, tuple[Scorer, type[Params]]] = {
    "claim_finding": (claim_finding, Params),
    "claim_count": (claim_count, CountParams),
    "claim_evidence": (claim_evidence, EvidenceParams),
    "claim_cause": (claim_cause, CauseParams),
    "claim_fix": (claim_fix, FixParams),
    "report_prose": (report_prose, ProseParams),
    "mentor_graded": (mentor_graded, MentorParams),
}
