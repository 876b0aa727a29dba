"""Reading a file the grader was given, and nothing else.

A submission's file must be the file itself: a symbolic link could point at an answer key
on the mentor's machine (learner code can make one inside the sandbox, where the key is
absent, and the grader, outside it, would follow it), and a device or pipe could block
forever. A hard link is refused for the same reason (it is another name of the same data).
A mentor's own files (answer keys) may be links, but must lead to a regular file.
Size is capped before anything is read, and never more than the cap is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from grader.errors import NOT_SUBMITTED, Problem, UnusableInput


def read_submitted(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path` (not a link), at most `limit` of them.

    Raises `UnusableInput` for a link, a special file, an unreadable or too large file.
    """
    return read_bounded(path, limit, follow_links=False)


def read_bounded(path: Path, limit: int, *, follow_links: bool = True) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them; a link is followed
    only with `follow_links`.

    Raises `UnusableInput` (`not-a-file`, `file-too-large`) when the file cannot be used.
    """
    name = path.name
    own = "hand in" if not follow_links else "pass"
    # O_NONBLOCK: opening a pipe must not wait for a writer
    extra = os.O_NONBLOCK | (0 if follow_links else os.O_NOFOLLOW)
    try:
        handle = _open(path, extra)
    except OSError as exc:
        if not follow_links and path.is_symlink():
            raise _problem("not-a-file", name, "is a link to another file",
                           f"hand in {name} itself, not a link to it.") from None
        raise _problem("not-a-file", name, f"cannot be read: {exc.strerror}",
                       "check that the file exists and that you may read it.") from None
    with handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _problem("not-a-file", name, "is not a regular file",
                           f"{own} {name} as an ordinary file.")
        if not follow_links and info.st_nlink > 1:  # a hard link shares another file's data
            raise _problem("not-a-file", name, "has another name on this disk (a hard link)",
                           f"hand in a copy of {name}, not a link to another file.")
        if info.st_size > limit:
            raise _problem("file-too-large", name, f"is {info.st_size / 1e6:.1f} MB; the limit "
                           f"is {limit / 1e6:g} MB", "is this the right file? Hand in only "
                           "what the exercise asks for." if not follow_links
                           else "is this the right file?")
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise _problem("not-a-file", name, f"cannot be read: {exc.strerror}",
                           "check that the file is whole and that you may read it.") from None
    if len(data) > limit:  # it grew while being read
        raise _problem("file-too-large", name, f"is over the limit of {limit / 1e6:g} MB",
                       "is this the right file?")
    return data


def _open(path: Path, extra_flags: int) -> BinaryIO:
    return open(path, "rb", opener=lambda file, flags: os.open(file, flags | extra_flags))


def _problem(code: str, file: str, message: str, hint: str) -> UnusableInput:
    return UnusableInput([Problem(code, file, message, None, hint)])


def status_of(error: UnusableInput) -> tuple[str, str]:
    """The status a file's problems give the criteria that rest on it (`not-submitted` or
    `invalid`), and the first problem as a sentence."""
    first = error.problems[0]
    status = "not-submitted" if first.code in NOT_SUBMITTED else "invalid"
    more = f" (and {len(error.problems) - 1} more)" if len(error.problems) > 1 else ""
    return status, f"{first.where}: {first.message} [{first.code}]{more}. {first.hint}"


def present(folder: Path, name: str) -> Path:
    """`folder / name`, or `file-missing` when there is no such entry."""
    path = folder / name
    if path.exists() or path.is_symlink():
        return path
    raise UnusableInput([Problem("file-missing", str(folder), f"no {name} here", None,
                                 f"save it as {name} in this folder.")])
