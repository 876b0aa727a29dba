"""`grader new-exercise`: scaffold a workshop's own exercise folder from its logs and codebook.

The logs come as a CSV export (one row per log: an id, the user's message, the model's reply,
any other columns kept as metadata) or as JSONL already in the generic format of
`labkit.exercise_logs`. The folder it writes (see `grader.exercise_folder`) holds the
validated logs and codebook, an answer key with one row per log to fill in, a rubric with the
two tag criteria, a README of the next steps, and `handout/`: the only files to give
participants. Everything is written to a temporary folder beside `out` and renamed into place,
so a failure leaves nothing half-made.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
from pathlib import Path

import yaml

from grader.batch_output import probe_writable, refused
from grader.codebook_check import codebook_problems
from grader.errors import Problem, UnusableInput
from grader.exercise_folder import CODEBOOK_FILE, KEY_FILE, RUBRIC_FILE, logs_problems
from labkit.codebook import load_codebook
from labkit.exercise_logs import (
    LOGS_FILE,
    Log,
    LogsProblem,
    read_logs_file,
    write_logs,
)

KEY_HEADER = ("log_id", "label", "accepted", "secondary", "kb_article", "rationale")
HANDOUT = "handout"


def read_logs(path: Path, columns: tuple[str, str, str]) -> list[Log]:
    """The logs of a CSV export (with its id, input and output `columns`) or a JSONL file;
    `logs-invalid` problems, every row's, when they cannot be read."""
    try:
        return read_logs_file(path, columns)
    except LogsProblem as exc:
        raise UnusableInput(logs_problems(exc)) from None


def exercise_id(folder: Path) -> str:
    """The exercise's id from its folder's name: lower-case words joined by hyphens."""
    return "-".join(re.findall(r"[a-z0-9]+", folder.name.lower())) or "own-exercise"


def rubric_text(exercise: str, title: str) -> str:
    """A rubric grading the tags only: primary labels (80) and secondary labels (20)."""
    rubric = {
        "exercise": exercise,
        "title": title,
        "answer_key": KEY_FILE,
        "codebook": CODEBOOK_FILE,
        "criteria": [
            {"id": "tags.agreement", "title": "Primary labels agree with the reference",
             "points": 80, "scorer": "tag_agreement", "params": {"family_credit": 0.5}},
            {"id": "tags.secondary", "title": "Secondary labels overlap the reference",
             "points": 20, "scorer": "secondary_overlap"},
        ],
    }
    return ("# Paths are relative to this file. The criteria and their parameters are "
            "described in the\n# course's guide for mentors, section \"What each scorer "
            "does\".\n" + yaml.safe_dump(rubric, sort_keys=False, allow_unicode=True))


def key_text(logs: list[Log]) -> str:
    """The answer key to fill in: one row per log, its id written, the rest blank."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(KEY_HEADER)
    writer.writerows([log.id, "", "", "", "", ""] for log in logs)
    return buffer.getvalue()


def tags_template(logs: list[Log]) -> str:
    """A tags.csv for participants to fill in: the header and every log id."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("log_id", "label", "secondary_labels", "note"))
    writer.writerows([log.id, "", "", ""] for log in logs)
    return buffer.getvalue()


def readme_text(exercise: str, folder: Path, count: int, codes: list[str]) -> str:
    """The next steps, for the workshop lead who ran the command."""
    return f"""# {exercise}

Made by `grader new-exercise`: {count} logs, codes {", ".join(codes)}.

1. Fill in `{KEY_FILE}`: for every log a `label` (one code of `{CODEBOOK_FILE}`) and a
   `rationale` (the sentence participants read once feedback is released); `accepted`,
   `secondary` and `kb_article` may stay blank. Until every row has both, grading stops with
   `answer-key-invalid` and the lines still blank.
2. Adjust `{RUBRIC_FILE}` if you want other weights; grading refuses a misspelt or
   missing parameter with its line.
3. Give participants the `{HANDOUT}/` folder and nothing else: it holds the logs, the
   codebook, any files given with `--include`, and a `tags.csv` to fill in. They check
   their file with `grader check --exercise {HANDOUT}/ --submission THEIR_FOLDER`, and load
   the logs in Python with `labkit.exercise_logs_frame("{HANDOUT}")`.
4. Grade: `grader grade --exercise {folder} --submission FOLDER` for one participant,
   `grader grade-batch --exercise {folder} --cohort COHORT --out RESULTS` for all, then
   `grader cohort-report --exercise {folder} --cohort COHORT --out REPORT`.

`{KEY_FILE}` and `{RUBRIC_FILE}` are the answers: never hand them out.
"""


def new_exercise(logs_file: Path, codebook_file: Path, out: Path,
                 columns: tuple[str, str, str] = ("id", "input", "output"),
                 title: str = "", include: tuple[Path, ...] = ()) -> Path:
    """Write a new exercise folder at `out` (which must not exist yet); returns it. The
    `include` files (the facts or articles participants judge the logs against) go into the
    folder and its handout. Raises `UnusableInput` for unreadable logs or codebook, a missing
    `include` file, or an `out` that cannot be made."""
    reserved = {LOGS_FILE, CODEBOOK_FILE, KEY_FILE, RUBRIC_FILE, "README.md", "tags.csv",
                HANDOUT}
    for extra in include:
        if extra.is_dir():
            raise UnusableInput([Problem("file-missing", str(extra), "is a folder, not a file",
                                         None, "--include one file at a time (repeat it), "
                                         "e.g. --include facts.md.")])
        if not extra.is_file():
            raise UnusableInput([Problem("file-missing", str(extra), "no such file", None,
                                         "--include names a file to hand out with the logs, "
                                         "e.g. --include facts.md.")])
        if extra.name in reserved:
            raise UnusableInput([Problem("output-refused", str(extra), f"'{extra.name}' is the "
                                         "name of a file the exercise writes itself", None,
                                         "rename your file before you include it.")])
    if out.is_symlink() or (out.exists() and (not out.is_dir() or any(out.iterdir()))):
        raise UnusableInput([Problem("output-refused", str(out), "already exists", None,
                                     "give the path of a new (or empty) folder; nothing in an "
                                     "existing one is replaced.")])
    parent = out.absolute().parent
    if not parent.is_dir():
        raise UnusableInput([Problem("output-refused", str(out), f"the folder {parent} does "
                                     "not exist", None, "create it first.")])
    problems = codebook_problems(codebook_file) if codebook_file.is_file() else [Problem(
        "codebook-invalid", str(codebook_file), "no such file", None,
        "give the path of your codebook (start from the course's datasets/taxonomy/"
        "codebook.yaml).")]
    if problems:
        raise UnusableInput(problems)
    logs = read_logs(logs_file, columns)
    codebook = load_codebook(codebook_file)
    probe_writable(out, parent)
    exercise = exercise_id(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=parent))
    try:
        handout = staging / HANDOUT
        handout.mkdir()
        write_logs(logs, staging / LOGS_FILE)
        shutil.copyfile(codebook_file, staging / CODEBOOK_FILE)
        (staging / KEY_FILE).write_text(key_text(logs), encoding="utf-8")
        (staging / RUBRIC_FILE).write_text(rubric_text(exercise, title or exercise),
                                           encoding="utf-8")
        (staging / "README.md").write_text(
            readme_text(exercise, out, len(logs), list(codebook.codes)), encoding="utf-8")
        for extra in include:
            shutil.copyfile(extra, staging / extra.name)
        for name in (LOGS_FILE, CODEBOOK_FILE, *(extra.name for extra in include)):
            shutil.copyfile(staging / name, handout / name)
        (handout / "tags.csv").write_text(tags_template(logs), encoding="utf-8")
        os.chmod(staging, 0o755)  # mkdtemp's folder is private; the exercise is not
        staging.rename(out)  # over an empty folder too (POSIX rename replaces one)
    except OSError as exc:  # a full disk, a folder made at `out` meanwhile: nothing is left
        shutil.rmtree(staging, ignore_errors=True)
        raise refused(out, f"cannot be written ({exc.strerror or exc})",
                      "free some space or choose another folder; nothing was written.") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out
