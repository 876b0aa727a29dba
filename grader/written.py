"""A learner's written deliverable as read: its claims block, its prose, or why there is none.

A missing or empty file is `not-submitted`; a file that cannot be read as text is `invalid`;
otherwise the claims and the prose are read independently, so a report without a usable
claims block still has its prose structure scored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grader.claims import ReadClaims, read_claims
from grader.errors import UnusableInput
from grader.files import read_submitted, status_of
from grader.materials import Materials
from grader.report import Report, parse_report
from labkit.codebook import Codebook

MAX_REPORT_BYTES = 1_000_000


@dataclass(frozen=True)
class WrittenWork:
    """A report as read. `status` is `scored` when there is something to grade."""

    status: str
    problem: str = ""
    claims: ReadClaims | None = None
    prose: Report | None = None


def read_written_work(path: Path, codebook: Codebook, materials: Materials,
                      schema: str = "failure-audit") -> WrittenWork:
    """Read `path` (e.g. `report.md`); never raises for a learner's mistake."""
    if not path.exists() and not path.is_symlink():
        return WrittenWork("not-submitted", f"No {path.name} was handed in: write your report "
                                            f"to {path.name}.")
    try:
        data = read_submitted(path, MAX_REPORT_BYTES)
    except UnusableInput as error:
        first = error.problems[0]
        return WrittenWork("invalid", f"{path.name} {first.message} [{first.code}]: {first.hint}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return WrittenWork("invalid", f"{path.name} is not UTF-8 text [encoding]: save it as "
                                      "UTF-8.")
    if not text.strip():
        return WrittenWork("not-submitted", f"{path.name} is empty.")
    claims = read_claims(text, path.name, codebook, materials, schema)
    return WrittenWork("scored", "", claims, parse_report(claims.body))


def read_claims_file(path: Path, codebook: Codebook,
                     read: Callable[[str, str, Codebook], ReadClaims],
                     parse: Callable[[str], Report]) -> WrittenWork:
    """A claims-and-prose file (project 2's `report.md`, project 3's `memo.md`) as read with
    its project's claims reader and prose parser: claims and prose, or why there is nothing
    to grade."""
    if not path.exists() and not path.is_symlink():
        return WrittenWork("not-submitted", f"No {path.name} was handed in.")
    try:
        text = read_submitted(path, MAX_REPORT_BYTES).decode("utf-8-sig")
    except UnusableInput as error:
        return WrittenWork("invalid", status_of(error)[1])
    except UnicodeDecodeError:
        return WrittenWork("invalid", f"{path.name} is not UTF-8 text [encoding]: save it as "
                                      "UTF-8.")
    if not text.strip():
        return WrittenWork("not-submitted", f"{path.name} is empty.")
    claims = read(text, path.name, codebook)
    return WrittenWork("scored", "", claims, parse(claims.body))
