"""Calibration of the cross-domain synthesis's grader against a mentor's bands (issue 11).

The holdout set (`solutions/cross-domain-synthesis/holdout/`) was written and banded by a
mentor who saw neither the grader's code nor the answer key; `bands.yaml` gives every folder
its learner, band (1 to 5) and the mentor's reasoning grade (0, 3 or 6). The published table
on the grading page is this test's output (`pytest --update-goldens`).
"""

from __future__ import annotations

import pytest
import yaml
from scipy.stats import spearmanr

from tests.conftest import ROOT, check_published

HOLDOUT = ROOT / "solutions" / "cross-domain-synthesis" / "holdout"
RHO_FLOOR = 0.9  # the floor; the measured value is on the grading page
PAGE = ROOT / "course" / "reference" / "grading.md"
MARKERS = ("<!-- synthesis calibration table: written by `pytest --update-goldens` -->\n",
           "<!-- end of synthesis calibration table -->\n")


def bands() -> list[dict]:
    return yaml.safe_load((HOLDOUT / "bands.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def graded() -> dict[str, float]:
    from grader.rubric import exercise_rubric
    from grader.synthesis_grade import grade_synthesis, load_synthesis_exercise

    exercise = load_synthesis_exercise(exercise_rubric("cross-domain-synthesis"))
    return {e["folder"]: grade_synthesis(exercise, HOLDOUT / e["folder"]).score
            for e in bands()}


def test_every_folder_has_a_band_and_every_band_a_folder():
    listed = {e["folder"] for e in bands()}
    assert listed == {p.name for p in HOLDOUT.iterdir() if p.is_dir()
                      and p.name != "__pycache__"}
    assert len(listed) >= 10
    assert all(e["band"] in range(1, 6) and e["reasoning"] in (0, 3, 6) for e in bands())


def test_the_grader_orders_the_hand_ins_as_the_mentor_does(graded):
    entries = bands()
    rho = spearmanr([graded[e["folder"]] for e in entries], [e["band"] for e in entries])
    assert rho.statistic >= RHO_FLOOR, f"Spearman {rho.statistic:.3f}"


def test_gaming_never_outscores_excellent_work(graded):
    gaming = [graded[e["folder"]] for e in bands() if e["band"] == 1]
    excellent = [graded[e["folder"]] for e in bands() if e["band"] == 5]
    assert gaming and excellent and max(gaming) < 0.6 * min(excellent)


def calibration_table(graded: dict[str, float]) -> str:
    """Spearman's rho, and each hand-in's band, points and reasoning grade."""
    entries = bands()
    ours = [graded[e["folder"]] for e in entries]
    total = [points + e["reasoning"] for points, e in zip(ours, entries, strict=True)]
    mentor = [e["band"] for e in entries]
    lines = [f"**Holdout set** ({len(entries)} hand-ins): Spearman's rho with the bands "
             f"{spearmanr(ours, mentor).statistic:.2f} on the automatic points, "
             f"{spearmanr(total, mentor).statistic:.2f} with the mentor's reasoning grade.", "",
             "| hand-in | what it is | band (1 to 5) | automatic (of 94) | reasoning (of 6) "
             "| total (of 100) |", "|---|---|---|---|---|---|"]
    for entry, points, whole in zip(entries, ours, total, strict=True):
        lines.append(f"| `{entry['folder']}` | {entry['kind']} | {entry['band']} | "
                     f"{points:.1f} | {entry['reasoning']} | {whole:.1f} |")
    return "\n".join(lines) + "\n"


def test_the_published_calibration_table_is_current(graded, update_goldens):
    check_published(PAGE, MARKERS, calibration_table(graded), update_goldens)
