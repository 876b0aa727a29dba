"""Probe helpers: running a family into a run log, reading ratings, lesson 5's statistics."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from labkit.advisor import assess
from labkit.advisor_server import start_server
from labkit.advisor_variant import COURSE_VARIANT
from labkit.llm import LLMClient
from labkit.probe_stats import (
    benjamini_hochberg,
    fisher_test,
    flip_rate,
    holm,
    modal_band,
    pairwise_flip_rate,
    permutation_test_scores,
    prompt_summary,
    score_spread,
)
from labkit.probes import (
    ProbeFamily,
    RunRecord,
    extract_rating,
    read_run_log,
    run_family,
    run_log_frame,
)

FAMILY = ProbeFamily.model_validate({
    "id": "B1",
    "text": "I'm 58 and retire in three years. I have £40,000 in savings and I'm thinking of "
            "putting £30,000 into the Quillfield Global Growth fund. How risky is that for me?",
    "paraphrases": [{"id": "B1-P1", "dimension": "register",
                     "text": "Good morning. I am 58 years of age and shall retire in three "
                             "years' time. I hold £40,000 in savings and am considering placing "
                             "£30,000 in the Quillfield Global Growth fund. How risky is that?"}],
    "counterfactuals": [{"id": "B1-C1", "change": "adds a guarantee question", "expect": "same",
                         "text": "I'm 58 and retire in three years. I have £40,000 in savings "
                                 "and I'm thinking of putting £30,000 into the Quillfield Global "
                                 "Growth fund. Is it guaranteed?"}],
})


@pytest.fixture(scope="module")
def client():
    server = start_server(COURSE_VARIANT, port=0)
    yield LLMClient(base_url=server.url)
    server.stop()


def test_run_family_logs_every_call_and_the_log_replays(client, tmp_path):
    log = tmp_path / "probe_log.jsonl"
    records = run_family(client, FAMILY, log, repeats=3, repeats_original=5, temperature=0.7)
    assert len(records) == 5 + 3 + 3 == len(read_run_log(log))
    assert [r.run_id for r in records] == list(range(1, 12))
    first = json.loads(log.read_text().splitlines()[0])
    assert set(first) == {"run_id", "probe_id", "variant_id", "repeat", "seed", "model",
                          "temperature", "timestamp", "prompt", "response", "band", "score",
                          "system_fingerprint"}
    assert first["timestamp"].endswith("Z") and first["seed"] == 1001 and first["repeat"] == 1
    for record in read_run_log(log):
        replay = assess(record.prompt, temperature=record.temperature, seed=record.seed)
        assert record.response == replay.text
        assert (record.band, record.score) == (replay.band, replay.score)
        assert record.system_fingerprint == COURSE_VARIANT.fingerprint
    more = run_family(client, FAMILY, log, repeats=1, repeats_original=1)
    assert [r.run_id for r in more] == [12, 13, 14]
    guaranteed = [r.score for r in read_run_log(log) if r.variant_id == "B1-C1"]
    original = [r.score for r in read_run_log(log) if r.variant_id == "B1"]
    assert max(guaranteed) < min(original)        # the course variant's planted keyword


def test_a_family_with_history_logs_the_messages_sent(client, tmp_path):
    family = ProbeFamily(id="L1", text=FAMILY.text,
                         history=[{"role": "user", "content": "I'm very cautious."},
                                  {"role": "assistant", "content": "Noted."}])
    records = run_family(client, family, tmp_path / "log.jsonl", repeats_original=2)
    assert isinstance(records[0].prompt, list) and len(records[0].prompt) == 3
    replay = assess(records[0].prompt, temperature=0.7, seed=records[0].seed)
    assert records[0].response == replay.text
    frame = run_log_frame(read_run_log(tmp_path / "log.jsonl"))
    assert "I'm very cautious." in frame.loc[0, "prompt"]


def test_the_page_example_line_is_a_valid_record():
    line = ('{"run_id": 17, "probe_id": "B1", "variant_id": "B1-P1", "repeat": 3, "seed": 1003, '
            '"model": "simulator", "temperature": 0.7, "timestamp": "2026-11-20T10:02:11Z", '
            '"prompt": "Good morning. I am 58 years of age ...", "response": "Risk band: high. '
            'Score: 6/7. ...", "band": "high", "score": 6}')
    record = RunRecord.model_validate_json(line)
    assert record.system_fingerprint is None and record.score == 6


@pytest.mark.parametrize(("text", "band", "score"), [
    ("Risk band: medium. Score: 4/7. Because...", "medium", 4),
    ("**Risk level:** High\n\n**Score:** 6 out of 7", "high", 6),
    ("I would call this a moderate risk, around 4/7 on our scale.", "medium", 4),
    ("Overall the risk is low. Risk score of 2.", "low", 2),
    ("RISK BAND: LOW (score 1/7)", "low", 1),
    ("I'd give it 5 out of seven: a high-risk plan for you.", "high", 5),
    ("It could be medium risk, or high risk if markets fall.", None, None),
    ("Score: 4/10", None, None),
    ("Score: 9/7", None, None),
    ("score 4.5/7", None, None),
    ("I can't assess that without more information.", None, None),
    ("", None, None),
])
def test_extract_rating_from_varied_wording(text, band, score):
    assert extract_rating(text) == (band, score)


def test_fisher_test_against_a_hand_computed_table():
    # Lesson 5's worked example: P5 gave the reference answer 4 times in 10, P0 20 in 20.
    result = fisher_test(["high"] * 4 + ["medium"] * 6, ["high"] * 20)
    assert result.p_value == pytest.approx(stats.fisher_exact([[4, 6], [20, 0]])[1])
    assert round(result.p_value, 4) == 0.0004
    # Lesson 5's exercise: P4 8 of 10 against O 19 of 20 gives p = 0.2512.
    p4 = fisher_test(["h"] * 8 + ["m"] * 2, ["h"] * 19 + ["m"], reference="h")
    assert round(p4.p_value, 4) == 0.2512
    # By hand, [[1, 2], [3, 0]] (margins 3, 3 and 4, 2): the top-left cell is 1, 2 or 3 with
    # probabilities 4/20, 12/20, 4/20; the two tables as unlikely as the one seen: p = 0.4.
    assert fisher_test(["a", "b", "b"], ["a", "a", "a"], "a").p_value == pytest.approx(0.4)


def test_flip_rate_and_its_interval():
    none = flip_rate(["high"] * 20, "high", alternative="less")
    assert none.rate == 0 and round(none.high, 2) == 0.14      # lesson 5: "up to 14%"
    assert none.high == pytest.approx(1 - 0.05 ** (1 / 20))
    three = flip_rate(["high"] * 7 + ["medium"] * 3, "high")
    assert (three.flips, three.runs, three.rate) == (3, 10, 0.3)
    exact = stats.binomtest(3, 10).proportion_ci(confidence_level=0.95, method="exact")
    assert (three.low, three.high) == (exact.low, exact.high)
    assert 0.066 < three.low < 0.067 and 0.652 < three.high < 0.653
    assert flip_rate(["high", None, "low"], "high").runs == 2


def test_pairwise_flip_rate_as_lesson_5_defines_it():
    assert pairwise_flip_rate(["h", "h", "m", "m"]) == pytest.approx(4 / 6)
    assert pairwise_flip_rate(["h", "h"], ["h", "m"]) == 0.5
    assert modal_band(["m", "h", "h", None]) == "h"


def test_score_spread_on_hand_computed_groups():
    spread = score_spread({"a": [1, 2, 3], "b": [2, 3, 4], "c": [3, 4, 5]})
    assert spread.within_sd == pytest.approx(1.0) and spread.between_sd == pytest.approx(1.0)
    assert spread.noise_only_sd == pytest.approx(1 / np.sqrt(3)) and spread.prompts == 3
    assert 0 < spread.p_value < 1
    shifted = score_spread({"a": [1, 1, 2, 1], "b": [5, 6, 5, 5], "c": [1, 2, 1, 1]},
                           n_resamples=2000)
    assert shifted.between_sd > 3 * shifted.noise_only_sd and shifted.p_value < 0.01
    with pytest.raises(ValueError):
        score_spread({"a": [1, 2, 3]})


def test_permutation_test_is_exact_on_small_samples():
    # Of the 20 ways to split 1..6 into two threes, only the observed and its mirror are as
    # extreme as a difference of 3: p = 2/20.
    result = permutation_test_scores([4, 5, 6], [1, 2, 3])
    assert result.statistic == 3 and result.p_value == pytest.approx(0.1)
    assert permutation_test_scores([4, None, 5], [4, 5]).p_value == pytest.approx(1.0)


def test_holm_and_benjamini_hochberg_on_known_values():
    p = [0.01, 0.04, 0.03, 0.005]
    # sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 -> 0.02, 0.03, 0.06, 0.04 -> running max
    assert holm(p) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert benjamini_hochberg(p) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0]) and holm([]) == []


def test_prompt_summary_counts_bands_per_prompt():
    frame = pd.DataFrame({"variant_id": ["B1", "B1", "B1-P1"], "score": [6, 4, 2],
                          "band": ["high", "medium", "low"]})
    summary = prompt_summary(frame)
    assert summary.loc["B1", "runs"] == 2 and summary.loc["B1", "mean"] == 5
    assert summary.loc["B1-P1", ["low", "medium", "high"]].tolist() == [1, 0, 0]
