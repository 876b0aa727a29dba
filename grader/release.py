"""The learner version of a source notebook, made without a gradebook (for the course site).

It applies nbgrader's own release preprocessors, in `generate_assignment`'s order, with the
course's `nbgrader_config.py`, leaving out only the steps that write to the gradebook; a test
checks that the result equals what `nbgrader generate_assignment` releases.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from traitlets.config.loader import PyFileConfigLoader

EXERCISES = Path(__file__).resolve().parent.parent / "exercises"


def release_notebook(source: Path, course: Path = EXERCISES) -> nbformat.NotebookNode:
    """The released (solution-free, output-free, locked, checksummed) notebook of `source`."""
    from nbgrader.preprocessors import (
        ClearHiddenTests,
        ClearMarkScheme,
        ClearOutput,
        ClearSolutions,
        ComputeChecksums,
        LockCells,
    )

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    notebook = nbformat.read(source, as_version=4)
    resources: dict = {"nbgrader": {}}
    steps = [LockCells, ClearSolutions, ClearOutput, ComputeChecksums, ClearHiddenTests,
             ClearMarkScheme, ComputeChecksums]
    for step in steps:
        notebook, resources = step(config=config).preprocess(notebook, resources)
    return notebook
