"""Attacks on the red-team probe's grader: each edits the thorough sample the way a learner
gaming the format would, and checks that it gains nothing (issue 10, "write the attacks
first"). The sample's learner, sam, has three planted sensitivities (age in words, the
keyword 'guaranteed', amounts in shorthand), so a planted sensitivity is a share of 8 of
probe.sensitivities' 24 points and a false hypothesis costs 4."""

from __future__ import annotations

import pytest

from grader.probe_grade import grade_probe, load_probe_exercise
from grader.rubric import exercise_rubric
from tests.test_probe_grading import _edit_claims, copy_sample, scores_of

CLAIM_CRITERIA = ("probe.figures", "probe.sensitivities", "probe.cause", "probe.fix")


@pytest.fixture(scope="module")
def exercise():
    return load_probe_exercise(exercise_rubric("red-team-probe"))


def graded(exercise, folder) -> dict:
    return scores_of(grade_probe(exercise, folder))


@pytest.fixture(scope="module")
def honest(exercise, tmp_path_factory):
    return graded(exercise, copy_sample(tmp_path_factory.mktemp("honest")))


def as_kind(hypothesis: dict, kind: str, value: str) -> dict:
    """The same probes and figures, claimed as another kind."""
    return {**hypothesis, "kind": kind, "value": value, "probes": list(hypothesis["probes"])}


def test_hedging_one_finding_over_several_kinds_costs_points(exercise, tmp_path, honest):
    folder = copy_sample(tmp_path)
    _edit_claims(folder, lambda c: c["hypotheses"].extend(
        [as_kind(c["hypotheses"][0], "politeness", "polite"),
         as_kind(c["hypotheses"][0], "urgency", "urgent")]))
    scores = graded(exercise, folder)
    assert scores["probe.sensitivities"].points == pytest.approx(24 - 2 * 4)
    assert "has no sensitivity of that kind" in scores["probe.sensitivities"].explanation


def test_hedging_every_kind_on_one_piece_of_evidence_earns_less_than_naming_it(exercise,
                                                                               tmp_path):
    one, hedge = copy_sample(tmp_path / "one"), copy_sample(tmp_path / "hedge")
    _edit_claims(one, lambda c: c.update(hypotheses=c["hypotheses"][:1]))
    kinds = [("age_words", "age in words"), ("politeness", "polite"), ("urgency", "urgent"),
             ("framing", "loss"), ("option_order", "riskier first")]
    _edit_claims(hedge, lambda c: c.update(
        hypotheses=[as_kind(c["hypotheses"][0], k, v) for k, v in kinds]))
    named, hedged = graded(exercise, one), graded(exercise, hedge)
    assert named["probe.sensitivities"].points == pytest.approx(8)
    assert hedged["probe.sensitivities"].points == 0
    assert sum(hedged[c].points for c in CLAIM_CRITERIA) < sum(
        named[c].points for c in CLAIM_CRITERIA)


def test_a_negated_direction_is_not_a_hit(exercise, tmp_path):
    folder = copy_sample(tmp_path)
    _edit_claims(folder, lambda c: c["hypotheses"][0].update(direction="raises"))
    score = graded(exercise, folder)["probe.sensitivities"]
    assert score.points == pytest.approx(16 - 4)
    assert "hypotheses[1]" in score.explanation


def test_invented_probe_ids_are_no_evidence(exercise, tmp_path):
    folder = copy_sample(tmp_path)
    _edit_claims(folder, lambda c: c["hypotheses"][1].update(probes=["F2-C7", "F5-C9"]))
    scores = graded(exercise, folder)
    assert "'F2-C7' is not a prompt of probe_design.yaml" in scores["probe.figures"].explanation
    assert scores["probe.sensitivities"].points == pytest.approx(16 - 4)


def test_the_right_finding_on_evidence_that_does_not_show_it_is_false(exercise, tmp_path):
    """'guaranteed' is planted, but the probes named are paraphrases that never use it; the
    figures are copied correctly from the log, which shows nothing beyond the noise."""
    from grader.probe_files import load_design
    from grader.probe_scoring import recompute
    from labkit.probes import read_run_log

    folder = copy_sample(tmp_path)
    probes = ["F1-P1", "F2-P1", "F3-P1"]
    figures, _ = recompute(probes, load_design(folder / "probe_design.yaml"),
                           read_run_log(folder / "probe_log.jsonl"))
    _edit_claims(folder, lambda c: c["hypotheses"][1].update(
        probes=probes, direction="raises" if figures.effect > 0 else "lowers",
        effect=round(figures.effect, 2), flip_rate=round(figures.flip_rate, 3),
        baseline_flip_rate=round(figures.baseline_flip_rate, 3), n=figures.n))
    scores = graded(exercise, folder)
    assert figures.p_value >= 0.01
    assert scores["probe.sensitivities"].points == pytest.approx(16 - 4)
    assert "beyond the noise" in scores["probe.sensitivities"].explanation


def test_another_learners_findings_earn_at_most_their_kind(exercise, tmp_path):
    """alex's variant reacts to 'secure' and to a dropped negation; sam claims alex's
    findings on sam's own probes."""
    folder = copy_sample(tmp_path)
    _edit_claims(folder, lambda c: c.update(hypotheses=[
        as_kind(c["hypotheses"][1], "trigger_keyword", "secure"),
        {**as_kind(c["hypotheses"][0], "negation_dropped", "negated risky product"),
         "direction": "lowers"}]))
    score = graded(exercise, folder)["probe.sensitivities"]
    assert score.points == pytest.approx(8 * 0.5 - 4)  # kind only for one, false for the other


def test_stuffed_prose_gains_nothing_the_claims_do_not_earn(exercise, tmp_path, honest):
    folder = copy_sample(tmp_path)
    report = folder / "report.md"
    stuffing = ("\n\nEvery kind may matter: trigger keyword, number format, negation dropped, "
                "framing, age in words, option order, politeness, urgency, context window. "
                "The layer is data, model, prompt, retrieval or product policy. Probes F1-C1 "
                "F1-C2 F2-C1 F2-C2 F3-C1 F3-C2 F4-C1 F4-C2 F5-C1 F5-C2 p < 0.001 significant.\n")
    text = report.read_text(encoding="utf-8").replace("\n## Evidence", stuffing + "\n## Evidence")
    report.write_text(text, encoding="utf-8")
    _edit_claims(folder, lambda c: c.update(hypotheses=c["hypotheses"][:1]))
    scores = graded(exercise, folder)
    assert scores["probe.sensitivities"].points == pytest.approx(8)
    assert scores["report.prose"].points <= honest["report.prose"].points


def test_a_report_on_another_question_loses_the_prose(exercise, tmp_path, honest):
    """The claims are right but the prose answers project 1's question."""
    folder = copy_sample(tmp_path)
    report = folder / "report.md"
    claims = report.read_text(encoding="utf-8").split("---\n", 2)[1]
    prose = ("## Finding\n\nThe support bot Pip promised refunds outside the 30-day window in "
             "twelve logs, and handed off too late in five more.\n\n## Evidence\n\nLogs L007, "
             "L019 and L044 quote the refund promise; the knowledge base says 30 days.\n\n"
             "## Hypothesis\n\nThe retrieval step returns the old refund article, so the bot "
             "repeats a superseded policy.\n\n## Refutation test\n\nRemove the old article "
             "from the index and replay the twelve logs: if the promises remain, the "
             "hypothesis is wrong.\n")
    report.write_text(f"---\n{claims}---\n\n{prose}", encoding="utf-8")
    scores = graded(exercise, folder)
    assert scores["report.prose"].points < honest["report.prose"].points / 2
    assert "names no hypothesis" in scores["report.prose"].explanation or (
        "does not" in scores["report.prose"].explanation)


def test_prose_that_contradicts_a_claim_makes_it_false(exercise, tmp_path):
    folder = copy_sample(tmp_path)
    report = folder / "report.md"
    text = report.read_text(encoding="utf-8")
    finding = text.index("## Finding")
    text = (text[:finding] + "## Finding\n\nThe word 'guaranteed' raised the risk score, and "
            "amounts in shorthand did not change the assessment beyond the noise. An age in "
            "words lowered it.\n\n" + text[text.index("## Evidence"):])
    report.write_text(text, encoding="utf-8")
    scores = graded(exercise, folder)
    assert scores["probe.sensitivities"].points == pytest.approx(8 - 2 * 4)
    assert "your Finding says the opposite" in scores["probe.sensitivities"].explanation
    assert "says the opposite of the claims about 'guaranteed', 'shorthand'" in scores[
        "report.prose"].explanation


def test_a_list_of_terms_is_not_prose(exercise, tmp_path, honest):
    folder = copy_sample(tmp_path)
    report = folder / "report.md"
    text = report.read_text(encoding="utf-8")
    terms = ("layer, model, data, prompt, retrieval, product policy, mechanism, root cause, "
             "five whys, fault tree, training data, learned association, position bias, "
             "truncation, tokeniser, normalisation.\n\n")
    start = text.index("## Hypothesis")
    text = text[:start] + "## Hypothesis\n\n" + terms + text[text.index("## Refutation"):]
    report.write_text(text, encoding="utf-8")
    score = graded(exercise, folder)["report.prose"]
    assert "list terms instead of saying something in sentences" in score.explanation
    assert score.points == pytest.approx(honest["report.prose"].points - 6 * (0.3 / 4 + 0.3))


def test_a_design_of_one_family_earns_an_eighth_of_the_design_shares(exercise, tmp_path):
    import yaml

    folder = copy_sample(tmp_path)
    design = yaml.safe_load((folder / "probe_design.yaml").read_text(encoding="utf-8"))
    design["families"] = design["families"][:1]
    (folder / "probe_design.yaml").write_text(yaml.safe_dump(design), encoding="utf-8")
    lines = (folder / "probe_log.jsonl").read_text(encoding="utf-8").splitlines()
    (folder / "probe_log.jsonl").write_text(
        "".join(line + "\n" for line in lines if '"probe_id":"F1"' in line), encoding="utf-8")
    scores = graded(exercise, folder)
    assert scores["design.paraphrases"].points == pytest.approx(8 / 8)
    assert scores["design.counterfactuals"].points == pytest.approx(8 / 8)
    assert "(the design needs 8)" in scores["design.paraphrases"].explanation


def test_a_cause_and_fix_among_false_leads_count_at_the_share_that_is_true(exercise, tmp_path):
    folder = copy_sample(tmp_path)
    _edit_claims(folder, lambda c: c.update(hypotheses=[c["hypotheses"][1]] + [
        as_kind(c["hypotheses"][0], k, v) for k, v in
        (("politeness", "polite"), ("urgency", "urgent"), ("framing", "loss"))],
        fix={"target": "output-check", "change": "Re-ask in neutral words and compare."}))
    scores = graded(exercise, folder)
    assert scores["probe.cause"].points == pytest.approx(8 / 3 / 4, abs=0.01)
    assert "3 of your 4 hypotheses are false" in scores["probe.cause"].explanation
    assert scores["probe.fix"].points == pytest.approx(6 / 4, abs=0.01)
