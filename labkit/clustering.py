"""Project 3's analysis helpers: features per record, text vectors, clusters and their
summaries, from scikit-learn, pandas and matplotlib.

The helpers propose; the learner reads. `k_scores` gives the silhouette of each k (which on
short texts often cannot choose for you), `cluster_table` the size of each cluster in each
product and its most characteristic words, so that every cluster can be read, named with a
code, and merged with another where both are one failure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from labkit.crossproduct import PRODUCTS, FailureRecord
from labkit.specificity import evidence_words, unsupported_specifics

CLUSTERS_FILE = "clusters.csv"
CLUSTER_COLUMNS = ("record_id", "cluster", "code")


def record_unsupported(record: FailureRecord) -> list[str]:
    """The specifics of the record's output that its evidence (ids and texts) and input do
    not contain; code is read as code for Forge."""
    texts = [f"{e.id}\n{e.text}" for e in record.evidence]
    return unsupported_specifics(record.output, texts, record.input,
                                 code=record.product == "codegen")


def features_frame(records: Iterable[FailureRecord]) -> Any:
    """One row per record: product, signal, evidence words, thin (fewer than 40), whether a
    reviewer wrote a note, and the unsupported specifics (a list) and their number."""
    import pandas as pd

    from labkit.specificity import THIN_WORDS

    rows = []
    for r in records:
        words = evidence_words(e.text for e in r.evidence)
        unsupported = record_unsupported(r)
        rows.append({"record_id": r.record_id, "product": r.product, "signal": r.signal,
                     "evidence_words": words, "thin": words < THIN_WORDS,
                     "reviewed": bool(r.note and r.note.strip()),
                     "unsupported": unsupported, "n_unsupported": len(unsupported)})
    return pd.DataFrame(rows)


def vectorise(texts: Sequence[str], **options: Any) -> tuple[Any, Any]:
    """A fitted `TfidfVectorizer` and the texts' TF-IDF matrix (options go to the
    vectorizer; English stop words are dropped unless `stop_words` says otherwise)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    options.setdefault("stop_words", "english")
    vectorizer = TfidfVectorizer(**options)
    return vectorizer, vectorizer.fit_transform(texts)


def k_means(matrix: Any, k: int, random_state: int = 0) -> Any:
    """k-means cluster labels of the rows of `matrix` (ten starts, a fixed seed)."""
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(matrix)


def k_scores(matrix: Any, ks: Iterable[int], random_state: int = 0) -> Any:
    """For each k: the mean silhouette (cosine) of k-means' clusters and the size of the
    smallest cluster, as a DataFrame."""
    import numpy as np
    import pandas as pd
    from sklearn.metrics import silhouette_score

    rows = []
    for k in ks:
        labels = k_means(matrix, k, random_state)
        rows.append({"k": k, "silhouette": silhouette_score(matrix, labels, metric="cosine"),
                     "smallest": int(np.bincount(labels).min())})
    return pd.DataFrame(rows)


def top_terms(vectorizer: Any, matrix: Any, labels: Sequence[Any], n: int = 6
              ) -> dict[Any, list[str]]:
    """Each cluster's `n` words of highest mean TF-IDF weight among its members."""
    import numpy as np

    terms = vectorizer.get_feature_names_out()
    labels = np.asarray(labels)
    result = {}
    for label in sorted(set(labels.tolist())):
        weights = np.asarray(matrix[labels == label].mean(axis=0)).ravel()
        result[label] = [terms[i] for i in np.argsort(weights)[::-1][:n] if weights[i] > 0]
    return result


def cluster_table(products: Sequence[str], labels: Sequence[Any],
                  terms: dict[Any, list[str]] | None = None) -> Any:
    """Each cluster's size in each product and in all, with its top terms when given."""
    import pandas as pd

    table = pd.crosstab(pd.Series(labels, name="cluster"), pd.Series(products, name="product"))
    table = table.reindex(columns=[p for p in PRODUCTS if p in table.columns], fill_value=0)
    table["total"] = table.sum(axis=1)
    if terms is not None:
        table["top_terms"] = [", ".join(terms.get(c, [])) for c in table.index]
    return table


def plot_clusters(table: Any, title: str = "Records per cluster and product") -> Any:
    """A horizontal stacked bar chart of `cluster_table`'s product columns; returns the
    matplotlib figure."""
    import matplotlib.pyplot as plt

    columns = [p for p in PRODUCTS if p in table.columns]
    figure, axes = plt.subplots(figsize=(7, 0.35 * len(table) + 1.2))
    table[columns].plot.barh(stacked=True, ax=axes)
    axes.set_xlabel("records")
    axes.set_title(title)
    axes.invert_yaxis()
    figure.tight_layout()
    return figure


def write_clusters(record_ids: Sequence[str], clusters: Sequence[Any], codes: Sequence[str],
                   path: Path | str = CLUSTERS_FILE) -> Path:
    """Save `clusters.csv`: one row per record, its raw cluster and the code you named it."""
    import pandas as pd

    if not len(record_ids) == len(clusters) == len(codes):
        raise ValueError("record_ids, clusters and codes must have one entry per record")
    pd.DataFrame({"record_id": record_ids, "cluster": clusters, "code": codes}).to_csv(
        path, index=False)
    return Path(path)
