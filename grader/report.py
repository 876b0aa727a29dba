"""Reading a learner's `report.md`: its sections, sentences, log ids, numbers and claims.

Format: Markdown, at most a page (the rubric sets the word limit), with four level-2
sections in this order: `## Finding`, `## Evidence`, `## Root cause`, `## Recommended fix`.
Headings are matched forgivingly (case, and common synonyms such as `## Fix`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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

NEGATION = re.compile(
    r"\b(not|no|never|neither|nor|cannot|isn't|wasn't|aren't|weren't|doesn't|didn't|"
    r"don't|rather than|instead of|unlikely|ruled out|rule out)\b|n't\b"
)
CLAUSE_BREAK = re.compile(
    "[;:\u2013\u2014]|\\b(?:but|however|whereas|while|so|because)\\b"
)
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
                "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
                "nineteen": 19, "twenty": 20}


def normalise_text(text: str) -> str:
    """Lower case, hyphens, underscores and markdown emphasis to spaces, spaces folded."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"[-_*`]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Report:
    """A parsed report: the text of each recognised section, and the whole."""

    text: str
    sections: dict[str, str] = field(default_factory=dict)
    read_words: int | None = None

    @property
    def missing_sections(self) -> list[str]:
        """Titles of the four sections that are absent or empty, in the required order."""
        return [title for key, title in SECTION_TITLES.items() if not self.sections.get(key)]

    @property
    def words(self) -> int:
        """Words outside headings."""
        body = "\n".join(line for line in self.text.splitlines() if not line.startswith("#"))
        return len(WORD.findall(body))


def section_key(heading: str) -> str | None:
    """Which of the four sections a heading names, if any."""
    name = re.sub(r"^[\d.\s]+", "", normalise_text(heading)).strip(" :")
    for key, names in SECTION_NAMES.items():
        if name in {normalise_text(n) for n in names}:
            return key
    return None


WORD = re.compile(r"\b[\w'\u2019-]+\b")
READ_GRACE = 1.1


def first_page(text: str, limit: int) -> str:
    """The text up to `limit` words outside headings (headings are kept, not counted)."""
    kept, count = [], 0
    for line in text.splitlines():
        if not line.startswith("#"):
            words = WORD.findall(line)
            if count + len(words) > limit:
                spans = list(WORD.finditer(line))
                kept.append(line[: spans[limit - count - 1].end()] if limit > count else "")
                break
            count += len(words)
        kept.append(line)
    return "\n".join(kept)


def parse_report(text: str, max_words: int = REPORT_MAX_WORDS) -> Report:
    """Split Markdown into the four sections by their `#`-headings.

    A page is a page: past the limit (with a 10% grace) the rest is not read, as a mentor
    reading one page would not read it.
    """
    read = int(max_words * READ_GRACE)
    full = Report(text)
    if full.words > read:
        return Report(text, _sections(first_page(text, read)), read)
    return Report(text, _sections(text))


def _sections(text: str) -> dict[str, str]:
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        heading = re.match(r"^#{1,4}\s+(.*)$", line)
        if heading:
            current = section_key(heading.group(1))
            if current:
                sections.setdefault(current, [])
            continue
        if current:
            sections[current].append(line)
    return {k: "\n".join(v).strip() for k, v in sections.items()}


def sentences(text: str) -> list[str]:
    """Sentences and list items of a section, normalised."""
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [normalise_text(part) for part in parts if part.strip()]


def log_ids(text: str) -> list[str]:
    """Log ids cited (`SC-011`, `sc 11`, `SC011`), normalised to `SC-011`, in order, unique."""
    found = [f"SC-{int(n):03d}" for n in re.findall(r"\bSC[-\s]?(\d{1,3})\b", text, re.I)]
    return list(dict.fromkeys(found))


def numbers(text: str) -> list[tuple[float, bool]]:
    """Every number in the text as `(value, is_percentage)`; spelled-out numbers to twenty.

    Log ids are not numbers.
    """
    text = re.sub(r"\bSC[-\s]?\d{1,3}\b", " ", text, flags=re.I)
    found = [(float(n), bool(pct)) for n, pct in
             re.findall(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(%|percent|per cent)?", text)]
    found += [(float(NUMBER_WORDS[w]), False) for w in
              re.findall(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", text.lower())]
    return found


def term_pattern(terms: list[str]) -> re.Pattern[str]:
    """A pattern matching any of the terms as a word start (so stems like 'refus' work)."""
    alternatives = sorted((re.escape(normalise_text(t)) for t in terms), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")")


def affirmed(sentence: str, pattern: re.Pattern[str]) -> bool:
    """True when the pattern occurs in the sentence outside a negated clause.

    A clause is negated when a negation cue ("not", "isn't", "rather than", ...) stands
    before the match within the same clause: "this is not a knowledge-base problem".
    """
    for match in pattern.finditer(sentence):
        start = 0
        for brk in CLAUSE_BREAK.finditer(sentence, 0, match.start()):
            start = brk.end()
        if not NEGATION.search(sentence, start, match.start()):
            return True
    return False


def paragraphs(text: str) -> list[str]:
    """Blocks of text separated by blank lines (a list without blank lines is one block)."""
    return [block for block in re.split(r"\n\s*\n", text) if block.strip()]


def claims(text: str, concepts: dict[str, list[str]]) -> list[str]:
    """Paragraphs that make a claim: each holds a term of every concept group, and a
    sentence of it affirms a term of the first group.

    The first group is the claim's subject (e.g. "system prompt"); only it is checked for
    negation, since the others may quote a negative rule ("told not to discuss refunds").
    """
    locus, *others = [term_pattern(terms) for terms in concepts.values()]
    return [
        unit for unit in paragraphs(text)
        if any(affirmed(s, locus) for s in sentences(unit))
        and all(p.search(normalise_text(unit)) for p in others)
    ]
