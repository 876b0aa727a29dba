"""The HTML exporter of nbgrader's feedback pages, made safe to open.

A feedback page shows what a learner wrote and what their code printed, and a mentor or the
learner opens it in a browser. nbgrader's own page renders markdown cells as raw HTML (its
template does not use nbconvert's sanitiser), keeps a notebook's HTML and JavaScript outputs,
and loads MathJax from a CDN; a learner's `<script>`, `<img onerror>` or `javascript:` link
then runs in whoever opens the page, and an `<img>` can report to an outside host that it
was opened. This exporter closes each of those:

- markdown cells (and mentors' comments) go through nbconvert's own sanitiser, `clean_html`
  (bleach with an allow-list: no scripts, no event handlers, no images, links only to
  http(s) and mailto), after they are rendered;
- outputs are sanitised by nbconvert's `sanitize_html` switch, which also drops JavaScript
  and widget outputs; PNG and JPEG outputs stay, as `data:` images;
- the page carries a Content-Security-Policy in place of MathJax (the template
  `templates/nbconvert/feedback/mathjax.html.j2` shadows nbconvert's): no script runs and
  nothing is fetched from any host, so whatever a sanitiser misses stays inert. Formulas show
  as their TeX source.
"""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import pass_context
from jinja2.runtime import Context
from nbconvert.exporters import HTMLExporter
from nbconvert.filters import clean_html
from traitlets import default, validate

TEMPLATES = Path(__file__).resolve().parent / "templates" / "nbconvert"


class SafeFeedbackExporter(HTMLExporter):
    """nbgrader's feedback page with learner content sanitised and a page-wide CSP."""

    @default("sanitize_html")
    def _sanitize_html_default(self) -> bool:
        return True

    @default("extra_template_basedirs")
    def _ours_and_cwd(self) -> list[str]:
        return [str(TEMPLATES), os.getcwd()]

    @validate("extra_template_basedirs")
    def _ours_first(self, proposal: dict) -> list[str]:
        # nbgrader sets this to its own template folder, which holds the feedback template;
        # ours goes first, so that feedback/mathjax.html.j2 here shadows nbconvert's.
        return [str(TEMPLATES), *(d for d in proposal["value"] if d != str(TEMPLATES))]

    @pass_context
    def markdown2html(self, context: Context, source: str) -> str:
        """Markdown rendered as nbconvert renders it, then stripped to safe HTML."""
        return clean_html(super().markdown2html(context, source))
