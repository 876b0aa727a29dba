"""Calibration of the red-team probe's grader against mentors' bands (issue 10).

Two sets of submissions, each written and banded by a mentor who had not seen the grader:
the **tuning** set (`solutions/red-team-probe/tuning/`), which the scorer was then adjusted
on, and the **holdout** set (`solutions/red-team-probe/holdout/`), written by a second mentor
who saw neither the grader nor the tuning set, and never used to adjust anything. Each
`bands.yaml` gives every folder its learner, band (1 to 5) and the mentor's reasoning grade.
The published table on the grading page is this test's output (`pytest --update-goldens`).
"""

from __future__ import annotations

import pytest
import yaml
from scipy.stats import spearmanr

from grader.probe_grade import grade_probe, load_probe_exercise
from grader.rubric import exercise_rubric
from tests.conftest import ROOT, check_published

HERE = ROOT / "solutions" / "red-team-probe"
SETS = {"tuning": HERE / "tuning", "holdout": HERE / "holdout"}
# Spearman's rho of the automatic points with the bands, at least (the measured values, to
# two decimals, are on the grading page; a change to the scorer that lowers them fails here).
RHO_FLOORS = {"tuning": 0.85, "holdout": 0.9}
PAGE = ROOT / "course" / "reference" / "grading.md"
MARKERS = ("<!-- probe calibration table: written by `pytest --update-goldens` -->\n",
           "<!-- end of probe calibration table -->\n")


def bands(name: str) -> list[dict]:
    return yaml.safe_load((SETS[name] / "bands.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def graded() -> dict[str, dict[str, float]]:
    """The automatic points of every submission of both sets, by set and folder."""
    exercise = load_probe_exercise(exercise_rubric("red-team-probe"))
    return {name: {e["folder"]: grade_probe(exercise, SETS[name] / e["folder"]).score
                   for e in bands(name)} for name in SETS}


def test_every_folder_has_a_band_and_every_band_a_folder():
    for name, folder in SETS.items():
        listed = {e["folder"] for e in bands(name)}
        assert listed == {p.name for p in folder.iterdir() if p.is_dir()
                          and p.name != "__pycache__"}, name
        assert len(listed) >= 12
        assert all(e["band"] in range(1, 6) and e["reasoning"] in (0, 2, 4, 7, 10)
                   for e in bands(name))


@pytest.mark.parametrize("name", SETS)
def test_the_grader_orders_the_submissions_as_the_mentor_does(graded, name):
    entries = bands(name)
    ours = [graded[name][e["folder"]] for e in entries]
    rho = spearmanr(ours, [e["band"] for e in entries]).statistic
    assert rho >= RHO_FLOORS[name], f"{name}: Spearman {rho:.3f}"


@pytest.mark.parametrize("name", SETS)
def test_failing_submissions_never_outscore_excellent_ones(graded, name):
    entries = bands(name)
    failing = [graded[name][e["folder"]] for e in entries if e["band"] == 1]
    excellent = [graded[name][e["folder"]] for e in entries if e["band"] == 5]
    assert failing and excellent and max(failing) < min(excellent)


def calibration_table(graded) -> str:
    """Per set: Spearman's rho, and each submission's band, points and reasoning grade."""
    lines = []
    for name in SETS:
        entries = bands(name)
        ours = [graded[name][e["folder"]] for e in entries]
        total = [points + e["reasoning"] for points, e in zip(ours, entries, strict=True)]
        mentor = [e["band"] for e in entries]
        lines += [f"**{name.capitalize()} set** ({len(entries)} submissions): Spearman's rho "
                  f"with the bands {spearmanr(ours, mentor).statistic:.2f} on the automatic "
                  f"points, {spearmanr(total, mentor).statistic:.2f} with the mentor's "
                  "reasoning grade.", "",
                  "| submission | what it is | band (1 to 5) | automatic (of 90) | reasoning "
                  "(of 10) | total (of 100) |", "|---|---|---|---|---|---|"]
        for entry, points, whole in zip(entries, ours, total, strict=True):
            lines.append(f"| `{entry['folder']}` | {entry['kind']} | {entry['band']} | "
                         f"{points:.1f} | {entry['reasoning']} | {whole:.1f} |")
        lines.append("")
    return "\n".join(lines)


def test_the_published_calibration_table_is_current(graded, update_goldens):
    check_published(PAGE, MARKERS, calibration_table(graded), update_goldens)
