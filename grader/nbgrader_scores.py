"""An nbgrader autograde step that scores the grader's test cells outside the learner's kernel.

A learner's cells run in the same kernel as the test cells, so a score computed there can be
faked (by monkeypatching the grader, say). This preprocessor runs in nbgrader's own process
after the notebook has executed (in the sandbox, see `grader.sandbox`): it grades the files
the notebook wrote (`tags.csv` and `report.md`; for the red-team probe, whose rubric says
`kind: probe`, its four files, with the log checked against the model variant the mentor's
registry gives this learner: `grader.probe_grade.probe_grade_of`) and replaces the output
of each test cell whose grade id names a rubric criterion (`tags.agreement` ->
`tags-agreement`) with that criterion's score, clamped to the cell's points.
`SaveAutoGrades`, next in the pipeline, records it. It also records in the gradebook how
the notebook ran and each criterion's status (see `grader.runs`), with a note of the graded
cells `grader.restore_cells` put back.
A criterion graded by a mentor is a manually graded task cell, which this step leaves alone.
"""

from __future__ import annotations

from pathlib import Path

from nbformat.notebooknode import NotebookNode, from_dict
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_task
from traitlets import Unicode

from grader.errors import NOT_SUBMITTED, UnusableInput
from grader.grade import grade_submission, load_exercise
from grader.restore_cells import METADATA_KEY, RESTORED, UNKNOWN, restored_note
from grader.rubric import exercise_rubric, rubric_kind
from grader.runs import Run, record_run
from grader.scoring import Totals

RUN_KEY = "grader_run"


def grade_id(criterion: str) -> str:
    """The nbgrader cell id of a rubric criterion (nbgrader ids may not contain dots)."""
    return criterion.replace(".", "-")


def score_outputs(points: float, explanation: str) -> list[NotebookNode]:
    """The outputs nbgrader reads a score from: the explanation, then the number."""
    return [
        from_dict({"output_type": "stream", "name": "stdout", "text": explanation + "\n"}),
        from_dict({"output_type": "execute_result", "execution_count": None, "metadata": {},
                   "data": {"text/plain": repr(points)}}),
    ]


class CleanProcessScores(NbGraderPreprocessor):
    """Replace test-cell outputs with scores computed by the grader in nbgrader's process."""

    exercise = Unicode("", help="Exercise id of the rubric; default: the assignment id.").tag(
        config=True)
    rubric = Unicode("", help="Path of a rubric YAML of your own (overrides exercise).").tag(
        config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Grade the submission folder once and rewrite every matching test cell."""
        folder = Path(resources["metadata"]["path"])
        rubric = Path(self.rubric) if self.rubric else exercise_rubric(
            self.exercise or resources["nbgrader"]["assignment"])
        run: Run = resources.get(RUN_KEY) or Run()
        try:
            grade = _grade(rubric, folder, resources["nbgrader"].get("student", ""), run)
            scores = {grade_id(s.criterion): (s.points, s.status, s.explanation)
                      for s in grade.scores if s.points is not None}
            run.statuses = {s.criterion: s.status for s in grade.scores}
            unusable = None
        except UnusableInput as error:
            status = ("not-submitted" if all(p.code in NOT_SUBMITTED for p in error.problems)
                      else "invalid")
            scores, unusable = {}, (status, str(error))
        restored = nb.metadata.get(METADATA_KEY, {})
        if restored:
            note = restored_note(restored.get(RESTORED, []), restored.get(UNKNOWN, []))
            run.detail = f"{run.detail}; {note}" if run.detail else note
        prefix = _run_note(run)
        for cell in nb.cells:
            if not (is_grade(cell) or is_task(cell)):
                continue
            cell_id = cell.metadata["nbgrader"]["grade_id"]
            if unusable:  # a mentor's criterion too has nothing to grade
                run.statuses[cell_id.replace("-", ".", 1)] = unusable[0]
            if cell.cell_type != "code":
                continue
            max_points = float(cell.metadata["nbgrader"]["points"])
            if cell_id in scores:
                points, status, explanation = scores[cell_id]
            elif unusable:
                points, (status, explanation) = 0.0, unusable
            else:
                continue
            if cell_id in restored.get(RESTORED, []):
                explanation += " (This cell was missing from your notebook and was put back.)"
            cell.outputs = score_outputs(min(points, max_points),
                                         f"{prefix}[{status}] {explanation}")
        info = resources["nbgrader"]
        if info.get("db_url"):
            record_run(info["db_url"], info["assignment"], info["student"], info["notebook"],
                       run)
        return nb, resources


def _grade(rubric: Path, folder: Path, student: str, run: Run) -> Totals:
    """The grade of `folder` under `rubric`: the red-team probe's (`kind: probe`, scored by
    `grader.probe_grade`) or the failure audit's; both give one `Score` per criterion."""
    kind = rubric_kind(rubric)
    if kind == "synthesis":
        from grader.synthesis_grade import grade_synthesis, load_synthesis_exercise

        return grade_synthesis(load_synthesis_exercise(rubric), folder)
    if kind == "probe":
        from grader.probe_grade import load_probe_exercise, probe_grade_of

        grade, note = probe_grade_of(load_probe_exercise(rubric), folder, student)
        if note:
            run.detail = f"{run.detail}; {note}" if run.detail else note
        return grade
    return grade_submission(load_exercise(rubric), folder)


def _run_note(run: Run) -> str:
    """A line before each explanation when the notebook did not run to its end."""
    if run.outcome == "completed":
        return ""
    return f"[notebook {run.outcome}: graded on the files it wrote] "
