"""Shared plumbing of the calibration generator: run a design against a learner's variant,
write the log the way `labkit.probes.run_family` writes it, compute the analysis a learner
would compute from that log, and write the four hand-in files.

Written by a mentor without reading the grader. Only labkit (the learner's own toolkit) is
used here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from labkit import probe_stats
from labkit.advisor import ChatMessage, assess
from labkit.advisor_variant import AdvisorVariant, variant_from_token
from labkit.probes import Counterfactual, Paraphrase, ProbeFamily, RunRecord, extract_rating

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
VARIANTS_FILE = REPO / "solutions" / "red-team-probe" / "variants.yaml"
CSV_HEADER = ["family", "variant_id", "type", "feature", "expect", "n", "mean_score", "effect",
              "flip_rate", "baseline_flip_rate", "p_value", "p_adjusted"]


def learner_variant(learner: str) -> AdvisorVariant:
    """The learner's variant, from the cohort's tokens in variants.yaml."""
    tokens = yaml.safe_load(VARIANTS_FILE.read_text(encoding="utf-8"))["variants"]
    return variant_from_token(tokens[learner])


def family(fid: str, text: str, paraphrases: list[tuple[str, str]] = (),
           counterfactuals: list[tuple[str, str, str]] = (),
           history: list[str] | None = None, ids: dict[str, str] | None = None) -> ProbeFamily:
    """A family with ids F-P1.., F-C1.. (or `ids` mapping position keys to custom ids)."""
    ids = ids or {}
    return ProbeFamily(
        id=fid, text=" ".join(text.split()),
        history=[ChatMessage(role="user", content=" ".join(h.split())) for h in history or []],
        paraphrases=[Paraphrase(id=ids.get(f"P{i}", f"{fid}-P{i}"), dimension=dim,
                                text=" ".join(t.split()))
                     for i, (dim, t) in enumerate(paraphrases, 1)],
        counterfactuals=[Counterfactual(id=ids.get(f"C{i}", f"{fid}-C{i}"), change=ch,
                                        expect=ex, text=" ".join(t.split()))
                         for i, (ch, ex, t) in enumerate(counterfactuals, 1)])


@dataclass
class Design:
    families: list[ProbeFamily]
    repeats: int = 10
    repeats_original: int = 20
    temperature: float = 0.7
    decision_rule: str = ""
    seed_base: int = 1000
    model: str = "simulator"
    extra: dict[str, Any] = field(default_factory=dict)   # repeats per family override

    def as_yaml(self) -> str:
        data = {"model": self.model, "temperature": self.temperature, "repeats": self.repeats,
                "repeats_original": self.repeats_original, "decision_rule": self.decision_rule,
                "families": [f.model_dump(exclude={"history"} if not f.history else set())
                             for f in self.families]}
        return yaml.safe_dump(data, sort_keys=False, width=88, allow_unicode=True)


def run_design(design: Design, variant: AdvisorVariant, start: str,
               skip: set[str] = frozenset(), repeats_for: dict[str, int] | None = None,
               step_seconds: int = 1) -> list[dict[str, Any]]:
    """Every call of the design, as run_family would log it (in process, same messages,
    same seeds: seed_base + repeat), with deterministic timestamps from `start`."""
    repeats_for = repeats_for or {}
    clock = dt.datetime.fromisoformat(start).replace(tzinfo=dt.UTC)
    records, run_id = [], 1
    for fam in design.families:
        for variant_id, text in fam.prompts():
            if variant_id in skip:
                continue
            sent: str | list[ChatMessage] = text
            if fam.history:
                sent = [*fam.history, ChatMessage(role="user", content=text)]
            default = design.repeats_original if variant_id == fam.id else design.repeats
            for repeat in range(1, repeats_for.get(variant_id, default) + 1):
                seed = design.seed_base + repeat
                messages = ([{"role": "user", "content": sent}] if isinstance(sent, str)
                            else [m.model_dump() for m in sent])
                text_out = assess(messages, temperature=design.temperature, seed=seed,
                                  variant=variant).text
                band, score = extract_rating(text_out)
                record = RunRecord(
                    run_id=run_id, probe_id=fam.id, variant_id=variant_id, repeat=repeat,
                    seed=seed, model=design.model, temperature=design.temperature,
                    timestamp=clock, prompt=sent, response=text_out, band=band, score=score,
                    system_fingerprint=variant.fingerprint)
                records.append(record.model_dump(mode="json"))
                run_id += 1
                clock += dt.timedelta(seconds=step_seconds)
    return records


def log_text(records: list[dict[str, Any]]) -> str:
    return "".join(RunRecord.model_validate(r).model_dump_json() + "\n" for r in records)


# ---------------------------------------------------------------- the learner's analysis

def _runs(records, variant_id):
    return [r for r in records if r["variant_id"] == variant_id]


def variation_rows(design: Design, records: list[dict[str, Any]], *, correction: str = "holm",
                   n_resamples: int = 9999) -> list[dict[str, Any]]:
    """One row per variation (paraphrases then counterfactuals, family by family)."""
    rows = []
    for fam in design.families:
        original = _runs(records, fam.id)
        if not original:
            continue
        o_scores = [r["score"] for r in original]
        o_mean = float(np.mean(o_scores))
        modal = probe_stats.modal_band([r["band"] for r in original])
        base_rate = probe_stats.flip_rate([r["band"] for r in original], modal).rate
        items = ([("paraphrase", p.id, p.dimension, "same") for p in fam.paraphrases]
                 + [("counterfactual", c.id, c.change, c.expect) for c in fam.counterfactuals])
        for kind, vid, feature, expect in items:
            mine = _runs(records, vid)
            if not mine:
                continue
            scores = [r["score"] for r in mine]
            test = probe_stats.permutation_test_scores(scores, o_scores, n_resamples=n_resamples)
            rows.append({"family": fam.id, "variant_id": vid, "type": kind, "feature": feature,
                         "expect": expect, "n": len(mine),
                         "mean_score": float(np.mean(scores)),
                         "effect": float(np.mean(scores)) - o_mean,
                         "flip_rate": probe_stats.flip_rate([r["band"] for r in mine],
                                                            modal).rate,
                         "baseline_flip_rate": base_rate, "p_value": test.p_value})
    ps = [r["p_value"] for r in rows]
    adjusted = (probe_stats.holm(ps) if correction == "holm"
                else probe_stats.benjamini_hochberg(ps) if correction == "bh" else ps)
    for row, p in zip(rows, adjusted, strict=False):
        row["p_adjusted"] = p
    return rows


def csv_text(rows: list[dict[str, Any]], digits: int = 4) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_HEADER, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (round(v, digits) if isinstance(v, float) else v)
                         for k, v in row.items() if k in CSV_HEADER})
    return out.getvalue()


def figures(records: list[dict[str, Any]], probe_ids: list[str]) -> dict[str, Any]:
    """A hypothesis's figures as the project page defines them: effect is the mean over the
    probes of (probe mean - its original's mean); flip rates count runs against the
    original's modal band; the baseline pools the originals of the probes' families; n counts
    the probes' runs. Also the permutation p of the probes' centred scores against the
    originals' centred scores (the notebook's way)."""
    diffs, centred, base_centred, flips, runs, seen = [], [], [], 0, 0, {}
    for pid in probe_ids:
        mine = _runs(records, pid)
        fam = mine[0]["probe_id"]
        original = _runs(records, fam)
        o_mean = float(np.mean([r["score"] for r in original]))
        diffs.append(float(np.mean([r["score"] for r in mine])) - o_mean)
        centred += [r["score"] - o_mean for r in mine]
        modal = probe_stats.modal_band([r["band"] for r in original])
        flips += sum(r["band"] != modal for r in mine)
        runs += len(mine)
        if fam not in seen:
            seen[fam] = original
            base_centred += [r["score"] - o_mean for r in original]
    base_flips = base_runs = 0
    for original in seen.values():
        modal = probe_stats.modal_band([r["band"] for r in original])
        base_flips += sum(r["band"] != modal for r in original)
        base_runs += len(original)
    p = probe_stats.permutation_test_scores(centred, base_centred).p_value
    return {"effect": round(float(np.mean(diffs)), 2) + 0.0, "flip_rate": round(flips / runs, 3),
            "baseline_flip_rate": round(base_flips / base_runs, 3), "n": runs, "p": p}


def hypothesis(records, kind, value, probe_ids, layer, direction=None, **override):
    fig = figures(records, probe_ids)
    h = {"kind": kind, "value": value,
         "direction": direction or ("raises" if fig["effect"] > 0 else "lowers"),
         "effect": fig["effect"], "flip_rate": fig["flip_rate"],
         "baseline_flip_rate": fig["baseline_flip_rate"], "n": fig["n"],
         "probes": list(probe_ids), "layer": layer}
    h.update(override)
    return h, fig


def claims_block(claims: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(claims, sort_keys=False, width=88,
                                    default_flow_style=None, allow_unicode=True) + "---\n"


def write_sample(folder: Path, design_yaml: str, log: str, analysis_csv: str,
                 report: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("probe_design.yaml", "probe_log.jsonl", "analysis.csv", "report.md"):
        (folder / name).unlink(missing_ok=True)
    (folder / "probe_design.yaml").write_text(design_yaml, encoding="utf-8")
    (folder / "probe_log.jsonl").write_text(log, encoding="utf-8")
    (folder / "analysis.csv").write_text(analysis_csv, encoding="utf-8")
    (folder / "report.md").write_text(report, encoding="utf-8")


def prose_words(report: str) -> int:
    """Words of the prose after the claims block."""
    body = report.split("---\n", 2)[-1]
    return len(body.split())


# ---------------------------------------------------------------- a mentor's design checks

FACTS = ("age", "savings", "invest", "horizon_years", "attitude", "cannot_afford_loss",
         "can_afford_loss")


def signature(text: str, history: list[str] | None = None) -> dict[str, Any]:
    """The facts and known triggers the simulator reads in a text (a mentor's check that a
    paraphrase keeps the facts and a counterfactual changes one thing)."""
    from labkit.advisor import TRIGGERS
    from labkit.advisor_reading import read_enquiry
    f = read_enquiry("\n".join([*(history or []), text]))
    sig = {k: getattr(f, k) for k in FACTS}
    sig["product"] = f.product.name if f.product else None
    for kind, test in TRIGGERS.items():
        if kind == "context_window":
            continue
        values = {"trigger_keyword": ["guaranteed", "safe", "secure", "risk free", "protected"],
                  "number_format": ["shorthand", "words"], "framing": ["loss", "gain"]}
        for value in values.get(kind, ["-"]):
            sig[f"{kind}:{value}"] = test(f, value)
    return sig


def design_report(design: Design) -> list[str]:
    """Paraphrases that change a fact or trigger; counterfactuals changing more than one."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    problems = []
    for fam in design.families:
        hist = [m.content for m in fam.history]
        base = signature(fam.text, hist)
        for p in fam.paraphrases:
            diff = [k for k, v in signature(p.text, hist).items() if base[k] != v]
            vec = TfidfVectorizer().fit([fam.text, p.text])
            m = vec.transform([fam.text, p.text])
            dist = 1 - float((m[0] @ m[1].T).toarray()[0, 0])
            if diff or not 0.1 <= dist <= 0.85:
                problems.append(f"{p.id} paraphrase: changes {diff}, distance {dist:.2f}")
        for c in fam.counterfactuals:
            diff = [k for k, v in signature(c.text, hist).items() if base[k] != v]
            if len(diff) != 1:
                problems.append(f"{c.id} counterfactual ({c.change}): changes {diff}")
    return problems
