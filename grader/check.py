"""`grader check`: is a submission well-formed and complete? Reads no answer key.

It needs only what learners have (the codebook and the dataset), so it runs anywhere and
can reveal nothing about the reference answers. For the report it validates the claims
block, resolves every pointer and quote against the materials, recomputes the claimed count
from the learner's own tags, and checks the prose's sections and length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.claim_scoring import FIGURE, ProseParams, prose_agreement
from grader.errors import Problem, UnusableInput, visible
from grader.grade import REPORT_FILE, TAGS_FILE, find_file
from grader.materials import load_materials
from grader.report import REPORT_MAX_WORDS
from grader.tags import Tag, load_tags
from grader.written import WrittenWork, read_written_work
from labkit.codebook import DEFAULT_CODEBOOK, Codebook, load_codebook
from labkit.exercise_logs import load_exercise_logs
from labkit.supportchat import DATA_DIR, WARMUP_DIR

SKIPPED_SHOWN = 10  # rows of unknown logs listed in full; the rest are counted


@dataclass(frozen=True)
class CheckResult:
    """What the self-check found: coverage of the tags, the report's problems and notes."""

    tagged: int
    logs: int
    report_problems: list[Problem]
    report_notes: list[str]
    skipped: list[Problem] = field(default_factory=list)
    report_checked: bool = True
    tags_only: bool = False  # an exercise that asks for no report (the tagging warm-up)

    @property
    def ready(self) -> bool:
        """True when every log is tagged, no row is skipped and the report has nothing to
        fix."""
        return (self.tagged == self.logs and not self.skipped and not self.report_problems
                and not self.report_notes)

    def render(self) -> str:
        """The lines a learner reads."""
        lines = [f"tags.csv: well-formed; {self.tagged} of {self.logs} logs tagged"
                 + ("" if self.tagged == self.logs else " (tag every log before you submit)")]
        if self.skipped:
            lines.append(f"tags.csv: {len(self.skipped)} row(s) name logs that are not in the "
                         "dataset and would be skipped when graded:")
            lines += [problem.render() for problem in self.skipped[:SKIPPED_SHOWN]]
            if len(self.skipped) > SKIPPED_SHOWN:
                lines.append(f"... and {len(self.skipped) - SKIPPED_SHOWN} more such rows")
        lines += [problem.render() for problem in self.report_problems]
        lines += [f"report.md: {note}" for note in self.report_notes]
        if not self.report_checked and not self.tags_only:
            lines.append("report.md: none here (hand one in only if your exercise asks "
                         "for a report)")
        elif self.report_checked and not self.report_problems and not self.report_notes:
            lines.append("report.md: claims block valid, every pointer and quote resolves; "
                         "four sections, within the length limit, agreeing with the claims")
        lines.append("ready to submit" if self.ready else "not ready yet: fix the lines above")
        return "\n".join(lines)


def self_check(submission: str | Path = ".") -> None:
    """Print the check's result, or every problem found; never raises (for a notebook cell)."""
    try:
        print(check_submission(Path(submission)).render())
    except UnusableInput as error:
        print(error)


def check_submission(submission: Path, exercise: Path | None = None) -> CheckResult:
    """Validate the files of a failure-audit submission, against the course's data or an
    exercise folder's codebook and logs; raise `UnusableInput` if the tags cannot be used.
    In an exercise folder the report is checked only when one was handed in (whether the
    exercise asks for one is in its rubric, which a participant does not have)."""
    if exercise is None:
        codebook, data = load_codebook(DEFAULT_CODEBOOK), DATA_DIR
        logs = load_exercise_logs(data)
    else:
        from grader.exercise_folder import load_public

        codebook, logs = load_public(exercise)
        data = exercise
    log_ids = [log.id for log in logs]
    sheet = load_tags(find_file(submission, TAGS_FILE), codebook, log_ids)
    if exercise is not None and not (submission / REPORT_FILE).exists():
        return CheckResult(len(sheet.tags), len(log_ids), [], [], sheet.skipped, False)
    written = read_written_work(submission / REPORT_FILE, codebook, load_materials(data, logs))
    problems, notes = report_findings(written, sheet.tags, codebook)
    return CheckResult(len(sheet.tags), len(log_ids), problems, notes, sheet.skipped)


def check_warmup(submission: Path) -> CheckResult:
    """Validate the `tags.csv` of the tagging warm-up against the course's codebook and the
    warm-up's logs; raise `UnusableInput` if the tags cannot be used. It asks for no report."""
    logs = load_exercise_logs(WARMUP_DIR)
    sheet = load_tags(find_file(submission, TAGS_FILE), load_codebook(DEFAULT_CODEBOOK),
                      [log.id for log in logs])
    return CheckResult(len(sheet.tags), len(logs), [], [], sheet.skipped, False, True)


def report_findings(written: WrittenWork, tags: list[Tag],
                    codebook: Codebook) -> tuple[list[Problem], list[str]]:
    """The report's coded problems and the notes on its prose, from public files only.
    A note may quote the report, so its control characters are shown as escapes."""
    problems, notes = _findings(written, tags, codebook)
    return problems, [visible(note, one_line=True) for note in notes]


def _findings(written: WrittenWork, tags: list[Tag],
              codebook: Codebook) -> tuple[list[Problem], list[str]]:
    if written.status != "scored":
        return [], [written.problem]
    read, prose = written.claims, written.prose
    problems = [*read.problems, *read.unresolved]
    notes = [f"no '## {title}' section with content" for title in prose.missing_sections]
    if prose.words > REPORT_MAX_WORDS:
        notes.append(f"{prose.words} words of prose, over the limit of {REPORT_MAX_WORDS}")
    prose_rules = ProseParams()  # the course rubric's values, which a learner cannot read
    notes += [f"'## {title}' has {words} words; a section needs at least "
              f"{prose_rules.min_section_words}" for title, words in prose.section_words.items()
              if title not in prose.missing_sections and words < prose_rules.min_section_words]
    claims = read.claims
    if claims is not None:
        notes += prose_agreement(codebook, claims, prose.sections.get("finding", ""),
                                 prose.text)[1]
        if not FIGURE.search(claims.verify.target):
            notes.append("verify.target states no figure: say what result (a number of logs, "
                         "a rate) would show that the fix worked")
        own = sum(tag.label == claims.finding for tag in tags)
        if claims.count != own:
            notes.append(f"count is {claims.count}, but your tags.csv gives "
                         f"'{claims.finding}' as the primary label of {own} logs")
    return problems, notes
