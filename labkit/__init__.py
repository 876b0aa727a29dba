"""What learners import in the notebooks: loaders for the course's data and codebook.

Nothing here reads an answer key; a test checks that it never opens one.
"""

from labkit.codebook import ROOT, Codebook, load_codebook
from labkit.review import (
    blank_tags,
    codebook_frame,
    format_log,
    save_tags,
    show_article,
    show_log,
)
from labkit.supportchat import (
    Article,
    ChatLog,
    knowledge_base_frame,
    load_chat_logs,
    load_knowledge_base,
    load_system_prompt,
    logs_frame,
    transcript,
)

__all__ = [
    "ROOT",
    "Article",
    "ChatLog",
    "Codebook",
    "blank_tags",
    "codebook_frame",
    "format_log",
    "knowledge_base_frame",
    "load_chat_logs",
    "load_codebook",
    "load_knowledge_base",
    "load_system_prompt",
    "logs_frame",
    "save_tags",
    "show_article",
    "show_log",
    "transcript",
]
