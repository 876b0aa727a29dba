"""Coded problems with a learner's input, each with a fix and an anchor on the errors page.

The codes are a contract: `course/reference/errors.md` has one heading per code and a test
keeps the two in step. Add a code here and a section there, together.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

ERROR_CODES: dict[str, str] = {
    "submission-not-found": "the submission folder does not exist",
    "file-missing": "a file the exercise needs is not in the submission folder",
    "file-empty": "the file has no content",
    "not-a-file": "the name is a link, a folder or a special file, not the file itself",
    "file-too-large": "the file is larger than the exercise allows",
    "encoding": "the file is not UTF-8 text",
    "not-csv": "the file is not comma-separated values",
    "missing-column": "a required column is absent from the header",
    "bad-row": "a row has more fields than the header",
    "value-too-long": "a value is longer than the format allows",
    "empty-value": "a required value is blank",
    "unknown-label": "a label is not a code of the taxonomy",
    "duplicate-log-id": "the same log is tagged twice",
    "unknown-log-id": "a log id is not in the dataset",
    "codebook-invalid": "a codebook entry breaks the codebook format",
    "rubric-invalid": "a rubric cannot be used as it is",
    "answer-key-invalid": "an answer key has a row that cannot be used",
    "yaml-syntax": "the file is not valid YAML",
    "claims-missing": "a report does not start with its claims block",
    "claims-syntax": "the claims block is not YAML that can be read",
    "claims-invalid": "a field of the claims block breaks the claims format",
    "claims-not-committed": "several values are given where one is asked",
    "pointer-unresolved": "a location or target does not point into the materials",
    "quote-not-found": "an evidence quote does not occur in the bot's turns of its log",
    "quote-not-bot": "an evidence quote is the customer's words, not the bot's",
    "sandbox-unavailable": "autograde cannot start the sandbox that runs learner code",
    "feedback-leak": "a feedback page would show mentor-only text, so it was not written",
    "graded-cell-restored": "autograde put back graded cells missing from a notebook",
    "output-refused": "the --out file cannot be written, or writing it would destroy a file",
    "gradebook-invalid": "the file is not an nbgrader gradebook that can be read",
    "design-invalid": "probe_design.yaml breaks the probe design format",
    "log-invalid": "a line of probe_log.jsonl is not a run record",
    "log-not-genuine": "the run log does not replay: an edited, invented or mixed log",
    "unknown-probe-id": "a probe or variant id is not a prompt of probe_design.yaml",
    "analysis-invalid": "a row of analysis.csv breaks the analysis table's format",
    "unified-invalid": "a line of unified.jsonl is not a record of the unified schema",
    "rejects-invalid": "a row of rejects.csv is not a rejected native record",
    "clusters-invalid": "a row of clusters.csv breaks the clusters file's format",
    "unknown-record-id": "a record id of clusters.csv is not a record of unified.jsonl",
    "record-not-clustered": "a record of unified.jsonl has no row in clusters.csv",
    "cohort-empty": "the cohort folder holds no learner's submission",
    "scheduler-unreachable": "no Dask scheduler answers at the --scheduler address",
    "learner-id-clash": "two learners' folder names differ only in case",
    "submission-changed": "a submission kept changing while it was graded",
    "course-invalid": "the --course folder is not an nbgrader course that can be read",
    "assignment-not-generated": "the assignment is not in the course's gradebook yet",
    "notebook-invalid": "nbgrader could not autograde a learner's notebook",
    "notebook-stopped": "autograde stopped a notebook and graded the files it had written",
    "worker-killed": "the process autograding a learner died, twice",
    "exercise-not-found": "--exercise names neither a course exercise nor an exercise folder",
    "logs-invalid": "an exercise's logs (logs.jsonl, or the CSV they are made from) cannot be read",
}
# Problems that mean nothing was handed in, rather than something unusable.
NOT_SUBMITTED = frozenset({"submission-not-found", "file-missing", "file-empty"})


# What a terminal obeys rather than shows: C0 and C1 controls but tab and line feed,
# bidirectional marks, embeddings, overrides and isolates, and Unicode's line separators.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                     "\u202a-\u202e\u2066-\u2069]")
LINE_BREAK = re.compile("[\n\r]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, one_line: bool = False) -> str:
    """`text` with control characters (NUL, escape sequences, bidirectional overrides)
    written as escapes such as `\\x1b`, so that printing it shows them instead of obeying
    them. Tabs stay; newlines stay too, unless `one_line`."""
    text = CONTROL.sub(_escape, text)
    return LINE_BREAK.sub(_escape, text) if one_line else text


def docs_url(code: str) -> str:
    """The errors-page address that explains `code`."""
    base = os.environ.get("COURSE_SITE_URL", "http://127.0.0.1:8000/").rstrip("/")
    return f"{base}/reference/errors/#{code}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in one file, and how to fix it."""

    code: str
    file: str
    message: str
    line: int | None = None
    hint: str = ""
    field: str = ""

    def __post_init__(self) -> None:
        if self.code not in ERROR_CODES:
            raise ValueError(f"undocumented error code {self.code!r}")
        # A message may quote the file; a terminal must not obey what it holds, and a
        # problem stays on its line (only a hint may show a block over several).
        for name in ("file", "message", "hint", "field"):
            object.__setattr__(self, name, visible(getattr(self, name),
                                                   one_line=name != "hint"))

    @property
    def where(self) -> str:
        """`file line N` or just the file name."""
        return f"{self.file} line {self.line}" if self.line else self.file

    def render(self) -> str:
        """The two-line form a learner reads in a terminal."""
        # A hint over several lines (a block to copy) keeps the address off its last line.
        hint = "" if not self.hint else f"{self.hint}\n  " if "\n" in self.hint else \
            f"{self.hint} "
        return f"{self.where}: {self.message} [{self.code}]\n  {hint}see {docs_url(self.code)}"

    def as_dict(self) -> dict[str, object]:
        """The form `--format json` prints."""
        return {
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "hint": self.hint,
            "field": self.field,
            "docs": docs_url(self.code),
        }


# The fix for each kind of pydantic validation error, in the words of a file's author.
FIXES = {
    "missing": "add this field.",
    "extra_forbidden": "remove this field or check its spelling.",
    "int_parsing": "write a whole number in digits, e.g. 3.",
    "int_type": "write a whole number in digits, e.g. 3.",
    "int_from_float": "write a whole number in digits, e.g. 3.",
    "float_parsing": "write a number in digits, e.g. 0.5.",
    "float_type": "write a number in digits, e.g. 0.5.",
    "bool_parsing": "write true or false.",
    "string_type": "write text here (in quotes if it looks like a number).",
    "string_too_short": "write the text out, or remove the entry.",
    "string_too_long": "shorten it.",
    "too_short": "add more entries.",
    "too_long": "remove entries.",
    "bool_type": "write true or false.",
    "finite_number": "write an ordinary number (not .inf or .nan).",
    "greater_than": "use a larger value, as the message says.",
    "greater_than_equal": "use a larger value, as the message says.",
    "less_than": "use a smaller value, as the message says.",
    "less_than_equal": "use a smaller value, as the message says.",
    "literal_error": "use one of the values the message lists.",
    "enum": "use one of the values the message lists.",
    "string_pattern_mismatch": "write it in the form the message gives.",
    "list_type": "write a list here: one entry per line, each starting with '- '.",
    "dict_type": "write a mapping here: 'name: value' lines, indented under this field.",
    "model_type": "write a mapping here: 'name: value' lines, indented under this field.",
}


def fix_for(error_type: str) -> str:
    """The fix for a pydantic validation error of this type (a general one for the rest)."""
    return FIXES.get(error_type, "correct the value as the message says.")


MAX_PROBLEMS = 25


def capped(problems: list[Problem], limit: int = MAX_PROBLEMS,
           total: int | None = None) -> list[Problem]:
    """The first `limit` problems, and one more saying how many were left out (with the
    code and file of the first one left out), so that a flood stays readable. `total` is
    the number found, when only the first `limit + 1` of them were worked out."""
    total = len(problems) if total is None else total
    if total <= limit + 1:
        return problems
    rest, first = total - limit, problems[limit]
    return [*problems[:limit],
            Problem(first.code, first.file, f"and {rest:,} more problems like these", None,
                    "fix the ones above and run it again; the rest are often the same "
                    "mistake.")]


@dataclass
class UnusableInput(Exception):
    """Raised when input cannot be graded; carries every problem found, not just the first
    (a flood is cut by `capped`, with a count of the rest)."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.problems = capped(self.problems)

    def __str__(self) -> str:
        return "\n".join(problem.render() for problem in self.problems)
