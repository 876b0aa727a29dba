"""`grader cohort-report`: one page (and its JSON twin) about a whole cohort of a tags exercise.

The learners are found as `grader grade-batch` finds them (`grader.cohort.find_learners`:
nbgrader's `submitted/<learner>/<exercise>/` or a folder of learner folders) and each is
graded again here, in this process (`grade_submission`, a few milliseconds a learner: 300
learners take seconds), because the report needs every learner's label for every log, which
a batch's `scores.csv` and formative feedback do not keep. A learner whose submission cannot
be graded is counted and listed with their coded problems; the rest of the cohort is
reported.

What the report holds: the score distribution; per criterion the mean share of its points,
the share of learners with full points and with at least `pass_share` of them (the report
criteria's pass rates); per log the share of learners whose primary label misses every label
the key accepts; **possible key errors**, the logs on which at least `min_share` of the
graded learners, and at least `min_learners` of them, gave one same label that the key does
not accept; the most confused (key label, learner label) pairs with the codebook's rule that
separates them; and the learners' agreement with one another, Krippendorff's alpha (nominal)
over their primary labels, computed by the `krippendorff` package.
"""

from __future__ import annotations

import base64
import io
import json
import math
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from grader.batch_output import (
    OutputFailed,
    check_out_folder,
    probe_writable,
    refused,
    write_atomic,
)
from grader.claim_scoring import CLAIM_SCORERS
from grader.cohort import find_learners, is_nbgrader_layout
from grader.errors import Problem, UnusableInput
from grader.grade import Exercise, Grade, grade_submission, load_exercise
from grader.metrics import MISSING

REPORT_HTML, REPORT_JSON = "report.html", "report.json"


@dataclass(frozen=True)
class Options:
    """The report's own thresholds (none of them is the rubric's)."""

    min_share: float = 0.6     # a possible key error: this share of the graded learners ...
    min_learners: int = 5      # ... and at least this many of them agree on one other label
    pass_share: float = 0.5    # a criterion is passed with at least this share of its points
    top_pairs: int = 10        # confused pairs listed


# --- the report, as plain data ------------------------------------------------------------

class Unusable(BaseModel):
    """A learner whose submission could not be graded, and why."""

    learner: str
    problems: list[dict[str, object]]


class LearnerScore(BaseModel):
    learner: str
    total: float
    pending: float


class Distribution(BaseModel):
    """The graded learners' totals (pending criteria count nothing yet)."""

    max_score: float
    n: int
    mean: float | None
    median: float | None
    sd: float | None       # the sample standard deviation (n - 1)
    minimum: float | None
    q1: float | None
    q3: float | None
    maximum: float | None
    histogram: list[dict[str, float]]   # {low, high, count}: tenths of the maximum
    scores: list[LearnerScore]


class CriterionRow(BaseModel):
    id: str
    title: str
    kind: str              # tags, claims (graded from the report's claims) or mentor
    max_points: float
    graded: int            # learners with points (scored, not-submitted or invalid)
    pending: int
    not_submitted: int
    invalid: int
    mean_points: float | None
    mean_share: float | None
    full_share: float | None
    pass_rate: float | None


class LogRow(BaseModel):
    log_id: str
    key_labels: list[str]  # the gold label first, then the accepted alternatives
    tagged: int
    missed: int
    miss_share: float
    labels: dict[str, int]  # the learners' primary labels, most given first
    possible_key_error: bool


class KeyErrorFlag(BaseModel):
    log_id: str
    key_labels: list[str]
    cohort_label: str
    learners: int
    share: float
    rationale: str
    kb_article: str


class ConfusedPair(BaseModel):
    reference: str         # the key's label (the accepted one a learner came closest to)
    given: str
    logs: int              # (learner, log) pairs
    learners: int
    rule: str | None       # the codebook's not_when rule for the pair, if it has one


class Agreement(BaseModel):
    statistic: str
    value: float | None
    learners: int
    logs: int
    library: str
    note: str
    mean_kappa_with_key: float | None


class CohortReport(BaseModel):
    exercise: str
    title: str
    cohort: str
    layout: str
    codebook_version: str
    thresholds: dict[str, float | int]
    learners: int
    graded: int
    unusable: list[Unusable]
    distribution: Distribution
    criteria: list[CriterionRow]
    logs: list[LogRow]
    possible_key_errors: list[KeyErrorFlag]
    confused_pairs: list[ConfusedPair]
    agreement: Agreement


# --- computing it -------------------------------------------------------------------------

def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _stat(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 2)


def distribution(grades: dict[str, Grade], max_score: float) -> Distribution:
    """The totals' summary statistics (numpy's) and a histogram in tenths of `max_score`."""
    totals = np.array([g.score for g in grades.values()], dtype=float)
    scores = [LearnerScore(learner=k, total=g.score, pending=g.pending_points)
              for k, g in sorted(grades.items())]
    counts, edges = np.histogram(totals, bins=10, range=(0, max_score))
    histogram = [{"low": round(float(a), 2), "high": round(float(b), 2), "count": int(c)}
                 for a, b, c in zip(edges[:-1], edges[1:], counts, strict=True)]
    if not len(totals):
        return Distribution(max_score=max_score, n=0, mean=None, median=None, sd=None,
                            minimum=None, q1=None, q3=None, maximum=None,
                            histogram=histogram, scores=[])
    q1, median, q3 = np.percentile(totals, [25, 50, 75])
    return Distribution(
        max_score=max_score, n=len(totals), mean=_stat(totals.mean()), median=_stat(median),
        sd=_stat(totals.std(ddof=1)) if len(totals) > 1 else None,
        minimum=_stat(totals.min()), q1=_stat(q1), q3=_stat(q3), maximum=_stat(totals.max()),
        histogram=histogram, scores=scores)


def criterion_kind(scorer: str) -> str:
    """`mentor` (graded by hand), `claims` (from the report's claims) or `tags`."""
    return "mentor" if scorer == "mentor_graded" else (
        "claims" if scorer in CLAIM_SCORERS else "tags")


def criteria_rows(exercise: Exercise, grades: dict[str, Grade], pass_share: float
                  ) -> list[CriterionRow]:
    """Per criterion: how many learners have points, the mean share of the points, and the
    shares with full points and with at least `pass_share` of them (pending ones aside)."""
    rows = []
    for i, criterion in enumerate(exercise.rubric.criteria):
        scores = [g.scores[i] for g in grades.values()]
        points = [s.points for s in scores if s.points is not None]
        status = Counter(s.status for s in scores)
        top = criterion.points
        rows.append(CriterionRow(
            id=criterion.id, title=criterion.title, kind=criterion_kind(criterion.scorer),
            max_points=top, graded=len(points), pending=status["pending"],
            not_submitted=status["not-submitted"], invalid=status["invalid"],
            mean_points=round(sum(points) / len(points), 2) if points else None,
            mean_share=_ratio(sum(points), top * len(points)),
            full_share=_ratio(sum(p >= top for p in points), len(points)),
            pass_rate=_ratio(sum(p >= pass_share * top for p in points), len(points))))
    return rows


def learner_labels(grades: dict[str, Grade]) -> dict[str, list[str]]:
    """Each graded learner's primary label for every log of the key, in key order
    (`missing` where they gave none)."""
    return {learner: g.context.alignment.learner for learner, g in sorted(grades.items())}


def log_rows(exercise: Exercise, labels: dict[str, list[str]], options: Options
             ) -> tuple[list[LogRow], list[KeyErrorFlag]]:
    """Per log: the learners' labels and misses; and the logs flagged as possible key errors."""
    rows, flags, graded = [], [], len(labels)
    for j, entry in enumerate(exercise.key.entries.values()):
        given = [row[j] for row in labels.values()]
        counts = Counter(label for label in given if label != MISSING)
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        missed = sum(label not in entry.correct_labels for label in given)
        top, n = ranked[0] if ranked else (MISSING, 0)
        flagged = (top not in entry.correct_labels and n >= options.min_learners
                   and graded > 0 and n / graded >= options.min_share)
        rows.append(LogRow(log_id=entry.log_id, key_labels=list(entry.correct_labels),
                           tagged=sum(counts.values()), missed=missed,
                           miss_share=_ratio(missed, graded) or 0.0, labels=dict(ranked),
                           possible_key_error=flagged))
        if flagged:
            flags.append(KeyErrorFlag(log_id=entry.log_id, key_labels=list(entry.correct_labels),
                                      cohort_label=top, learners=n, share=_ratio(n, graded),
                                      rationale=entry.rationale, kb_article=entry.kb_article))
    return rows, flags


def confused_pairs(exercise: Exercise, grades: dict[str, Grade], flagged: set[str], top: int
                   ) -> list[ConfusedPair]:
    """The most frequent (key label, learner label) disagreements over the cohort, on the
    logs not flagged as possible key errors (those are listed on their own), each with the
    codebook's rule for the pair."""
    logs: Counter[tuple[str, str]] = Counter()
    learners: Counter[tuple[str, str]] = Counter()
    for grade in grades.values():
        a = grade.context.alignment
        mine = Counter((gold, given) for log_id, gold, given
                       in zip(a.log_ids, a.effective_gold, a.learner, strict=True)
                       if gold != given and given != MISSING and log_id not in flagged)
        logs.update(mine)
        learners.update(mine.keys())
    ranked = sorted(logs.items(), key=lambda item: (-item[1], -learners[item[0]], item[0]))
    return [ConfusedPair(reference=gold, given=given, logs=n, learners=learners[(gold, given)],
                         rule=exercise.codebook.neighbour_rule(gold, given))
            for (gold, given), n in ranked[:top]]


def nominal_alpha(rows: list[list[str]], values: list[str]) -> tuple[float | None, str]:
    """Krippendorff's alpha (nominal) of `rows` (one per coder: a value of `values` for each
    unit, `missing` where none was given), from the `krippendorff` package, and why it is
    undefined when it is (then None)."""
    import krippendorff

    index = {value: i for i, value in enumerate(values)}
    counts = np.zeros((len(rows[0]) if rows else 0, len(values)), dtype=int)
    for row in rows:
        for unit, value in enumerate(row):
            if value != MISSING:
                counts[unit, index[value]] += 1
    try:
        with np.errstate(invalid="ignore", divide="ignore"):  # 0/0: reported as undefined
            alpha = krippendorff.alpha(value_counts=counts, level_of_measurement="nominal")
    except ValueError as exc:  # no log tagged by two learners, or one value in all
        return None, f"undefined: {exc}"
    if math.isnan(alpha):
        return None, "undefined: every learner gave every log the same label"
    return round(float(alpha), 4), ""


def agreement(exercise: Exercise, grades: dict[str, Grade], labels: dict[str, list[str]]
              ) -> Agreement:
    """How far the learners agree with one another: Krippendorff's alpha (nominal) of their
    primary labels, one unit per log (an untagged log is a missing value); and, beside it,
    their mean Cohen's kappa with the key (the grader's own metric)."""
    value, note = nominal_alpha(list(labels.values()), list(exercise.codebook.codes))
    kappas = [g.metrics["cohen_kappa"] for g in grades.values()
              if g.metrics["cohen_kappa"] is not None]
    return Agreement(statistic="Krippendorff's alpha (nominal), learners' primary labels",
                     value=value, note=note, learners=len(labels),
                     logs=len(exercise.key.entries),
                     library=f"krippendorff {version('krippendorff')}",
                     mean_kappa_with_key=round(sum(kappas) / len(kappas), 4) if kappas
                     else None)


def check_kind(rubric: Path) -> None:
    """The report is for tags exercises (the failure audit's kind), or a coded problem."""
    from grader.rubric import rubric_kind

    kind = rubric_kind(rubric)
    if kind != "audit":
        raise UnusableInput([Problem(
            "rubric-invalid", rubric.name, f"is a {kind} rubric; the cohort report is for "
            "exercises graded on tags.csv (the failure audit's kind)", None,
            "pass --exercise failure-audit, or a rubric of that kind.")])


def build_report(rubric: Path, cohort: Path, options: Options = Options()) -> CohortReport:
    """Grade every learner of `cohort` against `rubric` and sum the cohort up. Raises
    `UnusableInput` when the rubric or the cohort cannot be used (`cohort-empty`, ...);
    an unusable submission is listed in the report."""
    check_kind(rubric)
    exercise = load_exercise(rubric)
    name = exercise.rubric.exercise
    layout = "nbgrader" if cohort.is_dir() and is_nbgrader_layout(cohort, name) else "folders"
    learners, clashes = find_learners(cohort, name)
    grades: dict[str, Grade] = {}
    unusable = [Unusable(learner=learner, problems=[problem.as_dict()])
                for learner, problem in clashes]
    for learner in learners:
        try:
            grades[learner.id] = grade_submission(exercise, learner.folder)
        except UnusableInput as error:
            unusable.append(Unusable(learner=learner.id,
                                     problems=[p.as_dict() for p in error.problems]))
    labels = learner_labels(grades)
    logs, flags = log_rows(exercise, labels, options)
    flagged = {flag.log_id for flag in flags}
    return CohortReport(
        exercise=name, title=exercise.rubric.title, cohort=str(cohort), layout=layout,
        codebook_version=exercise.codebook.version,
        thresholds={"min_share": options.min_share, "min_learners": options.min_learners,
                    "pass_share": options.pass_share},
        learners=len(learners) + len(clashes), graded=len(grades),
        unusable=sorted(unusable, key=lambda u: u.learner),
        distribution=distribution(grades, exercise.rubric.max_score),
        criteria=criteria_rows(exercise, grades, options.pass_share), logs=logs,
        possible_key_errors=flags,
        confused_pairs=confused_pairs(exercise, grades, flagged, options.top_pairs),
        agreement=agreement(exercise, grades, labels))


# --- the page -----------------------------------------------------------------------------

def _png(fig: object) -> str:
    """A matplotlib figure as base64 PNG (for a data: URL), closed afterwards."""
    from matplotlib import pyplot as plt

    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def plots(report: CohortReport) -> dict[str, str]:
    """The score histogram, the criteria's mean shares and the logs' miss shares (possible
    key errors in red), each a base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    figures = {}
    fig, ax = plt.subplots(figsize=(7, 3))
    bins = report.distribution.histogram
    ax.bar([b["low"] for b in bins], [b["count"] for b in bins],
           width=[b["high"] - b["low"] for b in bins], align="edge", edgecolor="white")
    ax.set_xlabel(f"total points (of {report.distribution.max_score:g})")
    ax.set_ylabel("learners")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    figures["scores"] = _png(fig)
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(report.criteria) + 1))
    ax.barh([c.id for c in report.criteria], [c.mean_share or 0 for c in report.criteria])
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel("mean share of the criterion's points")
    figures["criteria"] = _png(fig)
    fig, ax = plt.subplots(figsize=(9, 3))
    ranked = sorted(report.logs, key=lambda log: -log.miss_share)
    ax.bar(range(len(ranked)), [log.miss_share for log in ranked],
           color=["#c0392b" if log.possible_key_error else "#4a7ab5" for log in ranked])
    ax.set_ylim(0, 1)
    ax.set_xticks([])
    ax.set_xlabel("logs, hardest first (red: possible key error)")
    ax.set_ylabel("share who missed")
    figures["logs"] = _png(fig)
    return figures


def render_html(report: CohortReport, hardest: int = 15) -> str:
    """The self-contained page (everything escaped, images as data: URLs, nothing fetched)."""
    from jinja2 import Environment, PackageLoader

    env = Environment(loader=PackageLoader("grader"), autoescape=True)
    logs = sorted(report.logs, key=lambda log: (-log.miss_share, log.log_id))[:hardest]
    return env.get_template("cohort_report.html.j2").render(
        r=report, plots=plots(report), hardest=logs)


# --- writing it ---------------------------------------------------------------------------

def prepare_out(out: Path, cohort: Path, force: bool, create: bool = True) -> None:
    """Check that the folder `out` can take the report, and make it (unless not `create`:
    a check before any work), or raise `output-refused`: not inside the cohort, a folder
    that can be written to, and no report in it already unless `force`."""
    check_out_folder(out, cohort, "the report", "cohort-report")
    existing = [n for n in (REPORT_HTML, REPORT_JSON) if (out / n).exists()]
    if existing and not force:
        raise refused(out, f"already holds {' and '.join(existing)}", "choose another "
                      "folder, or pass --force to replace the report.")
    if create:
        try:
            out.mkdir(exist_ok=True)
        except OSError as exc:
            raise refused(out, f"cannot be written to ({exc.strerror or exc})",
                          "choose another --out.") from None
    probe_writable(out, out if out.is_dir() else out.parent)


def write_report(report: CohortReport, out: Path) -> None:
    """Write report.json and report.html into `out`, each whole or not at all."""
    data = json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    page = render_html(report)
    try:
        write_atomic(out / REPORT_JSON, data)
        write_atomic(out / REPORT_HTML, page)
    except OutputFailed as error:
        raise refused(out, f"the report could not be written ({error})",
                      "free some space or choose another --out.") from None
