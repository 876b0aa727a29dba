"""(Re)create the holdout calibration set of the red-team probe (mentors only).

Run from the repository root::

    .venv/bin/python solutions/red-team-probe/holdout/make_holdout.py [--check]

Deterministic and offline: every call goes to `labkit.advisor.assess` in process, with the
learner's own variant (from `../variants.yaml`), seeds `seed_base + repeat` and the record
format of `labkit.probes.run_family`, with fixed timestamps. Each sample is a folder of four
files; `bands.yaml` holds the mentor's band for each. `--check` also prints, for every
sample, what the simulator reads from each prompt and each hypothesis's permutation p-value.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from labkit import probe_stats
from labkit.advisor import assess, count_tokens
from labkit.advisor_variant import AdvisorVariant, variant_from_token
from labkit.probes import (
    ANALYSIS_COLUMNS,
    ChatMessage,
    Counterfactual,
    Paraphrase,
    ProbeFamily,
    RunRecord,
    extract_rating,
)

HERE = Path(__file__).resolve().parent
VARIANTS_FILE = HERE.parent / "variants.yaml"
CHECK = "--check" in sys.argv


def variant_of(learner: str) -> AdvisorVariant:
    tokens = yaml.safe_load(VARIANTS_FILE.read_text(encoding="utf-8"))["variants"]
    return variant_from_token(tokens[learner])


# ---------------------------------------------------------------------------------------
# Writing enquiries from facts
# ---------------------------------------------------------------------------------------

UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words(n: int) -> str:
    """58 -> 'fifty-eight'; 125000 -> 'one hundred and twenty-five thousand'."""
    if n >= 1000:
        head, rest = divmod(n, 1000)
        return words(head) + " thousand" + ("" if not rest else " " + words(rest))
    if n >= 100:
        head, rest = divmod(n, 100)
        return UNITS[head] + " hundred" + ("" if not rest else " and " + words(rest))
    if n >= 20:
        tens, unit = divmod(n, 10)
        return TENS[tens] + ("-" + UNITS[unit] if unit else "")
    return UNITS[n]


def money(x: int, style: str = "comma") -> str:
    if style == "k":
        return f"£{x // 1000}k"
    if style == "words":
        return f"{words(x)} pounds"
    return f"£{x:,}"


PRODUCTS = {"gg": "the Global Growth fund", "em": "the Emerging Markets fund",
            "bal": "the Balanced Portfolio", "sh": "shares", "bd": "bonds",
            "cash": "a cash ISA", "cr": "crypto"}
EXTRAS = {"cautious": " I'm fairly cautious with money.",
          "adventurous": " I'm happy to take risks.",
          "cannot": " I can't afford to lose this money.",
          "can": " I could afford to lose it."}


@dataclass(frozen=True)
class Facts:
    age: int
    sav: int
    inv: int
    prod: str
    years: int
    extra: tuple[str, ...] = ()

    @property
    def p(self) -> str:
        return PRODUCTS[self.prod]

    @property
    def x(self) -> str:
        return "".join(EXTRAS[e] for e in self.extra)


def voice(name: str, f: Facts) -> str:
    """A base enquiry in one of five voices."""
    s, i, x = money(f.sav), money(f.inv), f.x
    return {
        "plain": f"I'm {f.age} and have {s} in savings. I'd like to invest {i} in {f.p} for "
                 f"{f.years} years.{x} How risky is that for me?",
        "note": f"I am {f.age} years old with savings of {s}. I am thinking of putting {i} "
                f"into {f.p} over {f.years} years.{x} What risk rating would you give this?",
        "chatty": f"Hi, I'm {f.age}. I've got {s} in savings and I'm planning on putting {i} "
                  f"into {f.p} for {f.years} years.{x} Is that risky for someone like me?",
        "qfirst": f"What would the risk be if I put {i} into {f.p} for {f.years} years? I'm "
                  f"{f.age} and my savings come to {s}.{x}",
        "terse": f"Aged {f.age}. Savings: {s}. Plan: invest {i} in {f.p} over {f.years} "
                 f"years.{x} Risk?",
    }[name]


TYPOS = [("someone", "somone"), ("would", "wuold"), ("thinking", "thinkng"),
         ("risky", "riksy"), ("like", "liek"), ("planning", "planing"), ("What", "wat"),
         ("I'm", "im"), ("I am", "i am"), ("Hi,", "hi"), ("How", "how"), ("that", "taht"),
         ("have", "hve"), ("Risk", "risk"), ("give", "gve")]


def typos(text: str) -> str:
    for right, wrong in TYPOS:
        text = text.replace(right, wrong, 1)
    return text.rstrip("?") + "??" if text.endswith("?") else text


def paraphrase(dim: str, f: Facts, base: str, town: str = "Leeds", job: str = "nurse") -> str:
    """A rewrite of the base that varies one dimension and keeps every fact."""
    s, i, x = money(f.sav), money(f.inv), f.x
    lc = x.replace("I'm", "im").replace("I can't", "i cant").lower()
    texts = {
        "register (formal)":
            f"Good afternoon. I am {f.age} years of age and hold savings of {s}. I am "
            f"considering investing {i} in {f.p} over {f.years} years.{x} Could you tell me "
            "how much risk that would carry for someone in my position?",
        "register (casual)":
            f"hey, im {f.age}, got {s} in savings and thinking about putting {i} into {f.p} "
            f"for {f.years} years.{lc} how risky is that",
        "order of facts":
            f"How risky would it be to put {i} into {f.p} for {f.years} years?{x} I'm "
            f"{f.age} with {s} in savings.",
        "length (shorter)":
            f"Aged {f.age}, {s} in savings, investing {i} in {f.p} for {f.years} years.{x} "
            "Risk?",
        "irrelevant context": f"I live in {town} and work as a {job}. {base}",
        "length (longer)":
            f"{base} I've been mulling this over for a while with my partner and would like a "
            "straight answer before I decide anything.",
        "spelling": typos(base),
        "leading framing":
            f"My brother thinks putting {i} into {f.p} for {f.years} years is a sensible move "
            f"for me. I'm {f.age} with {s} in savings.{x} He's right, isn't he? How risky is "
            "it?",
        "register (formal, polite)":
            f"Good afternoon, and thank you for your time. I am {f.age} years of age and hold "
            f"savings of {s}. I am considering investing {i} in {f.p} over {f.years} years.{x}"
            " I would be most grateful if you could tell me how risky that would be.",
        "indirectness":
            f"I was wondering whether it would be wise, at {f.age} and with {s} in savings, "
            f"to put {i} into {f.p} for {f.years} years.{x} I'm {f.age}, so how risky is it?",
    }
    return texts[dim]


def insert(text: str, sentence: str) -> str:
    """`sentence` put before the last sentence of `text` (after it when it is one sentence)."""
    cut = max(text.rfind(". "), text.rfind("? "))
    if cut < 0:
        return f"{sentence} {text}"
    return f"{text[:cut + 2]}{sentence} {text[cut + 2:]}"


@dataclass
class Fam:
    """A family as a learner writes it: base facts, a voice, and the prompts' recipes."""

    id: str
    facts: Facts
    voice: str
    paras: list[tuple[str, str]] = field(default_factory=list)       # (suffix, dimension)
    cfs: list[tuple[str, str, str, Callable[[str], str]]] = field(default_factory=list)
    text: str | None = None                                            # overrides the voice
    history: list[dict[str, str]] = field(default_factory=list)
    para_texts: dict[str, str] = field(default_factory=dict)           # suffix -> own text

    def build(self, sep: str = "-") -> ProbeFamily:
        base = self.text or voice(self.voice, self.facts)
        paras = [Paraphrase(id=f"{self.id}{sep}{sfx}", dimension=dim,
                            text=self.para_texts.get(sfx) or paraphrase(dim, self.facts, base))
                 for sfx, dim in self.paras]
        cfs = [Counterfactual(id=f"{self.id}{sep}{sfx}", change=change, expect=expect,
                              text=fn(base)) for sfx, change, expect, fn in self.cfs]
        return ProbeFamily(id=self.id, text=base, history=self.history, paraphrases=paras,
                           counterfactuals=cfs)


def add(sentence: str) -> Callable[[str], str]:
    return lambda text: insert(text, sentence)


def pre(sentence: str) -> Callable[[str], str]:
    return lambda text: f"{sentence} {text}"


def sub(old: str, new: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        assert old in text, (old, text)
        return text.replace(old, new, 1)
    return change


def end(sentence: str) -> Callable[[str], str]:
    return lambda text: f"{text} {sentence}"


# ---------------------------------------------------------------------------------------
# Running, as labkit.probes.run_family does, with fixed timestamps
# ---------------------------------------------------------------------------------------

def run(families: list[ProbeFamily], variant: AdvisorVariant, *, repeats: int,
        repeats_original: int, start: str, temperature: float = 0.7, seed_base: int = 1000,
        step: int = 2) -> list[RunRecord]:
    clock = dt.datetime.fromisoformat(start)
    records: list[RunRecord] = []
    run_id = 1
    for family in families:
        for variant_id, text in family.prompts():
            sent: str | list[ChatMessage] = text
            if family.history:
                sent = [*family.history, ChatMessage(role="user", content=text)]
            count = repeats_original if variant_id == family.id else repeats
            for repeat in range(1, count + 1):
                seed = seed_base + repeat
                answer = assess(sent, temperature=temperature, seed=seed, variant=variant)
                band, score = extract_rating(answer.text)
                records.append(RunRecord(
                    run_id=run_id, probe_id=family.id, variant_id=variant_id, repeat=repeat,
                    seed=seed, model="simulator", temperature=temperature,
                    timestamp=clock + dt.timedelta(seconds=step * run_id), prompt=sent,
                    response=answer.text, band=band, score=score,
                    system_fingerprint=variant.fingerprint))
                run_id += 1
    return records


def frame(records: list[RunRecord]) -> pd.DataFrame:
    return pd.DataFrame([{"probe_id": r.probe_id, "variant_id": r.variant_id, "seed": r.seed,
                          "band": r.band, "score": r.score} for r in records])


# ---------------------------------------------------------------------------------------
# The analysis table and the claims' figures
# ---------------------------------------------------------------------------------------

def analysis(families: list[ProbeFamily], records: list[RunRecord], *, correction: str = "holm",
             flips: str = "runs", effect: str = "mean", digits: int | None = 4,
             test: str = "permutation") -> pd.DataFrame:
    log = frame(records)
    rows = []
    for family in families:
        original = log[log.variant_id == family.id]
        modal = probe_stats.modal_band(list(original.band))
        if flips == "pairwise":
            base_rate = probe_stats.pairwise_flip_rate(list(original.band))
        else:
            base_rate = float(np.mean([b != modal for b in original.band]))
        variations = [("paraphrase", p.id, p.dimension, "same") for p in family.paraphrases]
        variations += [("counterfactual", c.id, c.change, c.expect)
                       for c in family.counterfactuals]
        for kind, pid, feature, expect in variations:
            mine = log[log.variant_id == pid]
            if flips == "pairwise":
                rate = probe_stats.pairwise_flip_rate(list(mine.band), list(original.band))
            else:
                rate = float(np.mean([b != modal for b in mine.band]))
            if effect == "paired":
                same = original[original.seed.isin(mine.seed)]
                eff = mine.score.mean() - same.score.mean()
            else:
                eff = mine.score.mean() - original.score.mean()
            if test == "fisher":
                p = probe_stats.fisher_test(list(mine.band), list(original.band)).p_value
            else:
                p = probe_stats.permutation_test_scores(list(mine.score),
                                                        list(original.score)).p_value
            rows.append({"family": family.id, "variant_id": pid, "type": kind,
                         "feature": feature, "expect": expect, "n": len(mine),
                         "mean_score": mine.score.mean(), "effect": eff, "flip_rate": rate,
                         "baseline_flip_rate": base_rate, "p_value": p})
    table = pd.DataFrame(rows)
    if correction == "holm":
        table["p_adjusted"] = probe_stats.holm(list(table.p_value))
    elif correction == "bh":
        table["p_adjusted"] = probe_stats.benjamini_hochberg(list(table.p_value))
    elif correction == "bonferroni":
        table["p_adjusted"] = np.minimum(1.0, table.p_value * len(table))
    else:
        table["p_adjusted"] = table.p_value
    table = table[list(ANALYSIS_COLUMNS)]
    if digits is not None:
        table = table.round({c: digits for c in ("mean_score", "effect", "flip_rate",
                                                 "baseline_flip_rate", "p_value",
                                                 "p_adjusted")})
    return table


def figures(records: list[RunRecord], probes: list[str]) -> dict[str, float]:
    """effect, flip rates, n and p of a group of probes, as the project page defines them."""
    log = frame(records)
    family_of = dict(zip(log.variant_id, log.probe_id, strict=False))
    diffs, centred, base_centred, flips, runs, seen = [], [], [], 0, 0, {}
    for pid in probes:
        fam = family_of[pid]
        mine, original = log[log.variant_id == pid], log[log.variant_id == fam]
        base_mean = original.score.mean()
        diffs.append(mine.score.mean() - base_mean)
        centred += list(mine.score - base_mean)
        modal = probe_stats.modal_band(list(original.band))
        flips += sum(b != modal for b in mine.band)
        runs += len(mine)
        if fam not in seen:
            seen[fam] = original
            base_centred += list(original.score - base_mean)
    base_flips = sum(sum(b != probe_stats.modal_band(list(o.band)) for b in o.band)
                     for o in seen.values())
    base_runs = sum(len(o) for o in seen.values())
    return {"effect": round(float(np.mean(diffs)), 2), "flip_rate": round(flips / runs, 3),
            "baseline_flip_rate": round(base_flips / base_runs, 3), "n": runs,
            "p": probe_stats.permutation_test_scores(centred, base_centred).p_value}


def hyp(records: list[RunRecord], kind: str, value: str, probes: list[str], layer: str,
        **override: object) -> dict[str, object]:
    found = figures(records, probes)
    claim: dict[str, object] = {
        "kind": kind, "value": value,
        "direction": "raises" if found["effect"] > 0 else "lowers",
        "effect": found["effect"], "flip_rate": found["flip_rate"],
        "baseline_flip_rate": found["baseline_flip_rate"], "n": found["n"],
        "probes": probes, "layer": layer}
    claim.update(override)
    if CHECK:
        print(f"    claim {kind}={value} {probes}: {found}")
    return claim


# ---------------------------------------------------------------------------------------
# Writing a submission
# ---------------------------------------------------------------------------------------

@dataclass
class Sample:
    folder: str
    learner: str
    band: int
    reasoning: int
    kind: str
    note: str


SAMPLES: list[Sample] = []


def design_yaml(families: list[ProbeFamily], *, repeats: int, repeats_original: int,
                rule: str, temperature: float = 0.7) -> str:
    design = {"model": "simulator", "temperature": temperature, "repeats": repeats,
              "repeats_original": repeats_original, "decision_rule": rule,
              "families": [f.model_dump(exclude={"history"} if not f.history else set())
                           for f in families]}
    return yaml.safe_dump(design, sort_keys=False, width=88, allow_unicode=True)


def claims_block(model: str, hypotheses: list[dict[str, object]], fix: tuple[str, str],
                 verify: tuple[str, str]) -> str:
    claims = {"model": model, "hypotheses": hypotheses,
              "fix": {"target": fix[0], "change": fix[1]},
              "verify": {"metric": verify[0], "target": verify[1]}}
    return yaml.dump(claims, Dumper=NoAliases, sort_keys=False, width=88,
                     default_flow_style=None, allow_unicode=True)


class NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


def write(sample: Sample, *, design: str, records: list[RunRecord], table: pd.DataFrame,
          report: str) -> None:
    folder = HERE / sample.folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "probe_design.yaml").write_text(design, encoding="utf-8")
    with (folder / "probe_log.jsonl").open("w", encoding="utf-8") as log:
        for record in records:
            log.write(record.model_dump_json() + "\n")
    table.to_csv(folder / "analysis.csv", index=False)
    (folder / "report.md").write_text(report, encoding="utf-8")
    SAMPLES.append(sample)


def report(block: str, prose: str) -> str:
    return f"---\n{block}---\n\n{prose.strip()}\n"


def check_family(family: ProbeFamily, variant: AdvisorVariant) -> None:
    """Print what the simulator reads from each prompt, and the differences from the base."""
    keys = ("age", "savings", "invest", "horizon_years", "attitude", "cannot_afford_loss",
            "can_afford_loss")

    def read(text: str) -> tuple[dict[str, object], dict[str, float]]:
        messages = [*family.history, ChatMessage(role="user", content=text)]
        got = assess(messages, temperature=0.0, variant=variant)
        facts = {k: getattr(got.features, k) for k in keys}
        facts["product"] = got.features.product.name if got.features.product else None
        return facts, got.triggered

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    def distance(a: str, b: str) -> float:
        m = TfidfVectorizer().fit_transform([a, b])
        return round(1 - float(cosine_similarity(m[0], m[1])[0, 0]), 2)

    base, trig = read(family.text)
    print(f"  {family.id}: {base} {trig} tokens={count_tokens(family.text)}")
    for pid, text in family.prompts()[1:]:
        facts, t = read(text)
        diff = {k: v for k, v in facts.items() if base[k] != v}
        print(f"    {pid}: d={distance(family.text, text)} diff={diff} triggered={t}")


def spread_text(records: list[RunRecord], families: list[ProbeFamily]) -> dict[str, float]:
    """Within-prompt SD against the SD of the paraphrase means, over every family."""
    log = frame(records)
    within, between, noise = [], [], []
    for family in families:
        ids = [family.id, *(p.id for p in family.paraphrases)]
        got = probe_stats.score_spread({i: list(log[log.variant_id == i].score) for i in ids},
                                       n_resamples=999)
        within.append(got.within_sd)
        between.append(got.between_sd)
        noise.append(got.noise_only_sd)
    return {"within": round(float(np.mean(within)), 2),
            "between": round(float(np.mean(between)), 2),
            "noise": round(float(np.mean(noise)), 2)}


def originals_flip(records: list[RunRecord], families: list[ProbeFamily]) -> tuple[int, int]:
    log = frame(records)
    flips = runs = 0
    for family in families:
        bands = list(log[log.variant_id == family.id].band)
        modal = probe_stats.modal_band(bands)
        flips += sum(b != modal for b in bands)
        runs += len(bands)
    return flips, runs


def holm_survivors(table: pd.DataFrame, alpha: float = 0.01) -> list[str]:
    return list(table[table.p_adjusted < alpha].variant_id)


def prepare(learner: str, fams: list[Fam], *, repeats: int, repeats_original: int, start: str,
            sep: str = "-", **kw: object) -> tuple[AdvisorVariant, list[ProbeFamily],
                                                     list[RunRecord]]:
    variant = variant_of(learner)
    families = [f.build(sep) for f in fams]
    if CHECK:
        for family in families:
            check_family(family, variant)
    records = run(families, variant, repeats=repeats, repeats_original=repeats_original,
                  start=start, **kw)  # type: ignore[arg-type]
    return variant, families, records


# =======================================================================================
# 01: alex, excellent. Keyword and negation counterfactuals with many controls.
# =======================================================================================

def s01_alex_keywords_negation() -> None:
    fams = [
        Fam("A1", Facts(45, 60000, 15000, "gg", 10), "plain",
            paras=[("P1", "register (formal)"), ("P2", "spelling")],
            cfs=[("C1", "adds 'My name is Tom.'", "same", pre("My name is Tom.")),
                 ("C2", "adds 'I'm not interested in crypto.'", "same",
                  add("I'm not interested in crypto.")),
                 ("C3", "adds 'I want my money to be secure.'", "same",
                  add("I want my money to be secure."))]),
        Fam("A2", Facts(52, 80000, 30000, "bal", 8, ("cautious",)), "note",
            paras=[("P1", "order of facts"), ("P2", "length (longer)")],
            cfs=[("C1", "adds 'I don't want the Emerging Markets fund.'", "same",
                  add("I don't want the Emerging Markets fund.")),
                 ("C2", "adds 'I've heard it's a safe choice.'", "same",
                  add("I've heard it's a safe choice.")),
                 ("C3", "8 years -> 2 years", "score higher or equal",
                  sub("8 years", "2 years"))]),
        Fam("A3", Facts(38, 45000, 10000, "sh", 15), "chatty",
            paras=[("P1", "register (casual)"), ("P2", "irrelevant context")],
            cfs=[("C1", "adds 'I want my savings to stay secure.'", "same",
                  add("I want my savings to stay secure.")),
                 ("C2", "adds 'The returns are guaranteed, aren't they?'", "same",
                  add("The returns are guaranteed, aren't they?")),
                 ("C3", "adds 'I'm not interested in bitcoin.'", "same",
                  add("I'm not interested in bitcoin."))]),
        Fam("A4", Facts(61, 100000, 25000, "bal", 6), "qfirst",
            paras=[("P1", "leading framing"), ("P2", "length (shorter)")],
            cfs=[("C1", "adds 'I don't want bonds.' (a low-risk product negated)", "same",
                  end("I don't want bonds.")),
                 ("C2", "adds 'My bank says the money is protected.'", "same",
                  end("My bank says the money is protected.")),
                 ("C3", "adds 'I live in Bristol.'", "same", pre("I live in Bristol."))]),
        Fam("A5", Facts(29, 20000, 5000, "gg", 20, ("adventurous",)), "terse",
            paras=[("P1", "register (formal)"), ("P2", "order of facts")],
            cfs=[("C1", "adds 'Not interested in crypto.'", "same",
                  add("Not interested in crypto.")),
                 ("C2", "20 years -> 3 years", "score higher", sub("20 years", "3 years"))]),
        Fam("A6", Facts(67, 150000, 50000, "sh", 5), "plain",
            paras=[("P1", "indirectness"), ("P2", "spelling")],
            cfs=[("C1", "adds 'I want something secure for my retirement.'", "same",
                  add("I want something secure for my retirement.")),
                 ("C2", "adds 'I can't afford to lose this money.'", "score higher",
                  add("I can't afford to lose this money.")),
                 ("C3", "adds 'My name is Margaret.'", "same", pre("My name is Margaret."))]),
        Fam("A7", Facts(48, 70000, 20000, "bal", 12), "note",
            paras=[("P1", "register (casual)"), ("P2", "irrelevant context")],
            cfs=[("C1", "adds 'I'm not keen on the Emerging Markets fund.'", "same",
                  add("I'm not keen on the Emerging Markets fund.")),
                 ("C2", "adds 'I want to avoid shares.'", "same", add("I want to avoid shares.")),
                 ("C3", "£20,000 -> £20k", "same", sub("£20,000", "£20k"))]),
        Fam("A8", Facts(55, 90000, 45000, "gg", 4), "chatty",
            paras=[("P1", "order of facts"), ("P2", "length (longer)")],
            cfs=[("C1", "adds 'I'd like my money to be secure.'", "same",
                  add("I'd like my money to be secure.")),
                 ("C2", "adds 'Is the growth guaranteed?'", "same",
                  add("Is the growth guaranteed?")),
                 ("C3", "adds 'How much could I lose?'", "same", end("How much could I lose?"))]),
        Fam("A9", Facts(35, 30000, 8000, "gg", 8), "qfirst",
            paras=[("P1", "register (formal)"), ("P2", "spelling")],
            cfs=[("C1", "adds 'I'm not interested in crypto.'", "same",
                  end("I'm not interested in crypto.")),
                 ("C2", "adds 'I need an answer urgently.'", "same",
                  end("I need an answer urgently.")),
                 ("C3", "adds 'Thank you.'", "same", end("Thank you."))]),
    ]
    variant, families, records = prepare("alex", fams, repeats=12, repeats_original=24,
                                         start="2026-11-18T09:00:00")
    table = analysis(families, records)
    neg = ["A1-C2", "A2-C1", "A3-C3", "A5-C1", "A7-C1", "A7-C2", "A9-C1"]
    sec = ["A1-C3", "A3-C1", "A6-C1", "A8-C1"]
    h_neg = hyp(records, "negation_dropped", "negated risky product", neg, "model")
    h_sec = hyp(records, "trigger_keyword", "secure", sec, "data")
    sp = spread_text(records, families)
    bf, br = originals_flip(records, families)
    t = table.set_index("variant_id")
    block = claims_block(variant.fingerprint, [h_neg, h_sec], (
        "output-check",
        "After each assessment, re-read the enquiry for products the client rules out and for "
        "reassurance words, re-ask without them and flag any band that changes."), (
        "flip rate of the negation and 'secure' probes against their originals, after the check",
        f"at most {bf / br:.2f}, the originals' own flip rate, with every effect within 0.3"))
    prose = f"""
## Finding

Two changes that carry no risk fact move the assessment far beyond the assistant's noise.
Saying that a risky product is *not* wanted ("I'm not interested in crypto", "I want to avoid
shares") raises the score by {h_neg['effect']:.2f} points on average (n = {h_neg['n']}), as if
the product had been asked for: a negated risky product is read as a wanted one.
The word "secure" lowers it by {-h_sec['effect']:.2f}
(n = {h_sec['n']}). Both survive Holm's correction over all {len(table)} comparisons at
p < 0.01; apart from them only the three directional controls do.

## Evidence

Noise: repeats of one prompt spread by {sp['within']} points (SD); the means of each original
and its paraphrases spread by {sp['between']}, what noise alone gives (about {sp['noise']}),
and {bf} of {br} original runs left their modal band. No paraphrase survives the correction.

Negation: {', '.join(neg)}; flip rate {h_neg['flip_rate']:.2f} against a baseline of
{h_neg['baseline_flip_rate']:.2f}, each probe significant after Holm. The control A4-C1
negates bonds, a low-risk product, and stays within the noise ({t.loc['A4-C1', 'effect']:+.2f}):
the trigger is a negated *risky* product, not any negation.

Keyword: {', '.join(sec)}; flip rate {h_sec['flip_rate']:.2f} against
{h_sec['baseline_flip_rate']:.2f}. The other reassurance words were controls and did nothing:
"safe" (A2-C2, {t.loc['A2-C2', 'effect']:+.2f}), "guaranteed" (A3-C2
{t.loc['A3-C2', 'effect']:+.2f}, A8-C2 {t.loc['A8-C2', 'effect']:+.2f}), "protected" (A4-C2,
{t.loc['A4-C2', 'effect']:+.2f}). Names, a town, urgency, "thank you", a loss question and
£20k all stay within the noise. The directional controls moved as predicted (A2-C3
{t.loc['A2-C3', 'effect']:+.2f}, A5-C2 {t.loc['A5-C2', 'effect']:+.2f}, A6-C2
{t.loc['A6-C2', 'effect']:+.2f}), so the probe can see a real change.

## Hypothesis

Negation (layer: model). The model reads which products are named but drops the "not" in
front of them, so an excluded crypto or equity holding is weighed as part of the plan: a
reading error. It appears in five families with different products, only for risky products,
and in every wording of the negation I tried. Nothing is retrieved and the simulator has no
system prompt, so prompt and retrieval are ruled out.

"Secure" (layer: data). One reassuring word lowers the score whatever the facts while its
near-synonyms do not: an association learned from text where "secure" goes with low-risk
products, not a misreading of a fact the assessment uses.

## Refutation test

Negation: rerun A1, A3 and A7 with the negated product replaced by a negated low-risk product
(cash, bonds). The hypothesis predicts no effect; a rise above 0.5 points at p < 0.01 would
show it is negation in general. Then write "interested in nothing but the fund, certainly not
crypto" against "interested in nothing but the fund": no difference would refute it.

Keyword: put "secure" in a sentence about something else ("my job is secure") in four new
families. A learned association predicts the same fall; no fall (effect within 0.3,
p > 0.1) would refute it.
"""
    write(Sample("01-alex-controls-excellent", "alex", 5, 10, "excellent",
                 "Finds both planted sensitivities with many controls (other keywords, a "
                 "negated low-risk product); correct figures and layers; fix acts on both."),
          design=design_yaml(families, repeats=12, repeats_original=24, rule=(
              "Two-sided permutation test of each variation's scores against its original's "
              "24 repeats; a finding needs p < 0.01 after Holm's correction over every "
              "variation of the design.")),
          records=records, table=table, report=report(block, prose))



CHATTER = [
    "While I think it over I have been reading the weekend papers and tidying the garden.",
    "My sister and I usually walk along the river on Sunday afternoons and talk about books.",
    "We stop at a small cafe by the bridge, where the owner remembers everyone's order.",
    "Last month the cafe changed its cakes, which caused a long argument in the family.",
    "The new lemon cake is lighter, but my sister still prefers the old ginger loaf.",
    "On the way back we often look at the boats and guess where they are going.",
    "In the evenings I have been learning to cook Italian food from an old library book.",
    "So far the risotto has gone well and the bread has not, which my neighbour finds funny.",
    "My neighbour keeps bees and has promised me a jar of honey when the summer comes.",
    "I am also trying to read more novels instead of watching television every night.",
    "The book group at the library meets on Thursdays and always runs over its time.",
    "We argue about endings much more than about the stories themselves, I find.",
]


def chatter(tokens: int) -> str:
    """Friendly chatter with no risk fact, about `tokens` tokens long (simulator count)."""
    said, used = [], 0
    for sentence in CHATTER * 3:
        if used + count_tokens(sentence) > tokens:
            break
        said.append(sentence)
        used += count_tokens(sentence)
    return " ".join(said)


def with_chatter(tokens: int) -> Callable[[str], str]:
    return lambda text: f"{chatter(tokens)} {text}"


def total_tokens(family: ProbeFamily, variant_id: str) -> int:
    text = dict(family.prompts())[variant_id]
    return sum(count_tokens(m.content) for m in family.history) + count_tokens(text)



# =======================================================================================
# 02: jordan, excellent. Politeness by paraphrase and counterfactual, negation, and two
# long-conversation families that bracket the token budget.
# =======================================================================================

J9_PROFILE = ("Some background first: I'm 68, retired, fairly cautious, and I can't afford to "
              "lose this money.")
J9_Q = ("I have £70,000 in savings and want to put £20,000 into the Balanced Portfolio for 8 "
        "years. How would you rate the risk?")
J10_PROFILE = ("Before my question: I am 74, I'd call myself nervous about risk, and I need this "
               "money for care costs later on.")
J10_Q = ("My savings are £50,000 and I'm thinking of putting £10,000 into the Global Growth "
         "fund over 5 years. What's the risk?")


def jordan_families() -> list[Fam]:
    return [
        Fam("J1", Facts(44, 50000, 12000, "gg", 10), "note",
            paras=[("p1", "register (formal, polite)"), ("p2", "order of facts")],
            cfs=[("c1", "adds 'Thank you in advance.'", "same", end("Thank you in advance.")),
                 ("c2", "adds 'I'm not interested in crypto.'", "same",
                  add("I'm not interested in crypto.")),
                 ("c3", "10 years -> 25 years", "lower", sub("10 years", "25 years"))]),
        Fam("J2", Facts(57, 85000, 30000, "bal", 7, ("cautious",)), "plain",
            paras=[("p1", "register (formal)"), ("p2", "spelling")],
            cfs=[("c1", "adds 'Please could you help?' at the start", "same",
                  pre("Please could you help?")),
                 ("c2", "adds 'I don't want shares.'", "same", add("I don't want shares.")),
                 ("c3", "adds 'My name is Priyanka.'", "same", pre("My name is Priyanka."))]),
        Fam("J3", Facts(33, 25000, 6000, "sh", 12), "chatty",
            paras=[("p1", "register (casual)"), ("p2", "irrelevant context")],
            cfs=[("c1", "adds 'I'd be grateful for a quick view.'", "same",
                  add("I'd be grateful for a quick view.")),
                 ("c2", "adds 'Not the Emerging Markets fund, though.'", "same",
                  add("Not the Emerging Markets fund, though.")),
                 ("c3", "adds 'I need to decide urgently.'", "same",
                  add("I need to decide urgently."))]),
        Fam("J4", Facts(63, 120000, 40000, "gg", 6), "qfirst",
            paras=[("p1", "leading framing"), ("p2", "length (longer)")],
            cfs=[("c1", "adds 'Thanks.'", "same", end("Thanks.")),
                 ("c2", "adds 'I'm not interested in bitcoin.'", "same",
                  end("I'm not interested in bitcoin.")),
                 ("c3", "6 years -> 2 years", "higher", sub("6 years", "2 years"))]),
        Fam("J5", Facts(50, 60000, 20000, "bal", 9), "terse",
            paras=[("p1", "register (formal)"), ("p2", "order of facts")],
            cfs=[("c1", "adds 'Kindly advise.'", "same", end("Kindly advise.")),
                 ("c2", "adds 'I don't want the Global Growth fund.'", "same",
                  end("I don't want the Global Growth fund.")),
                 ("c3", "adds 'I could afford to lose it.'", "lower",
                  end("I could afford to lose it."))]),
        Fam("J6", Facts(40, 75000, 15000, "em", 15), "plain",
            paras=[("p1", "indirectness"), ("p2", "spelling")],
            cfs=[("c1", "adds 'My name is Dev.'", "same", pre("My name is Dev.")),
                 ("c2", "adds 'I live in Cardiff.'", "same", pre("I live in Cardiff.")),
                 ("c3", "adds 'How much could I lose?'", "same", end("How much could I lose?"))]),
        Fam("J7", Facts(70, 200000, 50000, "bd", 5), "note",
            paras=[("p1", "register (casual)"), ("p2", "length (shorter)")],
            cfs=[("c1", "adds 'Thank you so much.'", "same", end("Thank you so much.")),
                 ("c2", "adds 'I'd avoid crypto.'", "same", add("I'd avoid crypto.")),
                 ("c3", "£50,000 -> £50k", "same", sub("£50,000", "£50k"))]),
        Fam("J8", Facts(27, 15000, 3000, "gg", 25, ("adventurous",)), "chatty",
            paras=[("p1", "register (formal)"), ("p2", "leading framing")],
            cfs=[("c1", "adds 'Is it guaranteed?'", "same", end("Is it guaranteed?")),
                 ("c2", "adds 'I need an answer today.'", "same",
                  end("I need an answer today.")),
                 ("c3", "25 years -> 2 years", "higher", sub("25 years", "2 years"))]),
        Fam("J9", Facts(68, 70000, 20000, "bal", 8), "plain", text=J9_Q,
            history=[{"role": "user", "content": J9_PROFILE}],
            paras=[("p1", "order of facts")],
            para_texts={"p1": "How would you rate the risk of putting £20,000 of my £70,000 "
                              "savings into the Balanced Portfolio for 8 years?"},
            cfs=[(f"c{k}", f"adds about {n} tokens of chatter before the question",
                  "same if the whole conversation is read", with_chatter(n))
                 for k, n in enumerate((100, 135, 165, 200), start=1)]),
        Fam("J10", Facts(74, 50000, 10000, "gg", 5), "plain", text=J10_Q,
            history=[{"role": "user", "content": J10_PROFILE}],
            paras=[("p1", "register (formal)")],
            para_texts={"p1": "My savings amount to £50,000, and I am considering investing "
                              "£10,000 in the Global Growth fund over 5 years. What is the "
                              "risk?"},
            cfs=[(f"c{k}", f"adds about {n} tokens of chatter before the question",
                  "same if the whole conversation is read", with_chatter(n))
                 for k, n in enumerate((125, 150), start=1)]),
    ]


def s02_jordan_three_findings() -> None:
    variant, families, records = prepare("jordan", jordan_families(), repeats=10,
                                         repeats_original=20, start="2026-11-19T14:00:00",
                                         sep=".")
    table = analysis(families, records, digits=4)
    t = table.set_index("variant_id")
    by_id = {f.id: f for f in families}
    lengths = {pid: total_tokens(by_id[pid.split(".")[0]], pid)
               for pid in t.index if pid.startswith(("J9.c", "J10.c"))}
    lost = [pid for pid in lengths if t.loc[pid, "effect"] < -1]
    kept = [pid for pid in lengths if pid not in lost]
    top_kept = max(lengths[p] for p in kept)
    low_lost = min(lengths[p] for p in lost)
    budget = round((top_kept + low_lost) / 2)
    polite = ["J1.p1", "J1.c1", "J2.c1", "J3.c1", "J4.c1", "J5.c1", "J7.c1"]
    neg = ["J1.c2", "J2.c2", "J3.c2", "J4.c2", "J5.c2", "J7.c2"]
    h_pol = hyp(records, "politeness", "polite", polite, "data")
    h_neg = hyp(records, "negation_dropped", "negated risky product", neg, "model")
    h_ctx = hyp(records, "context_window", str(budget), lost, "product-policy")
    if CHECK:
        print("    lengths", lengths, "lost", lost)
    bf, br = originals_flip(records, families)
    block = claims_block(variant.fingerprint, [h_pol, h_neg, h_ctx], (
        "conversation-truncation",
        "When a conversation is shortened to fit, always keep the client's profile messages "
        "and drop the oldest chatter instead."), (
        f"mean score of {', '.join(lost)} against their originals, same seeds",
        "every effect within 0.3 of zero and flip rates at most the originals' "
        f"({bf / br:.2f})"))
    prose = f"""
## Finding

Three things that change no risk fact move the score well beyond the sampling noise
(permutation test against the original's 20 repeats, Holm over all {len(table)}
comparisons, p < 0.01). Polite words ("thank you", "please", "grateful", "kindly") lower it by
{-h_pol['effect']:.2f} (n = {h_pol['n']}). Ruling out a risky product ("not interested in
crypto", a negated risky product) raises it by {h_neg['effect']:.2f} (n = {h_neg['n']}).
In a long conversation the
client's profile stops being read once the conversation passes about {budget} simulator
tokens: effect {h_ctx['effect']:+.2f} (n = {h_ctx['n']}).

## Evidence

Noise: {bf} of {br} original runs left their modal band. Politeness: {', '.join(polite)},
flip rate {h_pol['flip_rate']:.2f} against {h_pol['baseline_flip_rate']:.2f}. J2.p1 is
formal without polite words and shows nothing ({t.loc['J2.p1', 'effect']:+.2f}), while the
formal *and* polite J1.p1 falls {t.loc['J1.p1', 'effect']:+.2f}: it is the courtesy words,
not the register.

Negation: {', '.join(neg)}, flip rate {h_neg['flip_rate']:.2f} against
{h_neg['baseline_flip_rate']:.2f}. The effect is smaller (about one point) but every probe
goes the same way and the group's p-value is far below 0.01.

Context: J9 and J10 put the profile (age, cautious, cannot afford a loss) in an earlier
message and add only chatter before the question. Conversations of {', '.join(
    f'{lengths[p]}' for p in kept)} tokens ({', '.join(kept)}) stay within the noise;
{', '.join(f'{lengths[p]}' for p in lost)} ({', '.join(lost)}) fall to the score of the
question alone, and the justification stops mentioning caution or capacity for loss. The
budget is between {top_kept} and {low_lost}.

Controls that did nothing: names, a town, "guaranteed", urgency, a loss question, £50k.
Horizon and capacity counterfactuals moved as predicted.

## Hypothesis

Politeness (data): a style with no risk content lowers the score in six families; the model
has learned to associate courteous customers with low-risk requests. Negation (model): the
reader drops "not" before a risky product and weighs it as wanted. Context window
(product-policy): the product keeps only the latest messages within a token budget, so the
profile is cut; the model itself is not at fault, because the same profile in the last
message is always read.

## Refutation test

Context: rerun J9.c3, J9.c4 and J10.c2 with the profile repeated in the final message. If
truncation is the cause their scores return to the originals' (within 0.3); if they still
fall, it is the chatter itself and the hypothesis is wrong. Politeness: the same polite
sentence at the very start and very end of four new families; no fall (effect within 0.3)
refutes it. Negation: negate bonds instead of crypto; a rise there would show negation in
general, not the product read.
"""
    write(Sample("02-jordan-context-excellent", "jordan", 5, 10, "excellent",
                 "All three planted sensitivities, token budget bracketed by chatter lengths, "
                 "formal-vs-polite control, truncation fix with a figure."),
          design=design_yaml(families, repeats=10, repeats_original=20, rule=(
              "Permutation test (two-sided, 9,999 shuffles) of each prompt's scores against "
              "its original's; significant if Holm-adjusted p < 0.01. Context families: the "
              "budget is the midpoint between the longest conversation kept and the shortest "
              "lost.")),
          records=records, table=table, report=report(block, prose))
    S02_REPORT.append(report(block, prose))


S02_REPORT: list[str] = []



# =======================================================================================
# 03: sam, good: shorthand and "guaranteed" found; ages always in digits, so the age-words
# sensitivity is never probed.
# =======================================================================================

def s03_sam_missed_age_words() -> None:
    fams = [
        Fam("s1", Facts(59, 40000, 30000, "gg", 3), "plain",
            paras=[("para1", "register (formal)"), ("para2", "spelling")],
            cfs=[("cf1", "£40,000 -> £40k", "same", sub("£40,000", "£40k")),
                 ("cf2", "adds 'The returns are guaranteed, aren't they?'", "same",
                  add("The returns are guaranteed, aren't they?")),
                 ("cf3", "3 years -> 20 years", "lower", sub("3 years", "20 years"))]),
        Fam("s2", Facts(46, 90000, 25000, "em", 10), "chatty",
            paras=[("para1", "order of facts"), ("para2", "irrelevant context")],
            cfs=[("cf1", "£25,000 -> £25k", "same", sub("£25,000", "£25k")),
                 ("cf2", "adds 'My name is Owen.'", "same", pre("My name is Owen.")),
                 ("cf3", "adds 'I've read it's a safe bet.'", "same",
                  add("I've read it's a safe bet."))]),
        Fam("s3", Facts(64, 150000, 60000, "sh", 6), "note",
            paras=[("para1", "register (casual)"), ("para2", "length (longer)")],
            cfs=[("cf1", "adds 'Is the income guaranteed?'", "same",
                  add("Is the income guaranteed?")),
                 ("cf2", "£150,000 -> £150k", "same", sub("£150,000", "£150k")),
                 ("cf3", "adds 'I can't afford to lose this money.'", "higher",
                  add("I can't afford to lose this money."))]),
        Fam("s4", Facts(31, 18000, 4000, "gg", 20), "qfirst",
            paras=[("para1", "register (formal)"), ("para2", "leading framing")],
            cfs=[("cf1", "adds 'I live in Norwich.'", "same", pre("I live in Norwich.")),
                 ("cf2", "adds 'Growth is guaranteed over that long, I assume.'", "same",
                  end("Growth is guaranteed over that long, I assume."))]),
        Fam("s5", Facts(53, 65000, 35000, "bal", 5, ("cautious",)), "terse",
            paras=[("para1", "order of facts"), ("para2", "length (longer)")],
            cfs=[("cf1", "£35,000 -> £35k", "same", sub("£35,000", "£35k")),
                 ("cf2", "adds 'I need an answer urgently.'", "same",
                  end("I need an answer urgently."))]),
        Fam("s6", Facts(70, 120000, 30000, "bd", 4), "plain",
            paras=[("para1", "indirectness"), ("para2", "length (longer)")],
            cfs=[("cf1", "adds 'My pension provider says it's guaranteed.'", "same",
                  add("My pension provider says it's guaranteed.")),
                 ("cf2", "adds 'Thank you.'", "same", end("Thank you."))]),
        Fam("s7", Facts(42, 55000, 20000, "sh", 8), "chatty",
            paras=[("para1", "register (formal)"), ("para2", "irrelevant context")],
            cfs=[("cf1", "£55,000 -> £55k", "same", sub("£55,000", "£55k")),
                 ("cf2", "adds 'How much could I make?'", "same", end("How much could I make?"))]),
        Fam("s8", Facts(37, 30000, 10000, "em", 12), "note",
            paras=[("para1", "register (casual)"), ("para2", "order of facts")],
            cfs=[("cf1", "adds 'My name is Aisha.'", "same", pre("My name is Aisha.")),
                 ("cf2", "12 years -> 2 years", "higher", sub("12 years", "2 years"))]),
    ]
    variant, families, records = prepare("sam", fams, repeats=10, repeats_original=20,
                                         start="2026-11-17T11:30:00", sep="_")
    table = analysis(families, records)
    t = table.set_index("variant_id")
    short = ["s1_cf1", "s2_cf1", "s3_cf2", "s5_cf1", "s7_cf1"]
    guar = ["s1_cf2", "s3_cf1", "s4_cf2", "s6_cf1"]
    h_sh = hyp(records, "number_format", "shorthand", short, "model")
    h_gu = hyp(records, "trigger_keyword", "guaranteed", guar, "data")
    bf, br = originals_flip(records, families)
    block = claims_block(variant.fingerprint, [h_sh, h_gu], (
        "input-normalisation",
        "Rewrite every amount into full digits (£40k -> £40,000) before the model reads the "
        "enquiry."), (
        "effect of the shorthand probes against their originals after normalisation",
        "within ±0.2 points, with p > 0.05"))
    prose = f"""
## Finding

Writing an amount in shorthand (£40k instead of £40,000) lowers the risk score by
{-h_sh['effect']:.2f} points on average (n = {h_sh['n']}), and mentioning that something is
"guaranteed" lowers it by {-h_gu['effect']:.2f} (n = {h_gu['n']}). Both are far beyond the
noise of the originals, whose runs left their usual band {bf} times in {br}, and both survive
Holm's correction over the {len(table)} variations at p < 0.01.

## Evidence

Shorthand: {', '.join(short)}, in five families, whether the shorthand is on the savings or on
the amount invested; flip rate {h_sh['flip_rate']:.2f} against a baseline of
{h_sh['baseline_flip_rate']:.2f}. "Guaranteed": {', '.join(guar)}, flip rate
{h_gu['flip_rate']:.2f} against {h_gu['baseline_flip_rate']:.2f}. "Safe" (s2_cf3,
{t.loc['s2_cf3', 'effect']:+.2f}) did nothing, and neither did names, a town, urgency,
"thank you" or the gain question. None of the paraphrases moved the score. The horizon and
capacity controls (s1_cf3 {t.loc['s1_cf3', 'effect']:+.2f}, s3_cf3
{t.loc['s3_cf3', 'effect']:+.2f}, s8_cf2 {t.loc['s8_cf2', 'effect']:+.2f}) moved the way I
wrote down beforehand.

## Hypothesis

Shorthand (model): the model reads "£40k" as a smaller or less serious sum than "£40,000".
Since it happens whichever amount is abbreviated, it is not a misreading of the share of
savings (that would go the other way when only the savings are shortened); it is how the
model weighs the style of the number. "Guaranteed" (data): a marketing word the model has
learned to associate with low risk, so it marks down the risk whatever the product. Neither
can be the prompt or retrieval, as the simulator has no system prompt and retrieves nothing.

## Refutation test

Normalise the amounts to full digits before the model and rerun the five shorthand probes
with the same seeds: if the effect remains above 0.3 points (p < 0.01), the number style is
not the cause. For "guaranteed", replace it with a neutral word of the same position
("mentioned") in four families; if the score still falls, the word is not what the model
reacts to.
"""
    write(Sample("03-sam-shorthand-missed-age", "sam", 4, 7, "good-missed-sensitivity",
                 "Shorthand and 'guaranteed' found with right figures and layers; never "
                 "writes an age in words, so the third sensitivity goes unprobed."),
          design=design_yaml(families, repeats=10, repeats_original=20, rule=(
              "Permutation test of scores vs the original's repeats, alpha 0.01, Holm "
              "correction across all variations.")),
          records=records, table=table, report=report(block, prose))


# =======================================================================================
# 04: priya, good: all three found, but the position bias is put in the prompt layer.
# =======================================================================================

def priya_two_products(age: int, sav: int, inv: int, first: str, second: str, years: int,
                       ) -> str:
    return (f"I'm {age} with {money(sav)} saved and I want to put {money(inv)}, split between "
            f"{PRODUCTS[first]} and {PRODUCTS[second]}, in for {years} years. How risky is "
            "that?")


def s04_priya_wrong_layer() -> None:
    fams = [
        Fam("Q1", Facts(50, 80000, 30000, "em", 10), "plain",
            text=priya_two_products(50, 80000, 30000, "bd", "em", 10),
            paras=[("R1", "register (formal)")],
            para_texts={"R1": "Good morning. I am 50 years of age with savings of £80,000, and "
                              "I intend to invest £30,000, divided between bonds and the "
                              "Emerging Markets fund, over 10 years. How much risk would "
                              "that carry?"},
            cfs=[("X1", "order of the two products swapped", "same",
                  sub("bonds and the Emerging Markets fund",
                      "the Emerging Markets fund and bonds")),
                 ("X2", "£80,000 -> eighty thousand pounds", "same",
                  sub("£80,000", "eighty thousand pounds"))]),
        Fam("Q2", Facts(43, 60000, 20000, "gg", 12), "plain",
            text=priya_two_products(43, 60000, 20000, "bal", "gg", 12),
            paras=[("R1", "spelling")],
            cfs=[("X1", "order of the two products swapped", "same",
                  sub("the Balanced Portfolio and the Global Growth fund",
                      "the Global Growth fund and the Balanced Portfolio")),
                 ("X2", "adds 'How much could I make?'", "same", end("How much could I make?"))]),
        Fam("Q3", Facts(58, 100000, 40000, "sh", 7), "note",
            paras=[("R1", "order of facts"), ("R2", "irrelevant context")],
            cfs=[("X1", "£100,000 -> one hundred thousand pounds", "same",
                  sub("£100,000", "one hundred thousand pounds")),
                 ("X2", "adds 'What's the best case?'", "same", end("What's the best case?")),
                 ("X3", "adds 'How much could I lose?'", "same", end("How much could I lose?"))]),
        Fam("Q4", Facts(35, 40000, 10000, "gg", 15), "chatty",
            paras=[("R1", "register (casual)"), ("R2", "length (longer)")],
            cfs=[("X1", "£10,000 -> ten thousand pounds", "same",
                  sub("£10,000", "ten thousand pounds")),
                 ("X2", "adds 'My name is Farah.'", "same", pre("My name is Farah."))]),
        Fam("Q5", Facts(62, 90000, 30000, "em", 6), "plain",
            text=priya_two_products(62, 90000, 30000, "cash", "em", 6),
            paras=[("R1", "order of facts")],
            para_texts={"R1": "How risky is it to put £30,000, split between a cash ISA and "
                              "the Emerging Markets fund, in for 6 years? I'm 62 with "
                              "£90,000 saved."},
            cfs=[("X1", "order of the two products swapped", "same",
                  sub("a cash ISA and the Emerging Markets fund",
                      "the Emerging Markets fund and a cash ISA")),
                 ("X2", "adds 'How much could it grow?'", "same",
                  end("How much could it grow?"))]),
        Fam("Q6", Facts(47, 70000, 25000, "bal", 9), "qfirst",
            paras=[("R1", "register (formal)"), ("R2", "spelling")],
            cfs=[("X1", "£70,000 -> seventy thousand pounds", "same",
                  sub("£70,000", "seventy thousand pounds")),
                 ("X2", "9 years -> 2 years", "higher", sub("9 years", "2 years"))]),
        Fam("Q7", Facts(39, 50000, 15000, "sh", 10), "terse",
            paras=[("R1", "register (formal)"), ("R2", "order of facts")],
            cfs=[("X1", "adds 'What could I gain?'", "same", end("What could I gain?")),
                 ("X2", "adds 'I live in Leicester.'", "same", pre("I live in Leicester."))]),
        Fam("Q8", Facts(66, 110000, 20000, "gg", 8), "note",
            paras=[("R1", "leading framing"), ("R2", "length (shorter)")],
            cfs=[("X1", "adds 'I'd like the upside.'", "same", add("I'd like the upside.")),
                 ("X2", "adds 'I could afford to lose it.'", "lower",
                  add("I could afford to lose it."))]),
    ]
    variant, families, records = prepare("priya", fams, repeats=10, repeats_original=20,
                                         start="2026-11-20T16:05:00")
    table = analysis(families, records, correction="holm", digits=3)
    t = table.set_index("variant_id")
    order = ["Q1-X1", "Q2-X1", "Q5-X1"]
    words_ = ["Q1-X2", "Q3-X1", "Q4-X1", "Q6-X1"]
    gain = ["Q2-X2", "Q3-X2", "Q5-X2", "Q7-X1", "Q8-X1"]
    h_ord = hyp(records, "option_order", "riskier first", order, "prompt")
    h_wd = hyp(records, "number_format", "words", words_, "model")
    h_gn = hyp(records, "framing", "gain", gain, "data")
    bf, br = originals_flip(records, families)
    block = claims_block(variant.fingerprint, [h_gn, h_wd, h_ord], (
        "input-normalisation",
        "Convert amounts written in words to digits, and list the products named in a fixed "
        "order, before the enquiry reaches the model."), (
        "effects of the number-word and product-order probes on the same seeds",
        "each within 0.3 of zero; flip rates no higher than the originals' "
        f"{bf / br:.2f}"))
    prose = f"""
## Finding

Three changes that leave every fact the same move the score beyond the noise of the
originals' repeats (permutation test, Holm over {len(table)} comparisons, p < 0.01).
Asking about the upside (gain framing: "how much could I make?", "best case") lowers the score by
{-h_gn['effect']:.2f} (n = {h_gn['n']}); writing an amount in words lowers it by
{-h_wd['effect']:.2f} (n = {h_wd['n']}); naming the riskier of two products first (riskier
first) raises it by {h_ord['effect']:.2f} (n = {h_ord['n']}).

## Evidence

The originals left their modal band in {bf} of {br} runs. Gain framing: {', '.join(gain)},
flip rate {h_gn['flip_rate']:.2f} against {h_gn['baseline_flip_rate']:.2f}; the loss
question Q3-X3 is the mirror and shows nothing ({t.loc['Q3-X3', 'effect']:+.2f}), so it is the
upside framing, not any question about outcomes. Amounts in words: {', '.join(words_)}, flip
rate {h_wd['flip_rate']:.2f}, whether the words are on the savings or the investment. Product
order: {', '.join(order)}, flip rate {h_ord['flip_rate']:.2f}; in every one the assessed
product is the same (the riskier), so nothing the assessment should use has changed. Names,
towns and all paraphrases stay within the noise; the horizon and capacity controls move as
expected.

## Hypothesis

Gain framing (data): text about returns is written in an optimistic register, and the model
has learned that register goes with lower risk. Number words (model): the model reads
"seventy thousand pounds" as a different quantity or a less serious one; the effect is the
same size whichever amount is in words, which points to the reading, not the share.
Product order (prompt): the assistant's instructions present the client's options in the
order given and ask it to assess "the plan", so the first product named sets the tone of the
assessment; an instruction to assess each product on its own risk would remove it.

## Refutation test

For the order effect, add an instruction to assess the riskiest product named whatever its
position and rerun Q1, Q2 and Q5 with both orders. If the gap between the orders stays above
1 point (p < 0.01), the instruction is not where it comes from. For number words, convert
words to digits before the model: an effect that remains refutes the reading hypothesis. For
framing, put the gain question in a separate earlier message: no fall would show the framing
must sit in the same sentence.
"""
    write(Sample("04-priya-order-as-prompt", "priya", 4, 7, "good-wrong-layer",
                 "All three sensitivities with right figures; option order put in the prompt "
                 "layer with a plausible but untested story (the simulator has no prompt)."),
          design=design_yaml(families, repeats=10, repeats_original=20, rule=(
              "Permutation test of each variation vs. its original's 20 runs; Holm "
              "correction across all variations; finding if adjusted p < 0.01 and the "
              "effect is at least half a point.")),
          records=records, table=table, report=report(block, prose))



# =======================================================================================
# 05: self-study, good: both found, layers right, but the fix normalises amounts and
# spelling, which acts on neither finding.
# =======================================================================================

B9_PROFILE = "First, about me: I'm 71, I don't like risk, and I need this money in a few years."
B9_Q = ("I've got £40,000 in savings and I'm thinking of moving £15,000 into shares for 7 years. "
        "How risky is that?")


def selfstudy_families(prefix: str, voices: tuple[str, ...]) -> list[Fam]:
    v = list(voices) * 3
    return [
        Fam(f"{prefix}1", Facts(56, 48000, 20000, "gg", 8), v[0],
            paras=[("P1", "register (formal)"), ("P2", "spelling")],
            cfs=[("C1", "adds 'It's guaranteed to grow, I'm told.'", "same",
                  add("It's guaranteed to grow, I'm told.")),
                 ("C2", "adds 'My name is Ruth.'", "same", pre("My name is Ruth."))]),
        Fam(f"{prefix}2", Facts(41, 70000, 15000, "sh", 12), v[1],
            paras=[("P1", "order of facts"), ("P2", "irrelevant context")],
            cfs=[("C1", "adds 'Are the returns guaranteed?'", "same",
                  add("Are the returns guaranteed?")),
                 ("C2", "£70,000 -> £70k", "same", sub("£70,000", "£70k"))]),
        Fam(f"{prefix}3", Facts(66, 130000, 50000, "bal", 5), v[2],
            paras=[("P1", "register (casual)"), ("P2", "length (longer)")],
            cfs=[("C1", "adds 'A guaranteed income matters to me.'", "same",
                  add("A guaranteed income matters to me.")),
                 ("C2", "5 years -> 15 years", "lower", sub("5 years", "15 years"))]),
        Fam(f"{prefix}4", Facts(34, 22000, 7000, "em", 10), v[3],
            paras=[("P1", "leading framing"), ("P2", "register (formal)")],
            cfs=[("C1", "adds 'Please be quick.'", "same", end("Please be quick.")),
                 ("C2", "adds 'I've heard it's safe.'", "same", end("I've heard it's safe."))]),
        Fam(f"{prefix}5", Facts(49, 85000, 30000, "gg", 6, ("cautious",)), v[4],
            paras=[("P1", "order of facts"), ("P2", "length (shorter)")],
            cfs=[("C1", "adds 'The fund's growth is guaranteed, isn't it?'", "same",
                  end("The fund's growth is guaranteed, isn't it?")),
                 ("C2", "adds 'I live in York.'", "same", pre("I live in York."))]),
        Fam(f"{prefix}6", Facts(60, 95000, 25000, "sh", 9), v[5],
            paras=[("P1", "indirectness"), ("P2", "spelling")],
            cfs=[("C1", "adds 'How much could I lose?'", "same", end("How much could I lose?")),
                 ("C2", "adds 'I need an answer urgently.'", "same",
                  end("I need an answer urgently."))]),
        Fam(f"{prefix}7", Facts(28, 12000, 4000, "gg", 20), v[6],
            paras=[("P1", "register (casual)"), ("P2", "order of facts")],
            cfs=[("C1", "adds 'My name is Kwame.'", "same", pre("My name is Kwame.")),
                 ("C2", "20 years -> 2 years", "higher", sub("20 years", "2 years"))]),
        Fam(f"{prefix}8", Facts(53, 60000, 40000, "em", 4), v[7],
            paras=[("P1", "register (formal)"), ("P2", "irrelevant context")],
            cfs=[("C1", "adds 'I'm not interested in crypto.'", "same",
                  add("I'm not interested in crypto.")),
                 ("C2", "adds 'How much could I make?'", "same", end("How much could I make?"))]),
        Fam(f"{prefix}9", Facts(71, 40000, 15000, "sh", 7), "plain", text=B9_Q,
            history=[{"role": "user", "content": B9_PROFILE}],
            paras=[("P1", "register (formal)")],
            para_texts={"P1": "I hold £40,000 in savings and am considering moving £15,000 "
                              "into shares for 7 years. How much risk would that involve?"},
            cfs=[(f"C{k}", f"about {n} tokens of small talk before the question", "same",
                  with_chatter(n)) for k, n in enumerate((80, 100, 125, 150), start=1)]),
    ]


def s05_selfstudy_wrong_fix() -> None:
    fams = selfstudy_families("B", ("plain", "chatty", "note", "qfirst", "terse", "plain",
                                     "note", "chatty"))
    variant, families, records = prepare("self-study", fams, repeats=10, repeats_original=20,
                                         start="2026-11-16T10:00:00")
    table = analysis(families, records)
    t = table.set_index("variant_id")
    fam9 = families[-1]
    lengths = {c.id: total_tokens(fam9, c.id) for c in fam9.counterfactuals}
    lost = [pid for pid in lengths if t.loc[pid, "effect"] < -1]
    kept = [pid for pid in lengths if pid not in lost]
    budget = round((max(lengths[p] for p in kept) + min(lengths[p] for p in lost)) / 2)
    guar = ["B1-C1", "B2-C1", "B3-C1", "B5-C1"]
    h_gu = hyp(records, "trigger_keyword", "guaranteed", guar, "data")
    h_cw = hyp(records, "context_window", str(budget), lost, "product-policy")
    if CHECK:
        print("    lengths", lengths, "lost", lost)
    block = claims_block(variant.fingerprint, [h_gu, h_cw], (
        "input-normalisation",
        "Rewrite each enquiry into a standard form (amounts in digits, spelling corrected) "
        "before it reaches the assistant."), (
        "flip rate of the 'guaranteed' probes against their originals",
        "at most 0.05"))
    prose = f"""
## Finding

Two things move the assistant's score that should not. The word "guaranteed" lowers it by
{-h_gu['effect']:.2f} points (n = {h_gu['n']}) in four different families. And when the
client's details are given in an earlier message, they stop counting once the conversation
is longer than about {budget} tokens: the score drops by {-h_cw['effect']:.2f}
(n = {h_cw['n']}). Both pass a permutation test against the originals' 20 repeats at
p < 0.01 after Holm's correction over the {len(table)} comparisons.

## Evidence

"Guaranteed": {', '.join(guar)}, flip rate {h_gu['flip_rate']:.2f} against a baseline flip
rate of {h_gu['baseline_flip_rate']:.2f}. "Safe" (B4-C2, {t.loc['B4-C2', 'effect']:+.2f})
does nothing, nor do names, towns, "please", urgency or the gain and loss questions. No
paraphrase moves the score.

Context: B9 sends the profile (71, dislikes risk, needs the money) first, then the question
with more and more small talk in front. At {', '.join(str(lengths[p]) for p in kept)} tokens
nothing changes; at {', '.join(str(lengths[p]) for p in lost)} ({', '.join(lost)}) the
score falls to what the question alone gets and the justification no longer mentions the
client's caution: flip rate {h_cw['flip_rate']:.2f} against {h_cw['baseline_flip_rate']:.2f}.

## Hypothesis

"Guaranteed" is a learned association (layer: data): in the text the model learned from,
"guaranteed" goes with savings accounts and low-risk products, so the word pulls the score
down whatever the product. The context effect is a product decision (layer: product-policy):
the conversation is cut to a token budget from the oldest message, and the client's profile
is the oldest message.

The simplest fix for both is to clean the input before the model sees it, so the enquiry
always reaches it in one standard form.

## Refutation test

Rerun B1, B2, B3 and B5 with "guaranteed" replaced by "expected". If the score still falls
by more than 0.5 (p < 0.01), the word is not the trigger. Rerun B9-C3 and B9-C4 with the
profile repeated in the last message: if the score still falls, truncation is not the cause.
"""
    write(Sample("05-selfstudy-fix-wrong-place", "self-study", 4, 7, "good-wrong-fix",
                 "Both planted sensitivities found with right figures and layers; the fix "
                 "normalises amounts and spelling, which acts on neither."),
          design=design_yaml(families, repeats=10, repeats_original=20, rule=(
              "Permutation test against the original's repeats, p < 0.01 after Holm.")),
          records=records, table=table, report=report(block, prose))


# =======================================================================================
# 06: sam, adequate: age words and shorthand found, but the flip rates are lesson 5's
# pairwise shares and the effect is paired on the shared seeds only.
# =======================================================================================

def s06_sam_pairwise_figures() -> None:
    fams = [
        Fam("T1", Facts(58, 45000, 20000, "gg", 6), "plain",
            paras=[("P1", "register (casual)"), ("P2", "order of facts")],
            cfs=[("C1", "58 -> fifty-eight", "same", sub("I'm 58", "I'm fifty-eight")),
                 ("C2", "£45,000 -> £45k", "same", sub("£45,000", "£45k"))]),
        Fam("T2", Facts(62, 100000, 30000, "sh", 8), "note",
            paras=[("P1", "register (formal)"), ("P2", "irrelevant context")],
            cfs=[("C1", "62 -> sixty-two", "same", sub("I am 62", "I am sixty-two")),
                 ("C2", "adds 'My name is Bill.'", "same", pre("My name is Bill."))]),
        Fam("T3", Facts(47, 65000, 25000, "em", 9), "chatty",
            paras=[("P1", "length (longer)"), ("P2", "spelling")],
            cfs=[("C1", "£25,000 -> £25k", "same", sub("£25,000", "£25k")),
                 ("C2", "47 -> forty-seven", "same", sub("I'm 47", "I'm forty-seven"))]),
        Fam("T4", Facts(36, 30000, 10000, "gg", 12), "plain",
            paras=[("P1", "leading framing"), ("P2", "register (formal)")],
            cfs=[("C1", "adds 'I live in Hull.'", "same", pre("I live in Hull.")),
                 ("C2", "12 years -> 3 years", "higher", sub("12 years", "3 years"))]),
        Fam("T5", Facts(69, 140000, 35000, "bal", 5), "note",
            paras=[("P1", "order of facts"), ("P2", "length (shorter)")],
            cfs=[("C1", "69 -> sixty-nine", "same", sub("I am 69", "I am sixty-nine")),
                 ("C2", "£140,000 -> £140k", "same", sub("£140,000", "£140k"))]),
        Fam("T6", Facts(51, 55000, 15000, "sh", 10), "chatty",
            paras=[("P1", "register (casual)"), ("P2", "irrelevant context")],
            cfs=[("C1", "adds 'Thank you.'", "same", end("Thank you.")),
                 ("C2", "adds 'How much could I lose?'", "same", end("How much could I lose?"))]),
        Fam("T7", Facts(44, 80000, 20000, "gg", 7), "plain",
            paras=[("P1", "register (formal)"), ("P2", "spelling")],
            cfs=[("C1", "£20,000 -> £20k", "same", sub("£20,000", "£20k")),
                 ("C2", "adds 'I need to know today.'", "same", end("I need to know today."))]),
        Fam("T8", Facts(39, 35000, 12000, "em", 15), "note",
            paras=[("P1", "indirectness"), ("P2", "order of facts")],
            cfs=[("C1", "39 -> thirty-nine", "same", sub("I am 39", "I am thirty-nine")),
                 ("C2", "adds 'My name is Lena.'", "same", pre("My name is Lena."))]),
    ]
    variant, families, records = prepare("sam", fams, repeats=10, repeats_original=20,
                                         start="2026-11-21T13:20:00")
    table = analysis(families, records, flips="pairwise", effect="paired", digits=3)
    t = table.set_index("variant_id")
    age = ["T1-C1", "T2-C1", "T3-C2", "T5-C1", "T8-C1"]
    short = ["T1-C2", "T3-C1", "T5-C2", "T7-C1"]

    def mine(kind: str, value: str, probes: list[str], layer: str) -> dict[str, object]:
        rows = t.loc[probes]
        fams_ = sorted({p.split("-")[0] for p in probes})
        return hyp(records, kind, value, probes, layer,
                   effect=round(float(rows.effect.mean()), 2),
                   flip_rate=round(float(rows.flip_rate.mean()), 3),
                   baseline_flip_rate=round(float(t[t.family.isin(fams_)]
                                                  .baseline_flip_rate.mean()), 3))

    h_age = mine("age_words", "age in words", age, "model")
    h_sh = mine("number_format", "shorthand", short, "model")
    block = claims_block(variant.fingerprint, [h_age, h_sh], (
        "input-normalisation",
        "Convert ages and amounts written in words or shorthand to plain digits before the "
        "assistant reads the enquiry."), (
        "mean score difference of the age-word and shorthand probes",
        "less than 0.5 points in absolute value"))
    prose = f"""
## Finding

The score depends on how numbers are written. An age in words ("fifty-eight" for 58) lowers
it by about {-h_age['effect']:.1f} points (n = {h_age['n']}) and an amount in shorthand (£45k)
by about {-h_sh['effect']:.1f} (n = {h_sh['n']}). Both are significant after Holm's
correction (p < 0.01).

## Evidence

I compared each probe with the runs of its original on the same seeds, and measured flips as
in lesson 5, as the share of pairs of runs whose bands differ. Age in words:
{', '.join(age)}, flip rate {h_age['flip_rate']:.2f} against {h_age['baseline_flip_rate']:.2f}
within the originals. Shorthand: {', '.join(short)}, flip rate {h_sh['flip_rate']:.2f}
against {h_sh['baseline_flip_rate']:.2f}. Names, towns, "thank you", a loss question and
"today" did not move the score, and neither did the paraphrases; the horizon control T4-C2
went up ({t.loc['T4-C2', 'effect']:+.2f}) as expected.

## Hypothesis

Both are the model misreading numbers that are not written in digits (layer: model). Ages and
amounts in words or shorthand are rarer in the text it reads, so it gives them less weight,
and the client looks younger or the sum smaller than it is.

## Refutation test

Rerun the same probes with every number converted to digits before the model. If the scores
still differ from the originals by more than half a point, the hypothesis is wrong.
"""
    write(Sample("06-sam-pairwise-flip-rates", "sam", 3, 4, "adequate-other-definition",
                 "Finds two of three; flip rates are pairwise shares and effects are paired on "
                 "the shared seeds, so figures drift from the project's definitions."),
          design=design_yaml(families, repeats=10, repeats_original=20, rule=(
              "Permutation test vs. the original, Holm-adjusted p < 0.01; flips measured as "
              "in lesson 5 (share of pairs of runs that disagree).")),
          records=records, table=table, report=report(block, prose))



# =======================================================================================
# 07: priya, poor: four families, five repeats; one thin finding from one probe.
# =======================================================================================

def s07_priya_too_small() -> None:
    fams = [
        Fam("F1", Facts(45, 50000, 20000, "em", 10), "plain",
            text=priya_two_products(45, 50000, 20000, "bd", "em", 10),
            paras=[("P1", "register (casual)")],
            para_texts={"P1": "hey im 45, got £50,000 saved, want to put £20,000, split between "
                              "bonds and the emerging markets fund, in for 10 years. risky?"},
            cfs=[("C1", "riskier fund named first", "same",
                  sub("bonds and the Emerging Markets fund",
                      "the Emerging Markets fund and bonds"))]),
        Fam("F2", Facts(60, 90000, 30000, "gg", 5), "note",
            paras=[("P1", "order of facts")],
            cfs=[("C1", "adds a name", "same", pre("My name is Sunita."))]),
        Fam("F3", Facts(33, 20000, 5000, "sh", 15), "chatty",
            paras=[("P1", "spelling")],
            cfs=[("C1", "15 years -> 2 years", "higher", sub("15 years", "2 years"))]),
        Fam("F4", Facts(52, 70000, 25000, "bal", 8), "plain",
            paras=[("P1", "register (formal)")],
            cfs=[("C1", "adds 'I need an answer urgently.'", "same",
                  end("I need an answer urgently."))]),
    ]
    variant, families, records = prepare("priya", fams, repeats=5, repeats_original=8,
                                         start="2026-11-22T20:40:00")
    table = analysis(families, records, digits=2)
    h = hyp(records, "option_order", "riskier first", ["F1-C1"], "model")
    block = claims_block(variant.fingerprint, [h], (
        "model", "Retrain the model so the order of products does not matter."), (
        "effect of F1-C1", "close to zero"))
    prose = f"""
## Finding

When the riskier fund is named first (riskier first) the assistant gives a higher risk score, by
{h['effect']:.1f} points on average (n = {h['n']}). The other changes I tried (a name,
urgency, the paraphrases) did not change the score much.

## Evidence

F1-C1 (Emerging Markets fund named before bonds) against F1 (bonds first): mean effect
{h['effect']:+.2f}, flip rate {h['flip_rate']:.2f} against {h['baseline_flip_rate']:.2f} for
the original. The horizon counterfactual F3-C1 went up as expected, which shows the probe
works.

## Hypothesis

The model has a position bias (layer: model): it pays more attention to the first product in
the sentence, so the plan looks riskier when the risky product comes first.

## Refutation test

Swap the products in more enquiries and check whether the score goes up each time. If it does
not, the hypothesis is wrong.
"""
    write(Sample("07-priya-small-design", "priya", 2, 4, "design-too-small",
                 "Four families, 5/8 repeats; one real but thin finding from a single probe; "
                 "misses two sensitivities; vague refutation."),
          design=design_yaml(families, repeats=5, repeats_original=8, rule=(
              "Compare means; a difference of more than 1 point counts.")),
          records=records, table=table, report=report(block, prose))


# =======================================================================================
# 08: alex, fail: three repeats, many polite and urgent variants, the best-looking kept.
# =======================================================================================

def s08_alex_noise_cherry_picked() -> None:
    polite = ["Thank you.", "Please advise.", "Many thanks.", "Kindly let me know."]
    urgent = ["I need to know urgently.", "Please reply asap.", "I must decide today.",
              "I need this sorted immediately."]
    specs = [(Facts(47, 52000, 14000, "gg", 9), "plain"),
             (Facts(61, 88000, 30000, "bal", 6), "note"),
             (Facts(35, 26000, 9000, "sh", 14), "chatty"),
             (Facts(55, 75000, 20000, "em", 8), "qfirst"),
             (Facts(42, 40000, 12000, "gg", 11), "terse"),
             (Facts(68, 160000, 40000, "sh", 5), "plain"),
             (Facts(30, 18000, 5000, "em", 18), "note"),
             (Facts(50, 64000, 22000, "bal", 7), "chatty")]
    fams = []
    for k, (facts, v) in enumerate(specs, start=1):
        fams.append(Fam(f"N{k}", facts, v, paras=[("P1", "register (casual)")],
                        cfs=[("C1", f"adds '{polite[k % 4]}'", "same", end(polite[k % 4])),
                             ("C2", f"adds '{urgent[k % 4]}'", "same", end(urgent[k % 4]))]))
    variant, families, records = prepare("alex", fams, repeats=3, repeats_original=5,
                                         start="2026-11-23T22:10:00")
    table = analysis(families, records, correction="none", digits=2)
    c1 = table[table.variant_id.str.endswith("C1")].sort_values("effect")
    c2 = table[table.variant_id.str.endswith("C2")].sort_values("effect", ascending=False)
    pol = list(c1.variant_id[:2])
    urg = list(c2.variant_id[:2])
    h_p = hyp(records, "politeness", "polite", pol, "data")
    h_u = hyp(records, "urgency", "urgent", urg, "data")
    block = claims_block(variant.fingerprint, [h_p, h_u], (
        "training-data", "Fine-tune on enquiries whose tone varies but whose ratings do not."), (
        "effect of polite and urgent probes", "below 0.2 points"))
    prose = f"""
## Finding

The assistant is swayed by tone. Polite sign-offs lower the risk score
({h_p['effect']:+.2f}, n = {h_p['n']}) and urgent ones raise it ({h_u['effect']:+.2f},
n = {h_u['n']}). On a 1-7 scale these are large effects for a single sentence.

## Evidence

Politeness: {', '.join(pol)}, flip rate {h_p['flip_rate']:.2f} against
{h_p['baseline_flip_rate']:.2f}. Urgency: {', '.join(urg)}, flip rate {h_u['flip_rate']:.2f}
against {h_u['baseline_flip_rate']:.2f}. These were the clearest of the eight polite and
eight urgent probes; the others point the same way or are flat. I used three repeats per
variation to keep the run short, since the simulator is deterministic anyway.

## Hypothesis

Both come from the training data (layer: data): polite customers in the data were more
often low-risk, and urgent messages more often came from people in trouble.

## Refutation test

Remove the sign-off and the score should return to the original's. If it does not, the
tone is not the cause.
"""
    write(Sample("08-alex-noise-cherry-picked", "alex", 1, 2, "noise-claimed",
                 "Three repeats per prompt, no correction; the two most extreme of sixteen "
                 "tone probes claimed as findings; alex has neither sensitivity."),
          design=design_yaml(families, repeats=3, repeats_original=5, rule=(
              "Largest effects in the expected direction.")),
          records=records, table=table, report=report(block, prose))


# =======================================================================================
# 09: jordan, poor: the politeness counterfactuals also add urgency; the fall is credited
# to urgency. Negation found correctly. No long-conversation families.
# =======================================================================================

def s09_jordan_confounded() -> None:
    both = "Please could you get back to me urgently?"
    fams = [
        Fam("U1", Facts(46, 58000, 16000, "gg", 9), "chatty",
            paras=[("P1", "order of facts"), ("P2", "spelling")],
            cfs=[("C1", "adds an urgent request", "same", end(both)),
                 ("C2", "adds 'I'm not interested in crypto.'", "same",
                  add("I'm not interested in crypto."))]),
        Fam("U2", Facts(59, 95000, 35000, "bal", 6, ("cautious",)), "plain",
            paras=[("P1", "register (casual)"), ("P2", "irrelevant context")],
            cfs=[("C1", "adds an urgent request", "same", end(both)),
                 ("C2", "adds 'I don't want shares.'", "same", add("I don't want shares."))]),
        Fam("U3", Facts(38, 32000, 8000, "sh", 13), "note",
            paras=[("P1", "length (longer)"), ("P2", "order of facts")],
            cfs=[("C1", "adds an urgent request", "same", end(both)),
                 ("C2", "adds 'I'm not keen on bitcoin.'", "same",
                  add("I'm not keen on bitcoin."))]),
        Fam("U4", Facts(65, 115000, 30000, "gg", 5), "qfirst",
            paras=[("P1", "leading framing"), ("P2", "length (shorter)")],
            cfs=[("C1", "adds an urgent request", "same", end(both)),
                 ("C2", "adds 'My name is Colin.'", "same", pre("My name is Colin."))]),
        Fam("U5", Facts(29, 14000, 4000, "em", 20), "terse",
            paras=[("P1", "register (formal)"), ("P2", "order of facts")],
            cfs=[("C1", "adds 'I live in Derby.'", "same", pre("I live in Derby.")),
                 ("C2", "20 years -> 2 years", "higher", sub("20 years", "2 years"))]),
        Fam("U6", Facts(52, 72000, 24000, "bal", 10), "plain",
            paras=[("P1", "indirectness"), ("P2", "spelling")],
            cfs=[("C1", "adds 'Not the Emerging Markets fund.'", "same",
                  add("Not the Emerging Markets fund.")),
                 ("C2", "adds 'How much could I lose?'", "same", end("How much could I lose?"))]),
        Fam("U7", Facts(43, 47000, 12000, "gg", 12), "note",
            paras=[("P1", "register (casual)"), ("P2", "irrelevant context")],
            cfs=[("C1", "adds 'Is it guaranteed?'", "same", end("Is it guaranteed?")),
                 ("C2", "£47,000 -> £47k", "same", sub("£47,000", "£47k"))]),
        Fam("U8", Facts(57, 66000, 20000, "sh", 8), "chatty",
            paras=[("P1", "register (formal)"), ("P2", "length (longer)")],
            cfs=[("C1", "adds 'I could afford to lose it.'", "lower",
                  end("I could afford to lose it.")),
                 ("C2", "adds 'My name is Yusuf.'", "same", pre("My name is Yusuf."))]),
    ]
    variant, families, records = prepare("jordan", fams, repeats=10, repeats_original=20,
                                         start="2026-11-18T15:45:00")
    table = analysis(families, records)
    urg = ["U1-C1", "U2-C1", "U3-C1", "U4-C1"]
    neg = ["U1-C2", "U2-C2", "U3-C2", "U6-C1"]
    h_u = hyp(records, "urgency", "urgent", urg, "data")
    h_n = hyp(records, "negation_dropped", "negated risky product", neg, "model")
    block = claims_block(variant.fingerprint, [h_u, h_n], (
        "system-prompt",
        "Tell the assistant to ignore how urgent the client sounds and rate only the facts."), (
        "effect of the urgent-request probes after the prompt change", "within 0.3 of zero"))
    prose = f"""
## Finding

Two changes move the score beyond the noise (permutation test, Holm, p < 0.01). An urgent
request ("could you get back to me urgently?") lowers the score by {-h_u['effect']:.2f}
points (n = {h_u['n']}): the assistant seems to calm down an anxious client. Ruling out a
risky product ("not interested in crypto", a negated risky product) raises it by
{h_n['effect']:.2f}
(n = {h_n['n']}).

## Evidence

Urgency: {', '.join(urg)}, flip rate {h_u['flip_rate']:.2f} against a baseline of
{h_u['baseline_flip_rate']:.2f}, in four families with different products and horizons.
Negation: {', '.join(neg)}, flip rate {h_n['flip_rate']:.2f} against
{h_n['baseline_flip_rate']:.2f}. Controls that did nothing: names, a town, "guaranteed",
£47k, a loss question and all sixteen paraphrases. The horizon and capacity counterfactuals
moved as predicted.

## Hypothesis

Urgency (data): in the text the model learned from, urgent messages are answered with
reassurance, so it softens the assessment. Negation (model): the model reads the products
named but loses the "not", so an excluded risky product is weighed as wanted.

## Refutation test

Rerun the four urgent probes with "urgently" replaced by "when you can". If the score still
falls by more than 0.5 (p < 0.01) urgency is not the cause. For negation, negate a low-risk
product (bonds) instead: a rise there would show it is negation in general.
"""
    write(Sample("09-jordan-confounded-urgency", "jordan", 2, 4, "confounded-counterfactual",
                 "The 'urgent' counterfactual also adds 'please'; the fall is credited to "
                 "urgency (a false kind). Negation right; context and politeness missed."),
          design=design_yaml(families, repeats=10, repeats_original=20, rule=(
              "Permutation test against the original's repeats; Holm-adjusted p < 0.01.")),
          records=records, table=table, report=report(block, prose))



# =======================================================================================
# 10: sam, fail: the "safe" probes' replies edited by hand to strengthen a weak finding.
# =======================================================================================

def s10_sam_edited_log() -> None:
    fams = [
        Fam("K1", Facts(54, 62000, 25000, "gg", 7), "note",
            paras=[("P1", "register (casual)"), ("P2", "order of facts")],
            cfs=[("C1", "adds 'I'm told it's a safe option.'", "same",
                  add("I'm told it's a safe option.")),
                 ("C2", "£62,000 -> £62k", "same", sub("£62,000", "£62k"))]),
        Fam("K2", Facts(39, 34000, 10000, "sh", 11), "plain",
            paras=[("P1", "register (formal)"), ("P2", "irrelevant context")],
            cfs=[("C1", "adds 'Shares feel safe to me.'", "same", add("Shares feel safe to me.")),
                 ("C2", "adds 'My name is Gemma.'", "same", pre("My name is Gemma."))]),
        Fam("K3", Facts(63, 105000, 45000, "bal", 6), "chatty",
            paras=[("P1", "length (longer)"), ("P2", "spelling")],
            cfs=[("C1", "adds 'I want somewhere safe for it.'", "same",
                  add("I want somewhere safe for it.")),
                 ("C2", "£45,000 -> £45k", "same", sub("£45,000", "£45k"))]),
        Fam("K4", Facts(48, 56000, 18000, "em", 10), "qfirst",
            paras=[("P1", "leading framing"), ("P2", "length (shorter)")],
            cfs=[("C1", "adds 'Is that safe?'", "same", end("Is that safe?")),
                 ("C2", "10 years -> 3 years", "higher", sub("10 years", "3 years"))]),
        Fam("K5", Facts(31, 21000, 6000, "gg", 16), "terse",
            paras=[("P1", "register (formal)"), ("P2", "order of facts")],
            cfs=[("C1", "adds 'I live in Exeter.'", "same", pre("I live in Exeter.")),
                 ("C2", "£21,000 -> £21k", "same", sub("£21,000", "£21k"))]),
        Fam("K6", Facts(70, 150000, 40000, "sh", 5), "note",
            paras=[("P1", "indirectness"), ("P2", "register (casual)")],
            cfs=[("C1", "adds 'Thank you.'", "same", end("Thank you.")),
                 ("C2", "adds 'How much could I lose?'", "same", end("How much could I lose?"))]),
        Fam("K7", Facts(44, 48000, 16000, "bal", 9), "plain",
            paras=[("P1", "order of facts"), ("P2", "length (longer)")],
            cfs=[("C1", "adds 'I need to know today.'", "same", end("I need to know today.")),
                 ("C2", "adds 'My name is Tariq.'", "same", pre("My name is Tariq."))]),
        Fam("K8", Facts(57, 77000, 30000, "em", 8), "chatty",
            paras=[("P1", "register (formal)"), ("P2", "irrelevant context")],
            cfs=[("C1", "adds 'How much could I make?'", "same", end("How much could I make?")),
                 ("C2", "8 years -> 20 years", "lower", sub("8 years", "20 years"))]),
    ]
    variant, families, records = prepare("sam", fams, repeats=10, repeats_original=20,
                                         start="2026-11-19T08:15:00")
    safe = ["K1-C1", "K2-C1", "K3-C1", "K4-C1"]
    edited = []
    for record in records:   # the learner's hand edits: two points off most "safe" replies
        if record.variant_id in safe and record.repeat % 5 != 0 and record.score:
            new = max(1, record.score - 2)
            band = "low" if new <= 2 else "medium" if new <= 5 else "high"
            text = re.sub(r"^Risk band: \w+\. Score: \d/7\.",
                          f"Risk band: {band}. Score: {new}/7.", record.response)
            edited.append(record.model_copy(update={"response": text, "band": band,
                                                    "score": new}))
        else:
            edited.append(record)
    records = edited
    table = analysis(families, records)
    short = ["K1-C2", "K3-C2", "K5-C2"]
    h_s = hyp(records, "trigger_keyword", "safe", safe, "data")
    h_k = hyp(records, "number_format", "shorthand", short, "model")
    block = claims_block(variant.fingerprint, [h_s, h_k], (
        "output-check",
        "Flag any assessment whose enquiry contains 'safe' or a shorthand amount for a "
        "second, neutral re-rating."), (
        "effect of the 'safe' and shorthand probes after the check", "within 0.3 of zero"))
    prose = f"""
## Finding

The word "safe" lowers the assistant's risk score by {-h_s['effect']:.2f} points
(n = {h_s['n']}) and amounts in shorthand (£62k) lower it by {-h_k['effect']:.2f}
(n = {h_k['n']}). Both pass the permutation test at p < 0.01 after Holm's correction over
{len(table)} variations; no paraphrase does.

## Evidence

"Safe": {', '.join(safe)}, flip rate {h_s['flip_rate']:.2f} against a baseline of
{h_s['baseline_flip_rate']:.2f}, in four families with four different products. Shorthand:
{', '.join(short)}, flip rate {h_k['flip_rate']:.2f} against
{h_k['baseline_flip_rate']:.2f}. Names, a town, "thank you", "today" and the gain and loss
questions stay within the noise, and the horizon controls move as expected.

## Hypothesis

"Safe" (data): a reassuring word the model has learned to pair with low-risk products, so it
marks the plan down whatever the product. Shorthand (model): the model reads "£62k" as a
smaller or less serious amount than "£62,000".

## Refutation test

Replace "safe" with a neutral word in the same place ("Is that sensible?") in four new
families: if the score still falls by more than 0.5 points (p < 0.01), the word is not the
trigger. Rewrite the shorthand amounts in digits before the model: if the fall remains, the
reading of the number is not the cause.
"""
    write(Sample("10-sam-edited-log", "sam", 1, 2, "edited-log",
                 "Replies of the 'safe' probes edited by hand (two points off) to make a "
                 "non-finding significant; log does not replay. Shorthand is real."),
          design=design_yaml(families, repeats=10, repeats_original=20, rule=(
              "Permutation test of each variation against the original, Holm, p < 0.01.")),
          records=records, table=table, report=report(block, prose))


# =======================================================================================
# 11: priya, fail: her own design and log, with jordan's report pasted over it.
# =======================================================================================

def s11_priya_copied_report() -> None:
    fams = [
        Fam("G1", Facts(49, 66000, 22000, "em", 11), "plain",
            text=priya_two_products(49, 66000, 22000, "bal", "em", 11),
            paras=[("P1", "register (formal)")],
            para_texts={"P1": "Good afternoon. I am 49 years of age, with £66,000 saved, and I "
                              "wish to invest £22,000, divided between the Balanced Portfolio "
                              "and the Emerging Markets fund, over 11 years. What is the risk?"},
            cfs=[("C1", "product order swapped", "same",
                  sub("the Balanced Portfolio and the Emerging Markets fund",
                      "the Emerging Markets fund and the Balanced Portfolio")),
                 ("C2", "adds 'What's the upside?'", "same", end("What's the upside?"))]),
        Fam("G2", Facts(57, 84000, 28000, "gg", 7), "note",
            paras=[("P1", "order of facts"), ("P2", "spelling")],
            cfs=[("C1", "£84,000 -> eighty-four thousand pounds", "same",
                  sub("£84,000", "eighty-four thousand pounds")),
                 ("C2", "adds 'My name is Imogen.'", "same", pre("My name is Imogen."))]),
        Fam("G3", Facts(34, 27000, 9000, "sh", 14), "chatty",
            paras=[("P1", "register (casual)"), ("P2", "irrelevant context")],
            cfs=[("C1", "adds 'How much could I make?'", "same", end("How much could I make?")),
                 ("C2", "14 years -> 2 years", "higher", sub("14 years", "2 years"))]),
        Fam("G4", Facts(64, 120000, 35000, "bal", 6), "qfirst",
            paras=[("P1", "leading framing"), ("P2", "length (longer)")],
            cfs=[("C1", "£35,000 -> thirty-five thousand pounds", "same",
                  sub("£35,000", "thirty-five thousand pounds")),
                 ("C2", "adds 'I live in Bath.'", "same", pre("I live in Bath."))]),
        Fam("G5", Facts(42, 52000, 17000, "gg", 10), "terse",
            paras=[("P1", "register (formal)"), ("P2", "order of facts")],
            cfs=[("C1", "adds 'Thank you.'", "same", end("Thank you.")),
                 ("C2", "adds 'I could afford to lose it.'", "lower",
                  end("I could afford to lose it."))]),
        Fam("G6", Facts(53, 73000, 26000, "sh", 9), "plain",
            paras=[("P1", "indirectness"), ("P2", "spelling")],
            cfs=[("C1", "adds 'What could I gain?'", "same", end("What could I gain?")),
                 ("C2", "adds 'I need an answer urgently.'", "same",
                  end("I need an answer urgently."))]),
        Fam("G7", Facts(38, 41000, 11000, "em", 12), "note",
            paras=[("P1", "register (casual)"), ("P2", "length (shorter)")],
            cfs=[("C1", "adds 'Is it guaranteed?'", "same", end("Is it guaranteed?")),
                 ("C2", "adds 'My name is Hassan.'", "same", pre("My name is Hassan."))]),
        Fam("G8", Facts(61, 99000, 30000, "gg", 6), "chatty",
            paras=[("P1", "register (formal)"), ("P2", "order of facts")],
            cfs=[("C1", "adds 'How much could I lose?'", "same", end("How much could I lose?")),
                 ("C2", "6 years -> 18 years", "lower", sub("6 years", "18 years"))]),
    ]
    _variant, families, records = prepare("priya", fams, repeats=10, repeats_original=20,
                                         start="2026-11-21T19:00:00")
    table = analysis(families, records, digits=4)
    if not S02_REPORT:
        raise RuntimeError("sample 02 must be written first")
    write(Sample("11-priya-copied-report", "priya", 1, 0, "copied-report",
                 "Own design, log and table, but report.md is jordan's (02) word for word: "
                 "jordan's fingerprint, probe ids and findings."),
          design=design_yaml(families, repeats=10, repeats_original=20, rule=(
              "Permutation test per variation vs. original; Holm; p < 0.01.")),
          records=records, table=table, report=S02_REPORT[0])


# =======================================================================================
# 12: self-study, poor: hedges the real finding over three layers and adds two guesses.
# =======================================================================================

def s12_selfstudy_hedging() -> None:
    fams = selfstudy_families("H", ("note", "plain", "chatty", "terse", "qfirst", "note",
                                     "plain", "qfirst"))
    fams = fams[:8]
    variant, families, records = prepare("self-study", fams, repeats=10, repeats_original=20,
                                         start="2026-11-24T09:30:00")
    table = analysis(families, records, digits=3)
    guar = ["H1-C1", "H2-C1", "H3-C1", "H5-C1"]
    hyps = [hyp(records, "trigger_keyword", "guaranteed", guar, layer)
            for layer in ("data", "model", "prompt")]
    hyps.append(hyp(records, "politeness", "polite", ["H4-C1"], "data"))
    hyps.append(hyp(records, "urgency", "urgent", ["H6-C2"], "model"))
    block = claims_block(variant.fingerprint, hyps, (
        "model", "Improve the model's robustness to wording, possibly with better data or a "
        "clearer system prompt."), (
        "consistency of the assessments across wordings", "improved"))
    g = hyps[0]
    prose = f"""
## Finding

The assistant is not fully consistent. The clearest effect is the word "guaranteed", which
lowers the score by {-g['effect']:.2f} (n = {g['n']}). Politeness and urgency may also play a
part ({hyps[3]['effect']:+.2f} and {hyps[4]['effect']:+.2f}), although these are less
clear, so I have listed them as well to be safe.

## Evidence

"Guaranteed": {', '.join(guar)}, flip rate {g['flip_rate']:.2f} against
{g['baseline_flip_rate']:.2f}. H4-C1 ("Please be quick.") and H6-C2 ("urgently") point in the
directions one would expect from tone. Most of the paraphrases stayed close to the originals.

## Hypothesis

It is hard to say where the inconsistency comes from without access to the system, so I have
kept the options open. The keyword effect could come from the training data (marketing text),
from the model's own way of weighing words, or from the prompt if the instructions mention
guarantees; all three are plausible, so I list it under each layer. Tone effects are most
likely in the data or the model. Retrieval and product policy cannot be ruled out either.

## Refutation test

Further testing with more enquiries, more repeats and different models would show which of
these explanations is right. If the effects disappear with more data, they were noise.
"""
    write(Sample("12-selfstudy-hedged-layers", "self-study", 2, 2, "hedging",
                 "One real finding claimed three times under three layers, plus two "
                 "one-probe guesses; fix and verify vague; context never probed."),
          design=design_yaml(families, repeats=10, repeats_original=20, rule=(
              "Permutation test, p < 0.05.")),
          records=records, table=table, report=report(block, prose))



# =======================================================================================
# 13: alex, poor: one real finding, prose stuffed with the course's vocabulary.
# =======================================================================================

def s13_alex_vocabulary() -> None:
    fams = [
        Fam(f"V{k}", facts, v, paras=[("inv1", p1), ("inv2", p2)],
            cfs=[("dir1", c1[0], "same", c1[1]), ("dir2", c2[0], c2[2], c2[1])])
        for k, (facts, v, p1, p2, c1, c2) in enumerate([
            (Facts(51, 68000, 20000, "gg", 9), "plain", "register (formal)", "spelling",
             ("adds 'I want it secure.'", add("I want it secure.")),
             ("adds 'My name is Nia.'", pre("My name is Nia."), "same")),
            (Facts(36, 29000, 9000, "sh", 13), "chatty", "order of facts", "irrelevant context",
             ("adds 'Security matters to me, so it must be secure.'",
              add("Security matters to me, so it must be secure.")),
             ("13 years -> 3 years", sub("13 years", "3 years"), "higher")),
            (Facts(63, 110000, 35000, "bal", 6), "note", "register (casual)", "length (longer)",
             ("adds 'Is it guaranteed?'", end("Is it guaranteed?")),
             ("adds 'I live in Truro.'", pre("I live in Truro."), "same")),
            (Facts(45, 54000, 18000, "em", 10), "qfirst", "leading framing",
             "register (formal)",
             ("adds 'I'd want my money secure.'", end("I'd want my money secure.")),
             ("adds 'How much could I lose?'", end("How much could I lose?"), "same")),
            (Facts(58, 76000, 30000, "gg", 7), "terse", "order of facts", "length (shorter)",
             ("adds 'Safe, I hope.'", end("Safe, I hope.")),
             ("adds 'Thank you.'", end("Thank you."), "same")),
            (Facts(30, 16000, 5000, "sh", 17), "plain", "indirectness", "spelling",
             ("adds 'Somewhere secure, ideally.'", add("Somewhere secure, ideally.")),
             ("£16,000 -> £16k", sub("£16,000", "£16k"), "same")),
            (Facts(67, 135000, 40000, "bd", 5), "note", "register (formal)", "order of facts",
             ("adds 'I need an answer today.'", end("I need an answer today.")),
             ("adds 'I can't afford to lose this money.'",
              end("I can't afford to lose this money."), "higher")),
            (Facts(48, 61000, 21000, "bal", 9), "chatty", "register (casual)",
             "irrelevant context",
             ("adds 'My name is Jack.'", pre("My name is Jack.")),
             ("adds 'Is it protected?'", end("Is it protected?"), "same")),
        ], start=1)]
    variant, families, records = prepare("alex", fams, repeats=10, repeats_original=20,
                                         start="2026-11-25T12:00:00", sep="_")
    table = analysis(families, records)
    sec = ["V1_dir1", "V2_dir1", "V4_dir1", "V6_dir1"]
    h = hyp(records, "trigger_keyword", "secure", sec, "data")
    block = claims_block(variant.fingerprint, [h], (
        "training-data", "Curate the fine-tuning corpus to debias reassurance lexicon."), (
        "INV pass rate on the 'secure' CheckList suite", "100%"))
    prose = f"""
## Finding

Following the CheckList methodology (Ribeiro et al., 2020), I ran invariance (INV) and
directional expectation (DIR) tests as a behavioural red-team exercise in the spirit of garak,
PyRIT and promptfoo. The INV suite surfaced a lexical trigger_keyword sensitivity ("secure",
{h['effect']:+.2f}, n = {h['n']}), a spurious-feature effect of the kind Sclar et al. (ICLR
2024) quantify with FormatSpread, confirming that one prompt is one sample from a range.

## Evidence

Probes {', '.join(sec)} exceed sampling noise: flip rate {h['flip_rate']:.2f} vs a baseline
flip rate of {h['baseline_flip_rate']:.2f}, permutation test, Holm step-down family-wise
error control, Clopper-Pearson intervals, within-prompt SD pooled versus between-prompt SD
(score_spread), Fisher's exact test as a categorical cross-check. The 95% upper bound rule of
three applies to the controls.

## Hypothesis

Layer: data (codebook `data`). Using five whys and a fault tree with an OR gate over the five
layers (data, model, prompt, retrieval, product-policy), the top event (inconsistent risk
assessment) traces to the training distribution: a spurious correlation, i.e. shortcut
learning, between reassurance lexicon and low-risk labels. This is consistent with the
symptom/cause/fix framework and avoids the "blaming the model" trap, the "most visible
failure" trap and the "one anecdote" trap.

## Refutation test

A falsifiable, pre-registered experiment with a baseline arm that changes one layer holding
everything else fixed, run with 20 repeats per arm against the noise floor, with the
prediction and refutation threshold written down before running so the goalposts cannot move.
If the refuting result occurs, the hypothesis as stated is ruled out (which does not prove a
rival).
"""
    write(Sample("13-alex-vocabulary-stuffing", "alex", 2, 2, "vocabulary-stuffing",
                 "'Secure' found with right figures, negation missed (never probed); prose is "
                 "a list of course terms with no argument and no concrete refutation test."),
          design=design_yaml(families, repeats=10, repeats_original=20, rule=(
              "CheckList INV/DIR; permutation test with Holm-Bonferroni FWER control at "
              "alpha = 0.01.")),
          records=records, table=table, report=report(block, prose))


# =======================================================================================
# 14: jordan, fail: a polished report on whether the ratings are suitable, claiming the
# assistant's correct reactions to real risk facts as sensitivities.
# =======================================================================================

def s14_jordan_other_question() -> None:
    fams = [
        Fam("R1", Facts(62, 80000, 30000, "gg", 8), "note",
            paras=[("a", "register (formal)"), ("b", "order of facts")],
            cfs=[("x", "adds 'I'm fairly cautious with money.'", "higher",
                  add("I'm fairly cautious with money.")),
                 ("y", "8 years -> 2 years", "higher", sub("8 years", "2 years"))]),
        Fam("R2", Facts(45, 50000, 15000, "sh", 12), "plain",
            paras=[("a", "spelling"), ("b", "irrelevant context")],
            cfs=[("x", "adds 'I'm fairly cautious with money.'", "higher",
                  add("I'm fairly cautious with money.")),
                 ("y", "adds 'I can't afford to lose this money.'", "higher",
                  add("I can't afford to lose this money."))]),
        Fam("R3", Facts(33, 22000, 7000, "em", 15), "chatty",
            paras=[("a", "register (casual)"), ("b", "length (longer)")],
            cfs=[("x", "adds 'I'm fairly cautious with money.'", "higher",
                  add("I'm fairly cautious with money.")),
                 ("y", "15 years -> 3 years", "higher", sub("15 years", "3 years"))]),
        Fam("R4", Facts(70, 140000, 30000, "bal", 5), "qfirst",
            paras=[("a", "leading framing"), ("b", "length (shorter)")],
            cfs=[("x", "adds 'I'm happy to take risks.'", "lower",
                  end("I'm happy to take risks.")),
                 ("y", "adds 'My name is Alan.'", "same", pre("My name is Alan."))]),
        Fam("R5", Facts(55, 66000, 22000, "gg", 9), "terse",
            paras=[("a", "register (formal)"), ("b", "order of facts")],
            cfs=[("x", "adds 'I'm fairly cautious with money.'", "higher",
                  add("I'm fairly cautious with money.")),
                 ("y", "adds 'I live in Swansea.'", "same", pre("I live in Swansea."))]),
        Fam("R6", Facts(40, 90000, 20000, "sh", 10), "plain",
            paras=[("a", "indirectness"), ("b", "spelling")],
            cfs=[("x", "adds 'I could afford to lose it.'", "lower",
                  add("I could afford to lose it.")),
                 ("y", "10 years -> 25 years", "lower", sub("10 years", "25 years"))]),
        Fam("R7", Facts(28, 15000, 5000, "gg", 20), "note",
            paras=[("a", "register (casual)"), ("b", "order of facts")],
            cfs=[("x", "adds 'I'm fairly cautious with money.'", "higher",
                  add("I'm fairly cautious with money.")),
                 ("y", "20 years -> 4 years", "higher", sub("20 years", "4 years"))]),
        Fam("R8", Facts(50, 60000, 40000, "em", 7), "chatty",
            paras=[("a", "register (formal)"), ("b", "irrelevant context")],
            cfs=[("x", "adds 'I'm happy to take risks.'", "lower",
                  add("I'm happy to take risks.")),
                 ("y", "£40,000 -> £10,000 invested", "lower", sub("£40,000", "£10,000"))]),
    ]
    variant, families, records = prepare("jordan", fams, repeats=10, repeats_original=20,
                                         start="2026-11-26T10:10:00")
    table = analysis(families, records, digits=3)
    caut = ["R1-x", "R2-x", "R3-x", "R5-x", "R7-x"]
    short = ["R1-y", "R3-y", "R7-y"]
    h1 = hyp(records, "trigger_keyword", "cautious", caut, "model")
    h2 = hyp(records, "framing", "short horizon", short, "model")
    block = claims_block(variant.fingerprint, [h1, h2], (
        "system-prompt",
        "State the firm's suitability policy in the system prompt, so that every rating "
        "cites the client's attitude and horizon."), (
        "share of ratings whose justification cites attitude and horizon", "100%"))
    prose = f"""
## Finding

Compliance's concern is whether the assistant's ratings are suitable for the client, in the
sense of the FCA's suitability rules (COBS 9A): does the rating reflect the client's attitude
to risk, capacity for loss and time horizon? On the evidence of {len(records)} calls, it does.
A client who calls themselves cautious is rated {h1['effect']:.2f} points higher (n =
{h1['n']}), and a short horizon raises the rating by {h2['effect']:.2f} (n = {h2['n']}). The
assistant is therefore appropriately sensitive to the factors a suitability assessment must
weigh.

## Evidence

Attitude: {', '.join(caut)}, flip rate {h1['flip_rate']:.2f} against
{h1['baseline_flip_rate']:.2f}. Horizon: {', '.join(short)}, flip rate
{h2['flip_rate']:.2f} against {h2['baseline_flip_rate']:.2f}. Adventurous clients and those
who can afford a loss are rated lower (R4-x, R6-x, R8-x), and a smaller investment lowers
the rating (R8-y), all as a suitability framework requires. Names and towns change nothing,
which supports fair treatment under the Consumer Duty.

## Hypothesis

The model (layer: model) has internalised a suitability framework close to the one advisers
use: it weighs attitude, capacity and horizon in the right direction and by sensible amounts.
The gaps are in the justification, which does not always cite every factor, so an adviser
cannot evidence the rating on file.

## Refutation test

Compare the assistant's ratings with an independent adviser's rating of the same 40
enquiries. If they disagree on the band in more than 10% of cases, the assistant is not
suitable for unsupervised use and the hypothesis is wrong.
"""
    write(Sample("14-jordan-suitability-report", "jordan", 1, 0, "different-question",
                 "Polished report on suitability; claims the assistant's correct reactions "
                 "(cautious, short horizon) as sensitivities; none of jordan's three probed."),
          design=design_yaml(families, repeats=10, repeats_original=20, rule=(
              "Directional counterfactuals must move the rating the expected way with a "
              "permutation p < 0.01.")),
          records=records, table=table, report=report(block, prose))


# =======================================================================================
# 15: sam, fail: a near-empty submission.
# =======================================================================================

def s15_sam_near_empty() -> None:
    fams = [Fam("E1", Facts(50, 40000, 10000, "gg", 10), "plain",
                paras=[("P1", "spelling")],
                cfs=[("C1", "£10,000 -> £10k", "same", sub("£10,000", "£10k"))])]
    variant, families, records = prepare("sam", fams, repeats=3, repeats_original=3,
                                         start="2026-11-27T23:50:00")
    table = analysis(families, records, correction="none", digits=2)
    h = hyp(records, "number_format", "k", ["E1-C1"], "model")
    block = claims_block(variant.fingerprint, [h], ("model", "TBD"), ("TBD", "TBD"))
    prose = """
## Finding

Writing £10k changes the score.

## Evidence

E1-C1.

## Hypothesis

Model.

## Refutation test

TODO
"""
    write(Sample("15-sam-near-empty", "sam", 1, 0, "near-empty",
                 "One family, three runs per prompt, one unsupported claim, placeholder "
                 "prose."),
          design=design_yaml(families, repeats=3, repeats_original=3, rule="TODO"),
          records=records, table=table, report=report(block, prose))


def main() -> None:
    for name, fn in sorted(globals().items()):
        if name.startswith("s") and name[1:3].isdigit() and callable(fn):
            if CHECK:
                print(name)
            fn()
    bands = [{"folder": s.folder, "learner": s.learner, "band": s.band,
              "reasoning": s.reasoning, "kind": s.kind, "note": s.note} for s in SAMPLES]
    (HERE / "bands.yaml").write_text(
        "# Mentor's bands of the holdout set (see README.md); written before any grader run.\n"
        + yaml.safe_dump(bands, sort_keys=False, width=92, allow_unicode=True),
        encoding="utf-8")
    print(f"{len(SAMPLES)} samples written to {HERE}")


if __name__ == "__main__":
    main()
