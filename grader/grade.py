"""Grading one submission: validate -> score -> a `Grade` the feedback views render."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.answer_key import AnswerKey, load_answer_key
from grader.codebook_check import codebook_problems
from grader.errors import Problem, UnusableInput
from grader.metrics import align, tag_metrics
from grader.report import Report, parse_report
from grader.report_scoring import REPORT_SCORERS
from grader.rubric import Rubric, load_rubric
from grader.scoring import TAG_SCORERS, Context, Score
from grader.tags import load_tags
from labkit.codebook import Codebook, load_codebook

TAGS_FILE = "tags.csv"
REPORT_FILE = "report.md"
SCORERS = {**TAG_SCORERS, **REPORT_SCORERS}


@dataclass(frozen=True)
class Grade:
    """The scores of one submission, its agreement metrics and what they were computed from."""

    rubric: Rubric
    scores: list[Score]
    metrics: dict[str, object]
    context: Context

    @property
    def score(self) -> float:
        """Total points earned."""
        return round(sum(score.points for score in self.scores), 2)

    @property
    def max_score(self) -> float:
        """Total points available."""
        return self.rubric.max_score


def find_file(folder: Path, name: str) -> Path:
    """`folder/name`, or a `file-missing` problem that names what is there instead."""
    if not folder.is_dir():
        raise UnusableInput([Problem("submission-not-found", str(folder),
                                     "no such folder", None,
                                     "pass the folder that holds tags.csv to --submission.")])
    path = folder / name
    if path.is_file():
        return path
    present = sorted(p.name for p in folder.iterdir() if p.is_file())
    near = [p for p in present if p.lower().startswith(Path(name).stem)]
    hint = (f"found {', '.join(near)}: rename it to {name}." if near
            else f"save your tags as {name} in this folder.")
    raise UnusableInput([Problem("file-missing", str(folder), f"no {name} here", None, hint)])


def read_report(path: Path) -> tuple[Report | None, str | None]:
    """The parsed report, or None and the reason a learner reads in every report criterion.

    A missing or unreadable report does not stop grading: the tags are still scored.
    """
    if not path.is_file():
        return None, f"No {path.name} in the submission: write your report to {path.name}."
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return None, f"{path.name} is not UTF-8 text: save it as UTF-8."
    if not text.strip():
        return None, f"{path.name} is empty."
    return parse_report(text), None


@dataclass(frozen=True)
class Exercise:
    """What a submission is graded against: rubric, codebook and answer key, loaded once."""

    rubric: Rubric
    codebook: Codebook
    key: AnswerKey


def load_exercise(rubric_path: Path) -> Exercise:
    """Load a rubric and the codebook and answer key it names, and check they agree.

    A mentor's or workshop lead's own files get the same coded problems as a learner's.
    """
    rubric = load_rubric(rubric_path)
    unknown = [f"{c.id}: '{c.scorer}'" for c in rubric.criteria if c.scorer not in SCORERS]
    if unknown:
        raise UnusableInput([Problem("rubric-invalid", rubric_path.name,
                                     f"unknown scorer {', '.join(unknown)}", None,
                                     f"choose from: {', '.join(sorted(SCORERS))}")])
    try:
        codebook = load_codebook(rubric.codebook)
    except Exception:  # any failure to load: the slower checker says where and why
        problems = codebook_problems(rubric.codebook)
        if not problems:
            raise
        raise UnusableInput(problems) from None
    return Exercise(rubric, codebook, load_answer_key(rubric.answer_key, codebook))


def grade_submission(exercise: Exercise, submission: Path) -> Grade:
    """Grade the submission folder; raise `UnusableInput` if it cannot be graded."""
    tags = load_tags(find_file(submission, TAGS_FILE), exercise.codebook, exercise.key.entries)
    alignment = align(exercise.key, tags)
    report, problem = read_report(submission / REPORT_FILE)
    context = Context(exercise.codebook, exercise.key, tags, alignment, report, problem)
    scores = [SCORERS[c.scorer](context, c) for c in exercise.rubric.criteria]
    return Grade(exercise.rubric, scores, tag_metrics(alignment), context)
