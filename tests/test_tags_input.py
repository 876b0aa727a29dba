"""Every kind of unusable tags.csv gets its coded problem, with file, line and a fix."""

from __future__ import annotations

import pytest

from grader.errors import ERROR_CODES, UnusableInput
from grader.grade import grade_submission
from tests.conftest import write_tags

HEADER = "log_id,label,secondary_labels,note\n"


def problems_of(exercise, folder):
    with pytest.raises(UnusableInput) as caught:
        grade_submission(exercise, folder)
    return caught.value.problems


@pytest.mark.parametrize(
    ("content", "code", "line", "hint_part"),
    [
        (b"", "file-empty", None, "header"),
        (b"   \n\n", "file-empty", None, "header"),
        (b"PK\x03\x04rest-of-a-zip", "not-csv", None, "CSV UTF-8"),
        (b"log_id\tlabel\nSC-001\tno-failure\n", "not-csv", 1, "commas"),
        (b'log_id,label\nSC-001,"no-failure\n', "not-csv", 2, "quote"),
        (b"id,label\nSC-001,no-failure\n", "missing-column", 1, "log_id,label"),
        (b"log_id,label\nSC-001,no-failure\nSC-002,caf\xe9\n", "encoding", 3, "UTF-8"),
        (b"log_id,label\nSC-001,halucination\n", "unknown-label", 2, "fabricated-fact"),
        (b"log_id,label\nSC-001,of-topic\n", "unknown-label", 2, "off-topic"),
        (b"log_id,label\nSC-001,hallucination\n", "unknown-label", 2, "fabricated-fact"),
        (b"log_id,label,secondary_labels\nSC-001,no-failure,zzqx\n", "unknown-label",
         2, "taxonomy"),
        (b"log_id,label\nSC-001,no-failure\nSC-001,off-topic\n", "duplicate-log-id", 3, "line 2"),
        (b"log_id,label\nSC-001,\n", "empty-value", 2, "label"),
        (b"log_id,label,note\nSC-001,no-failure,fine, really\n", "bad-row", 2, "quote"),
    ],
)
def test_each_bad_input_has_its_code(exercise, tmp_path, content, code, line, hint_part):
    problems = problems_of(exercise, write_tags(tmp_path / "sub", content))
    first = problems[0]
    assert first.code == code
    assert first.line == line
    assert hint_part in first.hint
    assert first.file in {"tags.csv", str(tmp_path / "sub")}
    assert first.code in ERROR_CODES


def test_missing_folder_and_missing_file(exercise, tmp_path):
    assert problems_of(exercise, tmp_path / "nowhere")[0].code == "submission-not-found"
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "Tags.CSV").write_text("log_id,label\n")
    [problem] = problems_of(exercise, tmp_path / "sub")
    assert problem.code == "file-missing"
    assert "Tags.CSV" in problem.hint


def test_every_problem_is_reported_at_once(exercise, tmp_path):
    content = HEADER + (
        "SC-001,halucination,,\nSC-002,no-failure,,\nSC-002,off-topic,,\nSC-999,x,,\n")
    codes = [p.code for p in problems_of(exercise, write_tags(tmp_path / "s", content))]
    assert codes == ["unknown-label", "duplicate-log-id", "unknown-log-id"]  # SC-999: skipped


def test_rows_of_unknown_logs_are_skipped_with_a_fix_and_the_rest_graded(exercise, tmp_path):
    """Ids match exactly after trimming: a case mismatch and an unknown id are reported and
    skipped, not fatal; the hint names the id meant."""
    content = HEADER + " SC-001 ,no-failure,,\nsc-002,no-failure,,\nSC-101,no-failure,,\n"
    grade = grade_submission(exercise, write_tags(tmp_path / "s", content.encode()))
    assert [(p.code, p.line) for p in grade.skipped] == [("unknown-log-id", 3),
                                                         ("unknown-log-id", 4)]
    assert "case included: write 'SC-002'" in grade.skipped[0].hint
    assert "did you mean 'SC-10" in grade.skipped[1].hint
    assert [t.log_id for t in grade.context.tags] == ["SC-001"]


def test_forgiving_about_case_bom_and_spacing(exercise, tmp_path):
    content = "\ufeffLog_ID , Label\n SC-001 , No Failure \nSC-002,OFF_TOPIC\n"
    folder = write_tags(tmp_path / "s", content.encode("utf-8"))
    grade = grade_submission(exercise, folder)
    assert [t.label for t in grade.context.tags] == ["no-failure", "off-topic"]


def test_secondary_equal_to_primary_is_dropped(exercise, tmp_path):
    folder = write_tags(tmp_path / "s", HEADER + "SC-001,off-topic,off-topic;tone-mismatch,\n")
    [tag] = grade_submission(exercise, folder).context.tags
    assert tag.secondary == ("tone-mismatch",)
