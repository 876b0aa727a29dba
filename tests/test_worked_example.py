"""The worked root-cause example (course/projects/worked-root-cause-example.md) is a report
the grader would accept: its claims block is read with the grader's own reader against the
materials the page shows (its logs, system prompt and knowledge base), every quote is the
bot's words in a log on the page, the count is the page's own tags, and the prose keeps the
report's rules. The wrong turns the page describes give the problems it says they give."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from functools import cache

import pytest
import yaml

from grader.claim_scoring import FIGURE, prose_agreement
from grader.claims import ReadClaims, read_claims
from grader.errors import ERROR_CODES
from grader.materials import Materials, slug
from grader.report import REPORT_MAX_WORDS, parse_report
from labkit.codebook import DEFAULT_CODEBOOK, Codebook, load_codebook
from tests.conftest import ROOT

PAGE = ROOT / "course" / "projects" / "worked-root-cause-example.md"
FENCED = re.compile(r"^( *)```(\w*)[ \t]*\n(.*?)^\1```[ \t]*$", re.S | re.M)
LOG_HEADER = re.compile(r"^(BR-\d+)\s+(.+?)\s+retrieved:\s+(.+)$")
TURN = re.compile(r"^(customer|Cog):\s+(.*)$")
ROLES = {"customer": "customer", "Cog": "assistant"}  # the bot's turns, as the grader names them
MIN_SECTION_WORDS = 25  # grader.claim_scoring.ProseParams' default, the course rubric's value


def blocks(text: str) -> list[tuple[str, str]]:
    """(language, outdented body) of every fenced block of the page."""
    found = []
    for match in FENCED.finditer(text):
        indent = len(match.group(1))
        body = "\n".join(line[indent:] for line in match.group(3).splitlines())
        found.append((match.group(2), body))
    return found


def block(text: str, language: str, first_line: str) -> str:
    """The one fenced block in `language` whose first line starts with `first_line`."""
    matches = [body for lang, body in blocks(text)
               if lang == language and body.startswith(first_line)]
    assert len(matches) == 1, f"one {language} block starting {first_line!r}: {len(matches)}"
    return matches[0]


def parse_logs(body: str) -> dict[str, tuple[tuple[str, str], ...]]:
    """The page's logs: id -> ((role, text), ...), continuation lines joined to their turn."""
    logs: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for line in body.splitlines():
        if not line.strip():
            continue
        if header := LOG_HEADER.match(line):
            assert header.group(1) not in logs, f"{header.group(1)} shown twice"
            current = logs.setdefault(header.group(1), [])
        elif turn := TURN.match(line):
            assert current is not None, f"a turn before any log header: {line!r}"
            current.append([ROLES[turn.group(1)], turn.group(2).strip()])
        else:
            assert current and line.startswith(" "), f"not part of a log: {line!r}"
            current[-1][1] += " " + line.strip()
    return {log: tuple((role, text) for role, text in turns) for log, turns in logs.items()}


@cache
def page() -> dict:
    text = PAGE.read_text(encoding="utf-8")
    prompt = block(text, "markdown", "# Cog")
    articles = yaml.safe_load(block(text, "yaml", "articles:"))["articles"]
    tags = list(csv.DictReader(io.StringIO(block(text, "text", "log_id,label,"))))
    logs = parse_logs(block(text, "text", "BR-01"))
    materials = Materials(
        turns=logs,
        prompt_sections={slug(h): h for h in re.findall(r"^##\s+(.+?)\s*$", prompt, re.M)},
        articles={a["id"]: a["title"] for a in articles},
    )
    return {"text": text, "report": block(text, "markdown", "---\nfinding:"),
            "tags": tags, "logs": logs, "materials": materials}


@cache
def codebook() -> Codebook:
    return load_codebook(DEFAULT_CODEBOOK)


def read(report: str) -> ReadClaims:
    """The report read exactly as the grader reads a learner's `report.md`."""
    return read_claims(report, "report.md", codebook(), page()["materials"])


def test_the_page_shows_its_materials():
    data = page()
    assert 8 <= len(data["logs"]) <= 12
    for log, turns in data["logs"].items():
        assert [role for role, _ in turns] == ["customer", "assistant"], log
    assert 2 <= len(data["materials"].articles) <= 4
    assert data["materials"].prompt_sections, "the system prompt excerpt has ## sections"
    # every article a log says it retrieved is one the page shows
    retrieved = set(re.findall(r"KB-\d+", " ".join(
        m.group(3) for m in re.finditer(LOG_HEADER.pattern, data["text"], re.M))))
    assert retrieved <= set(data["materials"].articles)


def test_every_log_is_tagged_once_with_a_code_of_the_codebook():
    tags = page()["tags"]
    assert [t["log_id"] for t in tags] == list(page()["logs"])
    for tag in tags:
        assert tag["label"] in codebook().codes, tag
        for secondary in filter(None, tag["secondary_labels"].split(";")):
            assert secondary.strip() in codebook().codes, tag


def test_the_claims_block_is_valid_and_every_reference_resolves():
    result = read(page()["report"])
    assert result.problems == [] and result.unresolved == []
    assert result.claims is not None


def test_the_claims_agree_with_the_page():
    claims = read(page()["report"]).claims
    tags, logs = page()["tags"], page()["logs"]
    # the count is the number of logs the page tags with the finding
    counts = Counter(t["label"] for t in tags if t["label"] != codebook().no_failure_code)
    assert claims.count == counts[claims.finding]
    assert counts.most_common(1)[0][0] == claims.finding
    assert counts.most_common(2)[1][1] < counts[claims.finding], "the finding is not tied"
    labels = {t["log_id"]: t["label"] for t in tags}
    for item in claims.evidence:
        assert item.log in logs, f"{item.log} is not a log on the page"
        assert labels[item.log] == claims.finding, f"{item.log} is not tagged with the finding"
        bot = [text for role, text in logs[item.log] if role == "assistant"]
        assert any(item.quote in text for text in bot), f"{item.quote!r} not in {item.log}"
    assert claims.cause.layer in codebook().layer_ids
    assert FIGURE.search(claims.verify.target)


def test_the_prose_keeps_the_reports_rules():
    result = read(page()["report"])
    prose = parse_report(result.body)
    assert prose.missing_sections == []
    assert all(words >= MIN_SECTION_WORDS for words in prose.section_words.values()), \
        prose.section_words
    assert prose.words <= REPORT_MAX_WORDS
    assert prose.listed_sections == []
    share, problems = prose_agreement(codebook(), result.claims,
                                      prose.sections["finding"], prose.text)
    assert (share, problems) == (1.0, [])


def with_quote(report: str, log: str, quote: str) -> str:
    """The report with the quote of its evidence entry for `log` replaced."""
    entry = next(e for e in read(report).claims.evidence if e.log == log)
    old = f'  - log: {log}\n    quote: "{entry.quote}"'
    assert report.count(old) == 1
    return report.replace(old, f'  - log: {log}\n    quote: "{quote}"')


@pytest.mark.parametrize(("log", "quote", "code"), [
    ("BR-04", "Is the deposit still £50?", "quote-not-bot"),
    ("BR-01", "An e-bike is £25 per day", "quote-not-found"),
])
def test_the_wrong_evidence_gives_the_problem_the_page_names(log, quote, code):
    text = page()["text"]
    assert f'`quote: "{quote}"`' in text and f"`{code}`" in text
    result = read(with_quote(page()["report"], log, quote))
    assert result.claims is not None
    assert [p.code for p in result.unresolved] == [code]


def test_hedging_the_layer_makes_the_block_unusable():
    assert "`layer: retrieval, prompt`" in page()["text"]
    report = page()["report"]
    assert report.count("  layer: retrieval\n") == 1
    result = read(report.replace("  layer: retrieval\n", "  layer: retrieval, prompt\n"))
    assert result.claims is None
    assert [p.code for p in result.problems] == ["claims-not-committed"]


def test_the_model_wrong_turn_is_a_valid_block_with_another_cause():
    wrong = next(body for lang, body in blocks(page()["text"])
                 if lang == "yaml" and body.startswith("cause:"))
    report = page()["report"]
    start, end = report.index("cause:\n"), report.index("verify:\n")
    result = read(report[:start] + wrong.strip() + "\n" + report[end:])
    assert result.problems == [] and result.unresolved == []
    assert (result.claims.cause.layer, result.claims.fix.target) == ("model", "model")
    assert (result.claims.cause.layer, result.claims.cause.location) != (
        read(report).claims.cause.layer, read(report).claims.cause.location)


# What the page quotes from the codebook, which must still say it (white space folded).
CODEBOOK_QUOTES = [
    "If a current article says something different (including when the bot used an outdated "
    "or superseded article), tag kb-contradiction. If no article covers the point at all, tag "
    "fabricated-fact.",
    "The article with the later last_updated date is current",
    "the right knowledge-base article was missing, outdated or not found",
]


def test_what_the_page_quotes_from_the_codebook_is_in_it():
    def folded(text: str) -> str:
        return " ".join(text.split())

    source = folded(DEFAULT_CODEBOOK.read_text(encoding="utf-8"))
    text = folded(page()["text"])
    for quote in CODEBOOK_QUOTES:
        assert f'"{quote}' in text, f"the page no longer quotes: {quote}"
        assert quote in source, f"the codebook no longer says: {quote}"
    # every hyphenated id the page puts in backticks is a code or layer of the codebook, or
    # one of the grader's error codes: no misspelt or invented code
    named = set(re.findall(r"`([a-z]+(?:-[a-z]+)+)`", page()["text"]))
    known = set(codebook().codes) | set(codebook().layer_ids) | set(ERROR_CODES)
    assert named and named <= known, named - known
