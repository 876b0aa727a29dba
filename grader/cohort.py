"""A cohort's submission folders: who the learners are, and a digest of what each handed in.

A cohort is either nbgrader's `submitted/<learner>/<exercise>/` layout (found when any
`DIR/<learner>/<exercise>/` folder exists) or a folder of learner folders, `DIR/<learner>/`
holding the files. A learner's id is their folder's name, kept as given (spaces and accents
included); the files written for them get a name that is safe on any file system
(`file_stem`). Two ids that differ only in case (or in Unicode normalisation) would be one
file on macOS and Windows, and often one person: both are reported (`learner-id-clash`),
neither is graded.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from grader.errors import Problem, UnusableInput

PLAIN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$")
CHUNK = 1 << 20


@dataclass(frozen=True)
class Learner:
    """One learner of a cohort: their id, the folder holding their files, and the stem of
    the files written for them."""

    id: str
    folder: Path
    stem: str


def file_stem(learner: str) -> str:
    """A file name for `learner`'s results: the id itself when it is plain ASCII (letters,
    digits, `.`, `_`, `-`), else an ASCII rendering of it and a digest of the id, so that
    two ids never share a name."""
    if PLAIN_ID.match(learner):
        return learner
    ascii_text = unicodedata.normalize("NFKD", learner).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:40] or "learner"
    digest = hashlib.sha256(learner.encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return f"{slug}-{digest}"


def clash_key(learner: str) -> str:
    """What two ids that would be taken for one learner have in common."""
    return unicodedata.normalize("NFC", learner).casefold()


def _folders(directory: Path) -> list[Path]:
    """The sub-folders of `directory` that may be learners': real folders (not links),
    not hidden (`.ipynb_checkpoints`, `.git`)."""
    return sorted(p for p in directory.iterdir()
                  if not p.name.startswith(".") and not p.is_symlink() and p.is_dir())


def is_nbgrader_layout(cohort: Path, exercise: str) -> bool:
    """True when some `cohort/<learner>/<exercise>/` folder exists (nbgrader's layout)."""
    return any((folder / exercise).is_dir() for folder in _folders(cohort))


def find_learners(cohort: Path, exercise: str
                  ) -> tuple[list[Learner], list[tuple[str, Problem]]]:
    """The learners of `cohort`, and those that cannot be graded with their coded problem
    (`learner-id-clash`). Raises `UnusableInput` when the cohort is no folder or holds no
    learner (`submission-not-found`, `cohort-empty`)."""
    if not cohort.is_dir():
        what = "is a file, not a folder" if cohort.exists() else "no such folder"
        raise UnusableInput([Problem("submission-not-found", str(cohort), what, None,
                                     "pass the folder that holds the learners' folders "
                                     "(nbgrader's submitted/) to --cohort.")])
    nbgrader = is_nbgrader_layout(cohort, exercise)
    folders = [(p.name, p / exercise if nbgrader else p) for p in _folders(cohort)]
    folders = [(name, path) for name, path in folders if not nbgrader or path.is_dir()]
    if not folders:
        raise UnusableInput([Problem(
            "cohort-empty", str(cohort), "holds no learner's folder", None,
            f"pass the folder that holds one folder per learner (nbgrader's submitted/, "
            f"with <learner>/{exercise}/ inside), once the submissions are collected.")])
    groups: dict[str, list[str]] = {}
    for name, _ in folders:
        groups.setdefault(clash_key(name), []).append(name)
    learners, problems = [], []
    for name, path in folders:
        others = [other for other in groups[clash_key(name)] if other != name]
        if others:
            problems.append((name, Problem(
                "learner-id-clash", str(path), f"learner '{name}' differs only in case from "
                f"{', '.join(repr(o) for o in others)}; neither is graded", None,
                "rename the folders so that each learner has one id, or merge them.")))
        else:
            learners.append(Learner(name, path, file_stem(name)))
    return learners, problems


def content_hash(folder: Path) -> str:
    """SHA-256 over the sorted relative paths and bytes of every file under `folder` (a
    link counts by where it leads, never followed). Raises `UnusableInput` (`not-a-file`)
    for a file that cannot be read."""
    digest = hashlib.sha256()
    entries = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        entries += [Path(root) / name for name in files]
        entries += [Path(root) / name for name in dirs if (Path(root) / name).is_symlink()]
    for path in sorted(entries, key=lambda p: p.relative_to(folder).as_posix()):
        name = path.relative_to(folder).as_posix()
        digest.update(b"\0path\0" + name.encode("utf-8", "surrogateescape") + b"\0")
        try:
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                digest.update(b"link\0" + os.fsencode(os.readlink(path)))
            elif stat.S_ISREG(info.st_mode):
                with path.open("rb") as handle:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
            else:  # a pipe or a device: never opened, counted by its kind
                digest.update(b"special\0" + str(stat.S_IFMT(info.st_mode)).encode())
        except OSError as exc:
            raise UnusableInput([Problem("not-a-file", name, f"cannot be read: {exc.strerror}",
                                         None, "check that the file exists and that it may "
                                         "be read.")]) from None
    return digest.hexdigest()
