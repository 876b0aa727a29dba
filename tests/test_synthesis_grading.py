"""Grading practice project 3 (cross-domain synthesis): the reference hand-in scores full
marks, each file's mistakes cost what the project page says, bad input is a coded problem
and never a traceback, and the cheap ways to points (every record coded as the pattern,
hedged claims, invented evidence, figures copied from elsewhere, the wrong failure named
shared) earn little. The notebook itself: tests/test_synthesis_notebook.py."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, SYNTHESIS_HAND_IN, run_grader

EXERCISE = "cross-domain-synthesis"
AUTOMATIC = 94


@pytest.fixture(scope="module")
def exercise():
    from grader.rubric import exercise_rubric
    from grader.synthesis_grade import load_synthesis_exercise

    return load_synthesis_exercise(exercise_rubric(EXERCISE))


@pytest.fixture
def hand_in(synthesis_run, tmp_path) -> Path:
    """A fresh copy of the reference's four files, to spoil."""
    folder = tmp_path / "hand-in"
    folder.mkdir()
    for name in SYNTHESIS_HAND_IN:
        shutil.copy(synthesis_run[0] / name, folder / name)
    return folder


def grade(exercise, folder: Path) -> dict[str, tuple[float, str, str]]:
    from grader.synthesis_grade import grade_synthesis

    result = grade_synthesis(exercise, folder)
    return {s.criterion: (s.points, s.status, s.explanation) for s in result.scores}


def points(scores: dict) -> float:
    return round(sum(p or 0 for p, _, _ in scores.values()), 2)


def claims_of(folder: Path) -> tuple[dict, str]:
    _, block, prose = (folder / "memo.md").read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(block), prose


def write_claims(folder: Path, claims: dict, prose: str) -> None:
    (folder / "memo.md").write_text("---\n" + yaml.safe_dump(claims, sort_keys=False)
                                    + "---\n" + prose, encoding="utf-8")


def codes_of(folder: Path) -> list[dict]:
    with (folder / "clusters.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_codes(folder: Path, rows: list[dict]) -> None:
    with (folder / "clusters.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["record_id", "cluster", "code"])
        writer.writeheader()
        writer.writerows(rows)


def gold() -> dict[str, dict]:
    path = ROOT / "solutions" / EXERCISE / "gold.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return {r["record_id"]: r for r in csv.DictReader(handle) if r["status"] == "converted"}


# --- the reference -----------------------------------------------------------------------

def test_the_reference_earns_every_automatic_point(exercise, synthesis_run):
    scores = grade(exercise, synthesis_run[0])
    assert points(scores) == AUTOMATIC, scores
    assert scores["memo.reasoning"][:2] == (None, "pending")


def test_the_cli_grades_and_checks(synthesis_run):
    folder = synthesis_run[0]
    done = run_grader("grade", "--exercise", EXERCISE, "--submission", folder,
                      "--format", "json")
    assert done.returncode == 0, done.stderr
    data = done.json()
    assert data["score"] == AUTOMATIC and data["pending_points"] == 6
    checked = run_grader("check", "--exercise", EXERCISE, "--submission", folder)
    assert checked.returncode == 0 and "ready to submit" in checked.stdout, checked.stdout
    html = run_grader("grade", "--exercise", EXERCISE, "--submission", folder,
                      "--format", "html")
    assert html.returncode == 0 and html.stdout.startswith("<!doctype html>")
    assert "reference finds" not in done.stdout + html.stdout   # formative: no reference
    released = run_grader("grade", "--exercise", EXERCISE, "--submission", folder,
                          "--released")
    assert released.stdout.count("the reference finds the shared pattern in") == 3


def test_feedback_names_no_gold_code(exercise, hand_in):
    """Formative feedback speaks of counts and products, never of a record's gold code."""
    rows = codes_of(hand_in)
    for row in rows[::3]:
        row["code"] = "no-failure"
    write_codes(hand_in, rows)
    text = json.dumps(grade(exercise, hand_in))
    for code in ("hallucinated-specificity", "wrong-document", "length-violation",
                 "omitted-complaint", "incomplete-change", "wrong-task", "broken-format"):
        assert code not in text


# --- the unified data --------------------------------------------------------------------

def test_a_duplicate_converted_costs_accounting(exercise, hand_in):
    """An adapter that keeps a second copy: the counts no longer balance (a record in two
    places), so that product's share is lost."""
    rejects = (hand_in / "rejects.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in rejects if "duplicate" not in line or not line.startswith("codegen")]
    (hand_in / "rejects.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    scores = grade(exercise, hand_in)
    assert scores["unified.accounting"][0] == pytest.approx(10 * 2 / 3, abs=0.01)
    assert "codegen: 260 native records" in scores["unified.accounting"][2]


def test_times_left_in_local_time_cost_fidelity(exercise, hand_in):
    lines = (hand_in / "unified.jsonl").read_text(encoding="utf-8").splitlines()
    spoiled = []
    for line in lines:
        record = json.loads(line)
        if (record["product"] == "summarisation"
                and record["native"]["office_tz"] != "Europe/London"):
            record["occurred_at"] = record["occurred_at"].replace("Z", "+00:00")
            hour = int(record["occurred_at"][11:13])
            record["occurred_at"] = (record["occurred_at"][:11] + f"{(hour - 5) % 24:02d}"
                                     + record["occurred_at"][13:])
        spoiled.append(json.dumps(record))
    (hand_in / "unified.jsonl").write_text("\n".join(spoiled) + "\n", encoding="utf-8")
    score, status, text = grade(exercise, hand_in)["unified.fidelity"]
    assert status == "scored" and score < 10
    assert "occurred_at differs" in text and "summarisation" in text


def test_an_invalid_unified_line_is_a_coded_problem(exercise, hand_in):
    with (hand_in / "unified.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"record_id": "search:q-1", "product": "search"}\n')
    scores = grade(exercise, hand_in)
    for criterion in ("unified.accounting", "unified.fidelity", "clusters.agreement",
                      "memo.prevalence"):
        assert scores[criterion][:2] == (0, "invalid"), criterion
        assert "[unified-invalid]" in scores[criterion][2]
    assert scores["memo.limitation"][1] == "scored"   # what does not rest on it still counts
    done = run_grader("check", "--exercise", EXERCISE, "--submission", hand_in)
    assert done.returncode == 3 and "unified-invalid" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_a_huge_upload_is_refused_unread(exercise, hand_in):
    path = hand_in / "unified.jsonl"
    path.unlink()
    with path.open("wb") as handle:   # sparse: 2 GiB that take no room
        handle.truncate(2 * 1024**3)
    scores = grade(exercise, hand_in)
    assert scores["unified.fidelity"][1] == "invalid"
    assert "[file-too-large]" in scores["unified.fidelity"][2]


def test_missing_files_are_not_submitted(exercise, tmp_path):
    scores = grade(exercise, tmp_path)
    assert points(scores) == 0
    assert {status for _, status, _ in scores.values()} == {"not-submitted"}


# --- the clusters --------------------------------------------------------------------------

def test_unknown_and_missing_record_ids_are_coded(exercise, hand_in):
    rows = codes_of(hand_in)
    rows[0]["record_id"] = "search:q-99999"
    del rows[1]
    write_codes(hand_in, rows)
    from grader.synthesis_files import load_clusters
    from labkit import read_unified

    ids = {r.record_id for r in read_unified(hand_in / "unified.jsonl")}
    with pytest.raises(Exception) as raised:
        load_clusters(hand_in / "clusters.csv", ids)
    codes = {p.code for p in raised.value.problems}
    assert codes == {"unknown-record-id", "record-not-clustered"}
    scores = grade(exercise, hand_in)
    assert scores["clusters.agreement"][:2] == (0, "invalid")


def test_raw_unread_clusters_earn_little(exercise, hand_in):
    """k-means on the notes alone, never read or merged: the clusters sort vocabularies."""
    from labkit import k_means, read_unified, vectorise

    records = read_unified(hand_in / "unified.jsonl")
    _, matrix = vectorise([r.note or "" for r in records])
    labels = k_means(matrix, 8)
    write_codes(hand_in, [{"record_id": r.record_id, "cluster": str(c), "code": f"cluster-{c}"}
                          for r, c in zip(records, labels, strict=True)])
    score = grade(exercise, hand_in)["clusters.agreement"][0]
    assert score < 0.3 * 14


# --- the attacks ---------------------------------------------------------------------------

def test_every_record_coded_as_the_pattern(exercise, hand_in):
    """Stuffing: one code for everything, so the pattern's recall is perfect."""
    claims, _ = claims_of(hand_in)
    rows = codes_of(hand_in)
    for row in rows:
        row["code"] = claims["shared_pattern"]["code"]
    write_codes(hand_in, rows)
    scores = grade(exercise, hand_in)
    assert scores["clusters.agreement"][0] == 0
    assert scores["pattern.match"][0] < 0.5 * 12
    assert scores["memo.prevalence"][0] == 0   # the claimed counts are no longer the files'
    assert points(scores) < 0.6 * AUTOMATIC


def test_hedging_over_limitations_is_not_committed(exercise, hand_in):
    claims, prose = claims_of(hand_in)
    claims["limitation"] = "calibration-under-uncertainty, retrieval-recall"
    write_claims(hand_in, claims, prose)
    scores = grade(exercise, hand_in)
    assert scores["memo.limitation"][:2] == (0, "invalid")
    assert "[claims-not-committed]" in scores["memo.limitation"][2]


def test_invented_evidence_earns_nothing(exercise, hand_in):
    claims, prose = claims_of(hand_in)
    g = gold()
    ok = {p: [i for i in g if g[i]["product"] == p and g[i]["code"] == "ok"][:2]
          for p in ("search", "codegen", "summarisation")}
    claims["evidence"] = ok
    write_claims(hand_in, claims, prose)
    assert grade(exercise, hand_in)["memo.evidence"][0] == 0


def test_true_figures_without_the_files_behind_them(exercise, hand_in):
    """Figures copied from elsewhere (here, the truth itself) over a naive analysis: the
    files give other figures, so the claims earn nothing."""
    rows = codes_of(hand_in)
    for row in rows[::4]:
        row["code"] = "no-failure"
    write_codes(hand_in, rows)
    scores = grade(exercise, hand_in)
    assert scores["memo.prevalence"][0] == 0
    assert "is not what your files give" in scores["memo.prevalence"][2]


def test_the_right_answer_to_the_wrong_question(exercise, hand_in):
    """A product-specific failure named as the shared pattern."""
    claims, prose = claims_of(hand_in)
    claims["shared_pattern"]["code"] = "over-length"
    write_claims(hand_in, claims, prose)
    scores = grade(exercise, hand_in)
    assert scores["pattern.match"][0] < 0.2 * 12
    assert scores["memo.evidence"][0] == 0


def test_a_first_fix_that_misses_a_product(exercise, hand_in):
    claims, prose = claims_of(hand_in)
    claims["fixes"] = [{"fix": "retrieval-grounding", "layer": "retrieval",
                        "expected_effect": {"metric": "pattern rate", "before": 0.15,
                                            "after": 0.15},
                        "verify": "ab-test"}]
    write_claims(hand_in, claims, prose.replace("claim verification", "retrieval grounding"))
    score, _, text = grade(exercise, hand_in)["memo.fixes"]
    assert score == pytest.approx(0.25 * 8)
    assert "does not act on the cause" in text and "expects no fall" in text


def test_a_memo_without_claims(exercise, hand_in):
    _, prose = claims_of(hand_in)
    (hand_in / "memo.md").write_text(prose, encoding="utf-8")
    scores = grade(exercise, hand_in)
    assert scores["memo.limitation"][:2] == (0, "invalid")
    assert "[claims-missing]" in scores["memo.limitation"][2]
    assert scores["unified.accounting"][0] == 10   # the data still counts


def test_the_published_schema_is_the_model(update_goldens):
    from grader.synthesis_claims import SynthesisClaims

    path = ROOT / "course" / "reference" / "cross-domain-synthesis-claims.schema.json"
    schema = json.dumps(SynthesisClaims.model_json_schema(), indent=2) + "\n"
    if update_goldens:
        path.write_text(schema, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == schema, "run pytest --update-goldens"


def test_a_misspelt_rubric_parameter_is_refused(tmp_path):
    rubric = (ROOT / "solutions" / EXERCISE / "rubric.yaml").read_text(encoding="utf-8")
    spoiled = tmp_path / "rubric.yaml"
    spoiled.write_text(rubric.replace("full_f1: 0.85", "full_f: 0.85")
                       .replace("gold: gold.csv", f"gold: {ROOT}/solutions/{EXERCISE}/gold.csv")
                       .replace("../../datasets", f"{ROOT}/datasets"), encoding="utf-8")
    done = run_grader("grade", "--rubric", spoiled, "--submission", tmp_path)
    assert done.returncode == 2 and "[rubric-invalid]" in done.stderr
    assert "full_f" in done.stderr and "Traceback" not in done.stderr
    assert os.path.getsize(spoiled) > 0


def test_the_agreement_indices_are_scikit_learns():
    """`grader.cluster_metrics` computes what scikit-learn does (it is written out only to
    keep cold grading fast), on random groupings, near-copies and the edge cases."""
    import numpy as np
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from grader.cluster_metrics import adjusted_rand_index, normalized_mutual_information

    rng = np.random.default_rng(0)
    cases = [([], []), (["a"], ["b"]), (["a", "a"], ["b", "b"]), (["a", "b"], ["c", "d"]),
             (["a", "b", "c"], ["x", "x", "x"])]
    for trial in range(200):
        k, m = rng.integers(1, 9, 2), int(rng.integers(1, 80))
        x = [f"g{v}" for v in rng.integers(0, k[0], m)]
        y = [f"h{v}" for v in rng.integers(0, k[1], m)]
        if trial % 3 == 0:   # mostly the same grouping, renamed
            y = [f"r-{a}" if keep else b for a, b, keep in zip(x, y, rng.random(m) < 0.8,
                                                               strict=True)]
        cases.append((x, y))
    for x, y in cases:
        assert adjusted_rand_index(x, y) == pytest.approx(adjusted_rand_score(x, y), abs=1e-9)
        assert normalized_mutual_information(x, y) == pytest.approx(
            normalized_mutual_info_score(x, y), abs=1e-9)


def test_an_unquoted_comma_in_a_braced_value_says_to_quote_it():
    """`{metric: pattern rate, frozen set, ...}`: YAML reads `frozen set` as a key; the
    problem says so, rather than only "check its spelling"."""
    from grader.synthesis_claims import read_memo_claims
    from labkit.codebook import DEFAULT_CODEBOOK, load_codebook

    page = (ROOT / "course" / "projects" / "cross-domain-synthesis.md").read_text()
    block = page[page.index("```yaml\n") + 8:page.index("```", page.index("```yaml\n") + 8)]
    assert 'metric: "pattern rate, frozen evaluation set"' in block
    read = read_memo_claims(block.replace('"pattern rate, frozen evaluation set"',
                                          "pattern rate, frozen evaluation set"),
                            "memo.md", load_codebook(DEFAULT_CODEBOOK))
    assert read.claims is None
    (problem,) = read.problems
    assert problem.code == "claims-invalid" and "frozen evaluation set" in problem.message
    assert "quote that whole value" in problem.hint
    assert read_memo_claims(block, "memo.md", load_codebook(DEFAULT_CODEBOOK)).claims
