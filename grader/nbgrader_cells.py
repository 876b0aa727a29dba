"""What the notebooks' autograded test cells call: the points of one rubric criterion.

A test cell's last expression is its score in nbgrader, so `criterion_points` returns a
number and prints the explanation on stdout (anything on stderr would score the cell 0).
When the notebook is autograded, `grader.nbgrader_scores` recomputes every criterion outside
the learner's kernel, so nothing a learner's code does in the kernel can change the score.
"""

from __future__ import annotations

from pathlib import Path

from grader.errors import UnusableInput
from grader.grade import grade_submission, load_exercise
from grader.rubric import exercise_rubric


def criterion_points(criterion: str, exercise: str = "failure-audit",
                     submission: str | Path = ".") -> float:
    """The points the files in `submission` earn for `criterion`, at most its maximum."""
    rubric = exercise_rubric(exercise)
    if not rubric.is_file():
        print(f"{criterion}: scored by your mentor's grader when you submit.")
        return 0.0
    try:
        grade = grade_submission(load_exercise(rubric), Path(submission))
    except UnusableInput as error:
        print(str(error))
        return 0.0
    score = next(s for s in grade.scores if s.criterion == criterion)
    print(score.explanation)
    return min(score.points, score.max_points)
