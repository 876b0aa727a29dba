"""The sandbox learner code runs in: a bubblewrap (`bwrap`) command and its resource limits.

What the sandbox sees is a list of what it needs, not the host's file system with some parts
hidden: the operating system's own folders (`SYSTEM_DIRS`: `/usr`, `/etc` and the `bin` and
`lib` folders) and the Python environment read-only, the course's public files (its
datasets, `labkit` and `grader`) read-only, the submission folder read-write, a fresh `/tmp`,
and nothing else. Any other copy of the course on the machine (a second clone, a backup, a
mentor's home folder) does not exist inside. Home folders, the course repository (so
`solutions/`, `exercises/source` and `.git`) and the nbgrader course folder (so the gradebook
and other learners' folders) are moreover hidden behind empty file systems where a visible
path lies inside them. It has no
network, its own process, IPC and host-name namespaces, and limits on memory, CPU time,
processes and file size. When the grader runs as root, learner code runs as an unprivileged
user (`nobody`), because the kernel does not apply a process limit to root.

`python -m grader.sandbox --limits ... -- command` is the first program inside: it sets the
limits, drops privileges, and replaces itself with the command.
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import Problem, UnusableInput

REPO = Path(__file__).resolve().parent.parent
PUBLIC_COURSE_DIRS = ("datasets", "labkit", "grader")
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
HIDDEN_SYSTEM_DIRS = ("/run", "/var/run", "/var/tmp", "/tmp", "/mnt", "/media", "/srv")
INSTALL_HINT = ("install bubblewrap (Debian and Ubuntu: `apt-get install bubblewrap`; Fedora: "
                "`dnf install bubblewrap`), or, accepting that learner code then runs with your "
                "rights and files, pass --SandboxedExecute.unsafe_no_sandbox=True")


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed kernel."""

    memory_mb: int = 4096
    cpu_seconds: int = 600
    processes: int = 64
    file_mb: int = 64
    tmp_mb: int = 256
    user: int = 65534


@dataclass(frozen=True)
class Plan:
    """What one sandbox may see: paths visible read-only, writable, and hidden."""

    writable: tuple[Path, ...]
    visible: tuple[Path, ...] = ()
    hidden: tuple[Path, ...] = ()
    limits: Limits = field(default_factory=Limits)


def default_visible() -> list[Path]:
    """The Python environment (the venv and the interpreter it was made from) and the
    course's public folders."""
    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(os.path.realpath(sys.executable)).parent}
    paths |= {REPO / name for name in PUBLIC_COURSE_DIRS}
    return sorted(p for p in paths if p.exists())


def default_hidden(course_root: Path) -> list[Path]:
    """Home folders, the course repository and the nbgrader course folder."""
    homes = {Path.home(), Path("/root"), Path("/home")}
    return sorted(p.resolve() for p in (*homes, REPO, course_root) if p.exists())


@functools.cache
def bwrap_problem() -> str:
    """Why the sandbox cannot run here, or an empty string when it can."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bwrap (bubblewrap) is not installed"
    probe = [bwrap, *namespace_args(), "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
             "true"]
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap could not be started: {exc}"
    if done.returncode != 0:
        return f"bwrap cannot create a sandbox here: {done.stderr.strip()[:300]}"
    return ""


def require_sandbox() -> None:
    """Raise `UnusableInput` (`sandbox-unavailable`) when bwrap cannot run here."""
    problem = bwrap_problem()
    if problem:
        raise UnusableInput([Problem("sandbox-unavailable", "autograde", problem, None,
                                     INSTALL_HINT)])


def namespace_args() -> list[str]:
    """Every namespace bwrap can give but the user one when running as root (so that the
    kernel can switch to an unprivileged user, which the process limit applies to)."""
    if os.geteuid() == 0:
        return ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    return ["--unshare-all"]


def bwrap_command(command: list[str], plan: Plan, cwd: Path) -> list[str]:
    """`command` wrapped in bwrap and the limits launcher, as `plan` says."""
    args = [shutil.which("bwrap") or "bwrap", *namespace_args(), "--die-with-parent",
            "--new-session", *system_args(), "--proc", "/proc", "--dev", "/dev"]
    bound = [*plan.visible, *plan.writable]
    for path in sorted({*plan.hidden, *map(Path, HIDDEN_SYSTEM_DIRS)}, key=_depth):
        # an empty file system over what would otherwise show: /tmp, a hidden folder inside
        # a system folder, or one that holds a bound path (the rest is absent anyway)
        shown = str(path) == "/tmp" or any(b.is_relative_to(path) for b in bound) or any(
            path.is_relative_to(s) for s in SYSTEM_DIRS)
        if shown and path.exists() and not path.is_symlink():
            args += ["--perms", "1777", "--size", str(plan.limits.tmp_mb << 20), "--tmpfs",
                     str(path)] if str(path) == "/tmp" else ["--tmpfs", str(path)]
    visible = _outermost(plan.visible)
    for folder in _folders_to_make([*visible, *plan.writable]):
        args += ["--perms", "0755", "--dir", str(folder)]
    for path in visible:
        args += ["--ro-bind", str(path), str(path)]
    for path in sorted(set(plan.writable), key=_depth):
        args += ["--bind", str(path), str(path)]
    args += ["--chdir", str(cwd), "--unsetenv", "JPY_PARENT_PID"]
    limits = plan.limits
    # Isolated mode (-I): the launcher runs in the submission folder, which a learner fills;
    # without it, a `grader/sandbox.py` handed in there would run in its place, before the
    # limits are set and, when the grader is root, as root.
    launcher = [sys.executable, "-I", "-m", "grader.sandbox", "--memory-mb",
                str(limits.memory_mb),
                "--cpu-seconds", str(limits.cpu_seconds), "--processes", str(limits.processes),
                "--file-mb", str(limits.file_mb), "--user", str(limits.user), "--"]
    return [*args, "--", *launcher, *command]


def system_args() -> list[str]:
    """bwrap arguments that show the operating system's folders read-only (a folder that is
    a link, as `/bin` is to `usr/bin` on most systems, becomes the same link)."""
    args = []
    for name in SYSTEM_DIRS:
        path = Path(name)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), name]
        elif path.is_dir():
            args += ["--ro-bind", name, name]
    return args


def _depth(path: Path) -> tuple[int, str]:
    return len(path.parts), str(path)


def _outermost(paths: tuple[Path, ...]) -> list[Path]:
    """The paths that are not inside another of them, outermost first."""
    unique = sorted(set(paths), key=_depth)
    return [p for p in unique if not any(o != p and p.is_relative_to(o) for o in unique)]


def _folders_to_make(paths: list[Path]) -> list[Path]:
    """The folders above the paths bound into the sandbox that its own root lacks (all but
    the system folders), which bwrap would otherwise create readable by their owner only."""
    system = [Path(name) for name in SYSTEM_DIRS]
    folders = {parent for path in paths for parent in path.parents
               if parent != Path("/") and not any(parent.is_relative_to(s) for s in system)}
    return sorted(folders, key=_depth)


def share_with_sandbox_user(paths: list[Path], limits: Limits) -> None:
    """When running as root, give the unprivileged sandbox user the writable paths (the
    submission folder and the kernel's socket folder) and everything in them."""
    if os.geteuid() != 0:
        return
    for path in paths:
        for item in [path, *path.rglob("*")]:
            if not item.is_symlink():
                os.chown(item, limits.user, limits.user)


def _limit(kind: int, value: int) -> None:
    _, hard = resource.getrlimit(kind)
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)
    resource.setrlimit(kind, (value, value))


def launch(argv: list[str] | None = None) -> None:
    """Inside the sandbox: set the limits, drop root, and become the command."""
    parser = argparse.ArgumentParser(prog="python -m grader.sandbox")
    for name in ("--memory-mb", "--cpu-seconds", "--processes", "--file-mb", "--user"):
        parser.add_argument(name, type=int, required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    _limit(resource.RLIMIT_AS, args.memory_mb << 20)
    _limit(resource.RLIMIT_CPU, args.cpu_seconds)
    _limit(resource.RLIMIT_FSIZE, args.file_mb << 20)
    _limit(resource.RLIMIT_CORE, 0)
    if os.geteuid() == 0:
        os.setgroups([])
        os.setgid(args.user)
        os.setuid(args.user)
    _limit(resource.RLIMIT_NPROC, args.processes)
    os.execvp(command[0], command)


if __name__ == "__main__":
    launch()
