"""Grading and checking a red-team probe submission (practice project 2).

A probe rubric (`solutions/red-team-probe/rubric.yaml`) says `kind: probe`; it names the
codebook (for the root-cause layers), the mentor's variant registry (learner id -> variant
token), the planted causes (accepted layers and fix targets per sensitivity kind), the
replay and tolerance settings, and its criteria, each a scorer of `grader.probe_scoring`.

`grade_probe` reads the four files (`probe_design.yaml`, `probe_log.jsonl`, `analysis.csv`,
`report.md`),
checks that the log is genuine against the variant whose fingerprint it names, and scores
every criterion; a file that is missing or unusable makes the criteria that rest on it
`not-submitted` or `invalid`, never a crash. `check_probe` does what needs no answer key.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from grader.codebook_check import node_line
from grader.errors import Problem, UnusableInput, fix_for, visible
from grader.files import present as _present
from grader.files import status_of as _status
from grader.probe_analysis import ANALYSIS_FILE, load_analysis
from grader.probe_claims import parse_probe_prose, prose_agreement, read_probe_claims
from grader.probe_files import (
    DESIGN_FILE,
    LOG_FILE,
    ProbeDesign,
    check_genuine,
    load_design,
    load_log,
    unknown_ids,
)
from grader.probe_scoring import (
    PROBE_SCORERS,
    ProbeCauses,
    ProbeContext,
    check_rows,
    disagreements,
    planted_review,
    recompute,
)
from grader.rubric import MAX_RUBRIC_CHARS, Criterion, is_probe_rubric  # noqa: F401
from grader.rubric_checks import criteria_problems, model_problems
from grader.scoring import Score, Totals
from grader.written import WrittenWork, read_claims_file
from labkit.advisor_variant import (
    COURSE_VARIANT,
    AdvisorVariant,
    VariantError,
    derive_variant,
    variant_from_token,
)
from labkit.codebook import DEFAULT_CODEBOOK, Codebook, load_codebook
from labkit.safe_yaml import load_yaml_file

REPORT_FILE = "report.md"
SELF_STUDY = "self-study"


class ProbeSettings(BaseModel):
    """Where the variants and planted causes are (relative to the rubric), and how the log
    is checked: how many calls are replayed, the significance level a hypothesis needs, and
    how far a claimed figure may be from the log's."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    variants: Path
    planted_causes: Path
    replay_sample: int = Field(500, ge=1, le=100_000)
    alpha: float = Field(0.01, gt=0, lt=1)
    effect_tolerance: float = Field(0.1, ge=0, le=6)
    rate_tolerance: float = Field(0.02, ge=0, le=1)


class ProbeRubric(BaseModel):
    """A probe exercise's criteria and settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    exercise: str
    title: str
    kind: Literal["probe"]
    codebook: Path
    probe: ProbeSettings
    criteria: list[Criterion] = Field(min_length=1)

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.criteria)


class VariantRegistry(BaseModel):
    """`variants.yaml`: each learner id and the token of their variant."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: Literal[1] = 1
    variants: dict[str, str] = Field(min_length=1)


def _rubric_problem(path: Path, message: str, line: int | None = None,
                    hint: str = "") -> UnusableInput:
    return UnusableInput([Problem("rubric-invalid", path.name, message, line, hint)])


@dataclass(frozen=True)
class ProbeExercise:
    """A probe rubric with what it names, loaded once."""

    rubric: ProbeRubric
    codebook: Codebook
    variants: dict[str, tuple[str, AdvisorVariant]]   # fingerprint -> (learner id, variant)
    causes: ProbeCauses
    files: tuple[Path, ...]


def load_probe_exercise(path: Path) -> ProbeExercise:
    """Load a probe rubric and the registry and planted causes it names."""
    raw, root = load_yaml_file(path, what="a rubric", max_chars=MAX_RUBRIC_CHARS)
    for name in ("codebook",):
        if isinstance(raw.get(name), str):
            raw[name] = (path.parent / raw[name]).resolve()
    probe = raw.get("probe")
    if isinstance(probe, dict):
        for name in ("variants", "planted_causes"):
            if isinstance(probe.get(name), str):
                given = probe[name]
                probe[name] = (path.parent / given).resolve()
                if not probe[name].is_file():
                    raise _rubric_problem(path, f"probe.{name}: no such file "
                                          f"{path.parent / given}",
                                          node_line(root, ("probe", name)),
                                          "give the path of the file, relative to the "
                                          "rubric's folder.")
    try:
        rubric = ProbeRubric.model_validate(raw)
    except ValidationError as exc:
        raise UnusableInput(model_problems(exc, root, path)) from None
    problems = criteria_problems(rubric.criteria, PROBE_SCORERS, root, path)
    if problems:
        raise UnusableInput(problems)
    return ProbeExercise(rubric, load_codebook(rubric.codebook),
                         load_registry(rubric.probe.variants),
                         load_causes(rubric.probe.planted_causes),
                         (path, rubric.codebook, rubric.probe.variants,
                          rubric.probe.planted_causes))


def load_registry(path: Path) -> dict[str, tuple[str, AdvisorVariant]]:
    """The mentor's registry by fingerprint; the course default is always in it."""
    raw, _ = load_yaml_file(path, what="a variant registry", max_chars=2_000_000)
    try:
        registry = VariantRegistry.model_validate(raw)
        out = {COURSE_VARIANT.fingerprint: (SELF_STUDY, COURSE_VARIANT)}
        for learner, token in registry.variants.items():
            variant = variant_from_token(token)
            out[variant.fingerprint] = (learner, variant)
        return out
    except (ValidationError, VariantError) as exc:
        raise UnusableInput([Problem("answer-key-invalid", path.name,
                                     f"not a variant registry: {str(exc).splitlines()[0]}",
                                     None, "make it with `grader variants`.")]) from None


def load_causes(path: Path) -> ProbeCauses:
    """The planted causes of the probe, one entry for every sensitivity kind."""
    raw, _ = load_yaml_file(path, what="a planted-causes file", max_chars=200_000)
    try:
        return ProbeCauses.model_validate(raw)
    except ValidationError as exc:
        raise UnusableInput([Problem("answer-key-invalid", path.name,
                                     f"{'.'.join(map(str, e['loc']))}: {e['msg']}", None,
                                     fix_for(e["type"])) for e in exc.errors()]) from None


def write_registry(secret: str, learners: list[str]) -> str:
    """The text of a registry: the course default under `self-study`, then each learner's
    variant derived from the mentor's secret."""
    lines = ["# The model variant of each learner of the red-team probe (mentors only).",
             "# Made by `grader variants`; each token is opaque by design, not secret: it",
             "# decodes to the variant's planted sensitivities. The secret is not in it.",
             "version: 1", "variants:", f"  {SELF_STUDY}: {COURSE_VARIANT.token()}"]
    lines += [f"  {learner}: {derive_variant(secret, learner).token()}" for learner in learners]
    return "\n".join(lines) + "\n"


# --- reading a submission -------------------------------------------------------------------

@dataclass(frozen=True)
class ProbeGrade(Totals):
    """The scores of one probe submission."""

    rubric: ProbeRubric
    scores: list[Score]
    problems: list[Problem]
    learner: str | None
    review: list[dict[str, object]] = field(default_factory=list)  # released feedback only


def read_report(path: Path, codebook: Codebook) -> WrittenWork:
    """`report.md` as read: claims and prose, or why there is nothing to grade."""
    return read_claims_file(path, codebook, read_probe_claims, parse_probe_prose)


def build_context(submission: Path, codebook: Codebook,
                  variants: dict[str, AdvisorVariant], *, sample: int,
                  unknown_is_problem: bool = True) -> ProbeContext:
    """Read the three files of `submission` into a context the scorers read."""
    if not submission.is_dir():
        what = "is a file, not a folder" if submission.exists() else "no such folder"
        raise UnusableInput([Problem("submission-not-found", str(submission), what, None,
                                     f"pass the folder that holds {DESIGN_FILE}.")])
    design = log = genuine = None
    design_status, design_problem = "scored", ""
    log_status, log_problem = "scored", ""
    unknown: list[Problem] = []
    problems: list[Problem] = []
    try:
        design = load_design(_present(submission, DESIGN_FILE))
    except UnusableInput as error:
        design_status, design_problem = _status(error)
        problems += error.problems
    try:
        log, digest = load_log(_present(submission, LOG_FILE))
    except UnusableInput as error:
        log_status, log_problem = _status(error)
        problems += error.problems
    if design is None and log is not None:
        log, log_status, log_problem = None, design_status, (
            f"The log cannot be read without its design: {design_problem}")
    if log is not None:
        unknown = unknown_ids(log, design)
        genuine = check_genuine(log, digest, variants, sample,
                                unknown_is_problem=unknown_is_problem)
        problems += genuine.problems + unknown
    written = read_report(submission / REPORT_FILE, codebook)
    if written.claims is not None:
        problems += written.claims.problems
    context = ProbeContext(codebook, design, design_status, design_problem, log, log_status,
                           log_problem, genuine, unknown, written, problems=problems)
    analysis_path = submission / ANALYSIS_FILE
    if design is not None and (analysis_path.exists() or analysis_path.is_symlink()):
        try:
            context.analysis = load_analysis(analysis_path, design)
            context.analysis_status = "scored"
        except UnusableInput as error:
            context.analysis_status, context.analysis_problem = _status(error)
            context.analysis_problems = error.problems
            problems += error.problems
    return context


def grade_probe(exercise: ProbeExercise, submission: Path) -> ProbeGrade:
    """Grade one probe submission folder."""
    settings = exercise.rubric.probe
    variants = {fp: variant for fp, (_, variant) in exercise.variants.items()}
    context = build_context(submission, exercise.codebook, variants,
                            sample=settings.replay_sample)
    context.causes = exercise.causes
    context.alpha = settings.alpha
    context.effect_tolerance = settings.effect_tolerance
    context.rate_tolerance = settings.rate_tolerance
    scores = [PROBE_SCORERS[c.scorer][0](context, c) for c in exercise.rubric.criteria]
    fingerprint = context.genuine.fingerprint if context.genuine else None
    learner = exercise.variants.get(fingerprint or "", (None,))[0]
    return ProbeGrade(exercise.rubric, scores, context.problems, learner,
                      planted_review(context))


def probe_grade_of(exercise: ProbeExercise, folder: Path, student: str
                   ) -> tuple[ProbeGrade, str]:
    """The probe grade of `student`'s folder, and a note for the mentor ("" when none).

    `grade_probe` accepts a log run against any variant of the registry, since it cannot
    know whose folder it grades. Here the learner is known: their log must name the variant
    the registry gives their id (the course default, `self-study`, for an id it does not
    list). A log run against another learner's variant (copied from them, or run with their
    `variant.txt`) is graded as not genuine (`log-not-genuine`): every criterion that rests
    on it is `invalid` and scores 0, the learner is told which model their log names and
    which is theirs, and the mentor's note (`run_notes`) says whose variant it was.
    """
    grade = grade_probe(exercise, folder)
    owner = student if any(who == student for who, _ in exercise.variants.values()) \
        else SELF_STUDY
    if grade.learner in (None, owner):
        return grade, ""
    theirs = next(fp for fp, (who, _) in exercise.variants.items() if who == grade.learner)
    own = {fp: entry for fp, entry in exercise.variants.items() if entry[0] == owner}
    restricted = grade_probe(replace(exercise, variants=own), folder)
    why = (f"The run log is not genuine, so nothing that rests on it is graded: {LOG_FILE}: "
           f"every call was made to model {theirs}, which is not your model variant "
           f"({next(iter(own))}) [log-not-genuine]. Put the variant.txt your mentor gave you "
           "beside the notebook (none if you were given none), run it again from the top, "
           "and hand in the files it writes.")
    before = {s.criterion: s.status for s in grade.scores}
    scores = [s.model_copy(update={"explanation": why})
              if s.status == "invalid" and before[s.criterion] != "invalid" else s
              for s in restricted.scores]
    note = (f"log-not-genuine: the log was run against the model variant of "
            f"'{grade.learner}', not of '{owner}'")
    return replace(restricted, scores=scores), note



# --- grader check ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ProbeCheck:
    """What `grader check --exercise red-team-probe` found, from public files only."""

    design: ProbeDesign
    records: int
    replayed: int
    fingerprint: str | None
    report_problems: list[Problem]
    notes: list[str]

    @property
    def ready(self) -> bool:
        return not self.report_problems and not self.notes

    def render(self) -> str:
        count = len(self.design.families)
        lines = [f"{DESIGN_FILE}: well-formed; {count} famil{'y' if count == 1 else 'ies'}",
                 f"{LOG_FILE}: {self.records} records, every one a prompt of the design; "
                 + (f"{self.replayed} replayed against the course model and identical"
                    if self.replayed else f"model {self.fingerprint} is your mentor's variant, "
                    "so the grader will replay it (bands and scores checked here)")]
        lines += [p.render() for p in self.report_problems]
        lines += [visible(n, one_line=True) if n.startswith(("(design)", ANALYSIS_FILE))
                  else f"report.md: {visible(n, one_line=True)}" for n in self.notes]
        if self.ready:
            lines.append(f"{ANALYSIS_FILE}: a row for every variation, with your log's figures")
            lines.append("report.md: claims block valid, every figure recomputes from your "
                         "log; four sections, within the length limit, agreeing with the claims")
        lines.append("ready to submit" if self.ready else "not ready yet: fix the lines above")
        return "\n".join(lines)


def design_notes(context: ProbeContext) -> list[str]:
    """What the project page's public minimums say of the design and the log's repeats
    (the families, and the runs of each prompt), as notes."""
    from grader.probe_scoring import RepeatsParams

    design, minimum = context.design, RepeatsParams()
    notes = []
    if len(design.families) < 8:
        count = len(design.families)
        notes.append(f"the design has {count} famil{'y' if count == 1 else 'ies'}; the "
                     "project asks for at least 8")
    runs = Counter(r.variant_id for r in context.records)
    short = [f"{pid} ({runs[pid]})" for family in design.families for pid, _ in family.prompts()
             if runs[pid] < (max(minimum.min_repeats_original, design.repeats_original)
                             if pid == family.id else max(minimum.min_repeats, design.repeats))]
    if short:
        notes.append(f"{len(short)} prompts have fewer runs than asked (originals "
                     f"{max(minimum.min_repeats_original, design.repeats_original)}, others "
                     f"{max(minimum.min_repeats, design.repeats)}): "
                     + ", ".join(short[:6]) + (" ..." if len(short) > 6 else ""))
    return [f"(design) {note}" for note in notes]


def analysis_notes(context: ProbeContext, settings: ProbeSettings) -> list[str]:
    """What `analysis.csv` lacks: the file, rows for variations, or the log's figures."""
    if context.analysis is None:
        return [] if context.analysis_problems else [
            f"{ANALYSIS_FILE}: missing: write one row per variation of the design, as the "
            "project page shows"]
    checks, missing = check_rows(context.analysis, context.design, context.records,
                                 settings.effect_tolerance, settings.rate_tolerance)
    notes = [f"{ANALYSIS_FILE} line {c.line} ({c.variant_id}): your log does not "
             "give " + "; ".join(c.off) for c in checks if c.off]
    notes = notes[:10] + ([f"{ANALYSIS_FILE}: and {len(notes) - 10} more rows like these"]
                          if len(notes) > 10 else [])
    if missing:
        notes.append(f"{ANALYSIS_FILE}: no row for " + ", ".join(missing[:8])
                     + (f" and {len(missing) - 8} more" if len(missing) > 8 else ""))
    return notes


def check_probe(submission: Path) -> ProbeCheck:
    """Validate a probe submission without any answer key: the design and the log must be
    usable (else `UnusableInput`); a log run against the public course model is replayed;
    the report's claims are validated and their figures recomputed from the log."""
    settings = ProbeSettings(variants=Path("."), planted_causes=Path("."))
    context = build_context(submission, load_codebook(DEFAULT_CODEBOOK),
                            {COURSE_VARIANT.fingerprint: COURSE_VARIANT},
                            sample=settings.replay_sample, unknown_is_problem=False)
    written = context.written
    own = [*(written.claims.problems if written.claims is not None else []),
           *context.analysis_problems]
    blocking = [p for p in context.problems if p not in own]
    if blocking or context.design is None or context.log is None:
        raise UnusableInput(blocking)
    notes = design_notes(context) + analysis_notes(context, settings)
    if written.status != "scored":
        return ProbeCheck(context.design, len(context.log), context.genuine.replayed,
                          context.genuine.fingerprint, context.analysis_problems,
                          [*notes, written.problem])
    read, prose = written.claims, written.prose
    notes += [f"no '## {t}' section with content" for t in prose.missing_sections]
    if prose.words > 500:
        notes.append(f"{prose.words} words of prose, over the limit of 500")
    claims = read.claims
    if claims is not None:
        notes += prose_agreement(claims, prose)[1]
        if claims.model != context.genuine.fingerprint:
            notes.append(f"model is '{claims.model}', but your log names "
                         f"'{context.genuine.fingerprint}'")
        for i, h in enumerate(claims.hypotheses, start=1):
            figures, why = recompute(h.probes, context.design, context.records)
            if figures is None:
                notes.append(f"hypotheses[{i}]: {why}")
                continue
            off = disagreements(h, figures, settings.effect_tolerance, settings.rate_tolerance)
            if off:
                notes.append(f"hypotheses[{i}]: your log does not give " + "; ".join(off))
            elif not figures.p_value < settings.alpha:
                notes.append(f"hypotheses[{i}]: your log does not show it beyond the noise "
                             f"(permutation p = {figures.p_value:.3f})")
    return ProbeCheck(context.design, len(context.log), context.genuine.replayed,
                      context.genuine.fingerprint, [*context.analysis_problems, *read.problems],
                      notes)
