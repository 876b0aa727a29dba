"""The learner pack of a practice project: everything a learner needs, and no answer.

A pack is a zip with the released notebook (solutions stripped by nbgrader's own
preprocessors), the public data with its datasheet, the codebook, the `labkit` and `grader`
packages (so `grader check` works; the answer keys live in `solutions/`, which is not in the
pack), a `pyproject.toml` and a `requirements.txt` that pins every dependency with hashes,
exported from the course's `uv.lock`. `make learner-pack` writes one per project into
`dist/`, and the site offers them for download.

`python -m grader.pack --out dist` builds them all.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tomllib
import zipfile
from pathlib import Path

import nbformat

from grader.release import EXERCISES, release_notebook
from grader.rubric import REPO_ROOT

# Public data each project's pack carries, relative to the repository.
PACKS: dict[str, tuple[str, ...]] = {
    # The warm-up's 15 logs come with project 1: the same shop, knowledge base and prompt.
    "failure-audit": ("datasets/support-chat", "datasets/tagging-warmup", "datasets/taxonomy"),
    # The model under test is labkit.advisor; the codebook gives the root-cause layers.
    "red-team-probe": ("datasets/taxonomy",),
    # The three products' native logs; the codebook gives the fixes' owner layers.
    "cross-domain-synthesis": ("datasets/cross-product", "datasets/taxonomy"),
}
# What a pack's README adds for its project.
README_EXTRA = {"failure-audit": """
## The tagging warm-up

Before the project, tag the 15 logs of `datasets/tagging-warmup/logs.jsonl` (the course
site's "Warm-up: tag 15 logs" page shows them, and says how): write
`tagging-warmup/tags.csv` and check it with

```bash
.venv/bin/grader check --exercise tagging-warmup --submission tagging-warmup/
```
"""}
CODE = ("labkit", "grader")
SKIP = ("__pycache__", ".pyc")
README = """# {title}: learner pack

This folder holds the notebook of the project, the data it uses, and the two packages it
imports: `labkit` (loaders for the data) and `grader` (for `grader check`, which checks your
files before you hand them in; it reads no answer key, and there is none in this pack).

Set up once (Python 3.11 or newer), in this folder:

```bash
python3 -m venv .venv
.venv/bin/pip install --require-hashes -r requirements.txt   # the exact, checked versions
.venv/bin/pip install --no-deps -e .                         # labkit and grader
```

(With uv: `uv venv && uv pip sync requirements.txt && uv pip install --no-deps -e .`)

Then open the notebook with `.venv/bin/jupyter lab {exercise}/{exercise}.ipynb`, work it from
top to bottom, and check your files before you hand them in:

```bash
.venv/bin/grader check --exercise {exercise} --submission {exercise}/
```

Its last line says "ready to submit" (exit status 0) or "not ready yet" (status 3) with what
to fix above it; status 2 means a file cannot be read at all.

The graded cells at the end of the notebook show 0.0 here: your mentor's autograder scores
them from the files the notebook writes. The course site explains how each criterion is graded.
"""


def learner_requirements(uv: str | None = None) -> str:
    """The learner's dependencies pinned with hashes, exported from `uv.lock` (no network)."""
    uv = uv or os.environ.get("UV") or shutil.which("uv") or str(REPO_ROOT / ".tools/bin/uv")
    done = subprocess.run([uv, "export", "--frozen", "--no-default-groups", "--no-emit-project",
                           "--quiet", "--format", "requirements.txt"], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=True, timeout=120)
    return done.stdout


def pack_pyproject() -> str:
    """The pack's `pyproject.toml`: the course's own, without the mentors' groups."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    deps = ",\n".join(f'    "{d}"' for d in project["project"]["dependencies"])
    return f'''[project]
name = "llm-failure-course-learner"
version = "{project["project"]["version"]}"
description = "The learner pack of the LLM failure-analysis course"
requires-python = "{project["project"]["requires-python"]}"
license = {{ text = "MIT" }}
dependencies = [
{deps},
]

[project.scripts]
grader = "grader.cli:main"

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[tool.hatch.build.targets.wheel]
packages = ["grader", "labkit"]
'''


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not any(part in SKIP or p.suffix in SKIP
                                             for part in p.parts))


def build_pack(exercise: str, out: Path, requirements: str | None = None) -> Path:
    """Write `<out>/<exercise>-learner-pack.zip` and return its path."""
    title = nbformat.read(EXERCISES / "source" / exercise / f"{exercise}.ipynb",
                          as_version=4).cells[0].source.splitlines()[0].lstrip("# ")
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{exercise}-learner-pack.zip"
    root = f"{exercise}-learner-pack"
    notebook = release_notebook(EXERCISES / "source" / exercise / f"{exercise}.ipynb")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{root}/{exercise}/{exercise}.ipynb", nbformat.writes(notebook))
        archive.writestr(f"{root}/README.md", README.format(title=title, exercise=exercise)
                         + README_EXTRA.get(exercise, ""))
        archive.writestr(f"{root}/pyproject.toml", pack_pyproject())
        archive.writestr(f"{root}/requirements.txt", requirements or learner_requirements())
        archive.write(REPO_ROOT / "LICENSE", f"{root}/LICENSE")
        for folder in (*PACKS[exercise], *CODE):
            for path in _files(REPO_ROOT / folder):
                archive.write(path, f"{root}/{path.relative_to(REPO_ROOT)}")
    return target


def main(argv: list[str] | None = None) -> None:
    """Build the packs of every practice project (or those named)."""
    parser = argparse.ArgumentParser(prog="python -m grader.pack")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "dist")
    parser.add_argument("exercises", nargs="*", default=list(PACKS))
    args = parser.parse_args(argv)
    requirements = learner_requirements()
    for exercise in args.exercises:
        print(build_pack(exercise, args.out, requirements))


if __name__ == "__main__":
    main()
