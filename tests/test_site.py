"""The course site: a strict build, pages generated from data, and code blocks that run."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys

import pytest

from grader.errors import ERROR_CODES
from tests.conftest import ROOT

COURSE = ROOT / "course"


def test_taxonomy_page_is_generated_from_the_codebook(site, exercise):
    page = (site / "reference" / "taxonomy" / "index.html").read_text(encoding="utf-8")
    for code in exercise.codebook.codes.values():
        assert f'id="{code.id}"' in page
        assert code.definition.split()[0] in page
    assert not (COURSE / "reference" / "taxonomy.md").exists(), "the page is generated"


def test_errors_page_documents_exactly_the_error_codes(site):
    headings = re.findall(r"^## (\S+)$", (COURSE / "reference" / "errors.md").read_text(),
                          re.MULTILINE)
    assert sorted(headings) == sorted(ERROR_CODES)
    page = (site / "reference" / "errors" / "index.html").read_text(encoding="utf-8")
    for code in ERROR_CODES:
        assert f'id="{code}"' in page


def test_site_loads_nothing_from_other_hosts(site):
    external = re.compile(r'<(?:script|img)[^>]+src="(https?:)?//|'
                          r'<link[^>]+rel="(?:stylesheet|preload|preconnect|icon|modulepreload)"'
                          r'[^>]+href="(https?:)?//', re.I)
    offenders = [p.relative_to(site) for p in site.rglob("*.html")
                 if external.search(p.read_text())]
    assert not offenders
    assert "fonts.googleapis" not in "".join(p.read_text() for p in site.rglob("*.html"))


def python_blocks() -> list[tuple[str, str]]:
    blocks = []
    for page in sorted(COURSE.rglob("*.md")):
        for match in re.finditer(r"^( *)```python\n(.*?)^\1```", page.read_text(), re.S | re.M):
            indent = len(match.group(1))
            code = "\n".join(line[indent:] for line in match.group(2).splitlines())
            blocks.append((f"{page.relative_to(COURSE)}:{match.start()}", code))
    return blocks


@pytest.fixture(scope="module")
def advisor_url():
    """The course's model under test, served on loopback as a learner starts it, for the
    examples that talk to it."""
    from labkit.advisor_server import start_server

    server = start_server(port=0)
    yield server.url
    server.stop()


@pytest.mark.parametrize(("where", "code"), python_blocks(), ids=lambda v: str(v)[:40])
def test_every_python_block_runs(where, code, tmp_path, advisor_url):
    env = {**os.environ, "LABKIT_LLM_BASE_URL": advisor_url}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 0, f"{where}:\n{done.stderr}"


FENCE = re.compile(r"^( *)```(\w*)[ \t]*$")

def fenced_blocks(text: str) -> list[tuple[int, int, str, str, str]]:
    """(first line, last line, indent, language, body) of every fenced block, outdented."""
    lines, blocks, opened = text.splitlines(), [], None
    for number, line in enumerate(lines):
        fence = FENCE.match(line)
        if fence is None:
            continue
        if opened is None:
            opened = (number, fence.group(1), fence.group(2))
        elif fence.group(1) == opened[1] and not fence.group(2):
            start, indent, language = opened
            body = "\n".join(row[len(indent):] for row in lines[start + 1:number])
            blocks.append((start, number, indent, language, body))
            opened = None
    return blocks


def blocks_with_output():
    """Every python block followed by a text block with nothing but blank lines between:
    the text block is the output the page claims for the code."""
    pairs = []
    for page in sorted(COURSE.rglob("*.md")):
        name, text = page.relative_to(COURSE).as_posix(), page.read_text()
        lines = text.splitlines()
        for code, shown in itertools.pairwise(fenced_blocks(text)):
            if (code[3], shown[3]) != ("python", "text") or code[2] != shown[2] or any(
                    row.strip() for row in lines[code[1] + 1:shown[0]]):
                continue
            pairs.append(pytest.param(code[4], shown[4], id=f"{name}:{code[0] + 1}"))
    return pairs


def printed_lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.rstrip().splitlines()]


def test_output_blocks_are_found():
    found = {param.id.split(":")[0] for param in blocks_with_output()}
    assert {"lessons/05-stress-testing.md", "lessons/06-root-cause-analysis.md"} <= found
    # the comparison sees a changed number
    assert printed_lines("p = 0.45  \n") != printed_lines("p = 0.46\n")


@pytest.mark.parametrize(("code", "shown"), blocks_with_output())
def test_python_block_prints_its_output(code, shown, tmp_path, advisor_url):
    env = {**os.environ, "LABKIT_LLM_BASE_URL": advisor_url}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert printed_lines(done.stdout) == printed_lines(shown)


def test_project_notebook_is_downloadable_and_solution_free(site):
    import nbformat

    notebook = nbformat.read(site / "projects" / "failure-audit.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in notebook.cells)
    assert "raise NotImplementedError()" in text
    assert "BEGIN SOLUTION" not in text and "answer_key" not in text
    # Learners download the pack, which holds this notebook with everything it needs.
    assert 'href="../failure-audit-learner-pack.zip"' in (
        site / "projects" / "failure-audit" / "index.html").read_text(encoding="utf-8")
    readable = (site / "projects" / "failure-audit-notebook" / "index.html").read_text(
        encoding="utf-8")
    assert "show_log" in readable and "NotImplementedError" in readable
    assert "BEGIN SOLUTION" not in readable and "answer_key" not in readable
