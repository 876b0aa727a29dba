"""A workshop's own exercise end to end (issue 12, item 5), on a dataset that is not the
course's: Tern Valley Libraries' single-turn assistant (`solutions/workshop-example/`, see its
DATASHEET.md), with `tv-0412-a` ids and a four-code taxonomy. From `grader new-exercise` on
a CSV export, through the participants' self-check on the handout, to `grade-batch` and the
cohort report, which must flag the key error planted in the example (tv-0430-b). The
expected scores are worked out here from the files, not read back from the grader."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from labkit import exercise_logs_frame, load_codebook
from tests.conftest import ROOT
from tests.test_error_catalogue import in_process

WORKSHOP = ROOT / "solutions" / "workshop-example"
PARTICIPANTS = WORKSHOP / "participants"
PLANTED_KEY_ERROR = "tv-0430-b"


def rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory) -> Path:
    """The exercise folder as `grader new-exercise` writes it, before the key is filled."""
    folder = tmp_path_factory.mktemp("workshop") / "tern valley"  # a space in the path
    run = in_process(["new-exercise", "--logs", str(WORKSHOP / "conversations.csv"),
                      "--codebook", str(WORKSHOP / "codebook.yaml"), "--include",
                      str(WORKSHOP / "facts.md"), "--id-column", "conversation",
                      "--input-column", "question", "--output-column", "answer",
                      "--title", "Ask Tern Valley audit", "--out", str(folder)])
    assert run.returncode == 0, run.stdout + run.stderr
    return folder


@pytest.fixture(scope="module")
def exercise(scaffold, tmp_path_factory) -> Path:
    """A copy of the scaffold with the workshop lead's answer key filled in."""
    folder = tmp_path_factory.mktemp("filled") / "tern"
    shutil.copytree(scaffold, folder)
    shutil.copyfile(WORKSHOP / "answer_key.csv", folder / "answer_key.csv")
    return folder


def test_the_scaffold_holds_the_logs_a_key_to_fill_and_a_handout_without_answers(scaffold):
    source = rows(WORKSHOP / "conversations.csv")
    key = rows(scaffold / "answer_key.csv")
    assert [r["log_id"] for r in key] == [r["conversation"] for r in source]
    assert all(not r["label"] and not r["rationale"] for r in key)
    handout = {p.name for p in (scaffold / "handout").iterdir()}
    assert handout == {"codebook.yaml", "logs.jsonl", "facts.md", "tags.csv"}
    logs = [json.loads(line) for line in (scaffold / "logs.jsonl").read_text().splitlines()]
    assert logs[0]["turns"][1] == {"role": "assistant", "text": source[0]["answer"]}
    assert logs[0]["metadata"] == {"branch": source[0]["branch"]}
    assert "answered-well" in (scaffold / "README.md").read_text()


def test_a_key_not_yet_filled_stops_grading_with_the_lines_to_fill(scaffold, tmp_path):
    (tmp_path / "p").mkdir()
    shutil.copyfile(PARTICIPANTS / "ana" / "tags.csv", tmp_path / "p" / "tags.csv")
    run = in_process(["grade", "--exercise", str(scaffold), "--submission", str(tmp_path / "p")])
    assert run.returncode == 2
    assert "answer_key.csv line 2: blank label, rationale [answer-key-invalid]" in run.stderr


def test_a_second_scaffold_into_the_same_folder_is_refused(scaffold):
    before = sorted(p.name for p in scaffold.rglob("*"))
    run = in_process(["new-exercise", "--logs", str(WORKSHOP / "conversations.csv"),
                      "--codebook", str(WORKSHOP / "codebook.yaml"), "--id-column",
                      "conversation", "--out", str(scaffold)])
    assert run.returncode == 2 and "[output-refused]" in run.stderr
    assert sorted(p.name for p in scaffold.rglob("*")) == before


def test_a_csv_without_the_named_columns_is_a_coded_problem(tmp_path):
    run = in_process(["new-exercise", "--logs", str(WORKSHOP / "conversations.csv"),
                      "--codebook", str(WORKSHOP / "codebook.yaml"), "--out",
                      str(tmp_path / "x")])
    assert run.returncode == 2 and "[logs-invalid]" in run.stderr
    assert "conversation, question, answer, branch" in run.stderr  # what the header has
    assert not (tmp_path / "x").exists() and list(tmp_path.iterdir()) == []


def test_labkit_loads_the_handouts_logs(exercise):
    frame = exercise_logs_frame(exercise / "handout")
    source = rows(WORKSHOP / "conversations.csv")
    assert list(frame["log_id"]) == [r["conversation"] for r in source]
    assert list(frame["output"]) == [r["answer"] for r in source]
    assert set(frame["branch"]) == {r["branch"] for r in source}


def check(exercise: Path, name: str):
    return in_process(["check", "--exercise", str(exercise / "handout"), "--submission",
                       str(PARTICIPANTS / name)])


def test_participants_check_their_files_against_the_handout(exercise):
    ana = check(exercise, "ana")
    assert ana.returncode == 0 and "40 of 40 logs tagged" in ana.stdout
    assert "ready to submit" in ana.stdout
    ben = check(exercise, "ben")  # every id in upper case
    assert ben.returncode == 3 and "not ready yet" in ben.stdout
    assert "case included: write 'tv-0412-a'" in ben.stdout
    hana = check(exercise, "hana")  # a code of the course's taxonomy, not this one
    assert hana.returncode == 2 and "[unknown-label]" in hana.stderr
    assert "'fabricated-fact' is not in taxonomy v0.1.0" in hana.stderr


def expected_agreement(name: str) -> float:
    """tags.agreement (80 points, family credit 0.5) of a participant, from the files."""
    codebook = load_codebook(WORKSHOP / "codebook.yaml")
    key = {r["log_id"]: r for r in rows(WORKSHOP / "answer_key.csv")}
    given = {}
    for row in rows(PARTICIPANTS / name / "tags.csv"):
        log_id, label = row["log_id"].strip(), row["label"].strip().lower().replace(" ", "-")
        if log_id in key:  # exact ids: other rows are skipped
            given[log_id] = label
    credit = 0.0
    for log_id, entry in key.items():
        correct = {entry["label"], *filter(None, entry["accepted"].split(";"))}
        label = given.get(log_id)
        if label in correct:
            credit += 1
        elif label is not None and codebook.family_of[label] in {
                codebook.family_of[c] for c in correct}:
            credit += 0.5
    return round(80 * credit / len(key), 2)


@pytest.fixture(scope="module")
def batch(exercise, tmp_path_factory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("batch") / "results"
    run = in_process(["grade-batch", "--exercise", str(exercise), "--cohort", str(PARTICIPANTS),
                      "--out", str(out), "--workers", "1", "--quiet"])
    return out, run


def test_the_batch_grades_every_usable_hand_in_and_lists_the_rest(batch):
    out, run = batch
    assert run.returncode == 2, run.stdout + run.stderr  # hana's file is unusable
    scores = {r["learner"]: r for r in rows(out / "scores.csv")}
    assert set(scores) == {"ana", "ben", "chloé", "dev kumar", "eli", "fay", "gus"}
    for name in ("ana", "chloé", "dev kumar", "eli", "fay", "gus"):
        assert float(scores[name]["tags.agreement"]) == pytest.approx(
            expected_agreement(name), abs=0.01), name
    assert scores["ben"]["tags.agreement.status"] == "invalid"
    failures = rows(out / "failures.csv")
    assert {(f["learner"], f["code"]) for f in failures} == {("hana", "unknown-label")}
    assert "note for eli: 3 row(s) of tags.csv skipped" in run.stdout
    ben = json.loads((out / "feedback" / "ben.json").read_text(encoding="utf-8"))
    assert len(ben["skipped_rows"]) == 40
    assert "None of the 40 rows" in ben["criteria"][0]["feedback"]


def test_the_cohort_report_flags_the_planted_key_error(exercise, tmp_path):
    run = in_process(["cohort-report", "--exercise", str(exercise), "--cohort",
                      str(PARTICIPANTS), "--out", str(tmp_path / "report")])
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    flagged = {flag["log_id"]: flag for flag in report["possible_key_errors"]}
    assert set(flagged) == {PLANTED_KEY_ERROR}
    assert flagged[PLANTED_KEY_ERROR]["cohort_label"] == "contradicts-facts"
    assert "Ask Tern Valley audit" in (tmp_path / "report" / "report.html").read_text()


def test_a_misspelt_rubric_parameter_is_refused_with_its_line(exercise, tmp_path):
    folder = tmp_path / "tern"
    shutil.copytree(exercise, folder)
    rubric = folder / "rubric.yaml"
    text = rubric.read_text(encoding="utf-8").replace("family_credit:", "family_credits:")
    rubric.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    family_credits: 0.5") + 1
    run = in_process(["grade", "--exercise", str(folder), "--submission",
                      str(PARTICIPANTS / "ana")])
    assert run.returncode == 2
    assert f"rubric.yaml line {line}: tags.agreement: params.family_credits" in run.stderr
    assert "[rubric-invalid]" in run.stderr


def test_report_evidence_cites_the_exercises_own_ids(exercise, tmp_path):
    """A report's evidence resolves against this exercise's logs: its ids and the
    assistant's words; an id in the wrong case is named with the id meant."""
    key = [r for r in rows(WORKSHOP / "answer_key.csv") if r["label"] == "contradicts-facts"]
    answers = {r["conversation"]: r["answer"] for r in rows(WORKSHOP / "conversations.csv")}
    cited = [(r["log_id"], " ".join(answers[r["log_id"]].split()[:6])) for r in key[:4]]
    evidence = "".join(f"  - log: {log}\n    quote: \"{quote}\"\n" for log, quote in cited[:3])
    wrong_case = cited[3][0].upper()
    evidence += f"  - log: {wrong_case}\n    quote: \"{cited[3][1]}\"\n"
    folder = tmp_path / "p"
    folder.mkdir()
    shutil.copyfile(PARTICIPANTS / "ana" / "tags.csv", folder / "tags.csv")
    (folder / "report.md").write_text(
        "---\nfinding: contradicts-facts\ncount: 10\nevidence:\n" + evidence
        + "cause:\n  layer: retrieval\n  location: model\nfix:\n  target: model\n"
        "  change: \"Give the assistant the current facts page for every branch.\"\n"
        "verify:\n  metric: \"replies contradicting facts.md on the 10 logs\"\n"
        "  target: \"0 of 10\"\n---\n\n# Audit\n", encoding="utf-8")
    run = in_process(["check", "--exercise", str(exercise / "handout"), "--submission",
                      str(folder)])
    output = run.stdout + run.stderr
    assert "[quote-not-found]" not in output
    assert output.count("[unknown-log-id]") == 1, output
    assert f"evidence[4].log '{wrong_case}'" in output
    assert f"case included: write '{cited[3][0]}'" in output


@pytest.mark.parametrize(("lines", "line", "message"), [
    (['{"id": "a", "input": "q", "output": "r"}', '{"id": " a ", "output": "s"}'], 2,
     "id 'a' is used again"),
    (['{"id": "a\\tb", "output": "r"}'], 1, "without tabs"),
    (['{"input": "q", "output": "r"}'], 1, "id: Field required"),
    (['{"id": "a"}'], 1, "turns: Field required"),
    (['["a", "q"]'], 1, "Input should be a valid dictionary"),
    (['{"id": "a", "output": "r"'], 1, "not JSON"),
    ([], None, "holds no logs"),
])
def test_a_logs_file_that_cannot_be_read_names_its_line(tmp_path, lines, line, message):
    from labkit.exercise_logs import LogsProblem, load_exercise_logs

    (tmp_path / "logs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(LogsProblem) as caught:
        load_exercise_logs(tmp_path)
    assert caught.value.line == line and message in caught.value.message


def test_the_generic_format_takes_either_shape_and_the_courses_logs(tmp_path):
    from labkit.exercise_logs import load_exercise_logs

    (tmp_path / "logs.jsonl").write_text(
        '{"log_id": 17, "input": "q", "output": "r", "channel": "web"}\n'
        '{"id": "ticket 18", "turns": [{"role": "user", "text": "q"}, '
        '{"role": "bot", "text": "r"}]}\n', encoding="utf-8")
    first, second = load_exercise_logs(tmp_path)
    assert (first.id, first.metadata, first.model_texts) == ("17", {"channel": "web"}, ["r"])
    assert (second.id, second.model_texts) == ("ticket 18", ["r"])
    course = load_exercise_logs(ROOT / "datasets" / "support-chat")
    assert [log.id for log in course][:2] == ["SC-001", "SC-002"]
    assert course[0].metadata["channel"] in {"web", "app", "social"}


def test_every_skipped_row_of_ids_in_the_wrong_case_names_the_id_meant(exercise):
    ben = check(exercise, "ben")
    run = in_process(["grade", "--exercise", str(exercise), "--submission",
                      str(PARTICIPANTS / "ben"), "--format", "json"])
    skipped = json.loads(run.stdout)["skipped_rows"]
    assert len(skipped) == 40
    assert all("ids are matched exactly, case included: write 'tv-" in r["hint"]
               for r in skipped)
    assert "... and 30 more such rows" in ben.stdout  # the check lists ten in full


def test_a_key_and_logs_that_drift_apart_are_refused_with_the_ids(exercise, tmp_path):
    folder = tmp_path / "tern"
    shutil.copytree(exercise, folder)
    key = (folder / "answer_key.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    dropped = key.pop(1).split(",")[0]
    key.append("tv-9000-z,answered-well,,,,A row for a log that is not there.\n")
    (folder / "answer_key.csv").write_text("".join(key), encoding="utf-8")
    run = in_process(["grade", "--exercise", str(folder), "--submission",
                      str(PARTICIPANTS / "ana")])
    assert run.returncode == 2
    assert "log 'tv-9000-z' is not in logs.jsonl [answer-key-invalid]" in run.stderr
    assert f"no row for log '{dropped}' of logs.jsonl [answer-key-invalid]" in run.stderr


def test_grading_the_handout_points_to_the_exercise_folder(exercise):
    run = in_process(["grade", "--exercise", str(exercise / "handout"), "--submission",
                      str(PARTICIPANTS / "ana")])
    assert run.returncode == 2 and "[rubric-invalid]" in run.stderr
    assert f"--exercise {exercise}" in run.stderr


def test_checking_without_the_exercise_says_which_exercise_was_meant():
    run = in_process(["check", "--submission", str(PARTICIPANTS / "ana")])
    assert "not ready yet" in run.stdout
    assert "for a workshop's own exercise, add --exercise" in run.stdout


def test_new_exercise_reports_every_bad_row_and_reads_csv_by_content(tmp_path):
    codebook = str(WORKSHOP / "codebook.yaml")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,input,output\na,q,\nb,,r\na,q,r\nc,q,r\nc,q,r\n", encoding="utf-8")
    run = in_process(["new-exercise", "--logs", str(bad), "--codebook", codebook,
                      "--out", str(tmp_path / "x")])
    assert run.returncode == 2 and not (tmp_path / "x").exists()
    assert "bad.csv line 2: 'output' is blank [logs-invalid]" in run.stderr
    assert "bad.csv line 3: 'input' is blank [logs-invalid]" in run.stderr
    assert "bad.csv line 6: id 'c' is used again [logs-invalid]" in run.stderr
    semicolons = tmp_path / "semi.csv"
    semicolons.write_text("id;input;output\na;q;r\n", encoding="utf-8")
    run = in_process(["new-exercise", "--logs", str(semicolons), "--codebook", codebook,
                      "--out", str(tmp_path / "x")])
    assert "the header has no commas [logs-invalid]" in run.stderr
    text = tmp_path / "export.txt"  # a CSV by its content, into an existing empty folder
    text.write_text("id,input,output\na,q,r\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    run = in_process(["new-exercise", "--logs", str(text), "--codebook", codebook,
                      "--out", str(tmp_path / "empty")])
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "empty" / "handout" / "tags.csv").read_text() == \
        "log_id,label,secondary_labels,note\na,,,\n"
    run = in_process(["new-exercise", "--logs", str(text), "--codebook", codebook,
                      "--include", str(tmp_path), "--out", str(tmp_path / "y")])
    assert run.returncode == 2 and "is a folder, not a file [file-missing]" in run.stderr
