"""Grading of practice project 2, the red-team probe (issue 10, phase 2).

The sample submissions in `solutions/red-team-probe/samples/` are built by
`solutions/red-team-probe/make_samples.py`; here they must rank in their intended order
(Spearman, scipy), and each rule of the grader is checked on a small change to one of them.
The full calibration (at least ten samples with independent mentor bands, rho >= 0.9) is
issue 10's item 6, still to do.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from scipy import stats

from grader.errors import UnusableInput
from grader.probe_grade import (
    check_probe,
    grade_probe,
    load_probe_exercise,
    write_registry,
)
from grader.probe_scoring import changes, distances, recompute
from grader.rubric import exercise_rubric
from labkit.advisor_variant import load_variant, variant_from_token
from labkit.probes import ANALYSIS_COLUMNS
from tests.conftest import ROOT, run_grader

HERE = ROOT / "solutions" / "red-team-probe"
SAMPLES = HERE / "samples"
# Best first: the order a mentor would put them in (see make_samples.py).
INTENDED = ["thorough", "few-repeats", "noise", "uncommitted", "edited-log"]
LOG_BASED = {"log.genuine", "design.repeats", "analysis.table", "probe.figures",
             "probe.sensitivities", "probe.cause", "probe.fix"}


@pytest.fixture(scope="module")
def exercise():
    return load_probe_exercise(exercise_rubric("red-team-probe"))


@pytest.fixture(scope="module")
def grades(exercise):
    return {name: grade_probe(exercise, SAMPLES / name) for name in INTENDED}


def scores_of(grade) -> dict[str, object]:
    return {s.criterion: s for s in grade.scores}


def copy_sample(tmp_path: Path, name: str = "thorough") -> Path:
    return Path(shutil.copytree(SAMPLES / name, tmp_path / name))


def test_the_samples_rank_in_their_intended_order(grades):
    totals = [grades[name].score for name in INTENDED]
    rho = stats.spearmanr(range(len(INTENDED), 0, -1), totals).statistic
    assert rho >= 0.9, dict(zip(INTENDED, totals, strict=True))
    assert totals[0] == max(totals) and totals[-1] == min(totals)


def test_the_thorough_probe_finds_every_planted_sensitivity(grades):
    scores = scores_of(grades["thorough"])
    for criterion in ("log.genuine", "analysis.table", "probe.figures", "probe.sensitivities",
                      "probe.cause", "probe.fix", "design.repeats", "design.counterfactuals"):
        assert scores[criterion].points == scores[criterion].max_points, scores[criterion]
    assert scores["report.reasoning"].status == "pending"
    assert grades["thorough"].learner == "sam"


def test_noise_claimed_as_a_sensitivity_costs_points(grades):
    score = scores_of(grades["noise"])["probe.sensitivities"]
    assert score.points == 0 and "beyond the noise" in score.explanation


def test_an_edited_log_is_not_genuine_and_voids_what_rests_on_it(grades):
    grade = grades["edited-log"]
    assert [p.code for p in grade.problems] == ["log-not-genuine"]
    for score in grade.scores:
        if score.criterion in LOG_BASED:
            assert score.status == "invalid" and score.points == 0, score
    assert scores_of(grade)["design.counterfactuals"].status == "scored"


def test_an_uncommitted_claim_makes_the_claims_invalid(grades):
    grade = grades["uncommitted"]
    assert {p.code for p in grade.problems} == {"claims-not-committed"}
    assert scores_of(grade)["probe.sensitivities"].status == "invalid"
    assert scores_of(grade)["log.genuine"].points == 10


def test_too_few_repeats_cost_the_repeats_criterion(grades):
    assert scores_of(grades["few-repeats"])["design.repeats"].points == 0


def _edit_claims(folder: Path, edit) -> None:
    text = (folder / "report.md").read_text(encoding="utf-8")
    _, block, body = text.split("---\n", 2)
    claims = yaml.safe_load(block)
    edit(claims)
    (folder / "report.md").write_text("---\n" + yaml.safe_dump(claims, sort_keys=False)
                                      + "---\n" + body, encoding="utf-8")


def test_a_right_claim_with_figures_not_in_the_log_is_false(exercise, tmp_path):
    folder = copy_sample(tmp_path)
    _edit_claims(folder, lambda c: c["hypotheses"][0].update(effect=-3.5))
    scores = scores_of(grade_probe(exercise, folder))
    assert "not your log's" in scores["probe.sensitivities"].explanation
    assert scores["probe.sensitivities"].points < 24 * 2 / 3
    assert scores["probe.figures"].points == pytest.approx(6 * 2 / 3, abs=0.01)


def test_a_wrong_value_of_the_right_kind_is_partial(exercise, tmp_path):
    folder = copy_sample(tmp_path)
    _edit_claims(folder, lambda c: c["hypotheses"][1].update(value="safe"))
    score = scores_of(grade_probe(exercise, folder))["probe.sensitivities"]
    assert "1 by kind only" in score.explanation
    assert score.points == pytest.approx(24 * 2.5 / 3, abs=0.01)


def test_a_wrong_layer_costs_the_cause(exercise, tmp_path):
    folder = copy_sample(tmp_path)
    _edit_claims(folder, lambda c: c["hypotheses"][0].update(layer="retrieval"))
    assert scores_of(grade_probe(exercise, folder))["probe.cause"].points == pytest.approx(
        8 * 2 / 3, abs=0.01)


def _rewrite_log(folder: Path, change) -> None:
    path = folder / "probe_log.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    change(records)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


@pytest.mark.parametrize("change, message", [
    (lambda rs: rs[5].update(system_fingerprint="fp_000000000000"), "fingerprints"),
    (lambda rs: [r.update(system_fingerprint="fp_000000000000") for r in rs],
     "is not the fingerprint of any model variant"),
    (lambda rs: rs[7].update(score=1, band="low"), "are not what the response states"),
    (lambda rs: rs[9].update(seed=rs[9]["seed"] + 50), "replaying run"),
])
def test_a_log_that_does_not_replay_is_not_genuine(exercise, tmp_path, change, message):
    folder = copy_sample(tmp_path)
    _rewrite_log(folder, change)
    grade = grade_probe(exercise, folder)
    assert any(p.code == "log-not-genuine" and message in p.message for p in grade.problems)
    assert scores_of(grade)["probe.sensitivities"].status == "invalid"


def test_records_of_prompts_not_in_the_design_are_a_coded_problem(exercise, tmp_path):
    folder = copy_sample(tmp_path)
    _rewrite_log(folder, lambda rs: rs[0].update(variant_id="F1-P9"))
    grade = grade_probe(exercise, folder)
    assert [p.code for p in grade.problems] == ["unknown-probe-id"]
    assert scores_of(grade)["log.genuine"].points == 0
    assert scores_of(grade)["probe.figures"].status == "scored"


def test_missing_files_are_not_submitted(exercise, tmp_path):
    folder = copy_sample(tmp_path)
    (folder / "probe_log.jsonl").unlink()
    (folder / "report.md").unlink()
    scores = scores_of(grade_probe(exercise, folder))
    assert scores["probe.figures"].status == "not-submitted"
    assert scores["report.prose"].status == "not-submitted"
    assert scores["design.paraphrases"].status == "scored"


def test_recomputed_figures_follow_the_documented_definitions(exercise):
    from grader.probe_files import load_design, load_log

    design = load_design(SAMPLES / "thorough" / "probe_design.yaml")
    records = [item.record for item in load_log(SAMPLES / "thorough" / "probe_log.jsonl")[0]]
    figures, _ = recompute(["F2-C1"], design, records)
    mine = [r.score for r in records if r.variant_id == "F2-C1"]
    base = [r.score for r in records if r.variant_id == "F2"]
    assert figures.n == len(mine) == 10
    assert figures.effect == pytest.approx(sum(mine) / len(mine) - sum(base) / len(base))
    assert figures.p_value < 0.01
    assert recompute(["F2"], design, records)[0] is None  # an original shows nothing


def test_design_checks_measure_paraphrases_and_counterfactuals():
    base = "I'm 58 and retire in 3 years. I have £40,000 and want £30,000 in shares."
    assert changes(base, base.replace("£30,000", "£30k")) == ["number_format:shorthand"]
    assert changes(base, "My name is Jo. " + base) == []
    two = changes(base, base.replace("58", "sixty-one"))
    assert "age" in two and "age_words:age in words" in two
    near, far = distances(base, [base + " Thanks", "What is the weather in Leeds today?"])
    assert near < 0.1 < 0.85 < far


def test_a_rubric_with_a_misspelt_param_is_refused(tmp_path):
    rubric = yaml.safe_load(exercise_rubric("red-team-probe").read_text(encoding="utf-8"))
    rubric["criteria"][1]["params"] = {"min_familes": 8}
    for name in ("variants.yaml", "planted_causes.yaml"):
        shutil.copy(HERE / name, tmp_path / name)
    rubric["codebook"] = str(ROOT / "datasets" / "taxonomy" / "codebook.yaml")
    (tmp_path / "rubric.yaml").write_text(yaml.safe_dump(rubric), encoding="utf-8")
    with pytest.raises(UnusableInput) as error:
        load_probe_exercise(tmp_path / "rubric.yaml")
    assert error.value.problems[0].code == "rubric-invalid"
    assert "min_familes" in error.value.problems[0].message


def test_the_registry_is_the_demo_cohorts(tmp_path):
    roster = (HERE / "demo_roster.txt").read_text(encoding="utf-8").split()
    learners = [x for x in roster if not x.startswith("#") and x not in ("the", "demo",
                                                                        "cohort")]
    assert (HERE / "variants.yaml").read_text(encoding="utf-8") == write_registry(
        "demo-cohort-2026", learners)
    secret = tmp_path / "secret"
    secret.write_text("demo-cohort-2026\n", encoding="utf-8")
    out = tmp_path / "variants.yaml"
    run = run_grader("variants", "--secret-file", secret, "--roster",
                     HERE / "demo_roster.txt", "--out", out)
    assert run.returncode == 0, run.stderr
    assert out.read_text(encoding="utf-8") == (HERE / "variants.yaml").read_text(
        encoding="utf-8")
    run = run_grader("variants", "--secret-file", secret, "--roster", HERE / "demo_roster.txt",
                     "--out", tmp_path / "again.yaml", "--handouts", tmp_path / "handouts")
    assert run.returncode == 0, run.stderr
    registry = yaml.safe_load(out.read_text(encoding="utf-8"))["variants"]
    for learner in learners:  # each learner's variant.txt is what load_variant reads
        handout = tmp_path / "handouts" / learner / "variant.txt"
        assert load_variant(handout).fingerprint == variant_from_token(
            registry[learner]).fingerprint
    run = run_grader("variants", "--secret-file", secret, "--roster", HERE / "demo_roster.txt",
                     "--out", tmp_path / "third.yaml", "--handouts", tmp_path / "handouts")
    assert run.returncode == 2 and "[output-refused]" in run.stderr
    assert not (tmp_path / "third.yaml").exists()


def test_the_samples_are_what_the_script_makes(tmp_path):
    spec = importlib.util.spec_from_file_location("make_samples", HERE / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_samples"] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        module.main(tmp_path / "samples")
    finally:
        del sys.modules["make_samples"]
    for name in INTENDED:
        for file in ("probe_design.yaml", "probe_log.jsonl", "report.md"):
            assert (tmp_path / "samples" / name / file).read_bytes() == \
                (SAMPLES / name / file).read_bytes(), f"{name}/{file}: rerun make_samples.py"


def _rewrite_analysis(folder: Path, change) -> None:
    path = folder / "analysis.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows = change(rows) or rows
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ANALYSIS_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_analysis_rows_are_checked_against_the_log(exercise, tmp_path):
    folder = copy_sample(tmp_path)

    def change(rows):
        rows[2]["effect"] = "-0.4"         # F1-C2: the log gives about -2.15
        rows[5]["n"] = "20"                # F2-C2 ran 10 times
        del rows[7]                        # no row for the eighth variation

    _rewrite_analysis(folder, change)
    score = scores_of(grade_probe(exercise, folder))["analysis.table"]
    assert score.status == "scored"
    assert score.points == pytest.approx(4 * 21 / 24)
    assert "line 4 (F1-C2): effect -0.4 (the log gives -2.15)" in score.explanation
    assert "n 20 (the log has 10 runs)" in score.explanation
    assert "no row for F3-C1" in score.explanation
    notes = check_probe(folder).notes
    assert any(n.startswith("analysis.csv line 4 (F1-C2)") for n in notes)
    assert "analysis.csv: no row for F3-C1" in notes


@pytest.mark.parametrize(("change", "code", "message"), [
    (lambda rows: rows[0].update(p_adjusted="0.01", p_value="0.2"), "analysis-invalid",
     "p_adjusted is smaller than p_value"),
    (lambda rows: rows[0].update(type="counterfactual"), "analysis-invalid",
     "'F1-P1' is a paraphrase of the design, not a counterfactual"),
    (lambda rows: rows[0].update(family="F2"), "analysis-invalid",
     "'F1-P1' is in family 'F1', not 'F2'"),
    (lambda rows: rows[0].update(variant_id="F1"), "analysis-invalid",
     "'F1' is a family original"),
    (lambda rows: rows.append(dict(rows[0])), "analysis-invalid", "has a row already, on line 2"),
    (lambda rows: rows[0].update(variant_id="F1-P7"), "unknown-probe-id",
     "'F1-P7' is not a prompt of probe_design.yaml"),
    (lambda rows: rows[0].update(flip_rate="35%"), "analysis-invalid",
     "flip_rate: Input should be a valid number"),
    (lambda rows: rows[0].update(mean_score="nan"), "analysis-invalid", "mean_score"),
])
def test_an_unusable_analysis_table_is_a_coded_problem(exercise, tmp_path, change, code,
                                                       message):
    folder = copy_sample(tmp_path)
    _rewrite_analysis(folder, change)
    grade = grade_probe(exercise, folder)
    assert [p.code for p in grade.problems] == [code]
    assert message in grade.problems[0].message
    scores = scores_of(grade)
    assert scores["analysis.table"].status == "invalid" and scores["analysis.table"].points == 0
    assert scores["probe.figures"].points == 6  # the rest is graded as usual
    result = check_probe(folder)  # listed by the check, which goes on
    assert not result.ready and [p.code for p in result.report_problems] == [code]


def test_a_missing_analysis_table_costs_its_criterion_only(exercise, tmp_path):
    folder = copy_sample(tmp_path)
    (folder / "analysis.csv").unlink()
    grade = grade_probe(exercise, folder)
    scores = scores_of(grade)
    assert scores["analysis.table"].status == "not-submitted" and not grade.problems
    assert grade.score == 90 - 4
    assert any(n.startswith("analysis.csv: missing") for n in check_probe(folder).notes)


def test_check_needs_no_answer_key_and_recomputes_the_figures(tmp_path):
    result = check_probe(SAMPLES / "thorough")
    assert result.ready and result.replayed == 0  # a mentor's variant: not replayed here
    folder = copy_sample(tmp_path)
    _edit_claims(folder, lambda c: c["hypotheses"][0].update(n=99))
    result = check_probe(folder)
    assert not result.ready and any("n 99" in note for note in result.notes)


def test_the_command_line_grades_and_checks(tmp_path):
    run = run_grader("grade", "--exercise", "red-team-probe", "--submission",
                     SAMPLES / "thorough", "--format", "json")
    assert run.returncode == 0, run.stderr
    assert run.json()["score"] == 90
    run = run_grader("check", "--exercise", "red-team-probe", "--submission",
                     SAMPLES / "few-repeats")
    assert run.returncode == 3 and "not ready yet" in run.stdout
    for fmt in ("text", "html"):
        run = run_grader("grade", "--exercise", "red-team-probe", "--submission",
                         SAMPLES / "edited-log", "--format", fmt)
        assert run.returncode == 0 and "log-not-genuine" in run.stdout


def test_published_schema_is_the_model(update_goldens):
    from grader.probe_claims import ProbeClaims

    path = ROOT / "course" / "reference" / "red-team-probe-claims.schema.json"
    schema = json.dumps(ProbeClaims.model_json_schema(), indent=2) + "\n"
    if update_goldens:
        path.write_text(schema, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == schema, "run pytest --update-goldens"
    assert json.loads(schema)["additionalProperties"] is False


def test_check_replays_a_log_of_the_public_course_model(tmp_path):
    from labkit.advisor import assess
    from labkit.advisor_variant import COURSE_VARIANT
    from labkit.probes import run_family

    class Client:
        model = "simulator"

        def chat(self, messages, *, temperature, seed):
            text = assess(messages, temperature=temperature, seed=seed).text
            return type("Reply", (), {"text": text,
                                      "system_fingerprint": COURSE_VARIANT.fingerprint})

    design = yaml.safe_load((SAMPLES / "thorough" / "probe_design.yaml").read_text("utf-8"))
    design["families"] = design["families"][:2]
    (tmp_path / "probe_design.yaml").write_text(yaml.safe_dump(design), encoding="utf-8")
    from grader.probe_files import load_design

    for family in load_design(tmp_path / "probe_design.yaml").families:
        run_family(Client(), family, tmp_path / "probe_log.jsonl", repeats=10,
                   repeats_original=20)
    result = check_probe(tmp_path)
    assert result.replayed == 100 and result.fingerprint == COURSE_VARIANT.fingerprint
    assert any("2 families" in note for note in result.notes)  # and no report yet
    _rewrite_log(tmp_path, lambda rs: rs[3].update(response=rs[3]["response"] + " "))
    with pytest.raises(UnusableInput) as error:
        check_probe(tmp_path)
    assert [p.code for p in error.value.problems] == ["log-not-genuine"]


def test_released_feedback_names_the_planted_sensitivities_and_formative_does_not():
    formative = run_grader("grade", "--exercise", "red-team-probe", "--submission",
                           SAMPLES / "noise", "--format", "json").json()
    assert "review" not in formative
    assert "shorthand" not in json.dumps(formative)  # a missed sensitivity stays unnamed
    released = run_grader("grade", "--exercise", "red-team-probe", "--submission",
                          SAMPLES / "noise", "--format", "json", "--released").json()
    found = {(r["kind"], r["value"]): r["found"] for r in released["review"]}
    assert found == {("age_words", "age in words"): "missed",
                     ("number_format", "shorthand"): "missed",
                     ("trigger_keyword", "guaranteed"): "hit"}
    for fmt in ("text", "html"):
        page = run_grader("grade", "--exercise", "red-team-probe", "--submission",
                          SAMPLES / "noise", "--format", fmt, "--released").stdout
        assert "number_format 'shorthand' (-2 score points): missed" in page.replace(
            "&#39;", "'")


def test_tfidf_distances_are_scikit_learns():
    """The grader's TF-IDF (written out to keep scikit-learn out of a cold start) gives what
    `TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)` and cosine similarity give, on
    every family of every sample design."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    compared = 0
    for path in sorted(HERE.glob("*/*/probe_design.yaml")):
        for family in yaml.safe_load(path.read_text(encoding="utf-8"))["families"]:
            texts = [v["text"] for v in (*family.get("paraphrases", []),
                                         *family.get("counterfactuals", []))]
            if not texts:
                continue
            matrix = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform(
                [family["text"], *texts])
            expected = 1 - cosine_similarity(matrix[0], matrix[1:])[0]
            assert distances(family["text"], texts) == pytest.approx(list(expected), abs=1e-12)
            compared += len(texts)
    assert compared > 500


def test_grading_a_named_learners_folder_wants_their_own_variant():
    """The thorough sample is sam's: as sam's folder it scores in full; as jordan's, the log
    of another learner's model is not genuine."""
    own = run_grader("grade", "--exercise", "red-team-probe", "--submission",
                     SAMPLES / "thorough", "--format", "json", "--learner", "sam").json()
    assert own["score"] == 90
    copied = run_grader("grade", "--exercise", "red-team-probe", "--submission",
                        SAMPLES / "thorough", "--format", "json", "--learner", "jordan").json()
    statuses = {c["id"]: c["status"] for c in copied["criteria"]}
    assert {c for c, s in statuses.items() if s == "invalid"} == LOG_BASED
    log = next(c for c in copied["criteria"] if c["id"] == "log.genuine")
    assert "which is not your model variant" in log["feedback"]
    assert "[log-not-genuine]" in log["feedback"]


def test_the_project_page_lists_every_kind_and_value_of_the_pool():
    from labkit.advisor_variant import POOL

    page = (ROOT / "course" / "projects" / "red-team-probe.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(" `"): line for line in page.splitlines()
            if line.startswith("    | `") and not line.startswith("    | `kind`")}
    assert set(rows) == set(POOL)
    for kind, values in POOL.items():
        if kind != "context_window":
            assert all(f"`{value}`" in rows[kind] for value in values), kind
