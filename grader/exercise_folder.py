"""A workshop's own exercise: a folder the grader takes wherever it names an exercise.

```text
my-exercise/
  codebook.yaml      the taxonomy (the course's codebook format)
  logs.jsonl         the logs, in labkit.exercise_logs' generic format
  answer_key.csv     the key (log_id,label,accepted,secondary,kb_article,rationale): mentors only
  rubric.yaml        the criteria, answer_key and codebook relative to it: mentors only
  README.md          written by `grader new-exercise`: what to fill in, what to hand out
```

Participants get `codebook.yaml` and `logs.jsonl` (and any materials a report may cite:
`system_prompt.md`, `knowledge_base.yaml`), never the key or the rubric. `grader check
--exercise FOLDER` needs only those two files; `grader grade`, `grade-batch` and
`cohort-report` read the folder's `rubric.yaml`.
"""

from __future__ import annotations

from pathlib import Path

from grader.codebook_check import codebook_problems
from grader.errors import Problem, UnusableInput
from labkit.codebook import Codebook, load_codebook
from labkit.exercise_logs import LOGS_FILE, Log, LogsProblem, load_exercise_logs

CODEBOOK_FILE = "codebook.yaml"
KEY_FILE = "answer_key.csv"
RUBRIC_FILE = "rubric.yaml"
# The course's own exercises, named by id; any other --exercise value is a folder. (A
# learner's submission folder is often called failure-audit/: the id wins.)
COURSE_EXERCISES = ("failure-audit", "red-team-probe", "cross-domain-synthesis")


def is_exercise_folder(value: str | Path) -> bool:
    """True when `value` names an exercise folder rather than one of the course's ids."""
    return str(value) not in COURSE_EXERCISES


def folder_rubric(folder: Path) -> Path:
    """The rubric of an exercise folder, or a `rubric-invalid` problem saying how to get one."""
    if not folder.is_dir():
        raise UnusableInput([Problem("exercise-not-found", str(folder), "no such exercise folder",
                                     None, "pass a folder made by `grader new-exercise`, or "
                                     f"one of the course's exercises: "
                                     f"{', '.join(COURSE_EXERCISES)}.")])
    rubric = folder / RUBRIC_FILE
    if not rubric.is_file():
        raise UnusableInput([Problem("rubric-invalid", str(folder), f"no {RUBRIC_FILE} here",
                                     None, "grading needs the exercise's rubric and answer "
                                     "key: `grader new-exercise` writes both to fill in.")])
    return rubric


def load_public(folder: Path) -> tuple[Codebook, list[Log]]:
    """The codebook and logs of an exercise folder (what participants have), or every
    problem that stops them being read (`codebook-invalid`, `logs-invalid`)."""
    if not folder.is_dir():
        raise UnusableInput([Problem("exercise-not-found", str(folder),
                                     "no such exercise folder", None,
                                     "pass the folder that holds the exercise's codebook.yaml "
                                     "and logs.jsonl, or one of the course's exercises: "
                                     f"{', '.join(COURSE_EXERCISES)}.")])
    problems: list[Problem] = []
    codebook = logs = None
    path = folder / CODEBOOK_FILE
    if not path.is_file():
        problems.append(Problem("codebook-invalid", str(folder), f"no {CODEBOOK_FILE} here",
                                None, "put the exercise's codebook in the folder under "
                                "that name."))
    else:
        try:
            codebook = load_codebook(path)
        except Exception:  # any failure: the slower checker says where and why
            problems += codebook_problems(path) or [Problem(
                "codebook-invalid", CODEBOOK_FILE, "cannot be read as a codebook", None,
                "run `grader taxonomy validate` on it.")]
    try:
        logs = load_exercise_logs(folder / LOGS_FILE)
    except LogsProblem as exc:
        problems.append(logs_problem(exc))
    if problems:
        raise UnusableInput(problems)
    return codebook, logs


def logs_problem(error: LogsProblem) -> Problem:
    """A `LogsProblem` from labkit as the grader's coded problem."""
    return Problem("logs-invalid", error.file, error.message, error.line, f"{error.hint}.")
