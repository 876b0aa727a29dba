"""The references page: one entry per work, in order, naming pages that exist and cite it."""

from __future__ import annotations

import posixpath
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pytest

from tests.conftest import ROOT

COURSE = ROOT / "course"
PAGE = COURSE / "reference" / "references.md"
# Pages the site generates at build time (mkdocs_hooks.py) rather than keeping in course/.
GENERATED = {"reference/taxonomy.md"}

LINK = re.compile(r"\]\((https?://(?:[^()\s]|\([^()\s]*\))+)\)|<(https?://[^>\s]+)>")
CITED_IN = re.compile(r"^\s+\*Cited in:\*\s*(.*)$")
PAGE_LINK = re.compile(r"\[[^\]]+\]\(([^)\s]+\.md)\)")
DOI = re.compile(r"\b(?:doi:\s*|doi\.org/)(10\.\d{4,9}/[^\s>)]+?)[.,;]?(?=[\s>)]|$)", re.I)
ARXIV = re.compile(r"\barXiv:\s*(\d{4}\.\d{4,5})", re.I)
WITH_YEAR = re.compile(r"^(?P<authors>.+?) \([^)]*\b\d{4}\b[^)]*\)\. (?P<title>.+?)[.?!](?:\s|$)")
NO_YEAR = re.compile(r"^(?P<authors>[^.]+?)\. (?P<title>.+?)[.?!](?:\s|$)")


@dataclass(frozen=True)
class Entry:
    line: int
    text: str
    cited_in: tuple[str, ...]

    @property
    def urls(self) -> list[str]:
        return [a or b for a, b in LINK.findall(self.text)]

    def __str__(self) -> str:
        return f"line {self.line}: {self.text[:90]}"


def fold(text: str) -> str:
    """Lower case without diacritics, so that 'Röttger' and 'Rottger' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def normalise_url(url: str) -> str:
    url = fold(url).split("#", 1)[0]
    url = re.sub(r"^https?://(www\.)?", "", url)
    return url.rstrip("/")


def plain(text: str) -> str:
    """The entry without Markdown link syntax: '[title](url)' becomes 'title'."""
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)


def author_title(entry: Entry) -> tuple[str, str] | None:
    """First author (or organisation) and title, normalised; None if the entry has no
    recognisable 'Authors (year). Title.' or 'Organisation. Title.' shape."""
    text = plain(entry.text)
    match = WITH_YEAR.match(text) or NO_YEAR.match(text)
    if not match:
        return None
    first_author = re.split(r"[\s,]", fold(match["authors"]).strip(), maxsplit=1)[0]
    title = re.sub(r"\([^)]*\)", "", fold(match["title"]))
    return re.sub(r"\W", "", first_author), re.sub(r"[\W_]", "", title)


def identifiers(entry: Entry) -> set[str]:
    """DOIs and arXiv ids named anywhere in the entry."""
    found = {f"doi:{fold(d)}" for d in DOI.findall(entry.text)}
    found |= {f"arxiv:{a}" for a in ARXIV.findall(entry.text)}
    return found


def parse(text: str) -> list[Entry]:
    entries: list[Entry] = []
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.startswith("- "):
            continue
        body, cited = [line[2:].rstrip()], ()
        for follow in lines[number:]:
            if follow.startswith("- ") or not follow.strip():
                break
            if match := CITED_IN.match(follow):
                cited = tuple(PAGE_LINK.findall(match.group(1)))
            else:
                body.append(follow.strip())
        entries.append(Entry(number, " ".join(body), cited))
    return entries


def duplicates(entries: list[Entry]) -> list[str]:
    """Every pair of entries that share a URL, a DOI or arXiv id, or first author and title."""
    seen: dict[tuple[str, str], Entry] = {}
    found = []
    for entry in entries:
        keys = {("url", normalise_url(u)) for u in entry.urls}
        keys |= {("id", i) for i in identifiers(entry)}
        if (key := author_title(entry)) is not None:
            keys.add(("author+title", "|".join(key)))
        for key in sorted(keys):
            if key in seen and seen[key] is not entry:
                found.append(f"{key[0]} {key[1]!r}: {seen[key]} / {entry}")
            seen.setdefault(key, entry)
    return found


@cache
def entries() -> list[Entry]:
    return parse(PAGE.read_text(encoding="utf-8"))


@cache
def page_text(relative: str) -> str:
    if relative in GENERATED:
        from grader.taxonomy_page import render_taxonomy_page

        return render_taxonomy_page()
    return (COURSE / relative).read_text(encoding="utf-8")


def site_path(link: str) -> str:
    """A 'Cited in' link, relative to the references page, as a path under course/."""
    return posixpath.normpath(posixpath.join("reference", link))


def test_the_page_lists_works():
    assert len(entries()) > 50
    assert all(entry.urls for entry in entries()), "every entry links its source"


def test_no_work_is_listed_twice():
    assert not duplicates(entries())


@pytest.mark.parametrize("readded", [
    # the same work as an entry on the page, each time in different wording
    "- Rogan, W. J. and Gladen, B. (1978). Estimating prevalence from the results of a screening"
    " test. Am J Epidemiol 107(1). <https://pubmed.ncbi.nlm.nih.gov/623091>",
    "- Gebru, T., Morgenstern, J., et al. Datasheets for Datasets. arXiv:1803.09010 (2018)."
    " <https://arxiv.org/abs/1803.09010v8>",
    "- Ribeiro, M. T. et al. (2020). Beyond accuracy: behavioral testing of NLP models with"
    " CheckList. ACL 2020. <https://www.aclweb.org/anthology/2020.acl-main.442.pdf>",
    "- OpenAI. Evals (README). <http://github.com/openai/evals/>",
])
def test_a_readded_duplicate_is_caught(readded):
    text = PAGE.read_text(encoding="utf-8") + readded + "\n  *Cited in:* [Glossary](glossary.md)\n"
    assert duplicates(parse(text))


def test_entries_are_in_alphabetical_order():
    keys = [fold(plain(entry.text)) for entry in entries()]
    out_of_order = [f"{entries()[i]} / {entries()[i + 1]}"
                    for i in range(len(keys) - 1) if keys[i] > keys[i + 1]]
    assert not out_of_order


def test_every_entry_names_the_pages_that_cite_it():
    assert not [str(entry) for entry in entries() if not entry.cited_in]


def test_cited_in_links_point_to_existing_pages():
    missing = {(str(entry), link) for entry in entries() for link in entry.cited_in
               if site_path(link) not in GENERATED and not (COURSE / site_path(link)).is_file()}
    assert not missing


def test_cited_in_pages_mention_the_work():
    """Each page a work is 'cited in' links one of its URLs or names its first author."""
    wrong = []
    for entry in entries():
        author = re.split(r"[\s,.:]", plain(entry.text), maxsplit=1)[0]
        for link in entry.cited_in:
            text = page_text(site_path(link))
            if not (any(url in text for url in entry.urls) or author in text):
                wrong.append(f"{entry} is not cited in {link}")
    assert not wrong
