"""Grading and checking a cross-domain synthesis hand-in (practice project 3).

A synthesis rubric (`solutions/cross-domain-synthesis/rubric.yaml`) says `kind: synthesis`;
it names the codebook (for the fixes' owner layers), the gold file and the native data it
was made from, the tolerances and accepted claims (`synthesis:`), and its criteria, each a
scorer of `grader.synthesis_scoring`. `grade_synthesis` reads the four files
(`unified.jsonl`, `rejects.csv`, `clusters.csv`, `memo.md`); a file that is missing or
unusable makes the criteria that rest on it `not-submitted` or `invalid`, never a crash.
`check_synthesis` does what needs no answer key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from grader.codebook_check import node_line
from grader.errors import Problem, UnusableInput
from grader.files import present, status_of
from grader.rubric import MAX_RUBRIC_CHARS, Criterion
from grader.rubric_checks import criteria_problems, model_problems
from grader.scoring import Score, Totals
from grader.synthesis_claims import (
    MEMO_MAX_WORDS,
    memo_agreement,
    parse_memo_prose,
    read_memo_claims,
)
from grader.synthesis_files import CLUSTERS_FILE, load_clusters, load_rejects, load_unified
from grader.synthesis_scoring import (
    SYNTHESIS_SCORERS,
    Gold,
    SynthesisContext,
    SynthesisParams,
    load_gold,
)
from grader.written import read_claims_file
from labkit.codebook import Codebook, load_codebook
from labkit.crossproduct import PRODUCTS, REJECTS_FILE, UNIFIED_FILE, load_native
from labkit.safe_yaml import YamlProblem, load_yaml_file

MEMO_FILE = "memo.md"


class SynthesisSettings(SynthesisParams):
    """The rubric's `synthesis:` block: where the gold file and the native data are
    (relative to the rubric), and the scorers' shared settings."""

    gold: Path
    data: Path


class SynthesisRubric(BaseModel):
    """A synthesis exercise's criteria and settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    exercise: str
    title: str
    kind: Literal["synthesis"]
    codebook: Path
    synthesis: SynthesisSettings
    criteria: list[Criterion] = Field(min_length=1)

    @property
    def max_score(self) -> float:
        """The sum of every criterion's points."""
        return sum(c.points for c in self.criteria)


@dataclass(frozen=True)
class SynthesisExercise:
    """A synthesis rubric with what it names, loaded once."""

    rubric: SynthesisRubric
    codebook: Codebook
    gold: Gold
    files: tuple[Path, ...]


@dataclass(frozen=True)
class SynthesisGrade(Totals):
    """The scores of one synthesis hand-in."""

    rubric: SynthesisRubric
    scores: list[Score]
    problems: list[Problem]
    learner: str | None = None
    review: list[dict[str, object]] = field(default_factory=list)


def _rubric_problem(path: Path, message: str, line: int | None = None,
                    hint: str = "") -> UnusableInput:
    return UnusableInput([Problem("rubric-invalid", path.name, message, line, hint)])


def load_synthesis_exercise(path: Path) -> SynthesisExercise:
    """Load a synthesis rubric, its gold file and the native data; `UnusableInput` with a
    `rubric-invalid` problem (and its line) for anything that cannot be used."""
    try:
        raw, root = load_yaml_file(path, what="a rubric", max_chars=MAX_RUBRIC_CHARS)
    except YamlProblem as error:
        raise _rubric_problem(path, error.message, error.line, error.hint) from None
    if not isinstance(raw, dict):
        raise _rubric_problem(path, "the rubric must be a mapping")
    places = [(("codebook",), Path.is_file)]
    if isinstance(raw.get("synthesis"), dict):
        places += [(("synthesis", "gold"), Path.is_file), (("synthesis", "data"), Path.is_dir)]
    for where, exists in places:
        holder = raw if len(where) == 1 else raw["synthesis"]
        given = holder.get(where[-1])
        if isinstance(given, str):
            holder[where[-1]] = (path.parent / given).resolve()
            if not exists(holder[where[-1]]):
                raise _rubric_problem(path, f"{'.'.join(where)}: no such "
                                      f"{'folder' if exists is Path.is_dir else 'file'} "
                                      f"{path.parent / given}", node_line(root, where),
                                      "give the path relative to the rubric's folder.")
    try:
        rubric = SynthesisRubric.model_validate(raw)
    except ValidationError as exc:
        raise UnusableInput(model_problems(exc, root, path)) from None
    problems = criteria_problems(rubric.criteria, SYNTHESIS_SCORERS, root, path)
    if problems:
        raise UnusableInput(problems)
    settings = rubric.synthesis
    return SynthesisExercise(rubric, load_codebook(rubric.codebook),
                             load_gold(settings.gold, settings.pattern_code,
                                       settings.no_failure_code, settings.data),
                             (path, rubric.codebook, settings.gold))


def build_synthesis_context(submission: Path, codebook: Codebook, gold: Gold | None
                            ) -> SynthesisContext:
    """Read the four files of `submission`; what cannot be read is noted per file."""
    if not submission.is_dir():
        what = "is a file, not a folder" if submission.exists() else "no such folder"
        raise UnusableInput([Problem("submission-not-found", str(submission), what, None,
                                     f"pass the folder that holds {UNIFIED_FILE}.")])
    status: dict[str, tuple[str, str]] = {}
    problems: list[Problem] = []
    clusters = None

    def attempt(name: str, load: Callable[[Path], object]) -> object:
        try:
            return load(present(submission, name))
        except UnusableInput as error:
            status[name] = status_of(error)
            problems.extend(error.problems)
            return None

    unified = attempt(UNIFIED_FILE, load_unified)
    rejects = attempt(REJECTS_FILE, load_rejects)
    ids = {r.record_id for r in unified} if unified is not None else None
    if unified is None and UNIFIED_FILE in status:
        status.setdefault(CLUSTERS_FILE, (status[UNIFIED_FILE][0], "The clusters cannot be "
                          f"read without the records: {status[UNIFIED_FILE][1]}"))
    else:
        clusters = attempt(CLUSTERS_FILE, lambda path: load_clusters(path, ids))
    written = read_claims_file(submission / MEMO_FILE, codebook, read_memo_claims,
                               parse_memo_prose)
    if written.status != "scored":
        status[MEMO_FILE] = (written.status, written.problem)
    elif written.claims.claims is None:
        first = written.claims.problems[0]
        status[MEMO_FILE] = ("invalid", f"The claims block of {MEMO_FILE} cannot be used: "
                             f"{first.render()}")
    if written.claims is not None:
        problems += written.claims.problems
    context = SynthesisContext(gold, unified, rejects, clusters, written, status, problems)
    return context


def grade_synthesis(exercise: SynthesisExercise, submission: Path) -> SynthesisGrade:
    """Grade one synthesis hand-in folder."""
    context = build_synthesis_context(submission, exercise.codebook, exercise.gold)
    context.settings = exercise.rubric.synthesis
    scores = [SYNTHESIS_SCORERS[c.scorer][0](context, c) for c in exercise.rubric.criteria]
    return SynthesisGrade(exercise.rubric, scores, context.problems,
                          review=reference_review(exercise.gold))


def reference_review(gold: Gold) -> list[dict[str, object]]:
    """What the reference found, product by product, for released feedback only: the shared
    pattern's count and rate, its rate with thin and rich evidence, and the business signal
    among its records and the others."""
    from grader.synthesis_scoring import true_figures

    lines = []
    for product in PRODUCTS:
        records = [r for r in gold.of(product) if not r.rejected]
        pattern = sum(r.code == gold.pattern for r in records)
        true = true_figures(gold, product)
        lines.append({"line": (
            f"{product}: the reference finds the shared pattern in {pattern} of "
            f"{len(records)} records ({true['prevalence']:.1%}); {true['thin']:.1%} with thin "
            f"evidence, {true['rich']:.1%} with rich; the business signal in "
            f"{true['pattern_rate']:.1%} of its records and {true['other_rate']:.1%} of the "
            "others")})
    return lines


# --- grader check -------------------------------------------------------------------------

@dataclass(frozen=True)
class SynthesisCheck:
    """What `grader check --exercise cross-domain-synthesis` found, from public files only."""

    lines: list[str]
    ready: bool

    def render(self) -> str:
        """The check's findings, one a line, and whether the hand-in is ready."""
        return "\n".join([*self.lines, "ready to submit" if self.ready else
                          "not ready yet: fix the lines above"])


def check_synthesis(submission: Path) -> SynthesisCheck:
    """Check a hand-in with what the learner has: every native record accounted for, the
    clusters cover the records, the memo's claims are valid and recompute from the files,
    and its prose has its sections and agrees with the claims. Reads no answer key."""
    from grader.synthesis_scoring import own_figures
    from labkit.codebook import DEFAULT_CODEBOOK

    context = build_synthesis_context(submission, load_codebook(DEFAULT_CODEBOOK), None)
    faults = [p.render() for p in context.problems]
    faults += [f"{name}: {why}" for name, (_, why) in context.status.items()
               if not any(name in (p.file, p.message.removeprefix("no ").removesuffix(" here"))
                          for p in context.problems)]
    notes = []
    if context.unified is not None and context.rejects is not None:
        for product in PRODUCTS:
            natives = len(load_native(product))
            converted = sum(r.product == product for r in context.unified)
            rejected = sum(r.product == product for r in context.rejects)
            line = (f"{product}: {natives} native records, {converted} converted, "
                    f"{rejected} rejected")
            if converted + rejected == natives:
                notes.append(line + ": the counts balance")
            else:
                faults.append(line + ": the counts do not balance")
    claims = context.claims
    if claims is not None and context.unified is not None and context.clusters is not None:
        for product in PRODUCTS:
            own = own_figures(context, product)
            claimed = {**getattr(claims.prevalence, product).model_dump(),
                       **getattr(claims.impact, product).model_dump(),
                       **getattr(claims.calibration, product).model_dump()}
            off = [f"{name} {claimed[name]} (your files give {own[name]:.3g})"
                   for name in claimed if abs(claimed[name] - own[name]) > 0.01]
            if off:
                faults.append(f"{MEMO_FILE}: {product}: " + "; ".join(off))
        prose = context.written.prose
        faults += [f"{MEMO_FILE}: {d}" for d in memo_agreement(claims, prose)[1]]
        if prose.missing_sections:
            faults.append(f"{MEMO_FILE}: missing sections: " + ", ".join(
                f"'## {t}'" for t in prose.missing_sections))
        if prose.words > MEMO_MAX_WORDS:
            faults.append(f"{MEMO_FILE}: {prose.words} words of prose, over {MEMO_MAX_WORDS}")
        if not faults:
            notes.append(f"{MEMO_FILE}: claims valid, every figure recomputes from your files; "
                         "six sections, within the length limit, agreeing with the claims")
    return SynthesisCheck([*notes, *faults], not faults)
