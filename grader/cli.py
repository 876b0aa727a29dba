"""The `grader` command line: grade a submission, validate a codebook.

Exit status: 0 graded (or valid), 2 the input is unusable (a coded message, no traceback),
1 an internal error (a bug: please report it).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from typer.exceptions import TyperException

from grader.errors import Problem, UnusableInput
from grader.output import check_output, write_output

if TYPE_CHECKING:
    from grader.grade import Exercise

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Grade LLM failure-analysis exercises and check taxonomies.")
taxonomy_app = typer.Typer(no_args_is_help=True, help="Work with taxonomy codebooks.")
app.add_typer(taxonomy_app, name="taxonomy")


class Format(StrEnum):
    text = "text"
    json = "json"
    html = "html"


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        write_output(text, out)


# `grader check`'s status when the files are usable but not ready to hand in (0: ready, 2:
# unusable), so a script or a pre-submit hook can stop on it.
NOT_READY = 3
FORCE_HELP = "Replace the --out file if it exists (never the files being graded)."
COURSE_CHECK_NOTE = ("note: checked against the course's failure audit (its logs and "
                     "taxonomy); for the tagging warm-up, add --exercise tagging-warmup; for "
                     "a workshop's own exercise, add --exercise with the handout folder you "
                     "were given.")
EXERCISE_HELP = ("A course exercise id (tagging-warmup, failure-audit, red-team-probe, "
                 "cross-domain-synthesis) or the folder of your own exercise (made by "
                 "`grader new-exercise`).")


@app.command()
def grade(
    submission: Annotated[Path, typer.Option(help="Folder holding the learner's files.")],
    exercise: Annotated[str, typer.Option(
        help=EXERCISE_HELP)] = "",
    rubric: Annotated[Path | None, typer.Option(
        help="A rubric YAML of your own (its answer key and codebook beside it).")] = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
    out: Annotated[Path | None, typer.Option(help="Write to this file, not stdout.")] = None,
    force: Annotated[bool, typer.Option(help=FORCE_HELP)] = False,
    released: Annotated[bool, typer.Option(
        help="Show reference labels and rationales (after the deadline only).")] = False,
    learner: Annotated[str, typer.Option(
        help="Red-team probe: whose folder this is; the log must then be of that learner's "
             "own model variant (as nbgrader's autograde requires).")] = "",
) -> None:
    """Grade one submission folder against an exercise's answer key."""
    from grader.exercise_folder import folder_rubric, is_exercise_folder
    from grader.rubric import exercise_rubric, known_exercises

    if rubric is None and exercise and is_exercise_folder(exercise):
        rubric = folder_rubric(Path(exercise))
    if rubric is None:
        if not known_exercises():
            typer.echo("No answer keys are here: grading is your mentor's. To check your files "
                       "before you hand them in, run `grader check`.", err=True)
            raise typer.Exit(2)
        if exercise not in known_exercises():
            raise typer.BadParameter(
                f"'{exercise}' is not an exercise; choose one of: {', '.join(known_exercises())}",
                param_hint="--exercise")
        rubric = exercise_rubric(exercise)
    from grader.rubric import rubric_kind

    kind = rubric_kind(rubric)
    if kind == "probe":
        _grade_probe(rubric, submission, format, out, force, released, learner)
        return
    if kind == "synthesis":
        _grade_synthesis(rubric, submission, format, out, force, released)
        return
    from grader.feedback import feedback_dict, render_html, render_text
    from grader.grade import grade_submission, load_exercise

    try:
        if out is not None:  # before anything is read, then again once every input is known
            check_output(out, force=force, protected=[rubric, *_files_in(submission)])
        loaded = load_exercise(rubric)
        if out is not None:
            check_output(out, force=force, protected=graded_files(loaded, rubric, submission))
        result = grade_submission(loaded, submission)
    except UnusableInput as error:
        _refuse(error, format, out)
    data = feedback_dict(result, "released" if released else "formative")
    _emit_feedback(data, format, out, render_html, render_text)


def _refuse(error: UnusableInput, format: Format, out: Path | None) -> NoReturn:
    """Report unusable input (as JSON where the result would have gone) and exit 2."""
    from grader.feedback import error_dict

    refused = any(p.code == "output-refused" for p in error.problems)
    if format is Format.json:  # the error object, where the result would have gone
        _emit(json.dumps(error_dict(error), indent=2), None if refused else out)
    else:
        typer.echo(str(error), err=True)
    raise typer.Exit(2) from None


def _emit_feedback(data: dict, format: Format, out: Path | None,
                   html: Callable[[dict], str], text: Callable[[dict], str]) -> None:
    """Write feedback `data` in `format`, with the project's own HTML and text renderers."""
    if format is Format.json:
        _emit(json.dumps(data, indent=2), out)
    elif format is Format.html:
        _emit(html(data), out)
    else:
        _emit(text(data), out)


def _grade_probe(rubric: Path, submission: Path, format: Format, out: Path | None,
                 force: bool, released: bool, learner: str) -> None:
    """`grader grade` of a probe exercise (practice project 2), of `learner`'s folder when
    one is named."""
    from grader.probe_grade import grade_probe, load_probe_exercise, probe_grade_of

    def grade(loaded: object, folder: Path) -> object:
        return (probe_grade_of(loaded, folder, learner)[0] if learner
                else grade_probe(loaded, folder))

    _grade_scored(rubric, submission, format, out, force, released, load_probe_exercise,
                  grade)


def _grade_synthesis(rubric: Path, submission: Path, format: Format, out: Path | None,
                     force: bool, released: bool) -> None:
    """`grader grade` of a synthesis exercise (practice project 3)."""
    from grader.synthesis_grade import grade_synthesis, load_synthesis_exercise

    _grade_scored(rubric, submission, format, out, force, released, load_synthesis_exercise,
                  grade_synthesis)


def _grade_scored(rubric: Path, submission: Path, format: Format, out: Path | None,
                  force: bool, released: bool, load: Callable[[Path], object],
                  grade: Callable[[object, Path], object]) -> None:
    """Load an exercise whose grade is a list of scores (projects 2 and 3), grade one
    folder, and print its feedback; `--out` may replace none of the files it reads."""
    from grader.grade_feedback import grade_feedback_dict, render_grade_html, render_grade_text

    try:
        if out is not None:
            check_output(out, force=force, protected=[rubric, *_files_in(submission)])
        loaded = load(rubric)
        if out is not None:
            check_output(out, force=force, protected=[*loaded.files, *_files_in(submission)])
        result = grade(loaded, submission)
    except UnusableInput as error:
        _refuse(error, format, out)
    data = grade_feedback_dict(result, "released" if released else "formative")
    _emit_feedback(data, format, out, render_grade_html, render_grade_text)


def graded_files(exercise: Exercise, rubric_path: Path, submission: Path) -> list[Path]:
    """Every file a grading run reads, which `--out` may never replace."""
    rubric = exercise.rubric
    files = [*_files_in(submission), rubric_path, rubric.answer_key, rubric.codebook]
    if rubric.claims is not None:
        files += [rubric.claims.planted_causes, *_files_in(rubric.claims.materials)]
    return files


def _course_rubric(exercise: str) -> Path:
    """The rubric of one of the course's exercises, or of an exercise folder; a usage error
    for another name."""
    from grader.exercise_folder import folder_rubric, is_exercise_folder
    from grader.rubric import exercise_rubric, known_exercises

    if exercise and is_exercise_folder(exercise):
        return folder_rubric(Path(exercise))
    if exercise not in known_exercises():
        raise typer.BadParameter(
            f"'{exercise}' is not an exercise; choose one of: "
            f"{', '.join(known_exercises()) or '(none here)'}", param_hint="--exercise")
    return exercise_rubric(exercise)


def _files_in(folder: Path) -> list[Path]:
    """The entries of `folder`; none when it is not a folder that can be listed."""
    try:
        return list(folder.iterdir())
    except OSError:
        return []


@app.command("grade-batch")
def grade_batch(
    cohort: Annotated[Path, typer.Option(
        help="The learners' folders: nbgrader's submitted/ (<learner>/<exercise>/) or one "
             "folder per learner.")],
    out: Annotated[Path, typer.Option(
        help="Folder for feedback/, scores.csv, failures.csv and manifest.json; a rerun into "
             "it grades only what is new or changed.")],
    exercise: Annotated[str, typer.Option(help=EXERCISE_HELP)] = "",
    rubric: Annotated[Path | None, typer.Option(
        help="A rubric YAML of your own (its answer key and codebook beside it).")] = None,
    workers: Annotated[int, typer.Option(
        min=0, help="Worker processes (0: one per core).")] = 0,
    released: Annotated[bool, typer.Option(
        help="Show reference labels and rationales (after the deadline only).")] = False,
    force: Annotated[bool, typer.Option(
        help="Regrade every learner, and write into a folder that holds other files.")] = False,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
    scheduler: Annotated[str, typer.Option(
        help="A Dask scheduler's address (tcp://host:8786): grade on that cluster instead of "
             "this machine's cores; its workers must see the same paths.")] = "",
) -> None:
    """Grade every learner of a cohort, in parallel; a rerun resumes where it stopped."""
    from grader.batch import problem_lines, run_batch

    rubric = rubric or _course_rubric(exercise)
    result = run_batch(rubric, cohort, out, workers=workers or None, released=released,
                       force=force, quiet=quiet, scheduler=scheduler or None)
    for line in problem_lines(result):
        typer.echo(line, err=True)
    failed = len({row["learner"] for row in result.failures})
    kept = result.learners - failed - result.graded  # graded by an earlier run, unchanged
    typer.echo(f"{result.exercise}: {result.learners} learners ({result.layout} layout): "
               f"{result.learners - failed} graded ({result.graded} now, {kept} kept from the "
               f"last run, unchanged), {failed} not graded")
    for learner, note in sorted(result.notes.items()):
        typer.echo(f"note for {learner}: {note}")
    listed = ", failures.csv (who was not graded, and why)" if failed else ""
    typer.echo(f"results in {out}: scores.csv, feedback/{listed}")
    raise typer.Exit(result.status)


@app.command()
def check(
    submission: Annotated[Path, typer.Option(help="Folder holding your files.")] = Path("."),
    exercise: Annotated[str, typer.Option(help=EXERCISE_HELP)] = "failure-audit",
) -> None:
    """Check that a submission is well-formed and complete (reads no answer key); exit
    status 0 when it is ready to submit, 3 when it is usable but not ready, 2 when unusable."""
    from grader.check import check_submission
    from grader.exercise_folder import is_exercise_folder

    try:
        if is_exercise_folder(exercise):  # a workshop's own: its codebook.yaml and logs
            result = check_submission(submission, Path(exercise))
        elif exercise == "tagging-warmup":
            from grader.check import check_warmup

            result = check_warmup(submission)
        elif exercise == "red-team-probe":  # only then: it needs scikit-learn and scipy
            from grader.probe_grade import check_probe

            result = check_probe(submission)
        elif exercise == "cross-domain-synthesis":
            from grader.synthesis_grade import check_synthesis

            result = check_synthesis(submission)
        else:
            result = check_submission(submission)
    except UnusableInput as error:
        typer.echo(str(error), err=True)
        if exercise == "failure-audit" and any(p.code == "unknown-log-id"
                                               for p in error.problems):
            typer.echo(COURSE_CHECK_NOTE, err=True)
        raise typer.Exit(2) from None
    typer.echo(result.render())
    if exercise == "failure-audit" and not result.tagged and result.skipped:
        typer.echo(COURSE_CHECK_NOTE)
    if not result.ready:
        raise typer.Exit(NOT_READY)


@app.command()
def export(
    db: Annotated[Path, typer.Option(help="The nbgrader gradebook (gradebook.db).")] = Path(
        "gradebook.db"),
    out: Annotated[Path | None, typer.Option(help="Write the CSV here, not stdout.")] = None,
    force: Annotated[bool, typer.Option(help=FORCE_HELP)] = False,
    wait: Annotated[float, typer.Option(
        min=0, help="Seconds to wait for a gradebook that nbgrader is writing.")] = 10.0,
    long: Annotated[bool, typer.Option(
        "--long", help="One row per learner and criterion, with every field nbgrader keeps "
                       "(default: one row per learner, a column per criterion).")] = False,
) -> None:
    """Export per-criterion scores (with mentors' overrides) from an nbgrader gradebook."""
    from grader.export import gradebook_rows, to_csv, to_wide_csv

    if out is not None:
        check_output(out, force=force, protected=[db])
    rows = gradebook_rows(db, wait=wait)
    _emit(to_csv(rows) if long else to_wide_csv(rows), out)


@app.command()
def variants(
    secret_file: Annotated[Path, typer.Option(help="A file holding the cohort's secret.")],
    roster: Annotated[Path, typer.Option(help="Learner ids, one a line (# starts a comment).")],
    out: Annotated[Path, typer.Option(help="The registry to write, e.g. "
                                           "solutions/red-team-probe/variants.yaml.")],
    force: Annotated[bool, typer.Option(help="Replace the --out file if it exists.")] = False,
    handouts: Annotated[Path | None, typer.Option(
        help="Also write each learner's variant.txt to HANDOUTS/<learner>/variant.txt, "
             "to hand out (a new folder).")] = None,
) -> None:
    """Write the red-team probe's variant registry: each learner's model variant, derived
    from the cohort's secret, and the course default under `self-study` (mentors only)."""
    from grader.files import read_bounded
    from grader.probe_grade import SELF_STUDY, write_registry

    def text(path: Path) -> str:
        return read_bounded(path, 1_000_000).decode("utf-8", errors="replace")

    secret = text(secret_file).strip()
    learners = [line.split("#")[0].strip() for line in text(roster).splitlines()]
    learners = list(dict.fromkeys(x for x in learners if x))
    bad = [x for x in learners if x == SELF_STUDY or not all(c.isalnum() or c in "._-"
                                                             for c in x)]
    if not secret or not learners or bad:
        why = ("the secret file is empty" if not secret else "the roster has no learner ids"
               if not learners else f"learner ids may hold only letters, digits, '.', '_' "
               f"and '-', and '{SELF_STUDY}' is reserved: {', '.join(bad)}")
        raise UnusableInput([Problem("rubric-invalid", str(secret_file if not secret
                                                           else roster), why, None,
                                     "write the secret on one line, and one learner id a "
                                     "line in the roster.")])
    check_output(out, force=force, protected=[secret_file, roster])
    if handouts is not None and handouts.exists():
        raise UnusableInput([Problem("output-refused", str(handouts), "already exists", None,
                                     "name a new folder for the learners' variant.txt files.")])
    write_output(write_registry(secret, learners), out)
    typer.echo(f"{out}: {len(learners)} learners and {SELF_STUDY}")
    if handouts is not None:
        from labkit.advisor_variant import derive_variant

        for learner in learners:
            (handouts / learner).mkdir(parents=True)
            (handouts / learner / "variant.txt").write_text(
                derive_variant(secret, learner).token() + "\n", encoding="utf-8")
        typer.echo(f"{handouts}: variant.txt for each of {len(learners)} learners")


@taxonomy_app.command("validate")
def taxonomy_validate(
    file: Annotated[Path, typer.Argument(help="A codebook YAML file.")],
) -> None:
    """Check a codebook and report every problem with its line."""
    from grader.codebook_check import codebook_problems

    if not file.exists():
        raise UnusableInput([Problem("file-missing", str(file), "no such file", None,
                                     "check the path of the codebook.")])
    problems = codebook_problems(file)
    for problem in problems:
        typer.echo(problem.render(), err=True)
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {file}", err=True)
        raise typer.Exit(2)
    typer.echo(f"{file}: valid codebook")


@app.command("new-exercise")
def new_exercise(
    logs: Annotated[Path, typer.Option(
        help="Your logs: a CSV export (one row per log) or JSONL in the generic format.")],
    codebook: Annotated[Path, typer.Option(help="Your codebook YAML (the course's format).")],
    out: Annotated[Path, typer.Option(
        help="The new exercise folder (one that does not exist yet, or is empty).")],
    id_column: Annotated[str, typer.Option(help="CSV: the column of log ids.")] = "id",
    input_column: Annotated[str, typer.Option(
        help="CSV: the column of user messages.")] = "input",
    output_column: Annotated[str, typer.Option(
        help="CSV: the column of model replies.")] = "output",
    title: Annotated[str, typer.Option(help="The exercise's title in feedback.")] = "",
    include: Annotated[list[Path] | None, typer.Option(
        help="A file to hand out with the logs (facts, articles); repeat for more.")] = None,
) -> None:
    """Start an exercise of your own: logs, codebook, an answer key and rubric to fill in,
    and a handout folder for participants."""
    from grader.new_exercise import HANDOUT
    from grader.new_exercise import new_exercise as scaffold

    folder = scaffold(logs, codebook, out, (id_column, input_column, output_column), title,
                      tuple(include or ()))
    count = sum(1 for line in (folder / "logs.jsonl").open(encoding="utf-8") if line.strip())
    typer.echo(f"{folder}: {count} logs; next, fill in answer_key.csv (see README.md), "
               f"then give participants {folder / HANDOUT} only")


def main() -> None:
    """Entry point: run the app, turning an unexpected exception into exit status 1."""
    try:
        # Without standalone mode, click returns the status of `typer.Exit` instead of exiting.
        status = app(standalone_mode=False)
    except typer.Abort:
        sys.exit(1)
    except TyperException as usage:  # click's usage errors, as typer re-exports them
        usage.show()
        sys.exit(usage.exit_code)
    except UnusableInput as error:  # a coded problem that a command did not report itself
        typer.echo(str(error), err=True)
        sys.exit(2)
    except Exception as exc:
        if os.environ.get("GRADER_DEBUG"):
            traceback.print_exc()
        typer.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                   "This is a bug in the grader, not in your submission. Please report it "
                   "(set GRADER_DEBUG=1 for the traceback).", err=True)
        sys.exit(1)
    sys.exit(status if isinstance(status, int) else 0)


@app.command("cohort-report")
def cohort_report(
    cohort: Annotated[Path, typer.Option(
        help="The learners' folders: nbgrader's submitted/ (<learner>/<exercise>/) or one "
             "folder per learner.")],
    out: Annotated[Path, typer.Option(help="Folder for report.html and report.json.")],
    exercise: Annotated[str, typer.Option(help=EXERCISE_HELP)] = "",
    rubric: Annotated[Path | None, typer.Option(
        help="A rubric YAML of your own (its answer key and codebook beside it).")] = None,
    min_share: Annotated[float, typer.Option(
        min=0.5, max=1, help="Possible key error: the share of graded learners who agree on "
                             "one label the key does not accept.")] = 0.6,
    min_learners: Annotated[int, typer.Option(
        min=1, help="Possible key error: the fewest learners who must agree.")] = 5,
    pass_share: Annotated[float, typer.Option(
        min=0, max=1, help="A criterion counts as passed with this share of its points.")] = 0.5,
    force: Annotated[bool, typer.Option(help="Replace a report already in --out.")] = False,
) -> None:
    """Sum up a cohort of a tags exercise: scores, hard criteria and logs, possible key
    errors, confused pairs, agreement between learners (report.html and report.json)."""
    from grader.cohort_report import Options, build_report, prepare_out, write_report
    from grader.errors import visible

    rubric = rubric or _course_rubric(exercise)
    cohort = cohort.absolute()  # paths in messages: whole
    if cohort.is_dir():  # before any work; a missing cohort is reported as such
        prepare_out(out, cohort, force, create=False)
    report = build_report(rubric, cohort, Options(min_share, min_learners, pass_share))
    prepare_out(out, cohort, force)
    write_report(report, out)
    typer.echo(f"{report.exercise}: {report.learners} learners ({report.layout} layout): "
               f"{report.graded} graded, {len(report.unusable)} not graded")
    for flag in report.possible_key_errors:
        typer.echo(f"possible key error: {flag.log_id}: {flag.learners} learners "
                   f"({flag.share:.0%}) gave {flag.cohort_label}; the key accepts "
                   f"{', '.join(flag.key_labels)}")
    for learner in report.unusable:
        first = learner.problems[0]
        typer.echo(visible(f"not graded: {learner.learner}: {first['file']}: "
                           f"{first['message']} [{first['code']}]", one_line=True), err=True)
    typer.echo(f"report in {out}: report.html, report.json")


@app.command()
def autograde(
    assignment: Annotated[str, typer.Argument(help="The nbgrader assignment, e.g. failure-audit.")],
    course: Annotated[Path, typer.Option(
        help="The nbgrader course folder (nbgrader_config.py, gradebook.db, submitted/).")
    ] = Path("."),
    workers: Annotated[int, typer.Option(
        min=0, help="Notebooks run at once (0: one per core).")] = 0,
    student: Annotated[list[str] | None, typer.Option(
        help="Autograde only this learner (repeat for several).")] = None,
    force: Annotated[bool, typer.Option(
        help="Autograde again learners already autograded (as nbgrader's --force).")] = False,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Run nbgrader's autograde on many notebooks at once; one process writes the gradebook."""
    from grader.parallel_autograde import report_lines, run_autograde

    result = run_autograde(assignment, course, workers=workers or None,
                           students=student or [], force=force, quiet=quiet)
    lines, summary = report_lines(result, course)
    for line in lines:
        typer.echo(line, err=True)
    typer.echo(summary)
    raise typer.Exit(result.status)
