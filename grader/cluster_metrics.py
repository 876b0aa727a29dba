"""Agreement between two groupings of the same records: the adjusted Rand index (Hubert and
Arabie, 1985) and normalised mutual information (arithmetic mean of the entropies), as
scikit-learn's `adjusted_rand_score` and `normalized_mutual_info_score` compute them.

Written here, from the contingency table, because grading one hand-in must stay under 2 s
cold and importing `sklearn.metrics` alone takes about a second (it imports `scipy.stats`);
`tests/test_synthesis_grading.py` checks both against scikit-learn on random and edge-case
groupings.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _contingency(a: Sequence[object], b: Sequence[object]) -> np.ndarray:
    """Counts of records by (group in `a`, group in `b`)."""
    _, rows = np.unique(np.asarray(a, dtype=str), return_inverse=True)
    _, cols = np.unique(np.asarray(b, dtype=str), return_inverse=True)
    table = np.zeros((rows.max(initial=-1) + 1, cols.max(initial=-1) + 1), dtype=np.int64)
    np.add.at(table, (rows, cols), 1)
    return table


def adjusted_rand_index(a: Sequence[object], b: Sequence[object]) -> float:
    """The adjusted Rand index of two groupings: 1 for the same groups, about 0 for
    unrelated ones (scikit-learn's pair-confusion form)."""
    table = _contingency(a, b)
    n = int(table.sum())
    squares = int((table**2).sum())
    in_rows, in_cols = table.sum(axis=1), table.sum(axis=0)
    tp = squares - n
    fp = int(table.dot(in_cols).sum()) - squares
    fn = int(table.T.dot(in_rows).sum()) - squares
    tn = n * n - fp - fn - squares
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def _entropy(counts: np.ndarray) -> float:
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum())


def normalized_mutual_information(a: Sequence[object], b: Sequence[object]) -> float:
    """Mutual information of two groupings over the mean of their entropies: 1 for the same
    groups, 0 for independent ones."""
    table = _contingency(a, b)
    if table.shape[0] == table.shape[1] <= 1:
        return 1.0
    n = table.sum()
    joint = table[table > 0] / n
    rows, cols = np.nonzero(table)
    outer = (table.sum(axis=1)[rows] / n) * (table.sum(axis=0)[cols] / n)
    mutual = float((joint * (np.log(joint) - np.log(outer))).sum())
    if mutual <= 0:
        return 0.0
    normaliser = (_entropy(table.sum(axis=1)) + _entropy(table.sum(axis=0))) / 2
    return mutual / max(normaliser, np.finfo(float).eps)
