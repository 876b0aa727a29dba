"""A `generate_feedback` step that refuses to write a page holding answer-key text.

nbgrader's feedback page keeps everything a notebook printed. Learner code runs in the
sandbox, where the answer key is absent, so it should have nothing secret to print; this
step is the second line of defence (for a run without the sandbox, or a misconfiguration).
Before a page is written it looks in every cell's output for:

- text of the exercise's mentor-only files (the files directly in `solutions/<exercise>/`:
  answer-key rationales, planted causes, rubric lists, the datasheet's answers), as runs of
  eight words that occur in no public file (the datasets, the course pages, the grader's
  code) and not in the learner's own files. The sample reports in its sub-folders are left
  out: they are prose a learner writes too ("unwarranted refusal, 16 of 100 logs"), so a
  learner's own honest output matches them;
- a list of reference labels: log ids each followed by its gold label, for logs the
  learner labelled otherwise;
- hidden test code.

A page that holds any of them is not written: nbgrader reports the coded error
`feedback-leak`, naming the learner and the cell, and goes on with the next learner. The
outputs of a page that is written are capped in size.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from nbformat.notebooknode import NotebookNode, from_dict
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer, Unicode

from grader.answer_key import load_answer_key
from grader.errors import docs_url
from grader.rubric import REPO_ROOT, exercise_rubric, load_rubric, rubric_kind

SHINGLE = 8
WORDS = re.compile(r"[a-z0-9]+")
PUBLIC_DIRS = ("datasets", "course", "grader", "labkit")
MIN_SECRET_HITS = 2
MIN_LABEL_PAIRS = 5


class FeedbackLeak(Exception):
    """A feedback page would show answer-key text."""


def shingles(text: str) -> set[tuple[str, ...]]:
    """Every run of eight consecutive words of `text`, lower-cased."""
    words = WORDS.findall(text.lower())
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def _texts(folder: Path, recursive: bool = True) -> list[str]:
    texts = []
    for path in sorted(folder.rglob("*") if recursive else folder.glob("*")):
        if path.is_file() and path.stat().st_size < 5_000_000:
            try:
                texts.append(path.read_text(encoding="utf-8"))
            except UnicodeDecodeError:
                continue
    return texts


@functools.cache
def secret_shingles(rubric_path: Path) -> frozenset[tuple[str, ...]]:
    """Runs of eight words of the exercise's mentor-only files (not its sample reports)
    that no public file holds."""
    public: set[tuple[str, ...]] = set()
    for name in PUBLIC_DIRS:
        for text in _texts(REPO_ROOT / name):
            public |= shingles(text)
    secret: set[tuple[str, ...]] = set()
    for text in _texts(rubric_path.parent, recursive=False):
        secret |= shingles(text)
    return frozenset(secret - public)


@functools.cache
def gold_labels(rubric_path: Path) -> dict[str, str]:
    """Each log's gold label, from the rubric's answer key."""
    key = load_answer_key(load_rubric(rubric_path).answer_key)
    return {log_id: entry.label for log_id, entry in key.entries.items()}


def own_labels(folder: Path) -> dict[str, str]:
    """The labels of the learner's own tags.csv, read leniently (it was graded already)."""
    import csv

    path = folder / "tags.csv"
    if not path.is_file() or path.is_symlink():
        return {}
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        return {row.get("log_id", ""): (row.get("label") or "").strip()
                for row in csv.DictReader(handle)}


def leaked_labels(text: str, gold: dict[str, str], own: dict[str, str]) -> list[str]:
    """Log ids printed with their gold label where the learner's own label differs."""
    found = []
    for log_id, label in gold.items():
        if own.get(log_id) == label:
            continue
        if re.search(rf"\b{re.escape(log_id)}\b[^\w\n]{{1,24}}{re.escape(label)}\b", text):
            found.append(log_id)
    return found


def cell_text(cell: NotebookNode) -> str:
    """What a feedback page shows of a cell's outputs, as plain text."""
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts += [str(v) for v in output.get("data", {}).values()]
        parts += [output.get("evalue", ""), *output.get("traceback", [])]
    return "\n".join(parts)


def cap_outputs(cell: NotebookNode, limit: int) -> None:
    """Shorten a cell's outputs to about `limit` characters in all, noting what was cut:
    text is cut at the limit, a rich output (an image, say) that does not fit is dropped."""
    size = len(json.dumps(cell.get("outputs", [])))
    if size <= limit:
        return
    kept, room = [], limit
    for output in cell.outputs:
        if output.get("output_type") == "stream" and room > 0:
            output.text = output.text[:room]
            kept.append(output)
        elif len(json.dumps(output)) <= room:
            kept.append(output)
        room -= len(json.dumps(output))
    kept.append(from_dict({"output_type": "stream", "name": "stdout",
                           "text": f"\n[output cut: this cell printed {size:,} characters; "
                                   f"feedback shows about {limit:,}]\n"}))
    cell.outputs = kept


class GuardFeedback(NbGraderPreprocessor):
    """Cap outputs, then refuse to write a page that holds answer-key text."""

    exercise = Unicode("", help="Exercise id of the rubric; default: the assignment id.").tag(
        config=True)
    rubric = Unicode("", help="Path of a rubric YAML of your own (overrides exercise).").tag(
        config=True)
    max_cell_output = Integer(20_000, help="Characters of output shown per cell.").tag(
        config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Check every cell of the page; raise `FeedbackLeak` at the first that leaks."""
        info = resources.get("nbgrader", {})
        rubric = Path(self.rubric) if self.rubric else exercise_rubric(
            self.exercise or info.get("assignment", ""))
        if not rubric.is_file():
            return nb, resources
        folder = Path(resources.get("metadata", {}).get("path", "."))
        learner = shingles("\n".join(c.source for c in nb.cells))
        for name in ("report.md", "tags.csv"):
            path = folder / name
            if path.is_file() and not path.is_symlink():
                learner |= shingles(path.read_text(encoding="utf-8", errors="replace"))
        secrets = secret_shingles(rubric) - learner
        # A probe rubric has no answer key of labels: its mentor-only text is the registry's
        # tokens and the planted causes, which the passages above cover.
        gold = gold_labels(rubric) if rubric_kind(rubric) == "audit" else {}
        own = own_labels(folder)
        for index, cell in enumerate(nb.cells, start=1):
            text = cell_text(cell)
            hits = len(shingles(text) & secrets)
            labels = leaked_labels(text, gold, own)
            hidden = "BEGIN HIDDEN TESTS" in text
            if hits >= MIN_SECRET_HITS or len(labels) >= MIN_LABEL_PAIRS or hidden:
                what = ("hidden test code" if hidden else
                        f"{len(labels)} reference labels" if len(labels) >= MIN_LABEL_PAIRS
                        else f"{hits} passages of mentor-only files")
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
                raise FeedbackLeak(
                    f"[feedback-leak] learner '{info.get('student', '?')}', cell {index}"
                    f"{f' ({grade_id})' if grade_id else ''}: the output shows {what}; the "
                    f"feedback page was not written. See {docs_url('feedback-leak')}")
            cap_outputs(cell, self.max_cell_output)
        return nb, resources
