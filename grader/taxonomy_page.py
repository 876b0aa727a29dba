"""Render a codebook as the site's taxonomy reference page (Markdown)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader

from labkit.codebook import DEFAULT_CODEBOOK, load_codebook


def render_taxonomy_page(path: Path = DEFAULT_CODEBOOK) -> str:
    """The Markdown of the taxonomy page for the codebook at `path`: its codes with their
    decision rules and examples, its general decision rules and changelog when it has them,
    its root-cause layers and references."""
    book = load_codebook(path)
    env = Environment(loader=PackageLoader("grader"), autoescape=False,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    layers = {layer.id: layer for layer in book.layers}
    references = {ref.id: ref for ref in book.references}
    return env.get_template("taxonomy.md.j2").render(
        book=book, layers=layers, references=references
    )
