"""Render support-chat logs as Markdown for a site page (the tagging warm-up's logs)."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, PackageLoader

from labkit.supportchat import ChatLog, load_chat_logs

# Characters Markdown would read as emphasis, code or HTML inside a customer's or the bot's
# words; escaped so the page shows the text as it was logged.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_<>\[\]#|])")


def quoted(text: str) -> str:
    """A turn's text escaped for Markdown, its paragraphs kept inside one block quote."""
    escaped = MARKDOWN_SPECIAL.sub(r"\\\1", text.strip())
    return "\n>\n> ".join(line for line in escaped.split("\n") if line.strip())


def render_chat_logs(logs: list[ChatLog], bot_name: str = "Pip") -> str:
    """The Markdown of `logs`: a heading per log (its id, so a page can link to it), the
    channel, time and retrieved articles, and each turn as a quote."""
    env = Environment(loader=PackageLoader("grader"), autoescape=False,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["quoted"] = quoted
    return env.get_template("chat_logs.md.j2").render(logs=logs, bot_name=bot_name)


def render_logs_folder(folder: Path) -> str:
    """The Markdown of the support-chat logs in `folder`."""
    return render_chat_logs(load_chat_logs(folder))
