"""Write the demo submissions of the failure audit from the answer key.

The demos serve the docs and the tests: a perfect submission (with the reference report), a
typical beginner's (the mix-ups beginners really make, drawn with a fixed seed, and a shallow
report), all one label, half missing, and a malformed one; the last three have no report.
Run `uv run pytest --update-goldens` to rewrite them and their goldens.
"""

from __future__ import annotations

import csv
import random
import shutil
from pathlib import Path

from grader.answer_key import AnswerKey, load_answer_key
from grader.rubric import exercise_rubric, load_rubric

HERE = Path(__file__).resolve().parent / "failure-audit"
FIELDS = ["log_id", "label", "secondary_labels", "note"]

# gold code -> (what a beginner writes instead, how often)
BEGINNER_MIXUPS = {
    "unwarranted-refusal": ("needless-handoff", 0.3),
    "needless-handoff": ("unwarranted-refusal", 0.4),
    "kb-contradiction": ("fabricated-fact", 0.4),
    "fabricated-fact": ("kb-contradiction", 0.3),
    "invented-policy": ("fabricated-fact", 0.5),
    "wrong-question": ("off-topic", 0.5),
    "incomplete-answer": ("no-failure", 0.4),
    "tone-mismatch": ("no-failure", 0.5),
    "injection-followed": ("instruction-violation", 0.5),
    "self-contradiction": ("kb-contradiction", 0.3),
    "format-violation": ("no-failure", 0.5),
    "no-failure": ("unwarranted-refusal", 0.08),
}


SAMPLE_REPORTS = HERE.parent.parent.parent / "solutions" / "failure-audit" / "sample_reports"


def _write(name: str, rows: list[dict[str, str]], report: str | None = None) -> None:
    folder = HERE / name
    folder.mkdir(parents=True, exist_ok=True)
    if report:
        shutil.copy(SAMPLE_REPORTS / report, folder / "report.md")
    with (folder / "tags.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _row(log_id: str, label: str, secondary: tuple[str, ...] = (), note: str = "") -> dict:
    return {"log_id": log_id, "label": label, "secondary_labels": ";".join(secondary),
            "note": note}


def beginner(key: AnswerKey, seed: int = 7) -> list[dict[str, str]]:
    """A first-timer's tags: right on clear cases, typical mix-ups, a few logs skipped."""
    rng = random.Random(seed)
    rows = []
    for entry in key.entries.values():
        if rng.random() < 0.03:
            continue
        label = entry.label
        swap, rate = BEGINNER_MIXUPS.get(label, (label, 0.0))
        if rng.random() < rate:
            label = swap
        secondary = entry.secondary if rng.random() < 0.4 else ()
        rows.append(_row(entry.log_id, label, tuple(c for c in secondary if c != label)))
    return rows


def build() -> None:
    """Rewrite every demo submission."""
    key = load_answer_key(load_rubric(exercise_rubric("failure-audit")).answer_key)
    entries = list(key.entries.values())
    _write("perfect", [_row(e.log_id, e.label, e.secondary) for e in entries], "reference.md")
    _write("beginner", beginner(key), "08-adequate-shallow.md")
    _write("one-label", [_row(e.log_id, "no-failure") for e in entries])
    _write("half-missing", [_row(e.log_id, e.label, e.secondary) for e in entries[::2]])
    malformed = [_row(e.log_id, e.label) for e in entries[:6]]
    malformed[1]["label"] = "halucination"
    malformed[3]["log_id"] = malformed[2]["log_id"]
    malformed[4]["log_id"] = "SC-101"
    malformed[5]["label"] = ""
    _write("malformed", malformed)


if __name__ == "__main__":
    build()
