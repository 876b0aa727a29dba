"""Helpers for reviewing logs one at a time and keeping a tags table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from labkit.codebook import Codebook, load_codebook
from labkit.supportchat import ChatLog, load_chat_logs, load_knowledge_base

TAG_COLUMNS = ["log_id", "label", "secondary_labels", "note"]


def format_log(log: ChatLog, titles: dict[str, str] | None = None) -> str:
    """A conversation as a reviewer reads it: metadata, retrieved articles, then the turns."""
    titles = titles if titles is not None else {a.id: a.title for a in load_knowledge_base()}
    csat = "no answer" if log.csat is None else f"{log.csat}/5"
    lines = [
        f"{log.log_id}  {log.timestamp:%Y-%m-%d %H:%M} UTC  channel={log.channel}  "
        f"complained={'yes' if log.complained else 'no'}  csat={csat}",
        "retrieved: " + "; ".join(f"{a} {titles.get(a, '?')}" for a in log.retrieved_articles),
        "",
    ]
    for turn in log.turns:
        lines += [f"[{turn.role}]", turn.text, ""]
    return "\n".join(lines)


def show_log(log_id: str, logs: list[ChatLog] | None = None) -> None:
    """Print one conversation with the titles of the articles retrieved for it."""
    by_id = {log.log_id: log for log in (logs if logs is not None else load_chat_logs())}
    if log_id not in by_id:
        raise KeyError(f"no log {log_id!r}; ids run from SC-001 to SC-{len(by_id):03d}")
    print(format_log(by_id[log_id]))


def show_article(article_id: str) -> None:
    """Print one knowledge-base article with its date."""
    articles = {a.id: a for a in load_knowledge_base()}
    if article_id not in articles:
        raise KeyError(f"no article {article_id!r}; ids: {', '.join(articles)}")
    article = articles[article_id]
    print(f"{article.id} {article.title} (last updated {article.last_updated})\n\n{article.body}")


def codebook_frame(codebook: Codebook | None = None) -> pd.DataFrame:
    """One row per code: family, code, name and definition."""
    book = codebook or load_codebook()
    return pd.DataFrame(
        [{"family": f.name, "code": c.id, "name": c.name, "definition": c.definition}
         for f in book.families for c in f.codes]
    )


def blank_tags(logs: list[ChatLog] | None = None) -> pd.DataFrame:
    """A tags table with one row per log, indexed by log id, every label still empty."""
    ids = [log.log_id for log in (logs if logs is not None else load_chat_logs())]
    return pd.DataFrame({"label": "", "secondary_labels": "", "note": ""},
                        index=pd.Index(ids, name="log_id"))


def save_tags(tags: pd.DataFrame, path: str | Path = "tags.csv") -> Path:
    """Write a tags table as the `tags.csv` the grader reads (rows with no label are left out)."""
    table = tags.reset_index() if tags.index.name == "log_id" else tags
    table = table.fillna("")
    table = table[table["label"].astype(str).str.strip() != ""]
    path = Path(path)
    table.reindex(columns=TAG_COLUMNS, fill_value="").to_csv(path, index=False)
    return path
