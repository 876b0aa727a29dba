"""Feedback: views of a `Grade` under a visibility policy, as JSON, text or HTML.

`formative` (before release) shows scores, agreement statistics, the learner's most frequent
mix-ups with the codebook rule that separates them, and labels used too often or too rarely:
never the gold label of a particular log. `released` adds, for every log the learner got
wrong, the reference label and the rationale that teaches it.
"""

from __future__ import annotations

import base64
import io
from typing import Literal

from grader.errors import UnusableInput, visible
from grader.grade import Grade
from grader.metrics import confused_pairs, usage_gaps

Visibility = Literal["formative", "released"]


def feedback_dict(grade: Grade, visibility: Visibility = "formative") -> dict[str, object]:
    """The whole feedback as plain data: what `--format json` prints."""
    context = grade.context
    under, over = usage_gaps(context.alignment)
    data: dict[str, object] = {
        "exercise": grade.rubric.exercise,
        "visibility": visibility,
        "codebook_version": context.codebook.version,
        "score": grade.score,
        "max_score": grade.max_score,
        "pending_points": grade.pending_points,
        "criteria": [
            {"id": s.criterion, "score": s.points, "max_score": s.max_points,
             "status": s.status, "feedback": s.explanation}
            for s in grade.scores
        ],
        "metrics": grade.metrics,
        "confused_pairs": [
            {"reference": gold, "yours": given, "count": count,
             "rule": context.codebook.neighbour_rule(gold, given)}
            for gold, given, count in confused_pairs(context.alignment)
        ],
        "under_used": {k: {"yours": a, "reference": b} for k, (a, b) in under.items()},
        "over_used": {k: {"yours": a, "reference": b} for k, (a, b) in over.items()},
        "skipped_rows": [p.as_dict() for p in grade.skipped],
    }
    if visibility == "released":
        data["review"] = released_review(grade)
    return _shown(data)


def _shown(value: object) -> object:
    """`value` with every string made safe to print: text from a mentor's rubric or codebook
    (a title, a rule) reaches the learner's terminal, which must show control characters,
    not obey them."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {_shown(k): _shown(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_shown(v) for v in value]
    return value


def released_review(grade: Grade) -> list[dict[str, object]]:
    """For each log the learner did not get right: their label, the key's, and why."""
    alignment, key = grade.context.alignment, grade.context.key
    return [
        {"log_id": log_id, "yours": given, "reference": entry.label,
         "accepted": list(entry.accepted), "rationale": entry.rationale,
         "kb_article": entry.kb_article}
        for log_id, given, entry in zip(alignment.log_ids, alignment.learner,
                                        key.entries.values(), strict=True)
        if given not in entry.correct_labels
    ]


def error_dict(error: UnusableInput) -> dict[str, object]:
    """The object `--format json` prints when the submission cannot be graded."""
    first = error.problems[0]
    return {"error": {"code": first.code, "message": first.render(),
                      "problems": [problem.as_dict() for problem in error.problems]}}


def render_text(data: dict, width: int = 100) -> str:
    """A terminal report: scores, agreement, mix-ups and usage, as rich tables."""
    from rich.console import Console
    from rich.table import Table

    # markup=False: feedback quotes codes in brackets ("[claims-not-committed]"), which rich
    # would otherwise read as its own markup and drop.
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False,
                      markup=False)
    metrics = data["metrics"]
    pending = (f", {data['pending_points']:g} pending a mentor's grade"
               if data["pending_points"] else "")
    console.print(f"{data['exercise']}: {data['score']:g} / {data['max_score']:g} points"
                  f"{pending} ({data['visibility']} feedback, taxonomy "
                  f"v{data['codebook_version']})")
    scores = Table("criterion", "points", "status", "feedback", show_lines=True)
    for c in data["criteria"]:
        scores.add_row(c["id"], points_text(c), c["status"], c["feedback"])
    console.print(scores)
    for line in skipped_lines(data):
        console.print(line)
    console.print(
        f"agreement: accuracy {metrics['accuracy']:.2f}  cohen_kappa {_num(metrics['cohen_kappa'])}"
        f"  macro_f1 {_num(metrics['macro_f1'])}  coverage {metrics['coverage']:.2f}"
    )
    if data["confused_pairs"]:
        pairs = Table("you wrote", "the key has", "logs", "the rule that separates them",
                      title="most confused pairs", show_lines=True)
        for p in data["confused_pairs"]:
            pairs.add_row(p["yours"], p["reference"], str(p["count"]),
                          p["rule"] or "different families: reread both definitions")
        console.print(pairs)
    for kind in ("under_used", "over_used"):
        if data[kind]:
            items = ", ".join(f"{k} ({v['yours']} vs {v['reference']})"
                              for k, v in data[kind].items())
            console.print(f"{kind.replace('_', '-')} labels (yours vs key): {items}")
    if data.get("review"):
        review = Table("log", "yours", "key", "why", title="logs to review", show_lines=True)
        for row in data["review"]:
            review.add_row(row["log_id"], row["yours"], row["reference"], row["rationale"])
        console.print(review)
    return console.file.getvalue()


def skipped_lines(data: dict, shown: int = 10) -> list[str]:
    """The rows of tags.csv that were not graded because their log ids are not in the
    dataset: a count, then the first `shown` with their line and fix."""
    rows = data.get("skipped_rows") or []
    if not rows:
        return []
    lines = [f"{len(rows)} row{'s' if len(rows) != 1 else ''} of tags.csv skipped (log ids not "
             "in the dataset; the other rows are graded):"]
    lines += [f"  line {r['line']}: {r['message']}; {r['hint']}" for r in rows[:shown]]
    if len(rows) > shown:
        lines.append(f"  ... and {len(rows) - shown} more")
    return lines


def points_text(criterion: dict) -> str:
    """`3.5 / 4`, or `pending / 8` for a criterion a mentor has not graded yet."""
    score = "pending" if criterion["score"] is None else f"{criterion['score']:g}"
    return f"{score} / {criterion['max_score']:g}"


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def confusion_png(confusion: dict) -> str:
    """The confusion matrix drawn with matplotlib, as a base64 PNG for an <img> tag."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    from matplotlib import pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    labels, matrix = confusion["labels"], np.array(confusion["matrix"])
    size = max(5.0, 0.45 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size, size))
    ConfusionMatrixDisplay(matrix, display_labels=labels).plot(
        ax=ax, colorbar=False, cmap="Blues", xticks_rotation="vertical"
    )
    ax.set_xlabel("your label")
    ax.set_ylabel("reference label (effective gold)")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def render_html(data: dict) -> str:
    """A self-contained HTML report (no external requests) with a confusion-matrix plot."""
    from jinja2 import Environment, PackageLoader

    env = Environment(loader=PackageLoader("grader"), autoescape=True)
    template = env.get_template("feedback.html.j2")
    return template.render(data=data, plot=confusion_png(data["metrics"]["confusion"]),
                           points_text=points_text)
