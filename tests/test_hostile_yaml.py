"""Codebooks and rubrics built to exhaust the grader: each is a coded problem, exit 2, quickly.

A mentor's or workshop lead's own files go through `labkit.safe_yaml`, as learners' claims
blocks do: aliases, deep nesting, a key written twice and oversized files are refused before
PyYAML builds anything, and a flood of problems is cut with a count of the rest.
"""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from grader.errors import Problem
from tests.conftest import ROOT

CODEBOOK = ROOT / "datasets" / "taxonomy" / "codebook.yaml"
RUBRIC = ROOT / "solutions" / "failure-audit" / "rubric.yaml"

# Nine levels of nine aliases: 9**9 leaves once walked, from under 1 kB of text.
ALIAS_BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, "
    f"*a{i - 1}, *a{i - 1}, *a{i - 1}]\n" for i in range(1, 10))
DEEP = "families: " + "[" * 5000 + "]" * 5000 + "\n"


def codebook_text() -> str:
    return CODEBOOK.read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "code", "needle"), [
    (ALIAS_BOMB, "yaml-syntax", "anchors and aliases"),
    (DEEP, "yaml-syntax", "nest"),  # our limit, or libyaml's own
    (codebook_text().replace("schema_version: 1\n", "schema_version: 1\nschema_version: 1\n", 1),
     "yaml-syntax", "written twice"),
    ("x: " + "y" * 2_100_000 + "\n", "file-too-large", "too long"),
    (codebook_text().replace("\nversion: \"1.1.0\"", "\nversion: one", 1), "codebook-invalid",
     "three numbers joined by dots"),
], ids=["aliases", "deep", "duplicate-key", "too-large", "bad-version"])
def test_hostile_codebooks_are_coded_problems(grader_cli, tmp_path, text, code, needle):
    path = tmp_path / "codebook.yaml"
    path.write_text(text, encoding="utf-8")
    run = grader_cli("taxonomy", "validate", path)
    assert run.returncode == 2, run.stderr
    assert f"[{code}]" in run.stderr and needle in run.stderr
    assert "Traceback" not in run.stderr


def test_the_same_codebooks_through_a_rubric_are_refused(grader_cli, tmp_path):
    rubric = yaml.safe_load(RUBRIC.read_text(encoding="utf-8"))
    for name in ("answer_key.csv", "planted_causes.yaml"):
        shutil.copy(RUBRIC.parent / name, tmp_path / name)
    rubric["codebook"] = "codebook.yaml"
    rubric["claims"]["materials"] = str(ROOT / "datasets" / "support-chat")
    (tmp_path / "rubric.yaml").write_text(yaml.safe_dump(rubric), encoding="utf-8")
    (tmp_path / "codebook.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    run = grader_cli("grade", "--rubric", tmp_path / "rubric.yaml", "--submission",
                     ROOT / "tests" / "demo_submissions" / "failure-audit" / "perfect")
    assert run.returncode == 2, run.stderr
    assert "[yaml-syntax]" in run.stderr and "anchors and aliases" in run.stderr


@pytest.mark.parametrize(("text", "needle"), [
    (ALIAS_BOMB, "anchors and aliases"),
    (RUBRIC.read_text(encoding="utf-8").replace("title:", "exercise: again\ntitle:", 1),
     "written twice"),
], ids=["aliases", "duplicate-key"])
def test_hostile_rubrics_are_coded_problems(grader_cli, tmp_path, text, needle):
    path = tmp_path / "rubric.yaml"
    path.write_text(text, encoding="utf-8")
    run = grader_cli("grade", "--rubric", path, "--submission", tmp_path)
    assert run.returncode == 2, run.stderr
    assert "[rubric-invalid]" in run.stderr and needle in run.stderr


def test_a_flood_of_problems_is_cut_with_a_count(grader_cli, tmp_path):
    data = yaml.safe_load(codebook_text())
    for family in data["families"]:
        for code in family["codes"]:
            code["colour"] = code["size"] = "red"  # two unknown fields per code
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    run = grader_cli("taxonomy", "validate", path)
    assert run.returncode == 2
    reported = [line for line in run.stderr.splitlines() if "[codebook-invalid]" in line]
    assert len(reported) == 26
    more = int(re.search(r"and ([\d,]+) more problems", run.stderr).group(1))
    assert more == 2 * sum(len(f["codes"]) for f in data["families"]) - 25


def test_messages_show_control_characters_instead_of_obeying_them():
    problem = Problem("unknown-label", "tags.csv", "label '\x1b[2J\x00\u202egnp.exe' is unknown")
    assert "\x1b" not in problem.render() and "\x00" not in problem.render()
    assert "\\x1b[2J\\x00\\u202e" in problem.message
