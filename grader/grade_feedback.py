"""The feedback of a grade that is a list of criterion scores (practice projects 2 and 3):
as plain data, as a terminal report and as a self-contained HTML page. A released grade adds
its review: what the reference holds that the learner may see after the deadline."""

from __future__ import annotations

import io

from grader.scoring import Totals


def grade_feedback_dict(grade: Totals, visibility: str = "formative") -> dict[str, object]:
    """The feedback as plain data (what `--format json` prints). `released` adds the grade's
    `review`: what the reference holds that the learner may now see."""
    data: dict[str, object] = {
        "exercise": grade.rubric.exercise,
        "visibility": visibility,
        "score": grade.score,
        "max_score": grade.max_score,
        "pending_points": grade.pending_points,
        "criteria": [{"id": s.criterion, "score": s.points, "max_score": s.max_points,
                      "status": s.status, "feedback": s.explanation} for s in grade.scores],
        "problems": [p.as_dict() for p in grade.problems],
    }
    if visibility == "released":
        data["review"] = grade.review
    return data


def review_lines(data: dict) -> list[str]:
    """The released review as sentences: a line of the review as it is (project 3), or a
    planted sensitivity and how it was found (project 2)."""
    lines = []
    for r in data.get("review", []):
        if "line" in r:
            lines.append(r["line"])
            continue
        how = {"hit": "named right", "partial": "named by kind only"}.get(r["found"], "missed")
        by = f" by hypotheses[{r['hypothesis']}]" if r["hypothesis"] else ""
        lines.append(f"planted: {r['kind']} '{r['value']}' ({r['effect']}): {how}{by}")
    return lines


def render_grade_text(data: dict, width: int = 100) -> str:
    """A terminal report: the scores and every coded problem."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from grader.feedback import points_text

    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    pending = (f", {data['pending_points']:g} pending a mentor's grade"
               if data["pending_points"] else "")
    console.print(f"{data['exercise']}: {data['score']:g} / {data['max_score']:g} points"
                  f"{pending} ({data['visibility']} feedback)")
    table = Table("criterion", "points", "status", "feedback", show_lines=True)
    for c in data["criteria"]:
        table.add_row(c["id"], points_text(c), c["status"], escape(c["feedback"]))
    console.print(table)
    for p in data["problems"][:25]:
        where = f"{p['file']} line {p['line']}" if p["line"] else p["file"]
        console.print(f"{where}: {p['message']} [{p['code']}]", soft_wrap=True,
                      markup=False)
    for line in review_lines(data):
        console.print(line, soft_wrap=True, markup=False)
    return console.file.getvalue()


def render_grade_html(data: dict) -> str:
    """A self-contained HTML page of the scores (escaped; no external requests)."""
    from jinja2 import Environment

    from grader.feedback import points_text

    template = Environment(autoescape=True).from_string(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{{ d.exercise }}"
        "</title></head><body><h1>{{ d.exercise }}: {{ d.score }} / {{ d.max_score }}</h1>"
        "<table><tr><th>criterion</th><th>points</th><th>status</th><th>feedback</th></tr>"
        "{% for c in d.criteria %}<tr><td>{{ c.id }}</td><td>{{ pt(c) }}</td>"
        "<td>{{ c.status }}</td><td>{{ c.feedback }}</td></tr>{% endfor %}</table>"
        "{% if d.problems %}<h2>Problems</h2><ul>{% for p in d.problems %}<li>{{ p.file }}"
        "{% if p.line %} line {{ p.line }}{% endif %}: {{ p.message }} [{{ p.code }}]</li>"
        "{% endfor %}</ul>{% endif %}{% if review %}<h2>{{ review_title }}"
        "</h2><ul>{% for r in review %}<li>{{ r }}</li>{% endfor %}</ul>{% endif %}"
        "</body></html>")
    title = ("What the reference found" if any("line" in r for r in data.get("review", []))
             else "What your model variant was built with")
    return template.render(d=data, pt=points_text, review=review_lines(data),
                           review_title=title)
