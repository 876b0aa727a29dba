"""A workshop's own exercise: a folder the grader takes wherever it names an exercise.

```text
my-exercise/
  codebook.yaml      the taxonomy (the course's codebook format)
  logs.jsonl         the logs, in labkit.exercise_logs' generic format
  answer_key.csv     the key (log_id,label,accepted,secondary,kb_article,rationale): mentors only
  rubric.yaml        the criteria, answer_key and codebook relative to it: mentors only
  README.md          written by `grader new-exercise`: what to fill in, what to hand out
  handout/           copies of what participants get: logs.jsonl, codebook.yaml, any
                     included files, a tags.csv to fill in
```

Participants get `codebook.yaml` and `logs.jsonl` (and any materials a report may cite:
`system_prompt.md`, `knowledge_base.yaml`), never the key or the rubric. Grading reads the
top-level files and checks that the key has one row for each log of `logs.jsonl`. `grader check
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
COURSE_EXERCISES = ("tagging-warmup", "failure-audit", "red-team-probe",
                    "cross-domain-synthesis")


def is_exercise_folder(value: str | Path) -> bool:
    """True when `value` names an exercise folder rather than one of the course's ids."""
    return str(value) not in COURSE_EXERCISES


def not_found(folder: Path) -> UnusableInput:
    """The `exercise-not-found` problem of a path that is not an exercise folder."""
    return UnusableInput([Problem(
        "exercise-not-found", str(folder), "no such exercise folder", None,
        "pass the folder that holds the exercise's codebook.yaml and logs.jsonl (made by "
        "`grader new-exercise`), or one of the course's exercises: "
        f"{', '.join(COURSE_EXERCISES)}.")])


def folder_rubric(folder: Path) -> Path:
    """The rubric of an exercise folder (or the rubric file itself, if given), or a problem
    saying where the rubric is."""
    if folder.is_file() and folder.suffix in (".yaml", ".yml"):
        return folder  # the rubric named directly
    if not folder.is_dir():
        raise not_found(folder)
    rubric = folder / RUBRIC_FILE
    if not rubric.is_file():
        above = folder.absolute().parent / RUBRIC_FILE
        hint = (f"this is a handout folder: grade with the exercise folder that holds it, "
                f"--exercise {folder.absolute().parent}." if above.is_file() else
                "grading needs the exercise's rubric and answer key, which `grader "
                "new-exercise` writes beside the logs; pass that folder.")
        raise UnusableInput([Problem("rubric-invalid", str(folder), f"no {RUBRIC_FILE} here",
                                     None, hint)])
    return rubric


def load_public(folder: Path) -> tuple[Codebook, list[Log]]:
    """The codebook and logs of an exercise folder (what participants have), or every
    problem that stops them being read (`codebook-invalid`, `logs-invalid`)."""
    if not folder.is_dir():
        raise not_found(folder)
    if not (folder / LOGS_FILE).exists() and not (folder / CODEBOOK_FILE).exists():
        raise UnusableInput([Problem(
            "exercise-not-found", str(folder), f"holds neither {LOGS_FILE} nor "
            f"{CODEBOOK_FILE}: not an exercise folder", None,
            "pass the handout folder you were given, or make an exercise from your logs with "
            "`grader new-exercise`.")])
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
        problems += logs_problems(exc)
    if problems:
        raise UnusableInput(problems)
    return codebook, logs


def logs_problems(error: LogsProblem) -> list[Problem]:
    """A `LogsProblem` from labkit, and the further problems it holds, as coded problems."""
    return [Problem("logs-invalid", e.file, e.message, e.line, f"{e.hint}.")
            for e in (error, *error.more)]
