"""Agreement statistics between a learner's labels and the answer key.

They are defined as scikit-learn's (`cohen_kappa_score`, `f1_score(average="macro",
zero_division=0)`, `precision_recall_fscore_support`, `confusion_matrix`), and a property test
checks that they equal scikit-learn's on random submissions. They are computed here from the
confusion matrix with numpy because importing scikit-learn takes about 1.5 s, which alone
would break the grader's 1 s cold-start target (see bench/bench_grade.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from grader.answer_key import AnswerKey
from grader.tags import Tag

MISSING = "missing"


@dataclass(frozen=True)
class Alignment:
    """The key's logs in order, with the learner's label and the effective gold of each.

    The effective gold of a log is the learner's label when the key accepts it, else the
    gold label; a log the learner did not tag gets the label `missing`.
    """

    log_ids: list[str]
    learner: list[str]
    effective_gold: list[str]

    @property
    def labels(self) -> list[str]:
        """Every label used by either side, sorted, `missing` last."""
        used = set(self.learner) | set(self.effective_gold)
        return sorted(used - {MISSING}) + ([MISSING] if MISSING in used else [])


def align(key: AnswerKey, tags: list[Tag]) -> Alignment:
    """Pair each key entry with the learner's primary label."""
    by_id = {tag.log_id: tag.label for tag in tags}
    learner = [by_id.get(log_id, MISSING) for log_id in key.entries]
    effective = [
        given if given in entry.correct_labels else entry.label
        for given, entry in zip(learner, key.entries.values(), strict=True)
    ]
    return Alignment(list(key.entries), learner, effective)


def confusion(gold: list[str], given: list[str], labels: list[str]) -> np.ndarray:
    """`matrix[i][j]`: logs whose gold is `labels[i]` and whose given label is `labels[j]`."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=np.int64)
    np.add.at(matrix, ([index[g] for g in gold], [index[p] for p in given]), 1)
    return matrix


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, and 0 where the denominator is 0 (`zero_division=0`)."""
    safe = np.where(denominator == 0, 1, denominator)
    return np.where(denominator == 0, 0.0, numerator / safe)


def kappa(matrix: np.ndarray) -> float | None:
    """Cohen's kappa of a confusion matrix; None when undefined (chance agreement is 1)."""
    n = matrix.sum()
    expected = np.outer(matrix.sum(axis=1), matrix.sum(axis=0)) / n
    disagreement_expected = expected.sum() - np.trace(expected)
    if disagreement_expected == 0:
        return None
    return float(1 - (n - np.trace(matrix)) / disagreement_expected)


def tag_metrics(alignment: Alignment) -> dict[str, object]:
    """accuracy, macro_f1, cohen_kappa, coverage, per_label and confusion over all key logs."""
    gold, given, labels = alignment.effective_gold, alignment.learner, alignment.labels
    matrix = confusion(gold, given, labels)
    hits = np.diag(matrix)
    support, predicted = matrix.sum(axis=1), matrix.sum(axis=0)
    precision, recall = _ratio(hits, predicted), _ratio(hits, support)
    f1 = _ratio(2 * hits, support + predicted)
    value = kappa(matrix)
    n = len(gold)
    return {
        "n": n,
        "accuracy": round(float(hits.sum()) / n, 4),
        "macro_f1": round(float(f1.mean()), 4),
        "cohen_kappa": None if value is None else round(value, 4),
        "coverage": round(sum(label != MISSING for label in given) / n, 4),
        "per_label": {
            label: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        },
        "confusion": {"labels": labels, "matrix": matrix.tolist()},
    }


def confused_pairs(alignment: Alignment, top: int = 5) -> list[tuple[str, str, int]]:
    """The most frequent `(effective gold, learner label, count)` disagreements."""
    pairs = Counter(
        (gold, given)
        for gold, given in zip(alignment.effective_gold, alignment.learner, strict=True)
        if gold != given and given != MISSING
    )
    return [(gold, given, count) for (gold, given), count in pairs.most_common(top)]


def usage_gaps(alignment: Alignment, threshold: int = 3) -> tuple[dict, dict]:
    """Labels the learner uses at least `threshold` times less (under) or more (over) than
    the key, as `{label: (learner count, key count)}` each."""
    given = Counter(label for label in alignment.learner if label != MISSING)
    gold = Counter(alignment.effective_gold)
    under = {k: (given[k], gold[k]) for k in gold if gold[k] - given[k] >= threshold}
    over = {k: (given[k], gold[k]) for k in given if given[k] - gold[k] >= threshold}
    return under, over
