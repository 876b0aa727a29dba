"""The support-chat dataset: conversation logs, knowledge base and system prompt."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_KNOWLEDGE_BASE_CHARS = 2_000_000
DATA_DIR = Path(__file__).resolve().parent.parent / "datasets" / "support-chat"
# The tagging warm-up's 15 logs: the same shop, bot, knowledge base and system prompt.
WARMUP_DIR = DATA_DIR.parent / "tagging-warmup"


class Turn(BaseModel):
    """One message in a conversation."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    role: Literal["customer", "bot"]
    text: str = Field(min_length=1)


class ChatLog(BaseModel):
    """One logged conversation between a customer and the support bot."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    log_id: str = Field(pattern=r"^(SC-\d{3}|WU-\d{2})$")  # project 1, the warm-up
    timestamp: dt.datetime
    channel: Literal["web", "app", "social"]
    retrieved_articles: list[str]
    turns: list[Turn] = Field(min_length=2)
    turn_count: int
    complained: bool
    csat: int | None = Field(default=None, ge=1, le=5)

    @model_validator(mode="after")
    def _turn_count_matches(self) -> ChatLog:
        if self.turn_count != len(self.turns):
            raise ValueError(f"turn_count {self.turn_count} but {len(self.turns)} turns")
        return self


class Article(BaseModel):
    """A knowledge-base article the bot could retrieve."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^KB-\d{2}$")
    title: str
    last_updated: dt.date
    body: str


class KnowledgeBase(BaseModel):
    """The whole of `knowledge_base.yaml`: its articles."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    articles: list[Article] = Field(min_length=1)


def load_chat_logs(data_dir: Path = DATA_DIR) -> list[ChatLog]:
    """Every conversation of `logs.jsonl`, validated."""
    lines = (data_dir / "logs.jsonl").read_text(encoding="utf-8").splitlines()
    return [ChatLog.model_validate(json.loads(line)) for line in lines if line.strip()]


def load_knowledge_base(data_dir: Path = DATA_DIR) -> list[Article]:
    """Every knowledge-base article of `knowledge_base.yaml`, validated.

    Read as every YAML file the grader reads (size-capped, no aliases, no duplicate keys), as
    a mentor's own materials may be handed to it; raises `YamlProblem` for a file it refuses.
    """
    from labkit.safe_yaml import load_yaml_file

    raw, _ = load_yaml_file(data_dir / "knowledge_base.yaml", what="a knowledge-base",
                            max_chars=MAX_KNOWLEDGE_BASE_CHARS)
    return KnowledgeBase.model_validate(raw).articles


def load_system_prompt(data_dir: Path = DATA_DIR) -> str:
    """The system prompt the bot ran with."""
    return (data_dir / "system_prompt.md").read_text(encoding="utf-8")


def transcript(log: ChatLog) -> str:
    """The conversation as plain text, one `role: text` paragraph per turn."""
    return "\n\n".join(f"{turn.role}: {turn.text}" for turn in log.turns)


def logs_frame(logs: list[ChatLog] | None = None):
    """One row per conversation: its metadata, first customer message and transcript."""
    import pandas as pd

    logs = load_chat_logs() if logs is None else logs
    return pd.DataFrame(
        {
            "log_id": log.log_id,
            "timestamp": pd.Timestamp(log.timestamp),
            "channel": log.channel,
            "turn_count": log.turn_count,
            "complained": log.complained,
            "csat": log.csat,
            "retrieved_articles": ";".join(log.retrieved_articles),
            "first_message": log.turns[0].text,
            "transcript": transcript(log),
        }
        for log in logs
    ).astype({"csat": "Int64"})


def knowledge_base_frame(articles: list[Article] | None = None):
    """One row per knowledge-base article."""
    import pandas as pd

    articles = load_knowledge_base() if articles is None else articles
    return pd.DataFrame([article.model_dump() for article in articles])
