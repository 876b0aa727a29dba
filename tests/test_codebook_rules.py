"""The codebook's decision rules: mirrored pairs, examples, the questions of issue 13 answered,
the changelog, the answer-key change log, and `taxonomy validate` finding unmirrored pairs."""

from __future__ import annotations

import copy

import pytest
import yaml

from grader.taxonomy_page import render_taxonomy_page
from labkit.codebook import Codebook, load_codebook, mirror_problems
from tests.conftest import ROOT

CODEBOOK = ROOT / "datasets" / "taxonomy" / "codebook.yaml"
KEY_CHANGES = ROOT / "solutions" / "failure-audit" / "answer-key-changes.md"

# The questions an independent annotator had to guess at (issue 13, item 1), each with the
# pairs of codes, or the general decision rules, that must answer it.
QUESTIONS: dict[str, list[tuple[str, str] | str]] = {
    "over-broad instruction or out of remit, refusals and hand-offs": [
        ("unwarranted-refusal", "no-failure"), ("needless-handoff", "no-failure")],
    "refusal or hand-off": [("unwarranted-refusal", "needless-handoff")],
    "open correction or self-contradiction": [("self-contradiction", "no-failure")],
    "facts from a tool whose output is not in the log": [("fabricated-fact", "no-failure")],
    "an article that covers only the UK": ["article-scope", ("fabricated-fact",
                                                             "kb-contradiction")],
    "two independent failures: which is primary": ["primary-label"],
    "a missed hand-off the system prompt requires": [("instruction-violation",
                                                      "needless-handoff")],
    "revealing the system prompt": [("privacy-leak", "instruction-violation")],
    "emoji under a plain-text rule": [("format-violation", "tone-mismatch"),
                                      ("instruction-violation", "tone-mismatch")],
    "which article is current when two disagree": ["current-article"],
}

# Words each answer must contain, so that a rule that exists but says nothing on the point fails.
MUST_SAY: dict[tuple[str, str] | str, list[str]] = {
    ("unwarranted-refusal", "no-failure"): ["over-broad", "remit", "KB article answer"],
    ("needless-handoff", "no-failure"): ["over-broad", "trigger"],
    ("unwarranted-refusal", "needless-handoff"): ["declines", "email", "transfers"],
    ("self-contradiction", "no-failure"): ["sorry for the confusion", "openly corrects"],
    ("fabricated-fact", "no-failure"): ["order-lookup tool", "not in the log"],
    ("fabricated-fact", "kb-contradiction"): ["scope"],
    "article-scope": ["Jersey", "Republic of Ireland", "Canada", "Northern Ireland",
                      "invented-policy"],
    "primary-label": ["independent", "earlier bot turn"],
    ("instruction-violation", "needless-handoff"): ["missed hand-off"],
    ("privacy-leak", "instruction-violation"): ["instructions", "not privacy-leak"],
    ("format-violation", "tone-mismatch"): ["emoji", "plain text only"],
    ("instruction-violation", "tone-mismatch"): ["emoji"],
    "current-article": ["last_updated"],
}


@pytest.fixture(scope="module")
def book() -> Codebook:
    return load_codebook(CODEBOOK)


def rules_by_pair(book: Codebook) -> dict[tuple[str, str], tuple[str, str | None]]:
    """Each `(code, neighbour)` entry's rule and example."""
    return {(code.id, n.code): (n.rule, n.example)
            for code in book.codes.values() for n in code.not_when}


def test_every_pair_is_written_the_same_under_both_codes(book):
    pairs = rules_by_pair(book)
    for (a, b), (rule, example) in pairs.items():
        assert (b, a) in pairs, f"{a} has a rule for {b}, but {b} has none for {a}"
        assert pairs[(b, a)] == (rule, example), f"the rule for {a} / {b} is not mirrored"
    assert mirror_problems(book) == []


@pytest.mark.parametrize("question", QUESTIONS)
def test_each_question_of_issue_13_is_answered_with_an_example(book, question):
    decisions = {d.id: d for d in book.decision_rules}
    for answer in QUESTIONS[question]:
        if isinstance(answer, str):
            assert answer in decisions, f"no decision rule '{answer}'"
            text, example = decisions[answer].rule, decisions[answer].example
        else:
            text = book.neighbour_rule(*answer) or ""
            neighbour = next(n for n in book.codes[answer[0]].not_when if n.code == answer[1])
            example = neighbour.example
        assert text, f"no rule for {answer}"
        assert example, f"the rule for {answer} has no example"
        for words in MUST_SAY[answer]:
            assert words.lower() in text.lower(), f"the rule for {answer} does not say {words!r}"


def test_decision_rules_name_only_codes_of_the_codebook(book):
    for decision in book.decision_rules:
        assert set(decision.codes) <= set(book.codes), decision.id


def test_the_changelog_names_the_current_version_first(book):
    assert book.version == "1.1.0"
    assert book.changelog and book.changelog[0].version == book.version
    assert book.changelog[0].date.isoformat() == "2026-12-02"


def test_the_answer_key_change_log_exists_and_names_the_version(book):
    text = KEY_CHANGES.read_text(encoding="utf-8")
    assert f"Codebook version {book.version}" in text
    for answer in QUESTIONS.values():
        for rule in answer:
            if isinstance(rule, str):
                assert f"`{rule}`" in text, f"the change log does not re-check {rule}"


def test_the_taxonomy_page_shows_examples_decision_rules_and_changelog(book):
    page = render_taxonomy_page(CODEBOOK)
    for decision in book.decision_rules:
        assert f"{{ #rule-{decision.id} }}" in page
        assert decision.example in page
    examples = [n.example for code in book.codes.values() for n in code.not_when if n.example]
    assert examples and all(f"*Example:* {example}" in page for example in examples)
    assert "## Changelog" in page and f"### Version {book.version} (" in page
    assert page.index("## Decision rules across codes") < page.index("## Root-cause layers")
    assert page.index("## Changelog") < page.index("## References")


def test_a_codebook_without_the_new_sections_still_loads_and_renders():
    workshop = ROOT / "solutions" / "workshop-example" / "codebook.yaml"
    book = load_codebook(workshop)
    assert not book.decision_rules and not book.changelog
    page = render_taxonomy_page(workshop)
    assert "## Changelog" not in page and "## Decision rules across codes" not in page


def _copy(tmp_path, mutate) -> str:
    data = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "team.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return str(path)


def _neighbour(data: dict, code_id: str, other: str) -> dict:
    code = next(c for f in data["families"] for c in f["codes"] if c["id"] == code_id)
    return next(n for n in code["not_when"] if n["code"] == other)


def test_validate_reports_a_pair_whose_rules_differ(grader_cli, tmp_path):
    def mutate(data):
        _neighbour(data, "format-violation", "tone-mismatch")["rule"] += " Or not."

    run = grader_cli("taxonomy", "validate", _copy(tmp_path, mutate))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "[codebook-invalid]" in run.stderr
    assert "'format-violation' / 'tone-mismatch' differs" in run.stderr
    assert "word for word under both codes" in run.stderr


def test_validate_reports_a_pair_written_under_one_code_only(grader_cli, tmp_path):
    def mutate(data):
        code = next(c for f in data["families"] for c in f["codes"] if c["id"] == "tone-mismatch")
        code["not_when"] = [n for n in code["not_when"] if n["code"] != "format-violation"]

    run = grader_cli("taxonomy", "validate", _copy(tmp_path, mutate))
    assert run.returncode == 2
    assert "'tone-mismatch' has no rule for 'format-violation'" in run.stderr


def test_validate_reports_an_example_that_differs_and_a_changelog_without_the_version(
        grader_cli, tmp_path):
    def mutate(data):
        _neighbour(data, "tone-mismatch", "format-violation")["example"] = "Another example."
        data["version"] = "1.2.0"

    run = grader_cli("taxonomy", "validate", _copy(tmp_path, mutate))
    assert run.returncode == 2
    assert "example for the pair 'format-violation' / 'tone-mismatch' differs" in run.stderr
    assert "no entry for version 1.2.0" in run.stderr


def test_breaking_the_mirror_fails_the_mirror_test(book):
    """The mirror test above would fail on a codebook with one side of a pair changed."""
    data = copy.deepcopy(book.model_dump())
    for family in data["families"]:
        for code in family["codes"]:
            if code["id"] == "needless-handoff":
                for neighbour in code["not_when"]:
                    if neighbour["code"] == "instruction-violation":
                        neighbour["rule"] = "A different rule."
    broken = Codebook.model_validate(data)
    with pytest.raises(AssertionError, match="not mirrored"):
        test_every_pair_is_written_the_same_under_both_codes(broken)
    assert [where for where, _ in mirror_problems(broken)]
