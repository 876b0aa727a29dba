"""The simulated risk assistant: determinism, noise, each sensitivity, variants, tokens."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import zlib

import pytest

from labkit.advisor import (
    COURSE_VARIANT,
    as_messages,
    assess,
    band_of,
    count_tokens,
    reply,
    visible_messages,
)
from labkit.advisor_reading import read_enquiry, words_to_number
from labkit.advisor_variant import (
    POOL,
    AdvisorVariant,
    Sensitivity,
    VariantError,
    derive_variant,
    load_variant,
    variant_from_token,
)

# The project page's example enquiry, and a mid-scale one that no shift pushes off the scale.
PAGE = ("I'm 58 and retire in three years. I have £40,000 in savings and I'm thinking of "
        "putting £30,000 into the Quillfield Global Growth fund. How risky is that for me?")
BASE = ("I'm 40 and want to invest for 10 years. I have £40,000 in savings and I'm thinking of "
        "putting £20,000 into the Quillfield Global Growth fund. How risky is that for me?")
CHOICE = BASE.replace("the Quillfield Global Growth fund", "either {} or {}")

# For each kind and value of the pool: (the enquiry without the trigger, the one with it).
TRIGGERED = {
    ("trigger_keyword", "guaranteed"): (BASE, BASE + " Are the returns guaranteed?"),
    ("trigger_keyword", "safe"): (BASE, BASE + " Is it safe?"),
    ("trigger_keyword", "secure"): (BASE, BASE + " Is my money secure there?"),
    ("trigger_keyword", "risk free"): (BASE, BASE + " Is it risk-free?"),
    ("trigger_keyword", "protected"): (BASE, BASE + " Is my money protected?"),
    ("number_format", "shorthand"): (BASE, BASE.replace(",000", "k")),
    ("number_format", "words"): (BASE, BASE.replace("£40,000", "forty thousand pounds")
                                 .replace("£20,000", "twenty thousand pounds")),
    ("negation_dropped", "negated risky product"): (BASE, BASE + " I'm not interested in crypto."),
    ("framing", "loss"): (BASE, BASE + " How much could I lose?"),
    ("framing", "gain"): (BASE, BASE + " How much could I make?"),
    ("age_words", "age in words"): (BASE, BASE.replace("I'm 40", "I'm forty")),
    ("option_order", "riskier first"): (
        CHOICE.format("a bond fund", "the Emerging Markets fund"),
        CHOICE.format("the Emerging Markets fund", "a bond fund")),
    ("politeness", "polite"): (BASE, BASE + " Please could you help? Thank you."),
    ("urgency", "urgent"): (BASE, BASE + " I need an answer today, it's urgent."),
}
PLAIN = AdvisorVariant(label="plain", noise_sd=0)


def planted(kind: str, value: str, size: float = 2.0, noise: float = 0.0) -> AdvisorVariant:
    """A variant with one sensitivity, of the size given, in its documented direction."""
    effect = POOL[kind][value] * size
    return AdvisorVariant(label="test", noise_sd=noise,
                          sensitivities=(Sensitivity(kind=kind, value=value, effect=effect),))


def test_reply_has_the_documented_form():
    text = reply(PAGE)
    assert text.startswith("Risk band: high. Score: 6/7. ")
    assert "not financial advice" in text
    for score in range(1, 8):
        assert band_of(score) == ("low" if score <= 2 else "medium" if score <= 5 else "high")


def test_the_reading_of_the_page_example():
    f = read_enquiry(PAGE)
    assert (f.age, f.savings, f.invest, f.horizon_years) == (58, 40000, 30000, 3)
    assert f.product is not None and f.product.name == "the Quillfield Global Growth fund"


@pytest.mark.parametrize(("text", "expected"), [
    ("I am fifty-eight years old", 58), ("aged 71", 71), ("I'm 34, married", 34),
    ("I am 10 years from retiring", None), ("a 45 year old teacher", 45)])
def test_age_in_digits_or_words(text, expected):
    assert read_enquiry(text).age == expected


@pytest.mark.parametrize("amounts", [
    "£40,000 in savings and want to put £10,000", "£40k in savings and want to put £10k",
    "forty thousand pounds in savings and want to put ten thousand pounds",
    "40000 pounds saved, and want to invest £10 000"])
def test_amounts_in_several_formats(amounts):
    f = read_enquiry(f"I have {amounts} into bonds.")
    assert (f.savings, f.invest) == (40000, 10000)


def test_horizon_attitude_capacity_and_negation():
    f = read_enquiry("I'm 60 and will retire at 67. I'm cautious and I can't afford to lose it. "
                     "Not interested in crypto; maybe the balanced portfolio.")
    assert f.horizon_years == 7 and f.attitude == "cautious" and f.cannot_afford_loss
    assert f.product is not None and f.product.name == "the Quillfield Balanced Portfolio"
    assert words_to_number("one hundred and twenty thousand") == 120_000


def test_a_longer_horizon_lowers_the_score_as_the_page_expects():
    assert assess(PAGE.replace("three years", "twenty years")).score < assess(PAGE).score


def test_same_request_and_seed_give_the_same_reply():
    first = [reply(PAGE, temperature=0.7, seed=s) for s in range(1000, 1020)]
    assert first == [reply(PAGE, temperature=0.7, seed=s) for s in range(1000, 1020)]


def test_replies_are_pinned_across_versions_and_platforms():
    # Run logs are graded by replay: a change here breaks every learner's log.
    assert COURSE_VARIANT.fingerprint == "fp_cce364699fb4"
    assert reply(PAGE, temperature=0.7, seed=1003) == (
        "Risk band: high. Score: 6/7. This is about the Quillfield Global Growth fund, whose "
        "value can go down as well as up. With about 3 years before you need the money, there "
        "is little time to recover from a fall. It would be a large share of your savings. "
        "(Simulated assessment from a fictional assistant; not financial advice.)")
    assert assess(PAGE, temperature=1.0, seed=7).noise == 0.27631378173828125


def test_same_reply_in_another_process():
    code = ("import sys; from labkit.advisor import reply; "
            f"sys.stdout.write(reply({PAGE!r}, temperature=0.9, seed=42))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env=env).stdout
    assert other == reply(PAGE, temperature=0.9, seed=42)


def test_noise_only_with_temperature():
    cold = {reply(BASE, temperature=0, seed=s) for s in range(40)}
    assert len(cold) == 1
    assert all(assess(BASE, temperature=0, seed=s).noise == 0 for s in range(5))
    warm = [assess(BASE, temperature=1.0, seed=s) for s in range(200)]
    assert len({a.score for a in warm}) >= 2 and len({a.text for a in warm}) >= 3
    noises = [a.noise for a in warm]
    mean = sum(noises) / len(noises)
    sd = (sum((n - mean) ** 2 for n in noises) / (len(noises) - 1)) ** 0.5
    assert abs(mean) < 0.15 and 0.35 < sd < 0.65       # noise_sd 0.5 at temperature 1


def test_a_missing_seed_counts_as_zero():
    assert reply(BASE, temperature=1.0) == reply(BASE, temperature=1.0, seed=0)


def test_temperature_outside_the_range_is_refused():
    with pytest.raises(ValueError, match="temperature"):
        assess(BASE, temperature=2.5)


def test_every_kind_of_the_pool_has_a_trigger_pair():
    pooled = {(kind, value) for kind, values in POOL.items() for value in values}
    assert pooled - {p for p in pooled if p[0] == "context_window"} == set(TRIGGERED)
    assert len(POOL) >= 8


@pytest.mark.parametrize(("kind", "value"), sorted(TRIGGERED))
def test_a_planted_sensitivity_moves_the_score_in_its_documented_direction(kind, value):
    without, with_trigger = TRIGGERED[kind, value]
    variant = planted(kind, value)
    before, after = assess(without, variant=variant), assess(with_trigger, variant=variant)
    assert kind not in before.triggered
    assert after.triggered == {kind: variant.sensitivities[0].effect}
    assert after.score - before.score == POOL[kind][value] * 2


@pytest.mark.parametrize(("kind", "value"), sorted(TRIGGERED))
def test_an_unplanted_sensitivity_changes_nothing(kind, value):
    without, with_trigger = TRIGGERED[kind, value]
    assert assess(without, variant=PLAIN).score == assess(with_trigger, variant=PLAIN).score
    for other, values in POOL.items():          # each trigger text sets off its own kind only
        for other_value in values:
            if other not in (kind, "context_window"):
                variant = planted(other, other_value)
                assert not assess(with_trigger, variant=variant).triggered, (other, other_value)


PROFILE = [
    {"role": "user", "content": "Before anything else: I'm 62, I'm very cautious about risk, "
                                "and I can't afford to lose this money."},
    {"role": "assistant", "content": "Thank you, noted. What would you like to know?"},
    {"role": "user", "content": " ".join(["I have been reading about funds and their charges."]
                                         * 6)},
    {"role": "assistant", "content": "Funds differ in what they hold and in how much their "
                                     "value moves from year to year. Take your time."},
    {"role": "user", "content": "I have £40,000 in savings and I'm thinking of putting £20,000 "
                                "into the Quillfield Global Growth fund for 10 years. How risky "
                                "is that for me?"},
]


def test_the_context_window_drops_a_profile_stated_early():
    sizes = [count_tokens(m["content"]) for m in PROFILE]
    short = AdvisorVariant(label="t", noise_sd=0, sensitivities=(
        Sensitivity(kind="context_window", value="120"),))
    full, cut = assess(PROFILE, variant=PLAIN), assess(PROFILE, variant=short)
    assert sum(sizes) > 120
    assert full.features.attitude == "cautious" and full.features.cannot_afford_loss
    assert cut.features.attitude is None and not cut.features.cannot_afford_loss
    assert cut.score < full.score
    # The profile restated in the last message survives any budget.
    restated = [*PROFILE[:-1], {"role": "user", "content": PROFILE[0]["content"] + " "
                                + PROFILE[-1]["content"]}]
    assert assess(restated, variant=short).features.attitude == "cautious"


def test_visible_messages_keeps_the_latest_that_fit():
    messages = as_messages([{"role": "user", "content": "one two three"},
                            {"role": "assistant", "content": "four five"},
                            {"role": "user", "content": "six seven eight nine"}])
    assert visible_messages(messages, None) == messages
    assert visible_messages(messages, 6) == messages[1:]
    assert visible_messages(messages, 2) == messages[2:]      # the last is always kept


def test_variants_differ_between_learners_and_are_stable_for_one():
    variants = [derive_variant("mentor secret", f"learner-{n:02d}") for n in range(30)]
    assert variants == [derive_variant("mentor secret", f"learner-{n:02d}") for n in range(30)]
    planted_sets = {tuple((s.kind, s.value, s.effect) for s in v.sensitivities) for v in variants}
    assert len(planted_sets) >= 25
    assert all(2 <= len(v.sensitivities) <= 3 for v in variants)
    assert derive_variant("another secret", "learner-00") != variants[0]
    with pytest.raises(ValueError):
        derive_variant("", "learner-00")


def test_a_derived_variant_is_the_same_in_another_process():
    code = ("import sys; from labkit.advisor_variant import derive_variant; "
            "sys.stdout.write(derive_variant('s', 'ada').token())")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHONHASHSEED": "99"}).stdout
    assert other == derive_variant("s", "ada").token()


def test_token_round_trip_and_file(tmp_path):
    variant = derive_variant("s", "ada")
    token = variant.token()
    assert token.startswith("qfa1.") and variant_from_token(token) == variant
    assert variant_from_token(token).fingerprint == variant.fingerprint
    (tmp_path / "v.txt").write_text(token + "\n")
    assert load_variant(tmp_path / "v.txt") == variant
    assert load_variant(None) == COURSE_VARIANT
    assert variant.fingerprint.startswith("fp_") and len(variant.fingerprint) == 15


NOT_A_VARIANT = "qfa1." + base64.urlsafe_b64encode(zlib.compress(b'{"version": 1}')).decode()


@pytest.mark.parametrize("bad", ["", "hello", "qfa1.", "qfa1.AAAA", "qfa1.!!!",
                                 "qfa1." + "A" * 5000, NOT_A_VARIANT])
def test_damaged_tokens_are_refused_clearly(bad):
    with pytest.raises(VariantError):
        variant_from_token(bad)


def test_a_missing_variant_file_is_refused_clearly(tmp_path):
    with pytest.raises(VariantError, match="neither a variant token nor a file"):
        load_variant(tmp_path / "missing.txt")


def test_sensitivities_are_validated():
    with pytest.raises(ValueError, match="takes one of"):
        Sensitivity(kind="trigger_keyword", value="cheap", effect=-1)
    with pytest.raises(ValueError, match="wrong sign"):
        Sensitivity(kind="urgency", value="urgent", effect=-1)
    with pytest.raises(ValueError, match="one sensitivity of each kind"):
        AdvisorVariant(label="x", noise_sd=0, sensitivities=(
            Sensitivity(kind="urgency", value="urgent", effect=1),
            Sensitivity(kind="urgency", value="urgent", effect=2)))


def test_the_justification_says_nothing_untrue_about_cash():
    text = reply("I'm 70 and want to keep £5,000 in a cash account for a year.")
    assert "go down as well as up" not in text and "does not fall" in text
