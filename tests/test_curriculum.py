"""The curriculum keeps its shape: every lesson follows the one template, sits in the nav in
order, and has the length of real teaching; no placeholder text anywhere on the site."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import ROOT

COURSE = ROOT / "course"
LESSONS = sorted((COURSE / "lessons").glob("*.md"))
TEMPLATE = ["Objectives", "Worked example", "Exercise", "Key points", "Further reading"]


def nav_pages() -> list[str]:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"!!python/name:\S+", "null", text)  # the YAML tag mkdocs resolves
    pages: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str):
            pages.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    walk(yaml.safe_load(text)["nav"])
    return pages


def prose_words(markdown: str) -> int:
    without_code = re.sub(r"^([ \t]*)```.*?^\1```", "", markdown, flags=re.S | re.M)
    return len(re.findall(r"[A-Za-z][A-Za-z'-]*", without_code))


def test_ten_lessons_in_nav_order():
    names = [p.name for p in LESSONS]
    assert len(names) == 10 and all(n.startswith(f"{i:02d}-") for i, n in
                                    enumerate(names, start=1))
    lessons_in_nav = [p for p in nav_pages() if p.startswith("lessons/")]
    assert lessons_in_nav == [f"lessons/{n}" for n in names]


def test_every_page_is_in_the_nav():
    generated = {"reference/taxonomy.md", "projects/failure-audit-notebook.md",
                 "projects/red-team-probe-notebook.md"}
    pages = {p.relative_to(COURSE).as_posix() for p in COURSE.rglob("*.md")} | generated
    assert pages == set(nav_pages())


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_follows_the_template(lesson):
    text = lesson.read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, re.M)
    template = [h for h in headings if h in TEMPLATE]
    assert template == TEMPLATE, f"template sections in order: {template}"
    assert headings[0] == "Objectives" and headings[-1] == "Further reading"
    assert headings.index("Worked example") > 1, "content sections before the worked example"
    exercise = text.split("## Exercise", 1)[1].split("## Key points", 1)[0]
    assert '??? success "Solution"' in exercise, "a collapsible solution"
    reading = text.split("## Further reading", 1)[1]
    assert len(re.findall(r"\]\(https://|<https://", reading)) >= 2, "two linked citations"
    # 3,300: lessons 5 and 6 carry a second worked example, against the simulated assistant
    assert 1200 <= prose_words(text) <= 3300, prose_words(text)


def test_no_placeholder_text_anywhere():
    pattern = re.compile(r"\b(lorem ipsum|TODO|TBD|coming soon|placeholder)\b", re.I)
    offenders = [p.relative_to(COURSE).as_posix() for p in COURSE.rglob("*.md")
                 if pattern.search(p.read_text(encoding="utf-8"))]
    assert not offenders


def test_every_linked_work_is_on_the_references_page():
    link = re.compile(r"\]\((https?://(?:[^()\s]|\([^()\s]*\))+)\)|<(https?://[^>\s]+)>")
    references = (COURSE / "reference" / "references.md").read_text(encoding="utf-8")
    listed = {a or b for a, b in link.findall(references)}
    missing = {}
    for page in COURSE.rglob("*.md"):
        for a, b in link.findall(page.read_text(encoding="utf-8")):
            if (a or b) not in listed:
                missing.setdefault(a or b, page.relative_to(COURSE).as_posix())
    assert not missing
