"""Coded problems with a learner's input, each with a fix and an anchor on the errors page.

The codes are a contract: `course/reference/errors.md` has one heading per code and a test
keeps the two in step. Add a code here and a section there, together.
"""

from __future__ import annotations

import os
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
}
# Problems that mean nothing was handed in, rather than something unusable.
NOT_SUBMITTED = frozenset({"submission-not-found", "file-missing", "file-empty"})


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

    @property
    def where(self) -> str:
        """`file line N` or just the file name."""
        return f"{self.file} line {self.line}" if self.line else self.file

    def render(self) -> str:
        """The two-line form a learner reads in a terminal."""
        hint = f"{self.hint} " if self.hint else ""
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


@dataclass
class UnusableInput(Exception):
    """Raised when input cannot be graded; carries every problem found, not just the first."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(problem.render() for problem in self.problems)
