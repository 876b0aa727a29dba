"""MkDocs hooks: pages generated from the project's data, never edited by hand."""

from __future__ import annotations

from mkdocs.structure.files import File, Files

from grader.taxonomy_page import render_taxonomy_page

TAXONOMY_PAGE = "reference/taxonomy.md"


def on_files(files: Files, config) -> Files:
    """Add the taxonomy reference page, rendered from the codebook."""
    files.append(File.generated(config, TAXONOMY_PAGE, content=render_taxonomy_page()))
    return files
