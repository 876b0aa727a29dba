"""What learner code can see inside the sandbox: a list of what it needs, not the host's file
system with parts hidden. A second copy of the course elsewhere on the machine (another
clone, a backup) must not exist inside: a fresh clone graded beside the mentor's working copy
once let a learner's search find the working copy's answer files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.sandbox import (
    REPO,
    SYSTEM_DIRS,
    Limits,
    Plan,
    bwrap_command,
    bwrap_problem,
    default_hidden,
    default_visible,
)

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None or bool(bwrap_problem()),
                                reason="bubblewrap cannot run here")

LOOK = """
import json, os, sys
repo, parent = sys.argv[1], os.path.dirname(sys.argv[1])
print(json.dumps({"root": sorted(os.listdir("/")),
                  "empty": sorted(n for n in os.listdir("/") if os.path.isdir("/" + n)
                                  and not os.path.islink("/" + n) and not os.listdir("/" + n)),
                  "beside_repo": sorted(os.listdir(parent)) if os.path.isdir(parent) else [],
                  "repo": sorted(os.listdir(repo)) if os.path.isdir(repo) else [],
                  "solutions": os.path.exists(os.path.join(repo, "solutions"))}))
"""


def test_the_sandbox_shows_only_what_it_needs(tmp_path):
    submission = tmp_path / "submission"
    submission.mkdir()
    plan = Plan(writable=(submission,), visible=tuple(default_visible()),
                hidden=tuple(default_hidden(tmp_path)), limits=Limits(user=0))
    command = bwrap_command([sys.executable, "-c", LOOK, str(REPO)], plan, submission)
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert not seen["solutions"]
    assert set(seen["repo"]) <= {"datasets", "labkit", "grader", ".venv"}, seen["repo"]
    bound = [*default_visible(), submission]
    if REPO.parent != Path("/"):  # no sibling of the course folder, such as another clone,
        beside = {p.relative_to(REPO.parent).parts[0] for p in bound  # but what holds a
                  if p.is_relative_to(REPO.parent) and p != REPO.parent}  # bound path
        assert set(seen["beside_repo"]) == beside | {REPO.name}, seen["beside_repo"]
    needed = {Path(p).parts[1] for p in bound}
    allowed = {name.strip("/") for name in SYSTEM_DIRS} | {"proc", "dev", "tmp"} | needed
    extra = set(seen["root"]) - allowed  # only the empty mounts that hide host folders
    assert extra <= set(seen["empty"]), extra - set(seen["empty"])
