"""What `grader grade-batch` writes, and how: atomically, into a folder it holds alone.

The output folder holds `feedback/<learner>.json` and `.html`, `scores.csv` (one wide row per
graded learner), `failures.csv` (one row per problem of each learner not graded) and
`manifest.json`, the record that makes a rerun resume: for each learner, the content hash of
their folder, whether they were graded or their submission was unusable, and their result
files. Every file is written to a temporary file beside it, flushed to disk and renamed
over the old one, so a batch killed at any moment leaves each file whole, old or new; the
next run removes the temporary files a killed one left.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.errors import Problem, UnusableInput

MANIFEST, SCORES, FAILURES, FEEDBACK = "manifest.json", "scores.csv", "failures.csv", "feedback"
LOCK = ".grader-batch.lock"
TEMP_PREFIX = ".grader-batch-tmp-"
OWN_NAMES = frozenset({MANIFEST, SCORES, FAILURES, FEEDBACK, LOCK})
FAILURE_COLUMNS = ["learner", "kind", "code", "file", "line", "message", "hint"]


@dataclass
class Outcome:
    """What grading one learner came to. `kind`: `graded`, `unusable` (coded problems with
    the submission), `changed` (it kept changing), `crash` (a bug) or `output` (a result
    could not be written)."""

    learner: str
    kind: str
    digest: str = ""
    problems: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    note: str = ""


class OutputFailed(Exception):
    """A result file could not be written (a full disk, a folder made read-only)."""


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file beside it and a rename. Raises
    `OutputFailed` when the file cannot be written; the old file, if any, stays whole."""
    name = None
    try:
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(name, path)
    except OSError as exc:
        if name is not None:
            with contextlib.suppress(OSError):
                os.unlink(name)
        raise OutputFailed(f"{path}: {exc.strerror or exc}") from None


def refused(out: Path, message: str, hint: str) -> UnusableInput:
    """An `output-refused` problem with the output folder."""
    return UnusableInput([Problem("output-refused", str(out), message, None, hint)])


def check_out_folder(out: Path, cohort: Path, what: str, example: str) -> None:
    """Raise `output-refused` unless `out` can be a folder of results (`what`, e.g. "the
    results"): outside the cohort, not a file, and in a folder that exists."""
    target, source = out.resolve(), cohort.resolve()
    if target == source or source in target.parents:
        raise refused(out, "is inside the cohort folder", f"write {what} outside it, e.g. "
                      f"--out {example} beside the cohort.")
    if (out.exists() or out.is_symlink()) and not out.is_dir():
        raise refused(out, "is a file, not a folder", "give the name of a folder.")
    if not out.exists() and not out.parent.is_dir():
        raise refused(out, f"the folder {out.parent} does not exist", "create it first, or "
                      "choose another --out.")


def probe_writable(out: Path, folder: Path) -> None:
    """Raise `output-refused` (about `out`) unless a file can be made in `folder`."""
    try:
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise refused(out, f"cannot be written to ({exc.strerror or exc})",
                      "choose another --out.") from None


def prepare_outdir(out: Path, cohort: Path, force: bool) -> None:
    """Make `out` (and `out/feedback`) ready to write, or raise `output-refused`: it must not
    lie inside the cohort, must be a folder that can be written to, and a folder holding
    other files than a batch's is used only with `force`."""
    check_out_folder(out, cohort, "the results", "feedback-batch")
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir()
                         if p.name not in OWN_NAMES and not p.name.startswith(TEMP_PREFIX))
        if foreign and not (out / MANIFEST).is_file() and not force:
            raise refused(out, f"holds other files ({', '.join(foreign[:3])}) and no "
                          f"{MANIFEST} of an earlier batch", "choose a new folder, or pass "
                          "--force to write the results beside them.")
    try:
        (out / FEEDBACK).mkdir(parents=not out.exists() and out.parent.is_dir(),
                               exist_ok=True)
    except OSError as exc:
        raise refused(out, f"cannot be written to ({exc.strerror or exc})",
                      "choose another --out.") from None
    probe_writable(out, out / FEEDBACK)


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold `out` for this batch alone (another batch into it is refused), and remove the
    temporary files a killed batch left behind."""
    with (out / LOCK).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise refused(out, "another grade-batch is writing to this folder",
                          "wait for it to finish, or choose another --out.") from None
        for folder in (out, out / FEEDBACK):
            for stale in folder.glob(f"{TEMP_PREFIX}*"):
                stale.unlink(missing_ok=True)
        yield


def read_manifest(out: Path, key: str) -> dict[str, dict[str, Any]]:
    """The learners recorded by an earlier batch into `out` with the same grading key."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return dict(manifest["learners"]) if manifest.get("grading") == key else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def is_done(out: Path, entry: dict[str, Any] | None, digest: str) -> bool:
    """True when `entry` records a result of this content that is still on disk."""
    return (entry is not None and entry.get("hash") == digest
            and all((out / entry[k]).is_file() for k in ("json", "html")))


def failure_rows(learner: str, kind: str, problems: list[dict[str, Any]],
                 error: str = "") -> list[dict[str, Any]]:
    """The rows of `failures.csv` for one learner: one per coded problem, or the crash."""
    if kind == "crash":
        name, _, message = error.partition(": ")
        return [{"learner": learner, "kind": "crash", "code": name, "file": "", "line": "",
                 "message": message, "hint": "a bug in the grader: please report it."}]
    return [{"learner": learner, "kind": "unusable", "code": p["code"], "file": p["file"],
             "line": p["line"] or "", "message": p["message"], "hint": p["hint"]}
            for p in problems]


def csv_text(columns: list[str], rows: Iterable[dict[str, Any]]) -> str:
    """`rows` as CSV text with a header."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def number(value: float | None) -> str:
    """A score as the CSV shows it: blank while pending."""
    return "" if value is None else format(value, ".10g")


def read_json(path: Path) -> dict[str, Any]:
    """A result file written by a worker."""
    return json.loads(path.read_text(encoding="utf-8"))


def scores_csv(out: Path, entries: dict[str, dict[str, Any]], criteria: list[str]) -> str:
    """One wide row per graded learner, rebuilt from their JSON feedback."""
    columns = ["learner", "total", "max", "pending",
               *(name for c in criteria for name in (c, f"{c}.status"))]
    rows = []
    for learner, entry in sorted(entries.items()):
        if entry["result"] != "graded":
            continue
        data = read_json(out / entry["json"])
        row = {"learner": learner, "total": number(data["score"]),
               "max": number(data["max_score"]), "pending": number(data["pending_points"])}
        for c in data["criteria"]:
            row[c["id"]], row[f"{c['id']}.status"] = number(c["score"]), c["status"]
        rows.append(row)
    return csv_text(columns, rows)


@dataclass
class Ledger:
    """The main process's record of a batch: `manifest.json`'s entries (learner -> content
    hash and result files), rewritten after every learner, and this run's failures."""

    out: Path
    exercise: str
    key: str
    stems: dict[str, str]
    entries: dict[str, dict[str, Any]]
    fresh: list[dict[str, Any]] = field(default_factory=list)
    graded: int = 0
    stopped: str = ""

    def save(self) -> None:
        """Write `manifest.json` (atomically)."""
        manifest = {"version": 1, "exercise": self.exercise, "grading": self.key,
                    "learners": dict(sorted(self.entries.items()))}
        write_atomic(self.out / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False)
                     + "\n")

    def add(self, outcome: Outcome) -> bool:
        """Record one learner's outcome; False when the batch must stop (output failed)."""
        if outcome.kind == "output":
            self.stopped = outcome.error
            return False
        if outcome.kind in ("graded", "unusable") and outcome.digest:
            stem = self.stems[outcome.learner]
            self.entries[outcome.learner] = {
                "hash": outcome.digest, "result": outcome.kind,
                "json": f"{FEEDBACK}/{stem}.json", "html": f"{FEEDBACK}/{stem}.html",
                **({"note": outcome.note} if outcome.note else {})}
            self.graded += outcome.kind == "graded"
            self.save()
        else:  # not recorded: graded again by the next run
            self.fresh += failure_rows(outcome.learner, outcome.kind, outcome.problems,
                                       outcome.error)
        return True

    def failures(self, clashes: list[tuple[str, Problem]]) -> list[dict[str, Any]]:
        """Every learner who could not be graded: id clashes, unusable submissions (this
        run's and earlier runs', from their JSON), and this run's other failures."""
        rows: list[dict[str, Any]] = []
        for learner, problem in clashes:
            rows += failure_rows(learner, "unusable", [problem.as_dict()])
        for learner, entry in self.entries.items():
            if entry["result"] == "unusable":
                problems = read_json(self.out / entry["json"])["error"]["problems"]
                rows += failure_rows(learner, "unusable", problems)
        return sorted(rows + self.fresh, key=lambda row: row["learner"])

    def finish(self, criteria: list[str], clashes: list[tuple[str, Problem]]
               ) -> list[dict[str, Any]]:
        """Write the manifest and rebuild `scores.csv` and `failures.csv`; the failures."""
        self.save()
        failures = self.failures(clashes)
        write_atomic(self.out / SCORES, scores_csv(self.out, self.entries, criteria))
        write_atomic(self.out / FAILURES, csv_text(FAILURE_COLUMNS, failures))
        return failures

