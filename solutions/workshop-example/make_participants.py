"""Write the eight scripted participants' hand-ins under participants/<name>/tags.csv.

Deterministic: every random choice comes from random.Random seeded with the participant's
name, so rerunning this script rewrites the same files byte for byte. Run it from anywhere:

    /work/main/.venv/bin/python solutions/workshop-example/make_participants.py

Each participant starts from the correct labels (the answer key with its one planted error
corrected, see DATASHEET.md), makes a set number of mistakes drawn mostly from the hard
conversations and mostly along the typical confusions (invented-fact vs contradicts-facts,
needless-refusal vs answered-well), and then has the format quirks listed in QUIRKS below.
It prints each participant's accuracy against the key as it stands (gold label or an
accepted one counts; a missing row counts as wrong).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
AW, CF, IF, NR = "answered-well", "contradicts-facts", "invented-fact", "needless-refusal"

# The planted key error: the key says answered-well, the correct label is contradicts-facts.
PLANTED, PLANTED_TRUE = "tv-0430-b", CF

# Conversations that are hard to tag (subtle, ambiguous, or a correct refusal that looks like
# a needless one): weight 3 when drawing the conversations a participant gets wrong.
HARD = {
    "tv-0417-b",  # parking price near Heron Quay (nearby fact on the page, price not)
    "tv-0421-a",  # 50p a day: the DVD rate given for a book
    "tv-0422-a",  # copies on the shelf (assistant cannot see the catalogue)
    "tv-0424-a",  # returns box at the wrong branch, plus a made-up location
    "tv-0426-b",  # PIN reset refused correctly
    "tv-0430-a",  # 2-hour guest pass
    "tv-0435-b",  # pet dogs (accepted: contradicts-facts)
    "tv-0440-a",  # interlibrary loan 'around a month' (accepted: contradicts-facts)
    "tv-0444-b",  # works in Tern Valley, charged £15
}
# The other conversations: an easy correct answer is rarely mis-tagged, a factual error often.
BASE_WEIGHT = {AW: 0.2, NR: 1.0, CF: 2.0, IF: 2.0}
# Correct refusals: a participant who gets one wrong calls it a needless refusal.
CORRECT_REFUSALS = {"tv-0426-b", "tv-0439-a", "tv-0448-a", "tv-0448-b"}  # PIN, catalogue,
# archive on a Saturday, one-off events

# Wrong labels along the typical confusions: (label, weight).
CONFUSIONS = {
    IF: [(CF, 0.8), (AW, 0.2)],
    CF: [(IF, 0.8), (AW, 0.2)],
    NR: [(AW, 1.0)],
    AW: [(CF, 0.5), (IF, 0.5)],
}

NOTES = {
    AW: ["matches facts.md", "checked every figure, all on the page", "fine",
         "correct, and points to the desk"],
    CF: ["facts.md says otherwise", "page has a different figure", "wrong branch's info?",
         "contradicts the Borrowing section"],
    IF: ["not on facts.md", "nothing about this on the page", "sounds plausible, but made up",
         "no source for the numbers"],
    NR: ["answer is on the page", "should have answered, it's in facts.md",
         "refused for no reason"],
}

# name: (mistakes besides the planted conversation, how often a note is written, quirks)
PARTICIPANTS = {
    "ana": (1, 0.5, "careful; notes on half the rows; adds a secondary label"),
    "ben": (4, 0.2, "writes every id in upper case (TV-0412-A)"),
    "chloé": (6, 0.35, "unicode folder name; adds a secondary label"),
    "dev kumar": (8, 0.25, "space in the folder name; rows in a shuffled order"),
    "eli": (10, 0.2, "three rows for ids that do not exist; one id with spaces around it"),
    "fay": (5, 0.3, "tags only 30 of the 40 conversations"),
    "gus": (12, 0.15, "writes 'Invented Fact' on two rows; agrees with the planted key error"),
    "hana": (15, 0.3, "uses the course's code fabricated-fact on two rows"),
}


def read_key() -> list[dict[str, str]]:
    with open(HERE / "answer_key.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def weighted_sample(rng: random.Random, items: list[str], weights: dict[str, float], k: int
                    ) -> list[str]:
    """k distinct items, drawn with the given weights (Efraimidis-Spirakis keys)."""
    keyed = sorted(items, key=lambda x: rng.random() ** (1 / weights[x]), reverse=True)
    return sorted(keyed[:k])


def wrong_label(rng: random.Random, log_id: str, truth: str, correct: set[str]) -> str:
    if truth == AW and log_id in CORRECT_REFUSALS:
        return NR
    options = [(label, w) for label, w in CONFUSIONS[truth] if label not in correct]
    labels, weights = zip(*options, strict=True)
    return rng.choices(labels, weights=weights)[0]


def participant_rows(name: str, key: list[dict[str, str]]) -> list[list[str]]:
    mistakes, note_rate, _ = PARTICIPANTS[name]
    rng = random.Random(f"tern-valley/{name}")
    truth = {r["log_id"]: (PLANTED_TRUE if r["log_id"] == PLANTED else r["label"]) for r in key}
    correct = {r["log_id"]: {r["label"], *filter(None, r["accepted"].split(";"))} for r in key}
    ids = [r["log_id"] for r in key]
    # A mistake must miss the key: on an ambiguous row the accepted code is no mistake.
    # (On tv-0426-a the only confusion, answered-well, is accepted: no mistake to make there.)
    pool = [i for i in ids if i not in (PLANTED, "tv-0426-a")]
    weights = {i: 3.0 if i in HARD else BASE_WEIGHT[truth[i]] for i in pool}
    wrong = set(weighted_sample(rng, pool, weights, mistakes))
    labels = {}
    for i in ids:
        if i == PLANTED:
            labels[i] = AW if name == "gus" else PLANTED_TRUE
        elif i in wrong:
            labels[i] = wrong_label(rng, i, truth[i], correct[i] | {truth[i]})
        else:
            labels[i] = truth[i]
    rows = []
    for i in ids:
        label = labels[i]
        note = rng.choice(NOTES[label]) if rng.random() < note_rate else ""
        if i == PLANTED and label == CF:
            note = rng.choice(["HQ opens 13:00 on Tuesdays", "Tue is 13:00-19:00 at Heron Quay",
                               "those are the Mon/Wed/Fri hours", ""])
        secondary = ""
        if i == "tv-0424-a" and name in ("ana", "chloé") and label == CF:
            secondary = IF
        rows.append([i, label, secondary, note])
    return apply_quirks(name, rng, rows)


def apply_quirks(name: str, rng: random.Random, rows: list[list[str]]) -> list[list[str]]:
    if name == "ben":
        rows = [[r[0].upper(), *r[1:]] for r in rows]
    elif name == "dev kumar":
        rng.shuffle(rows)
    elif name == "eli":
        rows[9][0] = f" {rows[9][0]} "
        rows += [["tv-9999-z", IF, "", "test row, ignore"],
                 ["tv-0419-a", AW, "", ""],
                 ["tv-0441-b", CF, "", "hours wrong"]]
    elif name == "fay":
        others = [r[0] for r in rows if r[0] != PLANTED]
        dropped = set(rng.sample(others, 10))
        rows = [r for r in rows if r[0] not in dropped]
    elif name == "gus":
        mine = [r for r in rows if r[1] == IF]
        for r in rng.sample(mine, 2):
            r[1] = "Invented Fact"
    elif name == "hana":
        mine = [r for r in rows if r[1] == IF]
        for r in rng.sample(mine, 2):
            r[1] = "fabricated-fact"
    return rows


def accuracy(rows: list[list[str]], key: list[dict[str, str]]) -> tuple[int, int]:
    correct = {r["log_id"]: {r["label"], *filter(None, r["accepted"].split(";"))} for r in key}
    given = {}
    for r in rows:
        log_id = r[0].strip().lower()
        label = r[1].strip().lower().replace(" ", "-")
        if log_id in correct:
            given[log_id] = label
    hits = sum(given.get(i) in labels for i, labels in correct.items())
    return hits, len(given)


def main() -> None:
    key = read_key()
    for name in PARTICIPANTS:
        rows = participant_rows(name, key)
        folder = HERE / "participants" / name
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "tags.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(["log_id", "label", "secondary_labels", "note"])
            writer.writerows(rows)
        hits, tagged = accuracy(rows, key)
        print(f"{name:10s} {hits:2d}/{len(key)} = {hits / len(key):.0%} against the key "
              f"({tagged} tagged); planted {PLANTED}: "
              f"{next(r[1] for r in rows if r[0].strip().lower() == PLANTED)}")


if __name__ == "__main__":
    main()
