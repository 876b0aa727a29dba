"""The prose of a report: its sections and its length.

Format: Markdown below the claims block, with four level-2 sections in this order:
`## Finding`, `## Evidence`, `## Root cause`, `## Recommended fix`. Headings are matched
forgivingly (case, numbering, and common synonyms such as `## Fix`). The prose is read to the
end; its reasoning is for the mentor, and only its structure, length and agreement with the
claims are scored automatically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

REPORT_MAX_WORDS = 500
SECTION_NAMES: dict[str, tuple[str, ...]] = {
    "finding": ("finding", "findings", "summary", "top failure", "main finding"),
    "evidence": ("evidence", "examples", "supporting evidence"),
    "root_cause": ("root cause", "root causes", "cause", "causes", "diagnosis"),
    "fix": ("recommended fix", "recommended fixes", "fix", "fixes", "recommendation",
            "recommendations", "remediation"),
}
SECTION_TITLES = {"finding": "Finding", "evidence": "Evidence", "root_cause": "Root cause",
                  "fix": "Recommended fix"}
WORD = re.compile(r"\b[\w'\u2019-]+\b")
LETTERS = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")  # words without ids and numbers
FRAGMENT = re.compile(r"[,;:\n]|\.\s")
# A section "reads as a list" when at least MIN_FRAGMENTS pieces between punctuation hold
# words and at least LIST_SHARE of its words are in pieces of at most SHORT words: a run of
# terms ("noise, flip rate, Holm, ...") rather than sentences. The evidence section is
# exempt, since a list of ids and figures is what it should hold.
MIN_FRAGMENTS, SHORT, LIST_SHARE = 8, 3, 0.6


def reads_as_list(text: str) -> bool:
    """Whether `text` is a run of terms rather than sentences (see LIST_SHARE)."""
    lengths = [len(LETTERS.findall(piece)) for piece in FRAGMENT.split(text)]
    lengths = [n for n in lengths if n]
    words = sum(lengths)
    return (len(lengths) >= MIN_FRAGMENTS and words > 0
            and sum(n for n in lengths if n <= SHORT) / words >= LIST_SHARE)


def normalise_text(text: str) -> str:
    """Lower case, hyphens, underscores and markdown emphasis to spaces, spaces folded."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"[-_*`]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Report:
    """A report's prose: the text of each recognised section, and the whole."""

    text: str
    sections: dict[str, str] = field(default_factory=dict)
    titles: ClassVar[dict[str, str]] = SECTION_TITLES  # the required sections, in order

    @property
    def missing_sections(self) -> list[str]:
        """Titles of the four sections that are absent or empty, in the required order."""
        return [title for key, title in self.titles.items() if not self.sections.get(key)]

    @property
    def section_words(self) -> dict[str, int]:
        """Words in each of the four sections, by title (0 when absent)."""
        return {title: len(WORD.findall(self.sections.get(key, "")))
                for key, title in self.titles.items()}

    @property
    def listed_sections(self) -> list[str]:
        """Titles of the sections other than the evidence that read as lists of terms."""
        return [title for key, title in self.titles.items()
                if key != "evidence" and reads_as_list(self.sections.get(key, ""))]

    @property
    def words(self) -> int:
        """Words outside headings."""
        body = "\n".join(line for line in self.text.splitlines() if not line.startswith("#"))
        return len(WORD.findall(body))


def split_sections(text: str, names: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """The text under each `#`-heading that names a section of `names` (key -> accepted
    headings, matched forgivingly: case, numbering, a trailing colon), by key."""
    accepted = {normalise_text(n): key for key, options in names.items() for n in options}
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        heading = re.match(r"^#{1,4}\s+(.*)$", line)
        if heading:
            current = accepted.get(re.sub(r"^[\d.\s]+", "", normalise_text(heading.group(1)))
                                   .strip(" :"))
            if current:
                sections.setdefault(current, [])
            continue
        if current:
            sections[current].append(line)
    return {k: "\n".join(v).strip() for k, v in sections.items()}


def prose_words(text: str) -> int:
    """The words of a report as the grader and `grader check` count them against the limit:
    the prose below the claims block (all of `text` when it has no usable block), headings
    left out. The notebook prints this count, so the three never disagree."""
    from grader.errors import UnusableInput
    from grader.front_matter import split_front_matter

    try:
        _, body = split_front_matter(text, "report.md", "")
    except UnusableInput:
        body = text
    return parse_report(body).words


def parse_report(text: str) -> Report:
    """Split Markdown prose into the four sections by their `#`-headings."""
    return Report(text, split_sections(text, SECTION_NAMES))
