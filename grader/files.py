"""Reading a file a learner handed in, and nothing else.

A submission's file must be the file itself: a symbolic link could point at an answer key
on the mentor's machine (learner code can make one inside the sandbox, where the key is
absent, and the grader, outside it, would follow it), and a device or pipe could block
forever. Size is capped before anything is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from grader.errors import Problem, UnusableInput


def read_submitted(path: Path, limit: int) -> bytes:
    """The bytes of a regular file at `path`, at most `limit` of them.

    Raises `UnusableInput` for a link, a special file, an unreadable or too large file.
    """
    name = path.name
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if path.is_symlink():
            raise UnusableInput([Problem("not-a-file", name, "is a link to another file", None,
                                         f"hand in {name} itself, not a link to it.")]) from None
        raise UnusableInput([Problem("not-a-file", name, f"cannot be read: {exc.strerror}",
                                     None, "check that the file exists and that you may read "
                                           "it.")]) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise UnusableInput([Problem("not-a-file", name, "is not a regular file", None,
                                         f"hand in {name} as an ordinary file.")])
        if info.st_size > limit:
            raise UnusableInput([Problem("file-too-large", name,
                                         f"is {info.st_size / 1e6:.1f} MB; the limit is "
                                         f"{limit / 1e6:g} MB", None,
                                         "hand in only what the exercise asks for.")])
        return handle.read(limit + 1)[:limit]
