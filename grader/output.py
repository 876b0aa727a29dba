"""Writing a result to `--out` without destroying anything.

A mistyped `--out` must not cost the grading work or someone's files. So the target is
checked before any grading starts: its folder must exist and a file must be creatable in it
(tried, not just asked), it must not be a folder or a special file (`/dev/full`,
`/proc/...`), and an existing file is replaced only with `--force`. Never, even with
`--force`, are the files being graded replaced (the learner's submission, the rubric, answer
key, codebook and materials). The text is written to a temporary file beside the target and
renamed over it, so a failed write leaves the old file whole; if the write still fails, the
result goes to standard output instead of being lost.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from grader.errors import Problem, UnusableInput


def _refuse(out: Path, message: str, hint: str) -> UnusableInput:
    return UnusableInput([Problem("output-refused", str(out), message, None, hint)])


def check_output(out: Path, *, force: bool = False, protected: Iterable[Path] = ()) -> None:
    """Raise `UnusableInput` (`output-refused`) if writing `out` would fail or destroy a file."""
    target = Path(os.path.realpath(out))
    if any(target == Path(os.path.realpath(p)) for p in protected):
        raise _refuse(out, "is one of the files being graded", "write the result elsewhere.")
    parent = target.parent
    if not parent.is_dir():
        raise _refuse(out, f"the folder {parent} does not exist", "create it first, or choose "
                      "another --out.")
    if out.exists() or out.is_symlink():
        info = os.lstat(out)
        if stat.S_ISDIR(info.st_mode):
            raise _refuse(out, "is a folder", "give a file name, e.g. --out feedback.html.")
        if not stat.S_ISREG(info.st_mode) or out.is_symlink():
            raise _refuse(out, "is not an ordinary file", "give the path of a new file.")
        if not force:
            raise _refuse(out, "already exists", "choose another name, or pass --force to "
                          "replace it.")
    failure = _cannot_create_in(parent)
    if failure:
        raise _refuse(out, f"the folder {parent} cannot be written to ({failure})",
                      "choose another --out.")


def _cannot_create_in(folder: Path) -> str | None:
    """Why no file can be created in `folder` (read-only, not permitted, `/proc`), or None.

    A file is created and removed, because asking for permission (`os.access`) says yes
    to root in a read-only folder and on file systems that refuse new files."""
    try:
        fd, name = tempfile.mkstemp(prefix=".grader-check-", dir=folder)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    os.close(fd)
    os.unlink(name)
    return None


def write_output(text: str, out: Path) -> None:
    """Write `text` to `out` through a temporary file and a rename.

    Raises `UnusableInput` (`output-refused`) after printing `text` to standard output when
    the file cannot be written, so that the result is not lost.
    """
    target = Path(os.path.realpath(out))
    temporary: Path | None = None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        temporary = Path(name)
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        raise _refuse(out, f"could not be written ({exc.strerror}); the result is printed "
                      "above instead", "free some space or choose another --out.") from None
