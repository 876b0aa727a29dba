"""`grader taxonomy validate` on the course's codebook and on broken copies of it."""

from __future__ import annotations

import yaml

from tests.conftest import ROOT

CODEBOOK = ROOT / "datasets" / "taxonomy" / "codebook.yaml"


def test_course_codebook_is_valid(grader_cli):
    run = grader_cli("taxonomy", "validate", CODEBOOK)
    assert run.returncode == 0, run.stderr
    assert "valid codebook" in run.stdout


def _broken_copy(tmp_path, mutate):
    data = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "team.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_every_problem_reported_with_its_line(grader_cli, tmp_path):
    def mutate(data):
        first = data["families"][0]["codes"][0]
        first["examples"] = first["examples"][:1]
        del data["families"][1]["codes"][0]["definition"]
        data["families"][2]["codes"][0]["colour"] = "red"

    path = _broken_copy(tmp_path, mutate)
    run = grader_cli("taxonomy", "validate", path)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    lines = path.read_text().splitlines()
    reported = [line for line in run.stderr.splitlines() if "[codebook-invalid]" in line]
    assert len(reported) == 3
    for report, field in zip(reported, ["examples", "codes.0", "colour"], strict=True):
        assert field in report
        line_no = int(report.split(" line ")[1].split(":")[0])
        assert 1 <= line_no <= len(lines)
    colour_line = int(reported[2].split(" line ")[1].split(":")[0])
    assert "colour" in lines[colour_line - 1]


def test_dangling_references_are_found(grader_cli, tmp_path):
    def mutate(data):
        data["families"][0]["codes"][0]["not_when"][0]["code"] = "no-such-code"
        data["families"][0]["codes"][1]["root_causes"] = ["astrology"]
        data["families"][0]["codes"][2]["id"] = data["families"][0]["codes"][0]["id"]

    run = grader_cli("taxonomy", "validate", _broken_copy(tmp_path, mutate))
    assert run.returncode == 2
    assert "neighbour 'no-such-code'" in run.stderr
    assert "unknown layer 'astrology'" in run.stderr
    assert "is defined twice" in run.stderr


def test_yaml_syntax_error_and_missing_file(grader_cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nfamilies:\n  - id: a\n   codes: [\n")
    run = grader_cli("taxonomy", "validate", bad)
    assert run.returncode == 2 and "[yaml-syntax]" in run.stderr and " line " in run.stderr
    run = grader_cli("taxonomy", "validate", tmp_path / "absent.yaml")
    assert run.returncode == 2 and "Traceback" not in run.stderr
