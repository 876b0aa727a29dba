"""An nbgrader autograde step that puts back the graded cells a learner deleted or renamed.

nbgrader scores a graded cell that is missing from a submission as 0 and says nothing, so a
learner who deletes a test cell by accident loses its points without anyone noticing, while
`grader grade` scores the same files in full. This step replaces nbgrader's `OverwriteCells`
in the sanitising stage of autograde. After nbgrader's own checks it:

- strips the nbgrader metadata from a cell whose grade id the assignment does not have (a
  renamed cell; nbgrader would leave it half-marked), so it runs as an ordinary cell;
- puts back every graded cell and task cell of the assignment that the submission lacks,
  from the gradebook's copy, at the end of the notebook (after all the learner's code);
- records both in the notebook's metadata, where `grader.nbgrader_scores.CleanProcessScores`
  finds them: the restored cells are then scored from the files the notebook wrote, as
  `grader grade` would, and the run's record (the `run_notes` column of `grader export`)
  and the cell's feedback say which cells were put back.

nbgrader's own switch for this (`OverwriteCells.add_missing_cells`) fails on a notebook like
the course's, where the cell before a test cell is read-only text: it looks that cell up
among the graded and solution cells only and stops with a KeyError.
"""

from __future__ import annotations

from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.preprocessors import OverwriteCells

METADATA_KEY = "grader"  # notebook metadata this step writes and CleanProcessScores reads
RESTORED = "restored_cells"
UNKNOWN = "unknown_cells"


def _grade_id(cell: NotebookNode) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


class RestoreGradedCells(OverwriteCells):
    """nbgrader's `OverwriteCells`, then deleted graded cells put back, renamed ones unmarked."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Check the cells as nbgrader does, then restore what is missing and note it."""
        submitted = [_grade_id(cell) for cell in nb.cells]
        nb, resources = super().preprocess(nb, resources)
        unknown = []
        for cell, before in zip(nb.cells, submitted, strict=True):
            if before is not None and _grade_id(cell) is None:  # nbgrader dropped the id
                unknown.append(before)
                del cell.metadata["nbgrader"]
        present = {_grade_id(cell) for cell in nb.cells}
        restored = []
        with Gradebook(resources["nbgrader"]["db_url"]) as gradebook:
            notebook = gradebook.find_notebook(resources["nbgrader"]["notebook"],
                                               resources["nbgrader"]["assignment"])
            sources = {cell.name: cell for cell in notebook.source_cells}
            solutions = {cell.name for cell in notebook.solution_cells}
            graded = [(cell.name, cell.max_score, False) for cell in notebook.grade_cells]
            graded += [(cell.name, cell.max_score, True) for cell in notebook.task_cells]
            for name, max_score, is_task in sorted(graded):
                if name in present:
                    continue
                nb.cells.append(self.missing_cell_transform(
                    sources[name], max_score, is_solution=name in solutions, is_task=is_task))
                restored.append(name)
        if restored or unknown:
            nb.metadata[METADATA_KEY] = {RESTORED: restored, UNKNOWN: unknown}
            self.log.warning(
                "[graded-cell-restored] learner '%s': %s", resources["nbgrader"]["student"],
                restored_note(restored, unknown))
        return nb, resources


def restored_note(restored: list[str], unknown: list[str]) -> str:
    """One sentence for the mentor and the learner on what was put back and why."""
    parts = []
    if restored:
        parts.append(f"graded cell(s) {', '.join(restored)} were missing from the notebook "
                     "and were put back at its end; they are scored from the files the "
                     "notebook wrote")
    if unknown:
        parts.append(f"cell(s) renamed to {', '.join(unknown)} are not the assignment's and "
                     "were run as ordinary cells")
    return "; ".join(parts)
