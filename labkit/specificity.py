"""Specific details in a model's output, and which of them its evidence does not support.

A *specific* is a precise, checkable detail: a number (a price, a size, a count, a version),
a document id, a capitalised name in running text, or, in code, a name the code imports,
calls, reads or passes as a keyword. A specific is *supported* when it occurs in what the
model was given (the evidence, or the request itself); `unsupported_specifics` lists the
rest. These are features to sort and read records by, not a verdict: a number the model
computed correctly is unsupported by this test, and a name it copied from the wrong
document is supported; a number matches wherever it occurs in the evidence, whatever its
unit (`14 days` is supported by a price of `£14`); numbers written in words are not read;
and a product name the request misspelt is unsupported. Read the records it flags.

Code is read with the standard library's `ast` (names, attributes, imports, keywords) so
that strings and comments do not count; prose with regular expressions. A named-entity
model (spaCy's, say) would find more kinds of names, but its models are separate downloads
and the course runs offline; these patterns cover what the course's data plants.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re
import sys
from collections.abc import Iterable

THIN_WORDS = 40
NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")
VERSION = re.compile(r"(?<![\w.])v?\d+(?:\.\d+){1,3}(?![\w])")
PINNED = re.compile(r"(?<![\w.])\d+\.\d+\.\d+(?![\w.])")  # a package version in code
DOC_ID = re.compile(r"\b[A-Z]{1,4}-[A-Z0-9]+(?:-[A-Z0-9]+)*\b")
NAME = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+(?: [A-Z][a-z]+)*")
KNOWN_NAMES = frozenset(dir(builtins)) | set(keyword.kwlist) | set(sys.stdlib_module_names) | {
    "self", "cls", "pytest", "mock", "patch", "MagicMock", "Any", "Optional", "None"}


def evidence_words(evidence_texts: Iterable[str]) -> int:
    """The number of whitespace-separated words in all of the evidence."""
    return sum(len(text.split()) for text in evidence_texts)


def is_thin(evidence_texts: Iterable[str], threshold: int = THIN_WORDS) -> bool:
    """True when the evidence has fewer than `threshold` words (the course's rule: 40)."""
    return evidence_words(evidence_texts) < threshold


def prose_specifics(text: str) -> list[str]:
    """Numbers (versions whole), document ids and capitalised names in running text, in
    order of first appearance, each once."""
    found = [m.group() for m in VERSION.finditer(text)]
    found += [m.group() for m in NUMBER.finditer(text)
              if not any(m.group() in version for version in found)]
    found += DOC_ID.findall(text) + NAME.findall(text)
    return list(dict.fromkeys(found))


def code_specifics(code: str) -> list[str]:
    """The names a piece of Python code relies on but does not define itself: imported
    modules and names, names it calls or reads, keyword arguments, attributes of imported
    names (`settings.CACHE_TTL`), and pinned versions (`"1.4.2"`). Python's builtins and
    keywords, standard-library modules and what is reached through them (`time.sleep`),
    attributes of the code's own variables (`logger.info`) and of values (`"x".encode()`)
    are left out: they exist.
    Code that does not parse is read as prose."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return prose_specifics(code)
    defined: set[str] = set()
    stdlib_aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            module = getattr(node, "module", None) or ""
            for alias in node.names:
                root = (module or alias.name).split(".")[0]
                if root in sys.stdlib_module_names:
                    stdlib_aliases.add(alias.asname or alias.name.split(".")[0])
    existing = defined | stdlib_aliases | KNOWN_NAMES
    used: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] \
                not in sys.stdlib_module_names:
            used += [node.module or ""] + [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            used += [alias.name for alias in node.names]
        elif isinstance(node, ast.Attribute) and _root(node) and _root(node) not in existing:
            used.append(node.attr)   # not `"x".encode()`: only a name's attributes count
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            used.append(node.id)
        elif isinstance(node, ast.keyword) and node.arg:
            used.append(node.arg)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            used += PINNED.findall(node.value)
    names = [n for n in used if n and n not in existing and n.split(".")[0] not in existing]
    return list(dict.fromkeys(names))


def _root(node: ast.expr) -> str:
    """The name an attribute chain starts from (`a` of `a.b.c`), or "" for a call's result."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def _supported(specific: str, support: str, support_numbers: set[str]) -> bool:
    if specific[0].isdigit() or (specific[0] in "vV" and specific[1:2].isdigit()):
        return specific.lower().lstrip("v") in support_numbers
    lowered = specific.lower()  # a module `orders.client` is supported by `orders/client.py`
    return lowered in support or lowered.replace(".", "/") in support


def unsupported_specifics(output: str, evidence_texts: Iterable[str], request: str = "",
                          code: bool = False) -> list[str]:
    """The specifics of `output` that occur neither in the evidence nor in the request.

    Words and names match case-insensitively as substrings; numbers match as whole numbers
    (so `25` is not supported by `250`). Pass `code=True` for generated code.
    """
    texts = [*evidence_texts, request]
    support = "\n".join(texts).lower()
    numbers = {m.group().lower().lstrip("v") for t in texts
               for m in [*NUMBER.finditer(t), *VERSION.finditer(t)]}
    specifics = code_specifics(output) if code else prose_specifics(output)
    return [s for s in specifics if not _supported(s, support, numbers)]
