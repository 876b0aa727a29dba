"""The public materials a claim may point into: the logs, the knowledge base, the system prompt.

A claim's pointer must resolve here, and an evidence quote must occur in the model's turns
of its log. Everything in this module reads only the dataset learners have, never an answer key,
so `grader check` can resolve every pointer and quote before a learner submits.

Pointer forms (one string each):

- `system_prompt.md#<section>`: a `##` section of the system prompt, by its heading slug;
- `KB-nn` (or `knowledge_base.yaml#KB-nn`): one knowledge-base article;
- `knowledge_base.yaml#missing:<topic>`: an article the knowledge base lacks;
- `model`: the model itself, for the model and data layers, which have no file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from labkit.exercise_logs import MODEL_ROLES, Log, load_exercise_logs
from labkit.supportchat import DATA_DIR, load_knowledge_base, load_system_prompt

PROMPT_FILE = "system_prompt.md"
KB_FILE = "knowledge_base.yaml"
MODEL_POINTER = "model"
TOPIC = re.compile(r"^[a-z0-9]+(-[a-z0-9]+){0,7}$")
ELISION = re.compile(r"\.\.\.|\u2026")
PUNCTUATION = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                             "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def slug(heading: str) -> str:
    """A heading as an anchor: lower case, words joined by hyphens (`Orders and privacy` ->
    `orders-and-privacy`), as Markdown renderers make them."""
    words = re.findall(r"[a-z0-9]+", normalise(heading))
    return "-".join(words)


def normalise(text: str) -> str:
    """Text compared as a reader compares it: Unicode-normalised, typographic quotes and
    dashes made plain, case folded, white space folded."""
    text = unicodedata.normalize("NFKC", text).translate(PUNCTUATION).casefold()
    return " ".join(text.split())


@dataclass(frozen=True)
class Materials:
    """What a report may cite: each log's bot turns, the prompt's sections, the articles."""

    turns: dict[str, tuple[tuple[str, str], ...]]
    prompt_sections: dict[str, str]
    articles: dict[str, str]

    def forms(self) -> str:
        """The valid pointer forms, for a message that says how to fix a pointer."""
        sections = ", ".join(f"{PROMPT_FILE}#{s}" for s in self.prompt_sections)
        articles = f"KB-01 to {max(self.articles)}" if self.articles else "none here"
        return (f"a prompt section ({sections or 'none here'}), an article ({articles}), "
                f"a gap ({KB_FILE}#missing:<topic>, the topic in "
                f"lower-case words joined by hyphens), or '{MODEL_POINTER}'")

    def resolve(self, pointer: str) -> tuple[str | None, str]:
        """The canonical form of `pointer` and an empty string, or None and what is wrong."""
        text = pointer.strip()
        if ".." in text or text.startswith(("/", "~", "\\")) or re.match(r"^[a-z]+:[/\\]", text,
                                                                           re.I):
            return None, "a pointer names the course materials, not a path or an address"
        if text.lower() == MODEL_POINTER:
            return MODEL_POINTER, ""
        file, _, anchor = text.partition("#")
        if re.fullmatch(r"KB-\d+", file, re.I) and not anchor:
            file, anchor = KB_FILE, file
        if file == PROMPT_FILE:
            if not anchor:
                return None, "point to one section of the system prompt, not the whole file"
            section = slug(anchor)
            if section in self.prompt_sections:
                return f"{PROMPT_FILE}#{section}", ""
            return None, f"the system prompt has no section '{anchor}'"
        if file == KB_FILE:
            article = anchor.upper()
            if article in self.articles:
                return article, ""
            if anchor.lower().startswith("missing:"):
                topic = anchor.split(":", 1)[1].strip().lower()
                if TOPIC.match(topic):
                    return f"{KB_FILE}#missing:{topic}", ""
                return None, "a gap's topic is lower-case words joined by hyphens"
            if re.fullmatch(r"KB-\d+", anchor, re.I):
                return None, f"there is no article {article} in the knowledge base"
            return None, f"'{anchor}' is neither an article id nor missing:<topic>"
        return None, f"'{file}' is not one of the materials"

    def quote_occurs(self, log_id: str, quote: str, by_model: bool = True) -> bool:
        """True when the quote is in one of the log's turns by the model (or, if not
        `by_model`, by anyone else); `...` may join fragments of the same turn, which must
        then occur in order."""
        fragments = [normalise(f) for f in ELISION.split(quote) if f.strip()]
        texts = [text for who, text in self.turns.get(log_id, ())
                 if (who.lower() in MODEL_ROLES) == by_model]
        for turn in texts:
            text, start = normalise(turn), 0
            for fragment in fragments:
                found = text.find(fragment, start)
                if found < 0:
                    break
                start = found + len(fragment)
            else:
                return bool(fragments)
        return False


def load_materials(data_dir: Path = DATA_DIR, logs: list[Log] | None = None) -> Materials:
    """The materials of `data_dir` (the course's support-chat dataset by default): its
    `logs.jsonl` in the generic format of `labkit.exercise_logs`, and, where the folder has
    them, `system_prompt.md` and `knowledge_base.yaml` (a workshop's own exercise may have
    neither). `logs`, when the caller has read them already, spare a second reading. Raises
    `LogsProblem` (a ValueError) for logs that cannot be read."""
    prompt = data_dir / PROMPT_FILE
    sections = (re.findall(r"^##\s+(.+?)\s*$", load_system_prompt(data_dir), re.M)
                if prompt.exists() else [])
    articles = (load_knowledge_base(data_dir) if (data_dir / KB_FILE).exists() else [])
    return Materials(
        turns={log.id: tuple((t.role, t.text) for t in log.turns)
               for log in (logs if logs is not None else load_exercise_logs(data_dir))},
        prompt_sections={slug(s): s for s in sections},
        articles={a.id: a.title for a in articles},
    )
