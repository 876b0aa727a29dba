"""What learners import in the notebooks: loaders for the course's data and codebook.

Nothing here reads an answer key; a test checks that it never opens one. The names are
loaded on first use (PEP 562), so that `import labkit.advisor` or the grader's use of
`labkit.codebook` does not pay for pandas.
"""

import importlib
from typing import Any

_HOMES = {
    "labkit.clustering": ("cluster_table", "features_frame", "k_means", "k_scores",
                          "plot_clusters", "record_unsupported", "top_terms", "vectorise",
                          "write_clusters"),
    "labkit.codebook": ("ROOT", "Codebook", "load_codebook"),
    "labkit.exercise_logs": ("Log", "exercise_logs_frame", "load_exercise_logs",
                             "logs_from_csv", "read_logs_file", "write_logs"),
    "labkit.crossproduct": ("PRODUCTS", "Evidence", "FailureRecord", "Native", "convert",
                            "load_native", "read_unified", "records_frame", "write_rejects",
                            "write_unified"),
    "labkit.specificity": ("evidence_words", "is_thin", "unsupported_specifics"),
    "labkit.review": ("blank_tags", "codebook_frame", "format_log", "save_tags",
                      "show_article", "show_log"),
    "labkit.supportchat": ("Article", "ChatLog", "knowledge_base_frame", "load_chat_logs",
                           "load_knowledge_base", "load_system_prompt", "logs_frame",
                           "transcript"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    """Import the module that defines `name` when it is first asked for."""
    if name not in _HOME_OF:
        raise AttributeError(f"module 'labkit' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME_OF[name]), name)



__all__ = [
    "PRODUCTS",
    "ROOT",
    "Article",
    "ChatLog",
    "Codebook",
    "Evidence",
    "FailureRecord",
    "Log",
    "Native",
    "blank_tags",
    "cluster_table",
    "codebook_frame",
    "convert",
    "evidence_words",
    "exercise_logs_frame",
    "features_frame",
    "format_log",
    "is_thin",
    "k_means",
    "k_scores",
    "knowledge_base_frame",
    "load_chat_logs",
    "load_codebook",
    "load_exercise_logs",
    "load_knowledge_base",
    "load_native",
    "load_system_prompt",
    "logs_frame",
    "logs_from_csv",
    "plot_clusters",
    "read_logs_file",
    "read_unified",
    "record_unsupported",
    "records_frame",
    "save_tags",
    "show_article",
    "show_log",
    "top_terms",
    "transcript",
    "unsupported_specifics",
    "vectorise",
    "write_clusters",
    "write_logs",
    "write_rejects",
    "write_unified",
]
