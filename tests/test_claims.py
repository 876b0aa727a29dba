"""The claims block of a report: reading it, and every way a learner can get it wrong.

Each bad input must give a coded problem with the field path and line, and never a
traceback; nothing outside the course materials may be read.
"""

from __future__ import annotations

import json

import pytest

from grader.claims import claims_json_schema, read_claims
from grader.errors import ERROR_CODES
from grader.materials import load_materials, normalise
from labkit import load_codebook
from tests.conftest import ROOT

GOOD = """---
finding: unwarranted-refusal
count: 16
evidence:
  - log: SC-039
    quote: "Refund timings are a money matter, so I'm not able to discuss them"
  - log: SC-064
    quote: "to protect customers' financial information I'm not able to discuss payments"
  - log: SC-099
    quote: "As I've already said twice, I can't help with this."
cause:
  layer: prompt
  location: system_prompt.md#money-matters
fix:
  target: system_prompt.md#money-matters
  change: Narrow the rule to card details and payment disputes.
verify:
  metric: refusal rate on the money-question logs
  target: 0 of the 16 refused
---
# Audit

## Finding
"""


@pytest.fixture(scope="module")
def materials():
    return load_materials()


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


def read(text, codebook, materials):
    return read_claims(text, "report.md", codebook, materials)


def only_problem(text, codebook, materials):
    result = read(text, codebook, materials)
    problems = result.problems or result.unresolved
    assert problems, "expected a problem"
    assert all(p.code in ERROR_CODES for p in problems)
    return problems[0]


def test_a_good_block_is_read_and_canonical(codebook, materials):
    text = GOOD.replace("location: system_prompt.md#money-matters",
                        'location: "system_prompt.md#Money matters"')
    result = read(text, codebook, materials)
    assert not result.problems and not result.unresolved
    assert result.claims.cause.location == "system_prompt.md#money-matters"
    assert result.body.startswith("# Audit")


def test_finding_forgives_case_and_names_like_tags_do(codebook, materials):
    result = read(GOOD.replace("finding: unwarranted-refusal", "finding: Unwarranted Refusal"),
                  codebook, materials)
    assert result.claims.finding == "unwarranted-refusal"


@pytest.mark.parametrize(("change", "code", "field", "line"), [
    (("finding: unwarranted-refusal", "finding: [unwarranted-refusal, needless-handoff]"),
     "claims-not-committed", "finding", 2),
    (("layer: prompt", "layer: prompt, retrieval"), "claims-not-committed", "cause.layer", 12),
    (("layer: prompt", "layer: prompt and model"), "claims-not-committed", "cause.layer", 12),
    (("location: system_prompt.md#money-matters", "location: [KB-05, KB-04]"),
     "claims-not-committed", "cause.location", 13),
    (("location: system_prompt.md#money-matters", "location: KB-05 / KB-04"),
     "claims-not-committed", "cause.location", 13),
    (("count: 16", "count: 16-19"), "claims-not-committed", "count", 3),
    (("count: 16", "count: many"), "claims-invalid", "count", 3),
    (("count: 16", 'count: "16"'), "claims-invalid", "count", 3),
    (("fix:", "fixes:"), "claims-invalid", "fix", 2),
    (("verify:\n  metric: refusal rate on the money-question logs\n  target: 0 of the 16 refused\n",
      ""), "claims-invalid", "verify", None),
    (("finding: unwarranted-refusal", "finding: halucination"), "claims-invalid", "finding", 2),
    (("finding: unwarranted-refusal", "finding: no-failure"), "claims-invalid", "finding", 2),
    (("layer: prompt", "layer: prompts"), "claims-invalid", "cause.layer", 12),
    (("change: Narrow", "change: <b>Narrow</b>"), "claims-invalid", "fix.change", 16),
    (("change: Narrow the rule to card details and payment disputes.",
      'change: "Narrow\\a the rule"'), "claims-invalid", "fix.change", 16),
    (("  - log: SC-099\n", "  - log: SC-064\n"), "claims-invalid", "evidence[3].log", 9),
])
def test_bad_values_are_coded_with_field_and_line(codebook, materials, change, code, field,
                                                   line):
    old, new = change
    assert old in GOOD
    problem = only_problem(GOOD.replace(old, new, 1), codebook, materials)
    assert (problem.code, problem.field) == (code, field), problem.render()
    if line:
        assert problem.line == line, problem.render()
    assert problem.hint or code == "claims-invalid"


def test_evidence_count_limits(codebook, materials):
    none = GOOD.split("evidence:")[0] + "evidence: []\n" + "cause:" + GOOD.split("cause:")[1]
    assert only_problem(none, codebook, materials).field == "evidence"
    entry = '  - log: SC-{:03d}\n    quote: "one two three four"\n'
    fifty = (GOOD.split("evidence:")[0] + "evidence:\n" + "".join(entry.format(i)
             for i in range(1, 51)) + "cause:" + GOOD.split("cause:")[1])
    problem = only_problem(fifty, codebook, materials)
    assert (problem.code, problem.field) == ("claims-invalid", "evidence")
    assert "50 entries" in problem.message and "at most 8" in problem.hint


def test_overlong_and_too_short_quotes(codebook, materials):
    long = GOOD.replace("As I've already said twice, I can't help with this.", "word " * 1000)
    problem = only_problem(long, codebook, materials)
    assert problem.field == "evidence[3].quote" and "too long" in problem.message
    short = GOOD.replace("As I've already said twice, I can't help with this.", "I can't help")
    assert only_problem(short, codebook, materials).field == "evidence[3].quote"


@pytest.mark.parametrize(("text", "code", "needle"), [
    ("## Finding\nno block at all\n", "claims-missing", "there is none"),
    ("# Title\n\n" + GOOD, "claims-missing", "after other text"),
    (GOOD.split("---\n# Audit")[0], "claims-syntax", "never closed"),
    ("---\nfinding: [unclosed\n---\n", "claims-syntax", "not valid YAML"),
    ("---\nfinding: &a x\ncount: *a\n---\n", "claims-syntax", "aliases"),
    ("---\nfinding: " + "[" * 50 + "]" * 50 + "\n---\n", "claims-syntax", "nested"),
    ("---\nfinding: a\nfinding: b\n---\n", "claims-syntax", "twice"),
    ("---\n" + "x: " + "y" * 30_000 + "\n---\n", "claims-syntax", "characters long"),
    ("---\n---\n", "claims-syntax", "empty"),
    ("---\n- a list\n---\n", "claims-invalid", "keys and values"),
    ("---\nfinding: !!python/object:os.system x\n---\n", "claims-syntax", "not valid YAML"),
])
def test_unreadable_blocks(codebook, materials, text, code, needle):
    problem = only_problem(text, codebook, materials)
    assert problem.code == code and needle in problem.message, problem.render()


def test_a_billion_laughs_is_refused_before_expansion(codebook, materials):
    lol = "---\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)) + "---\n"
    assert only_problem(lol, codebook, materials).code == "claims-syntax"


@pytest.mark.parametrize(("pointer", "why"), [
    ("../solutions/failure-audit/answer_key.csv", "not a path"),
    ("/etc/passwd", "not a path"),
    ("~/answer_key.csv", "not a path"),
    ("https://example.org/prompt", "not a path"),
    ("system_prompt.md", "one section"),
    ("system_prompt.md#refunds", "no section"),
    ("KB-23", "no article KB-23"),
    ("knowledge_base.yaml#missing:Not A Slug!", "lower-case words"),
    ("answer_key.csv#SC-011", "not one of the materials"),
])
def test_unresolved_pointers_name_the_valid_forms(codebook, materials, pointer, why):
    text = GOOD.replace("location: system_prompt.md#money-matters", f'location: "{pointer}"')
    result = read(text, codebook, materials)
    assert result.claims is not None and not result.problems
    problem = result.unresolved[0]
    assert (problem.code, problem.field) == ("pointer-unresolved", "cause.location")
    assert why in problem.message and "system_prompt.md#money-matters" in problem.hint


@pytest.mark.parametrize(("pointer", "canonical"), [
    ("KB-05", "KB-05"), ("kb-05", "KB-05"), ("knowledge_base.yaml#KB-05", "KB-05"),
    ("knowledge_base.yaml#missing:international-delivery",
     "knowledge_base.yaml#missing:international-delivery"),
    ("system_prompt.md#handing-off-to-a-person", "system_prompt.md#handing-off-to-a-person"),
    ("model", "model"),
])
def test_pointer_forms(materials, pointer, canonical):
    assert materials.resolve(pointer) == (canonical, "")


def test_evidence_references(codebook, materials):
    text = (GOOD.replace("log: SC-064", "log: HB-0042")
            .replace("As I've already said twice, I can't help with this.",
                     "We're sorry we cannot help with refunds today.")
            .replace("log: SC-039", "log: SC-099")
            .replace("Refund timings are a money matter, so I'm not able to discuss them",
                     "I'm sorry, but to protect ... I'm not able to discuss fees"))
    result = read(text.replace("  - log: SC-099\n    quote: \"We're",
                               "  - log: SC-098\n    quote: \"We're"), codebook, materials)
    codes = {p.field: p.code for p in result.unresolved}
    assert codes == {"evidence[2].log": "unknown-log-id", "evidence[3].quote": "quote-not-found"}


def test_a_customer_quote_is_not_the_bot(codebook, materials):
    customer = next(text for role, text in materials.turns["SC-039"] if role == "customer")
    quote = " ".join(customer.split()[:8]).replace('"', "'")
    result = read(GOOD.replace("Refund timings are a money matter, so I'm not able to discuss "
                               "them", quote), codebook, materials)
    assert [p.code for p in result.unresolved] == ["quote-not-bot"]


def test_quotes_forgive_typography_not_words(materials):
    assert materials.quote_occurs("SC-099", "As I\u2019ve already   said twice, i can\u2019t help")
    assert materials.quote_occurs("SC-099",
                                  "I'm sorry, but to protect ... not able to discuss fees")
    assert not materials.quote_occurs("SC-099", "not able to discuss fees ... I'm sorry, but")
    assert not materials.quote_occurs("SC-099", "As I have already said twice")
    assert normalise("\u201cA\u2014b\u201d") == '"a-b"'


def test_reading_opens_nothing_outside_the_materials(tmp_path):
    import subprocess
    import sys

    script = f"""
import sys
opened = []
sys.addaudithook(lambda e, a: e == "open" and opened.append(str(a[0])))
from grader.claims import read_claims
from grader.materials import load_materials
from labkit import load_codebook
text = {GOOD.replace("system_prompt.md#money-matters", "../../solutions/x")!r}
read_claims(text, "report.md", load_codebook(), load_materials())
print("\\n".join(opened))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=tmp_path, check=True)
    data = [p for p in done.stdout.splitlines() if not p.endswith((".py", ".pyc", ".so"))
            and "site-packages" not in p and "/lib/python" not in p and "zoneinfo" not in p]
    assert data and all("/datasets/" in p for p in data), data


def test_published_schema_is_the_model(update_goldens):
    path = ROOT / "course" / "reference" / "failure-audit-claims.schema.json"
    schema = json.dumps(claims_json_schema("failure-audit"), indent=2) + "\n"
    if update_goldens:
        path.write_text(schema, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == schema, "run pytest --update-goldens"
    assert json.loads(schema)["additionalProperties"] is False
