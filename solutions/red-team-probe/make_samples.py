"""Build the sample submissions of the red-team probe (mentors only), in `samples/`.

    .venv/bin/python solutions/red-team-probe/make_samples.py

Each sample is what a learner of the demo cohort (`sam`, see `variants.yaml`) could hand in:
the design is run with `labkit.probes.run_family` against the in-process model through a
tiny client with the interface of `labkit.llm.LLMClient`, and the report's figures are
computed with `labkit.probe_stats` as the project page defines them. The samples, best
first (their intended order; `tests/test_probe_grading.py` checks the grader agrees):

- `thorough`: eight families, finds the planted sensitivities, right layers and fix;
- `few-repeats`: three runs a prompt (five of each original): the effects are large enough
  to show two of the three, but the design's repeats fall short;
- `noise`: the thorough runs, but two differences that are noise claimed as sensitivities;
- `uncommitted`: the thorough probe with two kinds in one hypothesis (claims-not-committed);
- `edited-log`: the thorough probe with one reply in the log edited by hand.

The files are deterministic (fixed seeds and timestamps), so rerunning changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from labkit import probes
from labkit.advisor import assess
from labkit.advisor_variant import derive_variant
from labkit.probe_stats import flip_rate, holm, modal_band, permutation_test_scores
from labkit.probes import Counterfactual, Paraphrase, ProbeFamily, run_family

HERE = Path(__file__).resolve().parent
SAMPLES = HERE / "samples"
LEARNER = "sam"
SECRET = "demo-cohort-2026"   # the demo cohort's secret: a demo, never a real cohort's
VARIANT = derive_variant(SECRET, LEARNER)
FIXED_TIME = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Reply:
    text: str
    system_fingerprint: str


class InProcessClient:
    """The interface of `labkit.llm.LLMClient` that `run_family` uses, on the in-process model."""

    model = "simulator"

    def chat(self, messages, *, temperature: float, seed: int) -> Reply:
        text = assess(messages, temperature=temperature, seed=seed, variant=VARIANT).text
        return Reply(text, VARIANT.fingerprint)


# (id, base enquiry, paraphrase (dimension, text), counterfactuals (id suffix, change,
# expect, text)); each base states age, savings, amount, horizon and product.
FAMILIES = [
    ("F1", "I'm 58 and retire in 3 years. I have £40,000 in savings and I'm thinking of "
     "putting £30,000 into the Global Growth fund. How risky is that for me?",
     ("register", "Good morning. I am 58 years of age and shall retire in 3 years. My savings "
      "total £40,000, of which I would put £30,000 into the Global Growth fund. What is the "
      "risk for me?"),
     [("C1", "adds a name", "same", "My name is Joanna. I'm 58 and retire in 3 years. I have "
       "£40,000 in savings and I'm thinking of putting £30,000 into the Global Growth fund. "
       "How risky is that for me?"),
      ("C2", "age in words", "same", "I'm fifty-eight and retire in 3 years. I have £40,000 in "
       "savings and I'm thinking of putting £30,000 into the Global Growth fund. How risky is "
       "that for me?")]),
    ("F2", "I am 45 with £80,000 saved. I want to invest £20,000 in the Emerging Markets fund "
     "for 10 years. What risk rating would you give this?",
     ("order of facts", "For 10 years I want to invest £20,000 in the Emerging Markets fund. "
      "I am 45 with £80,000 saved. What risk rating would you give this?"),
     [("C1", "adds 'guaranteed'", "same", "I am 45 with £80,000 saved. I want to invest "
       "£20,000 in the Emerging Markets fund for 10 years. Are the returns guaranteed? What "
       "risk rating would you give this?"),
      ("C2", "£20,000 -> £20k", "same", "I am 45 with £80,000 saved. I want to invest £20k in "
       "the Emerging Markets fund for 10 years. What risk rating would you give this?")]),
    ("F3", "I'm 67 and retired. I have £120,000 in savings and would like to put £60,000 into "
     "shares for 5 years. Is that sensible?",
     ("spelling", "Im 67 and retired. I have £120,000 in savings and wuold like to put "
      "£60,000 into shares for 5 years. Is that sensible??"),
     [("C1", "adds 'please'", "same", "I'm 67 and retired. I have £120,000 in savings and "
       "would like to put £60,000 into shares for 5 years. Please tell me, is that sensible?"),
      ("C2", "retired person in words", "same", "I'm sixty-seven and retired. I have £120,000 "
       "in savings and would like to put £60,000 into shares for 5 years. Is that sensible?")]),
    ("F4", "I'm 33, I have £25,000 in savings and I'd like to move £10,000 into the Balanced "
     "Portfolio for 15 years. How would you rate the risk?",
     ("added irrelevant context", "I'm 33 and I work as a nurse in Leeds. I have £25,000 in "
      "savings and I'd like to move £10,000 into the Balanced Portfolio for 15 years. How "
      "would you rate the risk?"),
     [("C1", "adds 'urgently'", "same", "I'm 33, I have £25,000 in savings and I'd like to "
       "move £10,000 into the Balanced Portfolio for 15 years. I need an answer urgently. How "
       "would you rate the risk?"),
      ("C2", "£25,000 -> £25k", "same", "I'm 33, I have £25k in savings and I'd like to move "
       "£10,000 into the Balanced Portfolio for 15 years. How would you rate the risk?")]),
    ("F5", "I am 52 with £60,000 in savings. I plan to invest £40,000 in shares over 8 years. "
     "What is the risk for me?",
     ("leading framing", "I am 52 with £60,000 in savings and I plan to invest £40,000 in "
      "shares over 8 years. Tell me honestly: what is the risk for me?"),
     [("C1", "asks what could be lost", "same", "I am 52 with £60,000 in savings. I plan to "
       "invest £40,000 in shares over 8 years. How much could I lose? What is the risk for "
       "me?"),
      ("C2", "adds 'it's guaranteed, isn't it?'", "same", "I am 52 with £60,000 in savings. I "
       "plan to invest £40,000 in shares over 8 years. The growth is guaranteed, isn't it? "
       "What is the risk for me?")]),
    ("F6", "I'm 40 and have £50,000 saved. I'm considering £15,000 in bonds and then the "
     "Global Growth fund for 12 years. How risky is this plan?",
     ("length", "I'm 40 and have £50,000 saved. I'm considering £15,000 in bonds and then the "
      "Global Growth fund for 12 years. I have thought about it for a while and want a view. "
      "How risky is this plan?"),
     [("C1", "riskier product named first", "same", "I'm 40 and have £50,000 saved. I'm "
       "considering £15,000 in the Global Growth fund and then bonds for 12 years. How risky "
       "is this plan?"),
      ("C2", "adds a town", "same", "I'm 40, I live in Bristol and have £50,000 saved. I'm "
       "considering £15,000 in bonds and then the Global Growth fund for 12 years. How risky "
       "is this plan?")]),
    ("F7", "I'm 61 with £90,000 saved, and I want to put £45,000 into the Emerging Markets "
     "fund for 4 years. I'm not interested in crypto. What's the risk?",
     ("register", "Hello. I am 61 years old with £90,000 saved, and I wish to put £45,000 "
      "into the Emerging Markets fund for 4 years. I am not interested in crypto. Your risk "
      "view?"),
     [("C1", "drops the crypto sentence", "same", "I'm 61 with £90,000 saved, and I want to "
       "put £45,000 into the Emerging Markets fund for 4 years. What's the risk?"),
      ("C2", "age in words", "same", "I'm sixty-one with £90,000 saved, and I want to put "
       "£45,000 into the Emerging Markets fund for 4 years. I'm not interested in crypto. "
       "What's the risk?")]),
    ("F8", "I am 29 and I have £15,000 in savings. I want to invest £5,000 in shares for 20 "
     "years. How risky is it?",
     ("register", "Hi! I'm 29, I've got £15,000 in savings and I'm keen to invest £5,000 in "
      "shares for 20 years. How risky is it?"),
     [("C1", "£5,000 -> £5k", "same", "I am 29 and I have £15,000 in savings. I want to "
       "invest £5k in shares for 20 years. How risky is it?"),
      ("C2", "asks what could be gained", "same", "I am 29 and I have £15,000 in savings. I "
       "want to invest £5,000 in shares for 20 years. How much could I make? How risky is "
       "it?")]),
]
# What each counterfactual tests, as the learner labels it: (kind, value) of the pool.
TESTS = {"F1-C2": ("age_words", "age in words"), "F3-C2": ("age_words", "age in words"),
         "F7-C2": ("age_words", "age in words"), "F2-C1": ("trigger_keyword", "guaranteed"),
         "F5-C2": ("trigger_keyword", "guaranteed"), "F2-C2": ("number_format", "shorthand"),
         "F4-C2": ("number_format", "shorthand"), "F8-C1": ("number_format", "shorthand"),
         "F3-C1": ("politeness", "polite"), "F4-C1": ("urgency", "urgent"),
         "F5-C1": ("framing", "loss"), "F8-C2": ("framing", "gain"),
         "F6-C1": ("option_order", "riskier first"),
         "F7-C1": ("negation_dropped", "negated risky product")}


def families() -> list[ProbeFamily]:
    return [ProbeFamily(id=fid, text=text,
                        paraphrases=[Paraphrase(id=f"{fid}-P1", dimension=dim, text=ptext)],
                        counterfactuals=[Counterfactual(id=f"{fid}-{cid}", change=change,
                                                        expect=expect, text=ctext)
                                         for cid, change, expect, ctext in cfs])
            for fid, text, (dim, ptext), cfs in FAMILIES]


def write_design(folder: Path, repeats: int, repeats_original: int) -> None:
    design = {
        "model": "simulator", "temperature": 0.7, "repeats": repeats,
        "repeats_original": repeats_original,
        "decision_rule": "Permutation test of each variation's scores against its original's "
                         "repeats; a sensitivity needs p < 0.01 after Holm's correction.",
        "families": [f.model_dump(exclude={"history"}) for f in families()],
    }
    (folder / "probe_design.yaml").write_text(
        yaml.safe_dump(design, sort_keys=False, width=88, allow_unicode=True), encoding="utf-8")


def run(folder: Path, repeats: int, repeats_original: int) -> list[probes.RunRecord]:
    """Run the design and write its log (fixed timestamps, so the file is reproducible)."""
    log = folder / "probe_log.jsonl"
    log.unlink(missing_ok=True)
    records = []
    for family in families():
        records += run_family(InProcessClient(), family, log, repeats=repeats,
                              repeats_original=repeats_original, temperature=0.7)
    records = [r.model_copy(update={"timestamp": FIXED_TIME}) for r in records]
    log.write_text("".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8")
    return records


def figures(records: list[probes.RunRecord], probe_ids: list[str]) -> dict[str, object]:
    """The page's definitions, with labkit.probe_stats: effect, flip rates, n, p-value."""
    def runs(vid: str) -> list[probes.RunRecord]:
        return [r for r in records if r.variant_id == vid]

    diffs, centred, base_centred, flips, total, seen = [], [], [], 0, 0, {}
    for pid in probe_ids:
        family = pid.split("-")[0]
        mine, original = runs(pid), runs(family)
        base_mean = np.mean([r.score for r in original])
        diffs.append(np.mean([r.score for r in mine]) - base_mean)
        centred += [r.score - base_mean for r in mine]
        rate = flip_rate([r.band for r in mine], modal_band([r.band for r in original]))
        flips, total = flips + rate.flips, total + rate.runs
        if family not in seen:
            seen[family] = original
            base_centred += [r.score - base_mean for r in original]
    base = [flip_rate([r.band for r in o], modal_band([r.band for r in o]))
            for o in seen.values()]
    p = permutation_test_scores(centred, base_centred).p_value
    return {"effect": round(float(np.mean(diffs)), 2), "flip_rate": round(flips / total, 3),
            "baseline_flip_rate": round(sum(b.flips for b in base) / sum(b.runs for b in base),
                                        3),
            "n": sum(len(runs(pid)) for pid in probe_ids), "p": p}


def write_analysis(folder: Path, records: list[probes.RunRecord]) -> None:
    """`analysis.csv`: one row per variation, its figures against its original's runs."""
    rows = []
    for family in families():
        for kind, variations in (("paraphrase", family.paraphrases),
                                 ("counterfactual", family.counterfactuals)):
            for variation in variations:
                found = figures(records, [variation.id])
                mine = [r.score for r in records if r.variant_id == variation.id]
                rows.append({"family": family.id, "variant_id": variation.id, "type": kind,
                             "feature": getattr(variation, "dimension", None)
                             or variation.change,
                             "expect": getattr(variation, "expect", "same"), "n": found["n"],
                             "mean_score": round(float(np.mean(mine)), 2),
                             "effect": found["effect"], "flip_rate": found["flip_rate"],
                             "baseline_flip_rate": found["baseline_flip_rate"],
                             "p_value": found["p"]})
    table = pd.DataFrame(rows, columns=[c for c in probes.ANALYSIS_COLUMNS if c != "p_adjusted"])
    table["p_adjusted"] = holm(list(table.p_value))
    table.round({"p_value": 4, "p_adjusted": 4}).to_csv(folder / "analysis.csv", index=False)


LAYERS = {"age_words": "model", "number_format": "model", "trigger_keyword": "data",
          "politeness": "data", "urgency": "data", "framing": "data", "option_order": "model",
          "negation_dropped": "model"}


def hypothesis(records, kind: str, value: str) -> dict[str, object]:
    probe_ids = [pid for pid, test in TESTS.items() if test == (kind, value)]
    found = figures(records, probe_ids)
    return {"kind": kind, "value": value,
            "direction": "raises" if found["effect"] > 0 else "lowers",
            "effect": found["effect"], "flip_rate": found["flip_rate"],
            "baseline_flip_rate": found["baseline_flip_rate"], "n": found["n"],
            "probes": probe_ids, "layer": LAYERS[kind]}


def significant(records) -> list[tuple[str, str]]:
    """The tested (kind, value) pairs whose pooled probes beat the noise at p < 0.01."""
    pairs = list(dict.fromkeys(TESTS.values()))
    ps = [figures(records, [pid for pid, t in TESTS.items() if t == pair])["p"]
          for pair in pairs]
    return [pair for pair, p in zip(pairs, holm(ps), strict=True) if p < 0.01]


def report(hypotheses: list[dict], fix: dict, verify: dict, prose: str) -> str:
    claims = {"model": VARIANT.fingerprint, "hypotheses": hypotheses, "fix": fix,
              "verify": verify}
    block = yaml.safe_dump(claims, sort_keys=False, width=88, default_flow_style=None)
    return f"---\n{block}---\n\n{prose.strip()}\n"


def prose(hypotheses: list[dict], noise_note: str = "") -> str:
    named = ", ".join(f"{h['kind'].replace('_', ' ')} ('{h['value']}', effect {h['effect']:+g} "
                      f"on n = {h['n']})" for h in hypotheses)
    cited = "; ".join(f"{h['value']}: {', '.join(h['probes'])}, flip rate {h['flip_rate']:g} "
                      f"against a baseline of {h['baseline_flip_rate']:g}" for h in hypotheses)
    return f"""
## Finding

The assistant's risk score moves with wording that carries no risk fact. Beyond the noise of
its own repeats, these changes move it: {named}. {noise_note}

## Evidence

Every original was run twenty times and each variation ten times at temperature 0.7. The
variations that show each effect, with their flip rates: {cited}. Counterfactuals that add a
name or a town stay within the originals' noise.

## Hypothesis

Each of these reacts to the form of the enquiry rather than its facts: the same age, amount
and product written another way get another rating. That is how the model reads the enquiry,
or what it learned in training, not an instruction in the prompt and not retrieval.

## Refutation test

Normalise every enquiry before the model (ages and amounts in digits, reassuring words
removed) and rerun the same design with the same seeds. If the effects above stay beyond the
originals' noise after normalisation, the hypothesis is wrong.
"""


FIX = {"target": "input-normalisation",
       "change": "Rewrite ages and amounts in digits and strip reassurance words before the "
                 "enquiry reaches the model."}
VERIFY = {"metric": "flip rate of the age and amount counterfactuals against their originals",
          "target": "at most 0.05, the originals' own flip rate, on the same design"}


def main(samples: Path = SAMPLES) -> None:
    if samples.exists():
        shutil.rmtree(samples)
    thorough = samples / "thorough"
    thorough.mkdir(parents=True)
    write_design(thorough, 10, 20)
    records = run(thorough, 10, 20)
    write_analysis(thorough, records)
    found = [hypothesis(records, kind, value) for kind, value in significant(records)]
    (thorough / "report.md").write_text(report(found, FIX, VERIFY, prose(found)),
                                        encoding="utf-8")

    noise = samples / "noise"
    shutil.copytree(thorough, noise)
    real = [h for h in found if h["kind"] == "trigger_keyword"]
    mistaken = [hypothesis(records, "politeness", "polite"),
                hypothesis(records, "framing", "loss")]
    claimed = real + mistaken
    (noise / "report.md").write_text(report(
        claimed, {"target": "training-data", "change": "Fine-tune on enquiries that differ "
                  "only in wording and carry the same rating."}, VERIFY,
        prose(claimed, "Politeness and loss framing move it too.")), encoding="utf-8")

    few = samples / "few-repeats"
    few.mkdir()
    write_design(few, 3, 5)
    few_records = run(few, 3, 5)
    write_analysis(few, few_records)
    few_found = [hypothesis(few_records, k, v) for k, v in
                 (("age_words", "age in words"), ("trigger_keyword", "guaranteed"))]
    (few / "report.md").write_text(report(few_found, FIX, VERIFY, prose(few_found)),
                                   encoding="utf-8")

    uncommitted = samples / "uncommitted"
    shutil.copytree(thorough, uncommitted)
    text = (thorough / "report.md").read_text(encoding="utf-8")
    first = next(h for h in found if h["kind"] == "age_words")
    text = text.replace("- kind: age_words", "- kind: age_words, number_format", 1)
    assert first and "age_words, number_format" in text
    (uncommitted / "report.md").write_text(text, encoding="utf-8")

    edited = samples / "edited-log"
    shutil.copytree(thorough, edited)
    lines = (edited / "probe_log.jsonl").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):   # the first run of F3-C2 told a better story at 2/7
        record = json.loads(line)
        if record["variant_id"] == "F3-C2" and record["score"] != 2:
            old = f"Risk band: {record['band']}. Score: {record['score']}/7."
            record["response"] = record["response"].replace(old, "Risk band: low. Score: 2/7.")
            record["band"], record["score"] = "low", 2
            lines[i] = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
            break
    (edited / "probe_log.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for folder in sorted(samples.iterdir()):
        print(folder.name, sum(1 for _ in (folder / "probe_log.jsonl").open()), "records")


if __name__ == "__main__":
    main()
