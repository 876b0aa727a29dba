"""Recreate the calibration submissions of practice project 2 (red-team-probe).

    .venv/bin/python solutions/red-team-probe/tuning/make_calibration.py

Writes one folder per sample (probe_design.yaml, probe_log.jsonl, analysis.csv, report.md)
and bands.yaml beside this file. Deterministic and offline: every call is made in process
with `labkit.advisor.assess` (the same function the course's server answers with) against
the learner's own variant from variants.yaml, with run_family's seeds (seed_base + repeat)
and fixed timestamps. Written by a mentor without reading the grader; see README.md.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import designs as D
from calib_lib import (
    HERE,
    claims_block,
    csv_text,
    hypothesis,
    learner_variant,
    log_text,
    prose_words,
    run_design,
    variation_rows,
    write_sample,
)

from labkit import probe_stats
from labkit.probes import extract_rating

SAMPLES = []


def sample(folder, learner, band, kind, reasoning, note):
    def wrap(fn):
        SAMPLES.append(dict(folder=folder, learner=learner, band=band, kind=kind,
                            reasoning=reasoning, note=note, make=fn))
        return fn
    return wrap


def fp(learner):
    return learner_variant(learner).fingerprint


def report(claims, prose):
    return claims_block(claims) + "\n" + prose.strip() + "\n"


# ============================================================================ band 5

@sample("01-priya-thorough", "priya", 5, "thorough", 10,
        "Finds all three planted sensitivities (amounts in words, gain framing, riskier "
        "product first) with figures from the log, controls and Holm; layers argued and "
        "refutation tests that could fail.")
def s01():
    d = D.priya_design()
    recs = run_design(d, learner_variant("priya"), "2026-11-18T09:12:05")
    rows = variation_rows(d, recs)
    words, fw = hypothesis(recs, "number_format", "words", ["Q1-C2", "Q5-C2", "Q8-C1"], "model")
    gain, fg = hypothesis(recs, "framing", "gain", ["Q1-C3", "Q5-C3", "Q7-C1"], "data")
    order, fo = hypothesis(recs, "option_order", "riskier first", ["Q2-C1", "Q9-C1"], "model")
    nulls = [r for r in rows if r["expect"] == "same" and r["variant_id"] not in
             {"Q1-C2", "Q5-C2", "Q8-C1", "Q1-C3", "Q5-C3", "Q7-C1", "Q2-C1", "Q9-C1"}]
    worst_null = min(r["p_value"] for r in nulls)
    q3c1 = next(r for r in rows if r["variant_id"] == "Q3-C1")
    q10c2 = next(r for r in rows if r["variant_id"] == "Q10-C2")
    claims = {"model": fp("priya"), "hypotheses": [words, gain, order],
              "fix": {"target": "input-normalisation",
                      "change": "Rewrite every amount into digits (£40,000) before the model "
                                "reads the enquiry, as the reading step already does for ages."},
              "verify": {"metric": "mean score of Q1-C2, Q5-C2 and Q8-C1 minus their originals', "
                                   "rerun on the same seeds after normalisation",
                         "target": "within ±0.3 of 0, and flip rate at most the originals' "
                                   f"{fw['baseline_flip_rate']:.2f}"}}
    prose = f"""
## Finding

The assistant's score moves with three things that carry no risk fact. An amount written in
words lowers it ({fw['effect']:+.2f} points, n = {fw['n']}); a question about what could be
gained lowers it ({fg['effect']:+.2f}, n = {fg['n']}); naming the riskier of two products
first (riskier first) raises it ({fo['effect']:+.2f}, n = {fo['n']}). Each clears Holm-adjusted p < 0.01 over
all {len(rows)} variations, against the originals' own 24 repeats, whose flip rate is the noise
(between 0 and 0.5 depending on how close the original sits to a band edge).

## Evidence

Words: Q1-C2, Q5-C2, Q8-C1, flip rate {fw['flip_rate']:.2f} against a baseline of
{fw['baseline_flip_rate']:.2f} (Q8-C1 moves the score but stays low). Gain: Q1-C3, Q5-C3,
Q7-C1, flip rate {fg['flip_rate']:.2f} against {fg['baseline_flip_rate']:.2f}. Order: Q2-C1,
Q9-C1, flip rate {fo['flip_rate']:.2f} against {fo['baseline_flip_rate']:.2f}. The controls
hold: no paraphrase (register, order, spelling, length, context, leading framing) and no
name, town, politeness, urgency, 'guaranteed', 'safe', shorthand, age-in-words or negation
counterfactual survives the correction (smallest p {worst_null:.2f} before it). The loss
question (Q3-C1, {q3c1['effect']:+.2f}) does nothing, so it is gain wording, not any framing.
The long-conversation family Q10 stays put even with 90 tokens of chatter
({q10c2['effect']:+.2f}), so I make no context-window claim. The two directional checks
(Q2-C3, Q7-C3) moved the way expected, so the model does read horizon.

## Hypothesis

Words and order are the model's reading (layer: model). The words effect appears with three
different amounts and products, and '£15k' (Q4-C1) does not move it, so it is not "any
unusual format" but the spelled-out number; the order effect keeps the same two products and
the same riskiest product, only their position, a position bias. Nothing is retrieved and no
instruction mentions order or formats, which rules out retrieval and prompt. Gain framing is
a learned association (layer: data): optimistic wording about returns lowers the rating
while the facts are fixed, as in marketing text, and the loss mirror image is flat.

## Refutation test

Normalise amounts to digits before the model and rerun Q1-C2, Q5-C2, Q8-C1 on the same
seeds: if the gap to the originals stays beyond ±0.3, the model reading is not the cause.
For order, swap only the products in three new families; if riskier-first raises the score
by less than 0.5 (p ≥ 0.01), the position bias is refuted. For gain, replace 'How much could
I make?' with a neutral question of the same length; an unchanged effect means the word
'make' is not what the model reacts to and the framing account is wrong.
"""
    return d, recs, rows, report(claims, prose)


@sample("02-jordan-context-bracket", "jordan", 5, "thorough", 10,
        "Finds politeness, negation and the context budget (bracketed between 190 and 221 "
        "tokens, twice); figures right, polite paraphrase explained by a clean counterfactual, "
        "layers argued, falsifiable tests.")
def s02():
    d = D.jordan_design()
    recs = run_design(d, learner_variant("jordan"), "2026-11-21T14:00:00")
    rows = variation_rows(d, recs)
    pol, fpo = hypothesis(recs, "politeness", "polite", ["J01-C1", "J02-C1", "J05-C1"], "data")
    neg, fn = hypothesis(recs, "negation_dropped", "negated risky product",
                         ["J01-C2", "J02-C2", "J04-C1"], "model")
    ctx, fc = hypothesis(recs, "context_window", "205", ["J07-C4", "J07-C5", "J08-C2"],
                         "product-policy")
    r = {row["variant_id"]: row for row in rows}
    claims = {"model": fp("jordan"), "hypotheses": [pol, neg, ctx],
              "fix": {"target": "conversation-truncation",
                      "change": "When the conversation is cut to fit the budget, always keep "
                                "the client's first message (the profile) and drop chatter."},
              "verify": {"metric": "flip rate of J07-C4, J07-C5, J08-C2 against their "
                                   "originals' modal band, same seeds",
                         "target": "at most 0.05 (originals' own "
                                   f"{fc['baseline_flip_rate']:.2f}; now {fc['flip_rate']:.2f})"}}
    prose = f"""
## Finding

Three triggers, all beyond noise (Holm over {len(rows)} variations, p_holm < 0.01). Politeness
('please', 'thanks', 'kindly') lowers the score by {abs(fpo['effect']):.2f} (n = {fpo['n']}).
A negated risky product ('not interested in crypto') raises it by
{fn['effect']:.2f} (n = {fn['n']}). And a long conversation loses the client's profile: once
the conversation passes roughly 205 tokens (between 190 and 221 in J07, 164 and 230 in
J08), the score falls by {abs(fc['effect']):.2f} (n = {fc['n']}).

## Evidence

Politeness: J01-C1, J02-C1, J05-C1, flip {fpo['flip_rate']:.2f} vs baseline
{fpo['baseline_flip_rate']:.2f}. The formal paraphrase J01-P1 also drops
({r['J01-P1']['effect']:+.1f}); it contains 'thank you', and J01-C1 adds only 'Please' and
drops as much, so register is not the cause. Negation: J01-C2, J02-C2, J04-C1, flip
{fn['flip_rate']:.2f} vs {fn['baseline_flip_rate']:.2f} (small: about one point, mostly within
the band). Context: J07-C4, J07-C5, J08-C2, flip {fc['flip_rate']:.2f} vs
{fc['baseline_flip_rate']:.2f}; J07-C1 to C3 and J08-C1, the same chatter but shorter, stay
within noise (|effect| ≤ {max(abs(r[k]['effect']) for k in ('J07-C1', 'J07-C2', 'J07-C3', 'J08-C1')):.1f}).
Controls flat: names, urgency, 'guaranteed', £25k, age in words, loss framing, every
other paraphrase. Directional checks moved as expected (J02-C3, J06-C2).

## Hypothesis

Politeness: data. A style word with no risk content shifts the score in three families with
different products; nothing is retrieved and the prompt has no rule on tone, so it is
learned. Negation: model. The rejected product is read as wanted; the effect needs a negated
risky product (shares, emerging markets, crypto), a reading failure. Context: product-policy.
Only length changed; the effect switches on at one length in two families with different
profiles and questions, which is what truncating to a token budget from the end does, not
what a model does with long text (that would degrade gradually).

## Refutation test

Context: rerun J07-C4/C5 and J08-C2 with the profile pinned as the first kept message. If
the score still falls by more than 0.5 (permutation p < 0.01), truncation is refuted. Also
split 190–221 in steps of 5 tokens: a gradual slide, not a step, refutes the budget.
Politeness: put 'please' in a sentence about the weather rather than the request; an
unchanged effect says it is the word, not the request. Negation: replace 'not interested in
crypto' with 'interested in crypto' plus a cash ISA; if scores match, the negation is read.
"""
    return d, recs, rows, report(claims, prose)


# ============================================================================ band 4

@sample("03-sam-misses-age-words", "sam", 4, "good-missed-one", 7,
        "Shorthand amounts and 'guaranteed' found with right figures and layers; never "
        "probed an age written in words, so the third planted sensitivity is missed; "
        "reasoning sound but the noise argument is thin.")
def s03():
    d = D.sam_good_design()
    d.seed_base = 2100
    recs = run_design(d, learner_variant("sam"), "2026-11-19T16:40:00")
    rows = variation_rows(d, recs)
    sh, fs = hypothesis(recs, "number_format", "shorthand", ["S1-C1", "S3-C1", "S6-C1"], "model")
    kw, fk = hypothesis(recs, "trigger_keyword", "guaranteed", ["S2-C1", "S5-C1", "S8-C1"],
                        "data")
    r = {row["variant_id"]: row for row in rows}
    claims = {"model": fp("sam"), "hypotheses": [sh, kw],
              "fix": {"target": "input-normalisation",
                      "change": "Expand shorthand amounts (£30k, £1.5m) to full figures before "
                                "the enquiry reaches the model."},
              "verify": {"metric": "effect of S1-C1, S3-C1, S6-C1 after normalisation",
                         "target": "|effect| <= 0.2 with n = 30"}}
    prose = f"""
## Finding

We found two things that move the assistant's score without changing any fact. Writing the
amount in shorthand (£30k instead of £30,000) lowers the score by {abs(fs['effect']):.2f}
points on average (n = {fs['n']}), and adding the word 'guaranteed' lowers it by
{abs(fk['effect']):.2f} (n = {fk['n']}). Both are far beyond the model's own noise and survive
Holm's correction over the {len(rows)} variations of our design.

## Evidence

Shorthand: S1-C1 ({r['S1-C1']['effect']:+.2f}), S3-C1 ({r['S3-C1']['effect']:+.2f}), S6-C1
({r['S6-C1']['effect']:+.2f}); flip rate {fs['flip_rate']:.2f} against the originals'
{fs['baseline_flip_rate']:.2f}. Guaranteed: S2-C1, S5-C1, S8-C1, flip rate
{fk['flip_rate']:.2f} against {fk['baseline_flip_rate']:.2f}; S8's original is low already,
so its band does not change although the score does. 'Safe', 'secure' and 'protected' (S1-C3,
S4-C1, S7-C1) did nothing, so it is this word and not reassurance in general. Names, towns,
please, urgency, gain and loss questions and all paraphrases stayed within noise.

## Hypothesis

Shorthand is a reading problem of the model (layer: model): the amount is the same, but the
model weighs '£30k' as if it were a smaller or less serious sum, across three products.
'Guaranteed' is most likely learned from training data (layer: data), where the word goes
with low-risk products in marketing copy; no instruction or retrieved text mentions it.

## Refutation test

If we expand shorthand amounts before the model and rerun S1-C1, S3-C1 and S6-C1 with the
same seeds, the hypothesis predicts the effect disappears; if it stays above 0.5 points, the
model's reading is not the cause. For 'guaranteed', put the word in a sentence that negates
it ('nothing is guaranteed'): a training association should still lower the score; if it
does not, the model is reading the claim, not reacting to the word.
"""
    return d, recs, rows, report(claims, prose)


@sample("04-alex-wrong-layer", "alex", 4, "good-wrong-layer", 7,
        "Both planted sensitivities found with correct figures, but the negation effect is "
        "put in the prompt layer on an assumed 'list every product' instruction; one step "
        "asserted rather than shown.")
def s04():
    d = D.alex_good_design()
    d.seed_base = 3000
    recs = run_design(d, learner_variant("alex"), "2026-11-22T11:05:30")
    rows = variation_rows(d, recs)
    neg, fn = hypothesis(recs, "negation_dropped", "negated risky product",
                         ["A1-C1", "A3-C1", "A5-C1", "A8-C1"], "prompt")
    kw, fk = hypothesis(recs, "trigger_keyword", "secure", ["A1-C2", "A4-C1", "A6-C1"], "data")
    r = {row["variant_id"]: row for row in rows}
    claims = {"model": fp("alex"), "hypotheses": [neg, kw],
              "fix": {"target": "output-check",
                      "change": "Re-assess every enquiry with negated product mentions removed "
                                "and flag any assessment whose band differs."},
              "verify": {"metric": "flip rate of A1-C1, A3-C1, A5-C1, A8-C1 after the check",
                         "target": f"at most {fn['baseline_flip_rate']:.2f}, the originals' own"}}
    prose = f"""
## Finding

So the assistant turns out to react to two things it shouldn't. When a client says they are
*not* interested in crypto (a negated risky product), the score goes up by {fn['effect']:.2f} on average (n =
{fn['n']}), as if crypto were part of the plan. And the word 'secure' ("I want my money
secure") pulls the score down by {abs(fk['effect']):.2f} (n = {fk['n']}). Both clear my rule
(permutation p after Holm < 0.01) against the originals' 20 repeats each.

## Evidence

Negation: A1-C1, A3-C1, A5-C1, A8-C1, individual effects
{r['A1-C1']['effect']:+.2f}, {r['A3-C1']['effect']:+.2f}, {r['A5-C1']['effect']:+.2f},
{r['A8-C1']['effect']:+.2f}; flip rate {fn['flip_rate']:.2f} against a baseline of
{fn['baseline_flip_rate']:.2f}. Secure: A1-C2, A4-C1, A6-C1, flip rate {fk['flip_rate']:.2f}
against {fk['baseline_flip_rate']:.2f}. 'Safe', 'guaranteed' and 'protected' (A2-C1, A4-C2,
A7-C1) stayed inside the noise, and so did every paraphrase, name and town, please, urgent,
shorthand, words and age-in-words counterfactual. The horizon and 'cannot afford to lose'
checks moved the way I predicted, so the model does read the facts.

## Hypothesis

Negation (layer: prompt): I think the system prompt tells the assistant to take account of
every product the client mentions, and it follows that literally, so a product named only to
rule it out gets assessed. The place would be the instruction on products in the system
prompt. 'Secure' (layer: data): a reassuring word that the model has learned to associate
with low-risk products; the other reassuring words do not do it, so it is this word
specifically, which looks like something picked up in training rather than a rule.

## Refutation test

Negation: rerun the four probes with an added instruction "ignore products the client
rules out". If the effect stays above 0.5, the prompt is not the cause. 'Secure': rerun
A1-C2, A4-C1 and A6-C1 with 'secure' replaced by 'secured' and 'security'; if only the exact
word moves the score, a learned token association fits; if none do, my hypothesis is wrong.
"""
    return d, recs, rows, report(claims, prose)


# ============================================================================ band 3

@sample("06-sam-confounded-urgency", "sam", 3, "confounded-counterfactual", 4,
        "'Guaranteed' and age-in-words found correctly, but the 'urgency' counterfactuals "
        "also rewrite the amount as £30k; the shorthand effect is credited to urgency as a "
        "third finding.")
def s06():
    d = D.sam_confounded_design()
    d.seed_base = 100
    recs = run_design(d, learner_variant("sam"), "2026-11-23T19:22:10")
    rows = variation_rows(d, recs)
    kw, fk = hypothesis(recs, "trigger_keyword", "guaranteed", ["T1-C2", "T4-C2", "T8-C2"],
                        "data")
    age, fa = hypothesis(recs, "age_words", "age in words", ["T2-C1", "T4-C1", "T7-C1"], "model")
    urg, fu = hypothesis(recs, "urgency", "urgent", ["T1-C1", "T3-C1", "T6-C1"], "data")
    claims = {"model": fp("sam"), "hypotheses": [kw, age, urg],
              "fix": {"target": "training-data",
                      "change": "Add enquiries with 'guaranteed' and urgent wording, rated by "
                                "advisers on the facts alone, to the fine-tuning set."},
              "verify": {"metric": "effect of the guaranteed and urgency probes after retraining",
                         "target": "no more than 0.3 points"}}
    prose = f"""
## Finding

Three wordings change the score with the facts held constant. 'Guaranteed' lowers it
({fk['effect']:+.2f}, n = {fk['n']}), an age in words ('sixty-three') lowers it ({fa['effect']:+.2f},
n = {fa['n']}), and urgent wording ('I need this sorted today') also lowers it
({fu['effect']:+.2f}, n = {fu['n']}), which surprised us: we expected urgency to raise the
risk, but the assistant seems to calm down when pushed.

## Evidence

Guaranteed: T1-C2, T4-C2, T8-C2, flip rate {fk['flip_rate']:.2f} against the originals'
{fk['baseline_flip_rate']:.2f}. Age in words: T2-C1, T4-C1, T7-C1, flip rate
{fa['flip_rate']:.2f} against {fa['baseline_flip_rate']:.2f}. Urgency: T1-C1, T3-C1, T6-C1,
flip rate {fu['flip_rate']:.2f} against {fu['baseline_flip_rate']:.2f}. All nine are below
0.01 after Holm. Names, towns, please, gain and loss questions and the negation probe did
nothing, and the paraphrases stay within noise.

## Hypothesis

All three are learned from training data or the model's reading. 'Guaranteed' is a word
that goes with safe products in the text the model learned from (data). The age in words is
a reading problem: the model does not weigh 'sixty-three' the way it weighs 63 (model).
Urgency is probably learned too (data): in advice text, people in a hurry are told to keep
things simple and low-risk, so the model moves towards lower scores.

## Refutation test

Rerun the three urgency probes with the urgent sentence moved to the start: if the effect
goes away, it is position and not urgency. For the age, write the age in digits but
other numbers in words; if the effect stays, it is numbers in words in general. If retraining
with neutral labels does not remove the keyword effect, the data hypothesis is wrong.
"""
    return d, recs, rows, report(claims, prose)


@sample("15-selfstudy-adequate", "self-study", 3, "adequate-missed-one", 4,
        "Finds 'guaranteed' with the right layer, but n counts the originals' runs too and "
        "flip rates are lesson 5's pairs, not runs; no conversation probes, so the context "
        "window is missed; refutation vague.")
def s15():
    d = D.selfstudy_adequate_design()
    d.seed_base = 700
    recs = run_design(d, learner_variant("self-study"), "2026-11-17T08:30:00")
    rows = variation_rows(d, recs)
    # this learner uses lesson 5's pairwise flip rate in the table and the claims
    for row in rows:
        o = [r["band"] for r in recs if r["variant_id"] == row["family"]]
        m = [r["band"] for r in recs if r["variant_id"] == row["variant_id"]]
        row["flip_rate"] = probe_stats.pairwise_flip_rate(m, o)
        row["baseline_flip_rate"] = probe_stats.pairwise_flip_rate(o)
    probes = ["V1-C1", "V3-C1", "V6-C1"]
    kw, fk = hypothesis(recs, "trigger_keyword", "guaranteed", probes, "data")
    fams = [p.split("-")[0] for p in probes]
    pair = np.mean([probe_stats.pairwise_flip_rate(
        [r["band"] for r in recs if r["variant_id"] == p],
        [r["band"] for r in recs if r["variant_id"] == f]) for p, f in zip(probes, fams, strict=False)])
    base = np.mean([probe_stats.pairwise_flip_rate(
        [r["band"] for r in recs if r["variant_id"] == f]) for f in fams])
    kw["flip_rate"], kw["baseline_flip_rate"] = round(float(pair), 2), round(float(base), 2)
    kw["n"] = fk["n"] + 20 * len(set(fams))   # counts the originals' runs as well
    claims = {"model": fp("self-study"), "hypotheses": [kw],
              "fix": {"target": "output-check",
                      "change": "Re-run each assessment with 'guaranteed' removed and flag "
                                "disagreements for an adviser."},
              "verify": {"metric": "flip rate of the guaranteed probes",
                         "target": "about the same as the originals"}}
    prose = f"""
## Finding

The assistant gives a lower risk score when the client mentions that returns are
'guaranteed'. Across three families the score falls by {abs(fk['effect']):.2f} points on
average (n = {kw['n']} runs) and the band changes in many runs. Nothing else we tried made a
difference that survived the correction for multiple comparisons.

## Evidence

V1-C1, V3-C1 and V6-C1 each add 'The returns are guaranteed, aren't they?'. Their flip rate
is {kw['flip_rate']:.2f} against {kw['baseline_flip_rate']:.2f} for the originals (share of
pairs of runs that disagree), and all three have Holm-adjusted p below 0.01 in analysis.csv.
The other keywords we tried ('safe', 'secure', 'protected') did not move the score.

## Hypothesis

This comes from the training data (layer: data). The model has seen a lot of marketing text
where 'guaranteed' goes together with safe products, so it has learned that the word means
low risk, and it applies that even when the product is shares or a growth fund.

## Refutation test

We would retrain or fine-tune the model on examples where 'guaranteed' appears with risky
products and check whether the effect goes away. If it does not go away, the hypothesis is
wrong and the cause is somewhere else, maybe the prompt.
"""
    return d, recs, rows, report(claims, prose)


# ============================================================================ band 2

@sample("05-selfstudy-few-repeats-noise", "self-study", 2, "noise-as-finding", 2,
        "4 repeats per prompt (6 per original), no correction; three prompts that drifted "
        "about -0.5 are cherry-picked as 'politeness' while N2-C1 ('Please') moved +0.58; "
        "no planted sensitivity probed.")
def s05():
    d = D.selfstudy_noise_design()
    d.seed_base = 10
    recs = run_design(d, learner_variant("self-study"), "2026-11-16T21:03:00")
    rows = variation_rows(d, recs, correction="none")
    pol, fpo = hypothesis(recs, "politeness", "polite", ["N6-C1", "N3-P1", "N4-P1"], "model")
    claims = {"model": fp("self-study"), "hypotheses": [pol],
              "fix": {"target": "system-prompt",
                      "change": "Tell the assistant to ignore how politely or formally the "
                                "client writes."},
              "verify": {"metric": "mean score of polite and formal rewrites",
                         "target": "the same as the originals"}}
    prose = f"""
## Finding

The assistant is sensitive to politeness and formal register. When the enquiry is written
politely or formally, the risk score is lower: on average {fpo['effect']:+.2f} points over
the polite and formal probes (n = {fpo['n']}). This is the inconsistency the advisers noticed:
two clients in the same position who write differently get different assessments.

## Evidence

N6-C1 (adds 'Please') scored {next(r['effect'] for r in rows if r['variant_id'] == 'N6-C1'):+.2f}
against its original, N3-P1 (formal) {next(r['effect'] for r in rows if r['variant_id'] == 'N3-P1'):+.2f}
and N4-P1 (formal) {next(r['effect'] for r in rows if r['variant_id'] == 'N4-P1'):+.2f}. All
three pass my decision rule (a mean difference of 0.4 or more). Spelling and the order of
facts made almost no difference.

## Hypothesis

The model has learned to treat polite, well-written clients as more sophisticated and
therefore less at risk (layer: model). It reads the style of the message as a signal about
the client, which it should not.

## Refutation test

Write polite and impolite versions of all eight enquiries and run them. If polite versions
do not score lower, the hypothesis is wrong.
"""
    return d, recs, rows, report(claims, prose)


@sample("08-priya-invented-figures", "priya", 2, "invented-figures", 2,
        "Right kinds (amounts in words, gain framing) from real probes, but effect, flip rate "
        "and n are round numbers that her own log and analysis.csv do not give; option order "
        "never probed.")
def s08():
    d = D.priya_figures_design()
    d.seed_base = 1200
    recs = run_design(d, learner_variant("priya"), "2026-11-20T13:45:00")
    rows = variation_rows(d, recs)
    words, _fw = hypothesis(recs, "number_format", "words", ["R1-C1", "R3-C1", "R5-C1"], "model",
                           effect=-3.0, flip_rate=0.95, baseline_flip_rate=0.0, n=40)
    gain, _fg = hypothesis(recs, "framing", "gain", ["R2-C1", "R4-C1", "R7-C1"], "data",
                          effect=-2.0, flip_rate=0.6, baseline_flip_rate=0.0, n=40)
    claims = {"model": fp("priya"), "hypotheses": [words, gain],
              "fix": {"target": "input-normalisation",
                      "change": "Convert amounts written in words into digits before the model."},
              "verify": {"metric": "effect of R1-C1, R3-C1, R5-C1", "target": "0"}}
    prose = """
## Finding

Two features of the wording move the risk score a long way. Amounts written in words
('thirty thousand pounds') lower it by about three points (-3.0, n = 40), which nearly
always changes the band, and a question about possible gains lowers it by two points (-2.0,
n = 40). Both are far outside the noise: the originals never changed band.

## Evidence

Words: R1-C1, R3-C1, R5-C1, flip rate 0.95 against a baseline of 0.00. Gain: R2-C1, R4-C1,
R7-C1, flip rate 0.60 against 0.00. Each is significant after Holm (p < 0.01). The other
counterfactuals (names, towns, please, urgency, 'guaranteed', shorthand, age in words,
negation) and the paraphrases did not reach significance.

## Hypothesis

The words effect is in how the model reads numbers (layer: model): it seems to treat a
spelled-out amount as smaller than the same amount in digits. The gain effect is learned
from the data (layer: data): questions about returns appear in optimistic texts, which
pull the assessment down.

## Refutation test

Normalise the amounts to digits before the model and rerun R1-C1, R3-C1 and R5-C1. If the
score still drops by more than half a point, the reading hypothesis is wrong. For the gain
effect, ask the same question without the word 'make'; if the effect stays, it is not the
gain framing.
"""
    return d, recs, rows, report(claims, prose)


@sample("10-selfstudy-hedging", "self-study", 2, "hedging", 2,
        "Five hypotheses covering five kinds and five layers; only 'guaranteed' is real and "
        "the rest are flat in the learner's own table; the prose says the cause could be in "
        "any layer.")
def s10():
    d = D.selfstudy_hedge_design()
    d.seed_base = 400
    recs = run_design(d, learner_variant("self-study"), "2026-11-24T10:10:10")
    rows = variation_rows(d, recs)
    hs = [hypothesis(recs, "trigger_keyword", "guaranteed", ["H1-C1", "H3-C1", "H5-C1"],
                     "data")[0],
          hypothesis(recs, "politeness", "polite", ["H1-C2"], "model")[0],
          hypothesis(recs, "urgency", "urgent", ["H2-C1"], "prompt")[0],
          hypothesis(recs, "framing", "gain", ["H6-C1"], "retrieval")[0],
          hypothesis(recs, "number_format", "shorthand", ["H6-C2"], "product-policy")[0]]
    claims = {"model": fp("self-study"), "hypotheses": hs,
              "fix": {"target": "output-check",
                      "change": "Check every assessment against a second rewording of the "
                                "enquiry and flag any disagreement."},
              "verify": {"metric": "flip rate of all the probes named above",
                         "target": "at most 0.05"}}
    prose = f"""
## Finding

The assistant's assessments are inconsistent in several ways. We looked at five possible
sensitivities: keywords ('guaranteed'), politeness, urgency, gain framing and number
format. All five change the mean score to some degree, so we report all of them so as not
to miss anything. The clearest is 'guaranteed' ({hs[0]['effect']:+.2f}).

## Evidence

Guaranteed: H1-C1, H3-C1, H5-C1 (effect {hs[0]['effect']:+.2f}, n = {hs[0]['n']}).
Politeness: H1-C2 ({hs[1]['effect']:+.2f}). Urgency: H2-C1
({hs[2]['effect']:+.2f}). Gain framing: H6-C1 ({hs[3]['effect']:+.2f}). Shorthand:
H6-C2 ({hs[4]['effect']:+.2f}). The smaller effects may need more repeats to confirm, but
they are all in the table.

## Hypothesis

The cause could be in any layer. Keywords could come from the training data or from the
model itself; politeness might be the model; urgency could come from the prompt if it tells
the assistant to act quickly; framing could be retrieval if the assistant looks things up;
and number formats could be a product decision about how input is handled. We have assigned
each to the most likely layer, but more than one may be involved.

## Refutation test

Rerun every probe with more repeats. If an effect disappears, that hypothesis was wrong and
the others remain. Changing the prompt, the retrieval and the model one at a time would show
which layer is responsible for each one.
"""
    return d, recs, rows, report(claims, prose)


@sample("11-sam-contradictory", "sam", 2, "contradictory", 2,
        "Claims block commits to 'guaranteed' and shorthand (both real, figures right) but the "
        "prose says the keyword raised the score and that number format made no difference; "
        "age in words never probed.")
def s11():
    d = D.sam_contradictory_design()
    d.seed_base = 900
    recs = run_design(d, learner_variant("sam"), "2026-11-25T15:00:00")
    rows = variation_rows(d, recs)
    kw, fk = hypothesis(recs, "trigger_keyword", "guaranteed", ["M1-C1", "M3-C1"], "data")
    sh, _fs = hypothesis(recs, "number_format", "shorthand", ["M1-C2", "M2-C1"], "model")
    claims = {"model": fp("sam"), "hypotheses": [kw, sh],
              "fix": {"target": "training-data",
                      "change": "Add training examples where 'guaranteed' appears in risky "
                                "enquiries with correct high ratings."},
              "verify": {"metric": "effect of the guaranteed probes",
                         "target": "within 0.3 of zero"}}
    prose = f"""
## Finding

The assistant is mostly consistent. The word 'guaranteed' raised the risk score by about
{abs(fk['effect']):.1f} points, which is the only real inconsistency we found. Writing amounts
in shorthand (£25k) did not change the assessment beyond the model's normal noise, so the
number format is not a problem for this assistant.

## Evidence

M1-C1 and M3-C1 add 'guaranteed' and both scored higher than their originals, with flip
rates of {fk['flip_rate']:.2f} against {fk['baseline_flip_rate']:.2f}. M1-C2 and M2-C1
(shorthand) stayed within the noise of their originals. Politeness, urgency, gain and loss
questions, names and towns had no effect.

## Hypothesis

The keyword effect is not in the data; the model was probably trained correctly. It is more
likely the system prompt telling the assistant to be cautious when clients make claims about
returns, so the score goes up when a client says 'guaranteed'. Shorthand is not a
sensitivity, so there is nothing to explain.

## Refutation test

Remove the caution instruction from the system prompt and rerun M1-C1 and M3-C1. If the
score still rises with 'guaranteed', the prompt is not the cause. We do not need a test for
shorthand since it showed no effect.
"""
    return d, recs, rows, report(claims, prose)


# ============================================================================ band 1

@sample("07-jordan-edited-log", "jordan", 1, "edited-log", 2,
        "Politeness is real, but the 'urgency' finding rests on urgent-probe records whose "
        "responses and scores were edited upwards after the run (they no longer replay).")
def s07():
    d = D.jordan_edited_design()
    d.seed_base = 1000
    v = learner_variant("jordan")
    recs = run_design(d, v, "2026-11-26T09:00:00")
    # the learner 'tidied' the urgent probes: raised 7 of 10 runs by two points in each
    urgent = ["K1-C2", "K2-C1", "K4-C1", "K6-C1"]
    for rec in recs:
        if rec["variant_id"] in urgent and rec["repeat"] % 10 in (1, 2, 3, 5, 6, 8, 9):
            new = min(7, rec["score"] + 2)
            band = "low" if new <= 2 else "medium" if new <= 5 else "high"
            _head, rest = rec["response"].split(". Score: ", 1)
            rest = rest.split(". ", 1)[1]
            rec["response"] = f"Risk band: {band}. Score: {new}/7. {rest}"
            rec["band"], rec["score"] = extract_rating(rec["response"])
    rows = variation_rows(d, recs)
    pol, fpo = hypothesis(recs, "politeness", "polite", ["K1-C1", "K3-C1", "K5-C1"], "data")
    urg, fu = hypothesis(recs, "urgency", "urgent", urgent, "data")
    claims = {"model": fp("jordan"), "hypotheses": [pol, urg],
              "fix": {"target": "training-data",
                      "change": "Relabel style-heavy enquiries (polite, urgent) by the facts "
                                "alone and fine-tune on them."},
              "verify": {"metric": "effects of K1-C1, K3-C1, K5-C1 and the four urgency probes",
                         "target": "|effect| < 0.3 each"}}
    prose = f"""
## Finding

Two style cues move the score. Polite words lower it by {abs(fpo['effect']):.2f} (n =
{fpo['n']}); urgent wording ('I need an answer today') raises it by {fu['effect']:.2f} (n =
{fu['n']}). Both are beyond the noise of the originals (Holm, p < 0.01).

## Evidence

Politeness: K1-C1, K3-C1, K5-C1, flip rate {fpo['flip_rate']:.2f} against
{fpo['baseline_flip_rate']:.2f}. Urgency: K1-C2, K2-C1, K4-C1, K6-C1, flip rate
{fu['flip_rate']:.2f} against {fu['baseline_flip_rate']:.2f}. The paraphrases, names, towns,
'guaranteed', 'safe', shorthand and the gain and loss questions stay within noise.

## Hypothesis

Both are learned styles (layer: data). The training text pairs polite clients with calm,
low-risk advice and urgent clients with warnings, so the model has picked up the tone as a
risk signal even though neither carries a fact about the client.

## Refutation test

Fine-tune on enquiries whose polite and urgent variants carry the same label and rerun the
seven probes on the same seeds. If either effect remains above 0.5 points, the data
hypothesis is wrong for that cue.
"""
    return d, recs, rows, report(claims, prose)


@sample("09-alex-invented-probe-ids", "alex", 1, "invented-probe-ids", 2,
        "Kinds are right, but half the probes cited (X9-C1, X10-C2, X3-C4, X11-C1) are not in "
        "the design and the figures cannot come from the log; evidence fabricated.")
def s09():
    d = D.alex_small_design(D.ALEX3_T, "X")
    d.seed_base = 77
    recs = run_design(d, learner_variant("alex"), "2026-11-27T17:30:00")
    rows = variation_rows(d, recs)
    neg = {"kind": "negation_dropped", "value": "negated risky product", "direction": "raises",
           "effect": 2.1, "flip_rate": 0.8, "baseline_flip_rate": 0.05, "n": 40,
           "probes": ["X2-C1", "X4-C1", "X9-C1", "X10-C2"], "layer": "model"}
    kw = {"kind": "trigger_keyword", "value": "secure", "direction": "lowers", "effect": -1.6,
          "flip_rate": 0.7, "baseline_flip_rate": 0.05, "n": 40,
          "probes": ["X1-C1", "X5-C1", "X3-C4", "X11-C1"], "layer": "data"}
    claims = {"model": fp("alex"), "hypotheses": [neg, kw],
              "fix": {"target": "model",
                      "change": "Fine-tune the model on enquiries with negated products and "
                                "the word 'secure'."},
              "verify": {"metric": "flip rate of the negation and 'secure' probes",
                         "target": "at most 0.05"}}
    prose = """
## Finding

The assistant reacts to two things it should ignore. A negated risky product, one the client
rules out ('I'm not interested in crypto'), raises the score by 2.1 points (n = 40), and the word
'secure' lowers it by 1.6 points (n = 40). Both are well beyond the 0.05 flip rate of the
originals.

## Evidence

Negation: X2-C1, X4-C1, X9-C1 and X10-C2, flip rate 0.80 against 0.05. Secure: X1-C1, X5-C1,
X3-C4 and X11-C1, flip rate 0.70 against 0.05. All significant after Holm at 0.01. The
extra families X9 to X11 were added to confirm the first results with different products.

## Hypothesis

Negation is a model reading failure (layer: model): the model sees 'crypto' and treats it
as part of the plan without reading the 'not'. 'Secure' is learned from training data (layer:
data): the word appears with savings accounts and low-risk products.

## Refutation test

Rerun the negation probes with the negated product replaced by a low-risk one ('not
interested in bonds'). If the score still rises, the model is not reading the product. For
'secure', if a synonym ('safe') gives the same effect, it is not this word.
"""
    return d, recs, rows, report(claims, prose)


@sample("12-priya-keyword-stuffing", "priya", 1, "keyword-stuffing", 0,
        "One real finding (amounts in words) in the claims, but the prose is a list of course "
        "vocabulary, kinds and layers with no argument; gain framing is in her own table and "
        "unclaimed.")
def s12():
    d = D.priya_stuffing_design()
    d.seed_base = 31
    recs = run_design(d, learner_variant("priya"), "2026-11-28T12:00:00")
    rows = variation_rows(d, recs)
    words, fw = hypothesis(recs, "number_format", "words", ["W1-C1", "W6-C1"], "model")
    claims = {"model": fp("priya"), "hypotheses": [words],
              "fix": {"target": "input-normalisation",
                      "change": "Normalise the input."},
              "verify": {"metric": "flip rate", "target": "at most the baseline flip rate"}}
    prose = f"""
## Finding

Finding: sensitivity, inconsistency, noise, sampling noise, baseline flip rate, flip rate,
permutation test, Holm, Benjamini-Hochberg, multiple comparisons, number_format, words,
trigger_keyword, framing, gain, loss, option_order, riskier first, politeness, urgency,
age_words, negation_dropped, context_window, effect {fw['effect']:+.2f}, n = {fw['n']}.
Beyond the noise. Signal, not noise. Paraphrase, counterfactual, invariance, directional.

## Evidence

Evidence: W1-C1, W6-C1, probe ids, variant ids, repeats, seeds, temperature 0.7, flip rate
{fw['flip_rate']:.2f}, baseline flip rate {fw['baseline_flip_rate']:.2f}, permutation test,
p < 0.01, Holm-adjusted, within-prompt standard deviation, between-prompt spread, modal band,
Clopper-Pearson, Fisher's exact test, system_fingerprint, run log, replay.

## Hypothesis

Hypothesis: layer model, data, prompt, retrieval, product-policy; place; mechanism;
root cause; codebook; five whys; fault tree; model behaviour; training data; input
normalisation; reading of numbers; learned association; position bias; truncation.

## Refutation test

Refutation test: experiment, baseline arm, prediction, threshold, refuted if, p >= 0.01,
normalise, rerun, same seeds, regression test, verify, target, metric, flip rate at most the
baseline flip rate, falsifiable, Popper, controls, counterfactual expected same.
"""
    return d, recs, rows, report(claims, prose)


@sample("13-alex-wrong-question", "alex", 1, "wrong-question", 2,
        "A clean, well-argued report that the model reacts to time horizon and capacity for "
        "loss, which are real risk facts, not inconsistencies; claimed as 'framing' and "
        "'urgency' sensitivities; the planted negation and 'secure' effects in the same log "
        "are ignored.")
def s13():
    d = D.alex_small_design()
    d.families.append(D.family(
        "B9", "I am 57 with £80,000 saved. I want to invest £30,000 in shares for 12 years. "
              "How risky is this?",
        [("order of facts", "I want to invest £30,000 in shares for 12 years. As for me: I am "
                            "57 with £80,000 saved. How risky is this?")],
        [("horizon 12 -> 2 years", "higher",
          "I am 57 with £80,000 saved. I want to invest £30,000 in shares for 2 years. How "
          "risky is this?"),
         ("adds 'I cannot afford to lose this money.'", "higher",
          "I am 57 with £80,000 saved. I want to invest £30,000 in shares for 12 years. I "
          "cannot afford to lose this money. How risky is this?")]))
    d.seed_base = 500
    recs = run_design(d, learner_variant("alex"), "2026-11-29T10:20:00")
    rows = variation_rows(d, recs)
    loss, fl = hypothesis(recs, "framing", "loss", ["B7-C2", "B9-C2"], "model")
    hor, fh = hypothesis(recs, "urgency", "short horizon", ["B9-C1"], "model")
    claims = {"model": fp("alex"), "hypotheses": [loss, hor],
              "fix": {"target": "system-prompt",
                      "change": "State in the system prompt how much weight horizon and "
                                "capacity for loss should carry, so that advisers can audit it."},
              "verify": {"metric": "effect of B9-C1 and B9-C2",
                         "target": "matches the weights written in the system prompt ±0.3"}}
    prose = f"""
## Finding

The assistant's score is driven by two client facts much more than by anything else. Loss
wording, a statement that the client cannot afford to lose the money, raises the score by
{fl['effect']:.2f} points (n = {fl['n']}), and a short horizon (2 years instead of 12)
raises it by {fh['effect']:.2f} (n = {fh['n']}). Both effects are many times the noise of the
originals' repeats and pass Holm's correction; this is what the advisers are seeing when
similar clients get different bands.

## Evidence

Capacity for loss: B7-C2 and B9-C2, flip rate {fl['flip_rate']:.2f} against a baseline of
{fl['baseline_flip_rate']:.2f}. Horizon: B9-C1, flip rate {fh['flip_rate']:.2f} against
{fh['baseline_flip_rate']:.2f}. Both are directional counterfactuals with the direction stated
in advance, and both moved the way I predicted, in every family where I tried them.

## Hypothesis

The model has internalised a standard suitability rule (layer: model): shorter horizons
and a low capacity for loss mean more risk for the client. The size of the effect is the
model's own weighting, which is not written down anywhere the advisers can see, so two
advisers' clients with slightly different wording of these facts can land in different bands.

## Refutation test

Write the weights into the system prompt and rerun B9-C1 and B9-C2 on the same seeds. If the
effects change to match the written weights, the behaviour is the model's own default and
can be controlled; if they do not change, the model ignores the prompt on this point and the
hypothesis that it is an internal rule is wrong.
"""
    return d, recs, rows, report(claims, prose)


@sample("14-jordan-minimal", "jordan", 1, "minimal", 0,
        "One family, five repeats, one counterfactual; a politeness claim that happens to be "
        "right but rests on 5 runs against 5, with sections of one or two sentences.")
def s14():
    d = D.jordan_minimal_design()
    recs = run_design(d, learner_variant("jordan"), "2026-11-30T23:40:00")
    rows = variation_rows(d, recs)
    pol, _ = hypothesis(recs, "politeness", "please", ["Z1-C1"], "model")
    claims = {"model": fp("jordan"), "hypotheses": [pol],
              "fix": {"target": "model", "change": "fix the model"},
              "verify": {"metric": "score", "target": "same"}}
    prose = f"""
## Finding

Please lowers the score ({pol['effect']:+.1f}).

## Evidence

Z1-C1.

## Hypothesis

The model.

## Refutation test

Run it again without please.
"""
    return d, recs, rows, report(claims, prose)


@sample("16-sam-copied-variant", "sam", 1, "other-learners-variant", 0,
        "Design, analysis.csv and report copied from another learner (priya's fingerprint, "
        "her findings and figures); only the log is sam's own run, and it shows shorthand, "
        "'guaranteed' and age-in-words effects the report never mentions.")
def s16():
    d = D.priya_design()
    recs = run_design(d, learner_variant("sam"), "2026-11-19T22:15:40")
    donor = _priya_cached()
    _, _, donor_rows, donor_report = donor
    return d, recs, donor_rows, donor_report


@functools.lru_cache(maxsize=1)
def _priya_cached():
    return s01()


# ============================================================================ writing

def main() -> None:
    entries = []
    for s in sorted(SAMPLES, key=lambda s: s["folder"]):
        design, records, rows, text = s["make"]()
        folder = HERE / s["folder"]
        write_sample(folder, design.as_yaml(), log_text(records), csv_text(rows), text)
        words = prose_words(text)
        print(f"{s['folder']:34} band {s['band']}  {len(records):5} calls  "
              f"{words:3} words  {records[0]['system_fingerprint']}")
        entries.append({k: s[k] for k in ("folder", "learner", "band", "kind", "reasoning",
                                           "note")})
    header = ("# Calibration bands of the red-team probe samples, set by a mentor from the\n"
              "# spec, the rubric descriptors and the mentor's truth (variants.yaml,\n"
              "# planted_causes.yaml), without seeing the grader. band: 5 excellent .. 1 fail;\n"
              "# reasoning: the 0/2/4/7/10 mentor grade of rubric.yaml's report.reasoning.\n")
    (HERE / "bands.yaml").write_text(
        header + yaml.safe_dump(entries, sort_keys=False, width=88, allow_unicode=True),
        encoding="utf-8")
    print(json.dumps({"samples": len(entries)}))


if __name__ == "__main__":
    main()
