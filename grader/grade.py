"""Grading one submission: validate -> score -> a `Grade` the feedback views render."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from grader.answer_key import AnswerKey, load_answer_key
from grader.claim_scoring import CLAIM_SCORERS
from grader.codebook_check import codebook_problems, node_line
from grader.errors import Problem, UnusableInput
from grader.materials import Materials, load_materials
from grader.metrics import align, tag_metrics
from grader.planted import PlantedCauses, load_planted_causes
from grader.rubric import MAX_RUBRIC_CHARS, Rubric, load_rubric
from grader.rubric_checks import criteria_problems
from grader.scoring import TAG_SCORERS, Context, Score, Totals
from grader.tags import load_tags
from grader.written import read_written_work
from labkit.codebook import Codebook, load_codebook
from labkit.safe_yaml import YamlProblem, load_yaml_file

TAGS_FILE = "tags.csv"
REPORT_FILE = "report.md"
SCORERS = {**TAG_SCORERS, **CLAIM_SCORERS}
# The claim scorers that grade an analysis of the reference's most frequent failure.
FAILURE_SCORERS = frozenset({"claim_finding", "claim_count", "claim_evidence", "claim_cause",
                             "claim_fix"})


@dataclass(frozen=True)
class Grade(Totals):
    """The scores of one submission, its agreement metrics and what they were computed from."""

    rubric: Rubric
    scores: list[Score]
    metrics: dict[str, object]
    context: Context
    skipped: list[Problem] = field(default_factory=list)  # tags rows of unknown logs


def find_file(folder: Path, name: str) -> Path:
    """`folder/name`, or a `file-missing` problem that names what is there instead."""
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "no such folder"
        raise UnusableInput([Problem("submission-not-found", str(folder), what, None,
                                     "pass the folder that holds tags.csv to --submission.")])
    path = folder / name
    if path.exists() or path.is_symlink():
        return path
    present = sorted(p.name for p in folder.iterdir() if p.is_file())
    near = [p for p in present if p.lower().startswith(Path(name).stem)]
    hint = (f"found {', '.join(near)}: rename it to {name}." if near
            else f"save your tags as {name} in this folder.")
    raise UnusableInput([Problem("file-missing", str(folder), f"no {name} here", None, hint)])


@dataclass(frozen=True)
class Exercise:
    """What a submission is graded against: rubric, codebook, answer key, and for written
    work the materials its claims point into and the planted causes, loaded once."""

    rubric: Rubric
    codebook: Codebook
    key: AnswerKey
    materials: Materials | None = None
    planted: PlantedCauses | None = None


def load_exercise(rubric_path: Path) -> Exercise:
    """Load a rubric and the codebook, answer key and planted causes it names, and check
    they agree. A mentor's or workshop lead's own files get the same coded problems as a
    learner's."""
    rubric = load_rubric(rubric_path)
    _check_criteria(rubric, rubric_path)
    try:
        codebook = load_codebook(rubric.codebook)
    except Exception:  # any failure to load: the slower checker says where and why
        problems = codebook_problems(rubric.codebook)
        if not problems:
            raise
        raise UnusableInput(problems) from None
    key = load_answer_key(rubric.answer_key, codebook)
    _check_logs(rubric_path.parent, key)
    _check_failures(rubric, key, codebook)
    if rubric.claims is None:
        return Exercise(rubric, codebook, key)
    return Exercise(rubric, codebook, key, _materials(rubric.claims.materials, rubric_path),
                    load_planted_causes(rubric.claims.planted_causes))


def _materials(folder: Path, rubric_path: Path) -> Materials:
    """The materials in `folder`, or a `rubric-invalid` problem saying why they cannot be
    read."""
    try:
        return load_materials(folder)
    except YamlProblem as exc:  # the knowledge base, read as every YAML file is
        raise UnusableInput([Problem(
            "rubric-invalid", "knowledge_base.yaml", f"{exc.message} (in the materials of "
            f"{rubric_path.name}, claims.materials)", exc.line, exc.hint or "correct the "
            "file as the message says.")]) from None
    except (OSError, ValueError, yaml.YAMLError) as exc:  # pydantic's errors are ValueErrors
        detail = (f"{Path(exc.filename or '').name}: {exc.strerror}" if isinstance(exc, OSError)
                  else f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0]}")
        raise UnusableInput([Problem(
            "rubric-invalid", rubric_path.name, f"claims.materials: {folder} cannot be read: "
            f"{detail}", None, "point it at a folder laid out like "
            "datasets/support-chat: system_prompt.md, logs.jsonl and knowledge_base.yaml.",
            "claims.materials")]) from None


def _check_logs(folder: Path, key: AnswerKey) -> None:
    """In an exercise folder (one with `logs.jsonl` beside the rubric), the key has one row
    for each log and none for anything else: the logs are the dataset participants tag, and
    a log the key lacks would otherwise be called unknown to them."""
    from grader.exercise_folder import KEY_FILE, logs_problems
    from labkit.exercise_logs import LOGS_FILE, LogsProblem, load_exercise_logs

    if not (folder / LOGS_FILE).exists():
        return  # a course exercise, or a rubric of one's own beside its key
    try:
        logs = [log.id for log in load_exercise_logs(folder / LOGS_FILE)]
    except LogsProblem as exc:
        raise UnusableInput(logs_problems(exc)) from None
    extra = [log_id for log_id in key.entries if log_id not in set(logs)]
    lacking = [log_id for log_id in logs if log_id not in key.entries]
    problems = [Problem("answer-key-invalid", KEY_FILE, f"log '{log_id}' is not in "
                        f"{LOGS_FILE}", None, "key only the exercise's logs: correct the id "
                        "or delete the row.") for log_id in extra]
    problems += [Problem("answer-key-invalid", KEY_FILE, f"no row for log '{log_id}' of "
                         f"{LOGS_FILE}", None, "add its row with a label and a rationale (or "
                         f"remove the log from {LOGS_FILE} and handout/).")
                 for log_id in lacking]
    if problems:
        raise UnusableInput(problems)


def _check_failures(rubric: Rubric, key: AnswerKey, codebook: Codebook) -> None:
    """A rubric that grades claims needs an answer key with failures: the claims analyse
    the most frequent one."""
    claim_criteria = [c.id for c in rubric.criteria if c.scorer in FAILURE_SCORERS]
    none = codebook.no_failure_code
    if claim_criteria and all(entry.label == none for entry in key.entries.values()):
        raise UnusableInput([Problem(
            "answer-key-invalid", rubric.answer_key.name,
            f"label: every log is labelled '{none}', so there is no most frequent failure "
            f"for {', '.join(claim_criteria)} to grade", None,
            "label the failures in the key, or remove the report criteria from the rubric.",
            "label")])


def _check_criteria(rubric: Rubric, path: Path) -> None:
    """Every criterion names a scorer the grader has, with parameters that scorer takes,
    none of them blank."""
    _, root = load_yaml_file(path, what="a rubric",
                             max_chars=MAX_RUBRIC_CHARS)  # read once already by load_rubric
    problems = criteria_problems(rubric.criteria, SCORERS, root, path)
    for i, criterion in enumerate(rubric.criteria):
        if criterion.scorer in CLAIM_SCORERS and rubric.claims is None:
            problems.append(Problem("rubric-invalid", path.name,
                                    f"{criterion.id}: {criterion.scorer} grades claims, but the "
                                    "rubric has no claims section",
                                    node_line(root, ("criteria", i)),
                                    "add claims: with materials and planted_causes."))
    if problems:
        raise UnusableInput(problems)


def grade_submission(exercise: Exercise, submission: Path) -> Grade:
    """Grade the submission folder; raise `UnusableInput` if its tags cannot be used.

    A missing or unusable report does not stop grading: its criteria say why they scored
    nothing (status `not-submitted` or `invalid`), and the tags are still scored. Rows of
    tags.csv for logs the key does not have are skipped and listed in `Grade.skipped`.
    """
    sheet = load_tags(find_file(submission, TAGS_FILE), exercise.codebook, exercise.key.entries)
    tags = sheet.tags
    alignment = align(exercise.key, tags)
    written = None
    if exercise.materials is not None:
        written = read_written_work(submission / REPORT_FILE, exercise.codebook,
                                    exercise.materials, exercise.rubric.claims.schema_)
    context = Context(exercise.codebook, exercise.key, tags, alignment, written,
                      exercise.planted, exercise.rubric.claims, len(sheet.skipped))
    scores = [SCORERS[c.scorer][0](context, c) for c in exercise.rubric.criteria]
    return Grade(exercise.rubric, scores, tag_metrics(alignment), context, sheet.skipped)
