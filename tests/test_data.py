"""The support-chat dataset and its answer key agree with each other, the codebook and the
datasheet."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from labkit import load_chat_logs, load_knowledge_base
from tests.conftest import ROOT

FACTUAL = "factual"


@pytest.fixture(scope="module")
def logs():
    return load_chat_logs()


@pytest.fixture(scope="module")
def articles():
    return {article.id: article for article in load_knowledge_base()}


def test_log_ids_are_unique_and_match_the_key(logs, exercise):
    ids = [log.log_id for log in logs]
    assert len(ids) == len(set(ids)) == 100
    assert ids == [f"SC-{n:03d}" for n in range(1, 101)]
    assert list(exercise.key.entries) == ids


def test_conversations_are_well_formed(logs, articles):
    for log in logs:
        assert log.turns[0].role == "customer", log.log_id
        assert any(turn.role == "bot" for turn in log.turns), log.log_id
        assert set(log.retrieved_articles) <= set(articles), log.log_id


def test_every_key_code_is_in_the_codebook(exercise):
    used = {c for e in exercise.key.entries.values() for c in (*e.correct_labels, *e.secondary)}
    assert used <= set(exercise.codebook.codes)
    for entry in exercise.key.entries.values():
        assert entry.label not in entry.accepted and entry.label not in entry.secondary


def test_every_factual_error_names_an_existing_article(exercise, articles):
    family_of = exercise.codebook.family_of
    factual = [e for e in exercise.key.entries.values() if family_of[e.label] == FACTUAL]
    assert factual
    for entry in factual:
        assert entry.kb_article in articles, f"{entry.log_id}: '{entry.kb_article}'"
        assert entry.kb_article in entry.rationale, entry.log_id


def datasheet_distribution() -> dict[str, int]:
    text = (ROOT / "solutions" / "failure-audit" / "datasheet-answers.md").read_text(
        encoding="utf-8")
    section = text.split("## Label distribution", 1)[1].split("\n## ", 1)[0]
    return {code: int(n) for code, n in re.findall(r"^\| `([a-z-]+)` \| (\d+) \|", section,
                                                    re.MULTILINE)}


def test_label_distribution_matches_the_datasheet(exercise):
    counts = Counter(entry.label for entry in exercise.key.entries.values())
    assert datasheet_distribution() == dict(counts)


def test_shape_the_exercise_needs(exercise):
    entries = list(exercise.key.entries.values())
    counts = Counter(entry.label for entry in entries).most_common()
    assert 30 <= dict(counts)["no-failure"] <= 37, "about a third have no failure"
    assert 8 <= sum(bool(entry.accepted) for entry in entries) <= 12, "about a tenth ambiguous"
    top_failure, second = [pair for pair in counts if pair[0] != "no-failure"][:2]
    assert top_failure[1] > second[1], "one failure is clearly the most frequent"


def test_planted_causes_are_documented(exercise, logs):
    causes = yaml.safe_load((ROOT / "solutions" / "failure-audit" / "planted_causes.yaml")
                            .read_text(encoding="utf-8"))
    causes = causes["causes"] if isinstance(causes, dict) else causes
    assert len(causes) >= 2
    for cause in causes:
        assert set(cause["failure_codes"]) <= set(exercise.codebook.codes)
        assert cause.get("locations") or cause.get("gap_topics"), cause["id"]
        for log_id in cause.get("logs", []):
            assert exercise.key.entries[log_id].label in cause["failure_codes"], log_id
