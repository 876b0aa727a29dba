"""An nbgrader autograde step that scores the grader's test cells outside the learner's kernel.

A learner's cells run in the same kernel as the test cells, so a score computed there can be
faked (by monkeypatching the grader, say). This preprocessor runs in nbgrader's own process
after the notebook has executed: it grades the files the notebook wrote (`tags.csv`,
`report.md`) and replaces the output of each test cell whose grade id names a rubric
criterion (`tags.agreement` -> `tags-agreement`) with that criterion's score, clamped to the
cell's points. `SaveAutoGrades`, next in the pipeline, records it.
"""

from __future__ import annotations

from pathlib import Path

from nbformat.notebooknode import NotebookNode, from_dict
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade
from traitlets import Unicode

from grader.errors import UnusableInput
from grader.grade import grade_submission, load_exercise
from grader.rubric import exercise_rubric


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
        try:
            grade = grade_submission(load_exercise(rubric), folder)
            scores = {grade_id(s.criterion): (s.points, s.explanation) for s in grade.scores}
            unusable = ""
        except UnusableInput as error:
            scores, unusable = {}, str(error)
        for cell in nb.cells:
            if cell.cell_type != "code" or not is_grade(cell):
                continue
            cell_id = cell.metadata["nbgrader"]["grade_id"]
            max_points = float(cell.metadata["nbgrader"]["points"])
            if cell_id in scores:
                points, explanation = scores[cell_id]
            elif unusable:
                points, explanation = 0.0, unusable
            else:
                continue
            cell.outputs = score_outputs(min(points, max_points), explanation)
        return nb, resources
