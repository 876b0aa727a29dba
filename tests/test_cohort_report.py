"""`grader cohort-report` (issue 12, item 4) on a synthetic cohort built from the answer key:
twelve learners who mostly copy the key with a little seeded noise, four who systematically
take kb-contradiction for fabricated-fact, a planted key error (nine of the eleven graded
learners agree on another label for two logs), a learner who left logs untagged, one whose
folder name needs escaping, and one whose tags.csv is unusable. Every figure is worked out
here from the labels the test wrote, not read back from the report; the agreement statistic
is checked against the `krippendorff` package and Krippendorff's own published example; the
page is opened in Debian's chromium."""

from __future__ import annotations

import json
import math
import random
import shutil
import statistics
from collections import Counter
from pathlib import Path

import krippendorff
import numpy as np
import pytest

from grader.cohort_report import Options, build_report, nominal_alpha
from grader.grade import grade_submission
from grader.metrics import MISSING
from grader.rubric import exercise_rubric
from tests.conftest import DEMOS, ROOT
from tests.test_error_catalogue import in_process

RUBRIC = exercise_rubric("failure-audit")
KEY_ERRORS = ("SC-001", "SC-005")   # the key says no-failure; most learners disagree
COHORT_LABEL = "incomplete-answer"
KEY_ERROR_LEARNERS = 9              # of the 11 graded
CONFUSERS = ("L01", "L02", "L03", "L04")
ODD_NAME = "zoë <img src=x onerror=alert(1)>"  # unicode, and markup to show, not obey
UNTAGGED = ("SC-010", "SC-020", "SC-030", "SC-040", "SC-050")  # left out by L10
BROKEN = "L12-broken"
GRADED = [f"L{i:02d}" for i in range(1, 11)] + [ODD_NAME]


def kb_logs(exercise) -> list[str]:
    """The logs whose key says kb-contradiction and does not accept fabricated-fact."""
    return [e.log_id for e in exercise.key.entries.values()
            if e.label == "kb-contradiction" and "fabricated-fact" not in e.correct_labels]


def cohort_labels(exercise) -> dict[str, dict[str, str]]:
    """Each graded learner's primary label per log (`missing` where none was written)."""
    rng = random.Random(12)
    codes, entries = list(exercise.codebook.codes), exercise.key.entries
    kb, planted = kb_logs(exercise), set(KEY_ERRORS)
    quiet = [log for log in entries if log not in planted and log not in kb
             and log not in UNTAGGED]
    table = {}
    for n, learner in enumerate(GRADED):
        labels = {log: entry.label for log, entry in entries.items()}
        for log in rng.sample(quiet, 3):  # noise: three slips each, to a wrong code
            labels[log] = rng.choice([c for c in codes if c not in entries[log].correct_labels])
        if learner in CONFUSERS:
            labels.update(dict.fromkeys(kb, "fabricated-fact"))
        if n < KEY_ERROR_LEARNERS:
            labels.update(dict.fromkeys(KEY_ERRORS, COHORT_LABEL))
        if learner == "L10":
            labels.update(dict.fromkeys(UNTAGGED, MISSING))
        table[learner] = labels
    return table


def write_tags(folder: Path, labels: dict[str, str]) -> None:
    folder.mkdir(parents=True)
    rows = [f"{log},{label}" for log, label in labels.items() if label != MISSING]
    (folder / "tags.csv").write_text("log_id,label\n" + "\n".join(rows) + "\n",
                                     encoding="utf-8")


@pytest.fixture(scope="module")
def labels(exercise) -> dict[str, dict[str, str]]:
    return cohort_labels(exercise)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory, labels) -> Path:
    """The cohort's folders: six reports like the reference, three beginner's, two none."""
    root = tmp_path_factory.mktemp("cohort") / "submissions"
    for n, (learner, table) in enumerate(labels.items()):
        write_tags(root / learner, table)
        if n < 9:
            demo = "perfect" if n < 6 else "beginner"
            shutil.copy(DEMOS / demo / "report.md", root / learner / "report.md")
    write_tags(root / BROKEN, {"SC-001": "halucination"})
    return root


@pytest.fixture(scope="module")
def report(cohort):
    return build_report(RUBRIC, cohort)


@pytest.fixture(scope="module")
def grades(exercise, cohort):
    return {learner: grade_submission(exercise, cohort / learner) for learner in GRADED}


def test_learners_are_counted_and_the_unusable_one_listed(report):
    assert (report.learners, report.graded) == (12, 11)
    assert [u.learner for u in report.unusable] == [BROKEN]
    assert report.unusable[0].problems[0]["code"] == "unknown-label"
    assert report.layout == "folders"


def test_the_score_distribution_is_the_learners_totals(report, grades):
    totals = [g.score for g in grades.values()]
    d = report.distribution
    assert d.n == 11 and d.max_score == 100
    assert d.mean == pytest.approx(statistics.mean(totals), abs=0.01)
    assert d.median == pytest.approx(statistics.median(totals), abs=0.01)
    assert d.sd == pytest.approx(statistics.stdev(totals), abs=0.01)
    assert (d.minimum, d.maximum) == (pytest.approx(min(totals), abs=0.01),
                                      pytest.approx(max(totals), abs=0.01))
    assert sum(b["count"] for b in d.histogram) == 11
    assert {s.learner: s.total for s in d.scores} == {k: g.score for k, g in grades.items()}


def test_criteria_difficulty_and_report_pass_rates(report, grades, exercise):
    rows = {row.id: row for row in report.criteria}
    for i, criterion in enumerate(exercise.rubric.criteria):
        points = [g.scores[i].points for g in grades.values() if g.scores[i].points is not None]
        row = rows[criterion.id]
        assert row.graded == len(points)
        assert row.mean_share == pytest.approx(sum(points) / (len(points) * criterion.points),
                                               abs=1e-4)
        assert row.full_share == pytest.approx(
            sum(p == criterion.points for p in points) / len(points), abs=1e-4)
        assert row.pass_rate == pytest.approx(
            sum(p >= 0.5 * criterion.points for p in points) / len(points), abs=1e-4)
    assert rows["tags.agreement"].kind == "tags" and rows["report.cause"].kind == "claims"
    assert rows["report.finding"].not_submitted == 2  # L10 and the odd name wrote no report
    assert (rows["report.reasoning"].kind, rows["report.reasoning"].pending) == ("mentor", 9)
    assert rows["report.reasoning"].mean_share == 0  # only the two not submitted have points


def test_per_log_misses_come_from_the_labels(report, labels, exercise):
    rows = {row.log_id: row for row in report.logs}
    assert list(rows) == list(exercise.key.entries)
    for log, entry in exercise.key.entries.items():
        given = [table[log] for table in labels.values()]
        missed = sum(label not in entry.correct_labels for label in given)
        assert (rows[log].missed, rows[log].miss_share) == (missed, round(missed / 11, 4)), log
        assert rows[log].tagged == sum(label != MISSING for label in given)
    assert rows["SC-001"].miss_share == round(9 / 11, 4)
    assert all(rows[log].miss_share == round(4 / 11, 4) for log in kb_logs(exercise))
    assert rows["SC-010"].labels.get(MISSING) is None and rows["SC-010"].tagged <= 10


def test_the_planted_key_errors_are_flagged_and_nothing_else(report, exercise):
    flags = report.possible_key_errors
    assert [f.log_id for f in flags] == list(KEY_ERRORS)
    for flag in flags:
        assert (flag.cohort_label, flag.learners, flag.share) == (COHORT_LABEL, 9,
                                                                  round(9 / 11, 4))
        assert flag.key_labels == ["no-failure"]
        assert flag.rationale == exercise.key.entries[flag.log_id].rationale
    # the four who confuse kb-contradiction are a minority: a teaching point, not a key error
    assert not {f.log_id for f in flags} & set(kb_logs(exercise))


def test_the_thresholds_are_options(cohort):
    def flagged(**options: float) -> list[str]:
        return [f.log_id for f in build_report(RUBRIC, cohort,
                                               Options(**options)).possible_key_errors]

    assert flagged(min_learners=9) == flagged(min_share=0.8) == list(KEY_ERRORS)  # 9 of 11
    assert flagged(min_learners=10) == flagged(min_share=0.85) == []
    # a log whose most given label is one the key accepts is never flagged, whatever the
    # thresholds: the four confusers of kb-contradiction stay a teaching point
    assert flagged(min_share=0.3, min_learners=2) == list(KEY_ERRORS)


def test_the_most_confused_pair_comes_with_its_codebook_rule(report, labels, exercise):
    expected: Counter[tuple[str, str]] = Counter()
    for table in labels.values():
        for log, label in table.items():
            entry = exercise.key.entries[log]
            if label not in entry.correct_labels and label != MISSING and log not in KEY_ERRORS:
                expected[(entry.label, label)] += 1
    top = report.confused_pairs[0]
    assert (top.reference, top.given, top.logs, top.learners) == (
        "kb-contradiction", "fabricated-fact", 4 * len(kb_logs(exercise)), 4)
    assert top.rule == exercise.codebook.neighbour_rule("kb-contradiction", "fabricated-fact")
    assert "If no article covers the point at all, tag fabricated-fact" in top.rule
    for pair in report.confused_pairs:
        assert pair.logs == expected[(pair.reference, pair.given)]
    assert len(report.confused_pairs) == min(10, len(expected))
    assert ("no-failure", COHORT_LABEL) not in {(p.reference, p.given)
                                                for p in report.confused_pairs[:1]}


def test_agreement_is_the_librarys_alpha_of_the_learners_labels(report, labels, exercise):
    codes = list(exercise.codebook.codes)
    data = np.array([[codes.index(label) if label != MISSING else np.nan
                      for label in table.values()] for table in labels.values()])
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    a = report.agreement
    assert a.value == round(expected, 4)
    assert 0.8 < a.value < 1  # most learners copy the key
    assert (a.learners, a.logs) == (11, 100)
    assert a.library.startswith("krippendorff ")
    assert a.mean_kappa_with_key is not None and a.mean_kappa_with_key < 1


# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
# Communication, University of Pennsylvania (https://repository.upenn.edu/asc_papers/43):
# the example "nominal data, any number of observers, missing data": four observers, twelve
# units, alpha = 0.743. (The same data are the "C" example of R's irr::kripp.alpha.)
PUBLISHED = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
             [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
             [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
             [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]


def test_alpha_reproduces_krippendorffs_published_nominal_example():
    rows = [[MISSING if v is None else str(v) for v in row] for row in PUBLISHED]
    value, note = nominal_alpha(rows, ["1", "2", "3", "4", "5"])
    assert (round(value, 3), note) == (0.743, "")
    data = np.array([[np.nan if v is None else v for v in row] for row in PUBLISHED])
    assert round(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"),
                 3) == 0.743


def test_alpha_is_undefined_not_invented_without_pairs_or_variation():
    assert nominal_alpha([["a", MISSING], [MISSING, "b"]], ["a", "b"])[0] is None
    value, note = nominal_alpha([["a", "a"], ["a", "a"]], ["a", "b"])
    assert value is None and "same label" in note


def test_the_json_twin_is_the_report(report):
    data = json.loads(json.dumps(report.model_dump(mode="json"), allow_nan=False))
    assert data["possible_key_errors"][0]["log_id"] == KEY_ERRORS[0]
    assert data["agreement"]["value"] == report.agreement.value


# --- the command line ---------------------------------------------------------------------

def run_report(cohort: Path, out: Path, *more: str):
    return in_process(["cohort-report", "--cohort", str(cohort), "--exercise", "failure-audit",
                       "--out", str(out), *more])


def test_the_command_writes_the_page_and_its_json_twin(cohort, report, tmp_path):
    out = tmp_path / "report"
    run = run_report(cohort, out)
    assert run.returncode == 0, run.stderr
    assert "12 learners (folders layout): 11 graded, 1 not graded" in run.stdout
    for log in KEY_ERRORS:
        assert f"possible key error: {log}: 9 learners (82%) gave {COHORT_LABEL}" in run.stdout
    assert f"not graded: {BROKEN}: tags.csv:" in run.stderr and "[unknown-label]" in run.stderr
    assert json.loads((out / "report.json").read_text()) == report.model_dump(mode="json")
    page = (out / "report.html").read_text()
    assert page.startswith("<!doctype html>") and "data:image/png;base64," in page
    assert "zoë &lt;img src=x onerror=alert(1)&gt;" in page and ODD_NAME not in page
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no temporaries

    again = run_report(cohort, out)
    assert again.returncode == 2 and "[output-refused]" in again.stderr
    assert "Traceback" not in again.stderr
    assert run_report(cohort, out, "--force").returncode == 0


def test_an_empty_cohort_is_a_coded_problem_and_writes_nothing(tmp_path):
    (tmp_path / "submitted").mkdir()
    run = run_report(tmp_path / "submitted", tmp_path / "out")
    assert run.returncode == 2
    assert "holds no learner's folder [cohort-empty]" in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "out").exists()


def test_other_exercise_kinds_and_a_report_inside_the_cohort_are_refused(cohort, tmp_path):
    probe = in_process(["cohort-report", "--cohort", str(cohort), "--rubric",
                        str(ROOT / "solutions" / "red-team-probe" / "rubric.yaml"),
                        "--out", str(tmp_path / "out")])
    assert probe.returncode == 2 and "[rubric-invalid]" in probe.stderr
    inside = run_report(cohort, cohort / "report")
    assert inside.returncode == 2 and "is inside the cohort folder [output-refused]" in (
        inside.stderr)
    assert not (cohort / "report").exists()


def test_nbgrader_layout(tmp_path, labels):
    submitted = tmp_path / "submitted"
    for learner in ("L01", "L05"):
        write_tags(submitted / learner / "failure-audit", labels[learner])
    small = build_report(RUBRIC, submitted)
    assert (small.layout, small.graded, small.possible_key_errors) == ("nbgrader", 2, [])
    assert not math.isnan(small.distribution.mean)


# --- in a real browser --------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="the system's chromium is not installed")
def test_the_page_renders_offline_in_chromium(cohort, tmp_path):
    from playwright.sync_api import sync_playwright

    from tests.test_browser import ARTIFACTS, FLAGS

    out = tmp_path / "report"
    assert run_report(cohort, out).returncode == 0
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: r.url.split(":", 1)[0] not in ("file", "data")
                and problems.append(f"request: {r.url}"))
        page.goto((out / "report.html").as_uri(), wait_until="load")
        keys = page.inner_text("#key-errors")
        assert all(log in keys for log in KEY_ERRORS) and COHORT_LABEL in keys
        assert page.locator("img").count() == 3
        assert page.eval_on_selector_all(
            "img", "imgs => imgs.every(i => i.complete && i.naturalWidth > 0)")
        page.click("summary")
        assert ODD_NAME in page.inner_text("body")  # shown as text ...
        assert page.locator("td img").count() == 0  # ... not obeyed as markup
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "cohort-report.png"), full_page=True)
        browser.close()
    assert problems == []
