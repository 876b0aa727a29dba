"""What the notebooks' autograded test cells call in a learner's kernel.

A learner's kernel never scores anything: it has no answer key, and a score computed there
could be faked by the learner's own code. When the mentor autogrades, the step
`grader.nbgrader_scores.CleanProcessScores` replaces each test cell's output with the score
the grader computes in nbgrader's own process from the files the notebook wrote. Until then
the cell shows 0.0, so a notebook that somehow skipped that step would score nothing rather
than everything.
"""

from __future__ import annotations


def criterion_points(criterion: str) -> float:
    """Say how `criterion` is scored, and return 0.0 (the last expression of a test cell)."""
    print(f"{criterion}: scored when your mentor autogrades the files this notebook wrote "
          "(run `grader check` to check them now).")
    return 0.0
