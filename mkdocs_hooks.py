"""MkDocs hooks: pages and downloads generated from the project's data, never edited by hand."""

from __future__ import annotations

import nbformat
from mkdocs.structure.files import File, Files

from grader.release import EXERCISES, release_notebook
from grader.taxonomy_page import render_taxonomy_page

TAXONOMY_PAGE = "reference/taxonomy.md"
RELEASED_NOTEBOOKS = {"projects/failure-audit.ipynb": "failure-audit/failure-audit.ipynb"}


def on_files(files: Files, config) -> Files:
    """Add the taxonomy reference page and the learner version of each project notebook."""
    files.append(File.generated(config, TAXONOMY_PAGE, content=render_taxonomy_page()))
    for target, source in RELEASED_NOTEBOOKS.items():
        notebook = release_notebook(EXERCISES / "source" / source)
        files.append(File.generated(config, target, content=nbformat.writes(notebook)))
    return files
