"""The statistics of lesson 5, on a run log: is a variation beyond the model's own noise?

- `score_spread`: the within-prompt standard deviation (pooled noise) against the spread of
  the prompts' mean scores, the spread noise alone would give, and a permutation test of it.
- `flip_rate`: the share of runs whose band differs from a reference band, with a
  Clopper-Pearson confidence interval; `pairwise_flip_rate`: lesson 5's share of pairs.
- `fisher_test` (bands) and `permutation_test_scores` (scores): one variation against its
  original's repeats.
- `holm` and `benjamini_hochberg`: allowing for the number of comparisons.

The tests are scipy's; only the bookkeeping is written here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from scipy import stats

if TYPE_CHECKING:  # pandas is loaded by `prompt_summary` only: the grader does without it
    import pandas as pd


@dataclass(frozen=True)
class Spread:
    """Within-prompt noise against the spread of prompt means (lesson 5's table)."""

    within_sd: float        # pooled SD of repeats of one prompt: noise
    between_sd: float       # SD of the prompts' mean scores: noise plus wording
    noise_only_sd: float    # the SD of means that noise alone would give
    p_value: float          # share of shuffles with means at least as spread
    prompts: int


@dataclass(frozen=True)
class FlipRate:
    """Runs whose band differs from the reference, with a confidence interval."""

    flips: int
    runs: int
    rate: float
    low: float
    high: float


@dataclass(frozen=True)
class Comparison:
    """One variation against its original: the test's statistic and p-value."""

    test: str
    statistic: float
    p_value: float


def _clean(values: Sequence[float | None]) -> np.ndarray:
    kept = np.array([v for v in values if v is not None], dtype=float)
    return kept[~np.isnan(kept)]  # NaN: a missing score in a pandas column


def score_spread(scores_by_prompt: Mapping[str, Sequence[float | None]], *,
                 n_resamples: int = 9999, seed: int = 0) -> Spread:
    """Compare the spread of the prompts' mean scores with their repeats' own spread.

    Missing scores (None) are left out. The noise-only spread of means is the pooled
    within SD times the root of the mean of 1/n (SD/sqrt(r) when every prompt has r repeats). The
    p-value comes from `scipy.stats.permutation_test`, shuffling runs among prompts.
    """
    groups = [_clean(v) for v in scores_by_prompt.values()]
    groups = [g for g in groups if len(g) >= 2]
    if len(groups) < 2:
        raise ValueError("score_spread needs at least two prompts with two scores each")
    within = float(np.sqrt(np.mean([g.var(ddof=1) for g in groups])))
    noise_only = within * float(np.sqrt(np.mean([1 / len(g) for g in groups])))

    def spread_of_means(*samples: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.std([s.mean(axis=axis) for s in samples], axis=0, ddof=1)

    result = stats.permutation_test(groups, spread_of_means, permutation_type="independent",
                                    vectorized=True, n_resamples=n_resamples,
                                    alternative="greater", rng=np.random.default_rng(seed))
    return Spread(within, float(result.statistic), noise_only, float(result.pvalue),
                  len(groups))


def modal_band(bands: Sequence[str | None]) -> str:
    """The most frequent band (ties go to the band seen first)."""
    counts = Counter(b for b in bands if b is not None)
    if not counts:
        raise ValueError("no band to count")
    return counts.most_common(1)[0][0]


def flip_rate(bands: Sequence[str | None], reference: str, *, confidence: float = 0.95,
              alternative: Literal["two-sided", "less"] = "two-sided") -> FlipRate:
    """The share of runs whose band is not `reference`, with an exact (Clopper-Pearson)
    interval from `scipy.stats.binomtest`.

    Runs are independent, so the interval is valid; pairs of runs are not (see
    `pairwise_flip_rate`). `alternative="less"` gives the one-sided upper bound lesson 5
    quotes: no flip in 20 runs still allows up to 14% of runs to flip.
    """
    kept = [b for b in bands if b is not None]
    if not kept:
        raise ValueError("no band to count")
    flips = sum(b != reference for b in kept)
    ci = stats.binomtest(flips, len(kept), alternative=alternative).proportion_ci(
        confidence_level=confidence, method="exact")
    return FlipRate(flips, len(kept), flips / len(kept), float(ci.low), float(ci.high))


def pairwise_flip_rate(a: Sequence[str], b: Sequence[str] | None = None) -> float:
    """Lesson 5's flip rate: the share of pairs of runs whose bands differ, over pairs of
    repeats of one prompt (`b` None) or over pairs across two prompts."""
    if b is None:
        pairs = [(x, y) for i, x in enumerate(a) for y in a[i + 1:]]
    else:
        pairs = [(x, y) for x in a for y in b]
    if not pairs:
        raise ValueError("pairwise_flip_rate needs at least one pair of runs")
    return sum(x != y for x, y in pairs) / len(pairs)


def fisher_test(variation: Sequence[str | None], original: Sequence[str | None],
                reference: str | None = None) -> Comparison:
    """Fisher's exact test: does the variation give the reference band (by default the
    original's most frequent) as often as the original's repeats do?"""
    reference = reference or modal_band(original)
    table = [[sum(b == reference for b in runs), sum(b != reference for b in runs)]
             for runs in ([b for b in variation if b], [b for b in original if b])]
    odds, p_value = stats.fisher_exact(table)
    return Comparison("fisher_exact", float(odds), float(p_value))


def permutation_test_scores(variation: Sequence[float | None], original: Sequence[float | None],
                            *, n_resamples: int = 9999, seed: int = 0) -> Comparison:
    """A two-sided permutation test of the difference in mean score (variation - original);
    exact when the number of distinct shuffles is at most `n_resamples`."""
    def mean_difference(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
        return x.mean(axis=axis) - y.mean(axis=axis)

    result = stats.permutation_test((_clean(variation), _clean(original)), mean_difference,
                                    vectorized=True, n_resamples=n_resamples,
                                    rng=np.random.default_rng(seed))
    return Comparison("permutation_mean_difference", float(result.statistic),
                      float(result.pvalue))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (controls the family-wise error rate).

    statsmodels' `multipletests(method="holm")` gives the same numbers; it is not a
    dependency of labkit, and the rule fits in four lines: sort, multiply the i-th smallest
    by (m - i), carry the running maximum, cap at 1.
    """
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p, kind="stable")
    stepped = np.minimum(1.0, np.maximum.accumulate((len(p) - np.arange(len(p))) * p[order]))
    adjusted = np.empty_like(p)
    adjusted[order] = stepped
    return adjusted.tolist()


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (controls the false discovery rate), by
    `scipy.stats.false_discovery_control`."""
    return stats.false_discovery_control(np.asarray(p_values, dtype=float), method="bh").tolist()


def prompt_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Per prompt (variant_id) of a run-log frame: runs, mean and SD of the score, and the
    count of each band, as `analysis.md` reports them."""
    import pandas as pd

    grouped = frame.groupby("variant_id", sort=False)
    summary = grouped["score"].agg(runs="size", mean="mean", sd="std")
    bands = pd.crosstab(frame["variant_id"], frame["band"]).reindex(
        index=summary.index, columns=["low", "medium", "high"], fill_value=0)
    return summary.join(bands)
