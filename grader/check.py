"""`grader check`: is a submission well-formed and complete? Reads no answer key.

It needs only what learners have (the codebook and the dataset), so it runs anywhere and
can reveal nothing about the reference answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.errors import UnusableInput
from grader.grade import REPORT_FILE, TAGS_FILE, find_file, read_report
from grader.report import REPORT_MAX_WORDS
from grader.tags import load_tags
from labkit.codebook import DEFAULT_CODEBOOK, load_codebook
from labkit.supportchat import load_chat_logs

CHECKABLE = ("failure-audit",)


@dataclass(frozen=True)
class CheckResult:
    """What the self-check found: coverage of the tags and the report's shape."""

    tagged: int
    logs: int
    report_notes: list[str]

    @property
    def ready(self) -> bool:
        """True when every log is tagged and the report has nothing to fix."""
        return self.tagged == self.logs and not self.report_notes

    def render(self) -> str:
        """The lines a learner reads."""
        lines = [f"tags.csv: well-formed; {self.tagged} of {self.logs} logs tagged"
                 + ("" if self.tagged == self.logs else " (tag every log before you submit)")]
        lines += [f"report.md: {note}" for note in self.report_notes] or [
            "report.md: four sections, within the length limit"]
        lines.append("ready to submit" if self.ready else "not ready yet: fix the lines above")
        return "\n".join(lines)


def self_check(submission: str | Path = ".") -> None:
    """Print the check's result, or every problem found; never raises (for a notebook cell)."""
    try:
        print(check_submission(Path(submission)).render())
    except UnusableInput as error:
        print(error)


def check_submission(submission: Path) -> CheckResult:
    """Validate the files of a failure-audit submission; raise `UnusableInput` if unusable."""
    log_ids = [log.log_id for log in load_chat_logs()]
    tags = load_tags(find_file(submission, TAGS_FILE), load_codebook(DEFAULT_CODEBOOK), log_ids)
    report, problem = read_report(submission / REPORT_FILE)
    notes = [problem] if problem else []
    if report is not None:
        notes += [f"no '## {title}' section with content" for title in report.missing_sections]
        if report.words > REPORT_MAX_WORDS:
            notes.append(f"{report.words} words, over the limit of {REPORT_MAX_WORDS}")
    return CheckResult(len(tags), len(log_ids), notes)
