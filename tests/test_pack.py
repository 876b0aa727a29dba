"""The learner pack: what a learner receives holds no answer, installs, and runs.

The pack is built as `make learner-pack` builds it. A learner installs it in a fresh
environment from its own pinned requirements (offline here, from uv's cache), works the
notebook, checks the files, and sees no score until the mentor grades.
"""

from __future__ import annotations

import csv
import functools
import json
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml

from grader.pack import build_pack
from tests.conftest import DEMOS, ROOT
from tests.test_nbgrader import answer_key_secrets, learner_notebook, tag_lines

EXERCISE = "failure-audit"


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    return build_pack(EXERCISE, tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def unpacked(pack, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("learner")
    with zipfile.ZipFile(pack) as archive:
        archive.extractall(target)
    return target / f"{EXERCISE}-learner-pack"


def test_pack_holds_what_a_learner_needs(pack):
    names = set(zipfile.ZipFile(pack).namelist())
    root = f"{EXERCISE}-learner-pack/"
    for needed in (f"{EXERCISE}/{EXERCISE}.ipynb", "README.md", "pyproject.toml",
                   "requirements.txt", "datasets/support-chat/logs.jsonl",
                   "datasets/support-chat/DATASHEET.md", "datasets/taxonomy/codebook.yaml",
                   "labkit/__init__.py", "grader/check.py"):
        assert root + needed in names, needed
    assert not [n for n in names if "solutions" in n or n.endswith("answer_key.csv")
                or "exercises/" in n or "__pycache__" in n]


def test_pack_holds_no_answer_text(pack):
    secrets = [s for s in answer_key_secrets() if s not in ("solutions/", "answer_key",
                                                            "planted")]
    planted = yaml.safe_load((ROOT / "solutions" / EXERCISE / "planted_causes.yaml").read_text())
    secrets += [pointer for cause in planted["causes"] for pointer in cause.get("locations", [])
                if "#" in pointer]  # a pointer to the answer's place, as a claim writes it
    answers = (ROOT / "solutions" / EXERCISE / "datasheet-answers.md").read_text()
    distribution = re.findall(r"^\| `[a-z-]+` \| \d+ \|", answers, re.M)
    assert len(distribution) > 10
    with zipfile.ZipFile(pack) as archive:
        for name in archive.namelist():
            text = " ".join(archive.read(name).decode("utf-8", "replace").lower().split())
            found = [s for s in secrets if " ".join(s.lower().split()) in text]
            assert not found, (name, found[:2])
            assert "### begin solution" not in text, name
            assert not [row for row in distribution if row.lower() in text], name


def test_pack_requirements_are_the_learners_only(unpacked):
    requirements = (unpacked / "requirements.txt").read_text(encoding="utf-8")
    assert "--hash=sha256:" in requirements
    for mentor_only in ("nbgrader==", "sqlalchemy==", "pytest==", "mkdocs"):
        assert mentor_only not in requirements
    for learner in ("jupyterlab==", "pandas==", "openai==", "scipy==", "scikit-learn=="):
        assert learner in requirements


@pytest.fixture(scope="module")
def learner_env(unpacked) -> Path:
    """The pack installed as its README says, offline from uv's cache.

    uv installs a requirements file offline only when its cache holds the index pages of
    every package, which a fresh machine that ran `uv sync` (from the lock, without index
    pages) lacks. There the pack gets a venv that sees the course environment's third-party
    packages, and the pack's own `labkit` and `grader` ahead of them: what runs is still the
    pack's code, never the repository's.
    """
    uv = os.environ.get("UV") or str(ROOT / ".tools" / "bin" / "uv")
    venv = unpacked / ".venv"
    python = venv / "bin" / "python"
    run = functools.partial(subprocess.run, cwd=unpacked, capture_output=True, text=True,
                            timeout=600)
    assert run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)]).returncode == 0
    synced = run([uv, "pip", "sync", "--quiet", "--offline", "--python", str(python),
                  "requirements.txt"])
    if synced.returncode == 0:
        done = run([uv, "pip", "install", "--quiet", "--offline", "--no-deps", "--python",
                    str(python), "-e", "."])
        assert done.returncode == 0, done.stderr
        return venv
    assert "network was disabled" in synced.stderr or "offline" in synced.stderr, synced.stderr
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    course_site = sysconfig.get_path("purelib")
    (Path(site.stdout.strip()) / "learner-pack.pth").write_text(
        f"{unpacked}\n{course_site}\n", encoding="utf-8")
    return venv


def test_a_notebook_run_from_the_pack_prints_no_score(unpacked, learner_env, tmp_path):
    from nbclient import NotebookClient

    work = unpacked / EXERCISE
    with (DEMOS / "beginner" / "tags.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    report = (ROOT / "solutions" / EXERCISE / "sample_reports" / "08-adequate-shallow.md"
              ).read_text(encoding="utf-8")
    notebook = learner_notebook(work / f"{EXERCISE}.ipynb", tag_lines(rows), report)
    imports = ("import grader, labkit\nprint('FROM', grader.__file__, labkit.__file__)\n")
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                == "evidence")
    cell.source = imports + cell.source
    python = learner_env / "bin" / "python"
    spec = tmp_path / "kernels" / "pack"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "pack", "language": "python"}))
    env = {**os.environ, "JUPYTER_PATH": str(tmp_path)}
    old = dict(os.environ)
    os.environ.update(env)
    try:
        NotebookClient(notebook, timeout=300, kernel_name="pack",
                       resources={"metadata": {"path": str(work)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    printed = "\n".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
                        for c in notebook.cells if c.cell_type == "code"
                        for o in c.get("outputs", []))
    assert f"FROM {unpacked}" in printed.replace("\n", " ") or str(unpacked) in printed
    graded = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert graded
    for cell in graded:
        texts = [o.get("text", "") for o in cell.outputs]
        values = [o["data"]["text/plain"] for o in cell.outputs if o.get("data")]
        assert values == ["0.0"] and "scored when your mentor autogrades" in "".join(texts)
    assert "Your most frequent mix-up" not in printed and "reference" not in printed.lower() \
        .replace("reference labels", "")
    # Run from the pack's folder, as a learner does (`-m` puts the working folder first).
    check = subprocess.run([str(python), "-m", "grader", "check", "--submission", str(work)],
                           cwd=unpacked, capture_output=True, text=True)
    # 3: usable but not ready (the notebook's report is still the learner's to write)
    assert check.returncode == 3 and "not ready yet" in check.stdout, check.stderr
    assert f"tags.csv: well-formed; {len(rows)} of 100 logs tagged" in check.stdout
    grade = subprocess.run([str(python), "-m", "grader", "grade", "--exercise", EXERCISE,
                            "--submission", str(work)], cwd=unpacked, capture_output=True,
                           text=True)
    assert grade.returncode == 2 and "grading is your mentor's" in grade.stderr


def test_the_site_offers_the_pack(site):
    assert (site / "projects" / f"{EXERCISE}-learner-pack.zip").is_file()
    page = (site / "projects" / EXERCISE / "index.html").read_text(encoding="utf-8")
    assert f"{EXERCISE}-learner-pack.zip" in page
    assert nbformat.reads((site / "projects" / f"{EXERCISE}.ipynb").read_text(), as_version=4)


def test_the_probe_pack_holds_its_notebook_and_no_variants(tmp_path):
    """Project 2's pack: the notebook, the model and grader check; no variant registry, no
    planted causes (a learner's variant token comes from their mentor, one per learner)."""
    pack = build_pack("red-team-probe", tmp_path)
    root = "red-team-probe-learner-pack/"
    with zipfile.ZipFile(pack) as archive:
        names = set(archive.namelist())
        text = "\n".join(archive.read(n).decode("utf-8", "replace") for n in names
                         if n.endswith((".py", ".md", ".ipynb", ".yaml", ".txt", ".toml")))
    for needed in ("red-team-probe/red-team-probe.ipynb", "labkit/advisor.py",
                   "labkit/advisor_server.py", "grader/probe_grade.py",
                   "datasets/taxonomy/codebook.yaml"):
        assert root + needed in names, needed
    assert not [n for n in names if "solutions" in n or "variants.yaml" in n]
    registry = yaml.safe_load((ROOT / "solutions" / "red-team-probe" / "variants.yaml")
                              .read_text(encoding="utf-8"))
    learners = {k: v for k, v in registry["variants"].items() if k != "self-study"}
    assert learners and not [k for k, token in learners.items() if token in text]
    assert "### BEGIN SOLUTION" not in text
    assert "--exercise red-team-probe" in text  # the README's check command


def test_the_synthesis_pack_holds_the_logs_and_no_answer_key(tmp_path):
    """Project 3's pack: the three native logs with their datasheet, the notebook and
    grader check; no gold file, no generator (it knows every planted record), no sample."""
    pack = build_pack("cross-domain-synthesis", tmp_path)
    root = "cross-domain-synthesis-learner-pack/"
    with zipfile.ZipFile(pack) as archive:
        names = set(archive.namelist())
        text = "\n".join(archive.read(n).decode("utf-8", "replace") for n in names
                         if n.endswith((".py", ".md", ".ipynb", ".yaml", ".txt", ".toml")))
    for needed in ("cross-domain-synthesis/cross-domain-synthesis.ipynb",
                   "datasets/cross-product/DATASHEET.md",
                   "datasets/cross-product/search/answers.jsonl",
                   "datasets/cross-product/codegen/forge_export.json",
                   "datasets/cross-product/summaries/summaries.csv",
                   "labkit/crossproduct.py", "grader/synthesis_grade.py"):
        assert root + needed in names, needed
    assert not [n for n in names if "solutions" in n or "gold" in n or "make_data" in n]
    assert "### BEGIN SOLUTION" not in text
    assert "hallucinated-specificity" not in text   # the answer key's name of the pattern
    assert "--exercise cross-domain-synthesis" in text
