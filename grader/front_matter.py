"""The claims block of a written deliverable: YAML front matter at the top of a Markdown file.

The block is parsed defensively, because a learner writes it by hand: its size and nesting
are capped before PyYAML builds anything, anchors and aliases are refused (no "billion
laughs"), and a key written twice is an error rather than a silent overwrite. Every problem
carries the line of the Markdown file it is on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from grader.errors import Problem, UnusableInput

MAX_BLOCK_CHARS = 20_000
MAX_DEPTH = 6
FENCE = re.compile(r"^---\s*$")
CLOSE = re.compile(r"^(---|\.\.\.)\s*$")


@dataclass(frozen=True)
class FrontMatter:
    """A parsed claims block: its data, its YAML node tree and where it sits in the file."""

    data: object
    root: yaml.Node
    first_line: int

    def line_of(self, location: tuple[str | int, ...]) -> int:
        """The file line of the YAML node at `location` (or of its nearest existing parent)."""
        node = self.root
        for part in location:
            child = None
            if isinstance(node, yaml.MappingNode):
                child = next((v for k, v in node.value if k.value == str(part)), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                child = node.value[part] if 0 <= part < len(node.value) else None
            if child is None:
                break
            node = child
        return self.first_line + node.start_mark.line


def split_front_matter(text: str, file: str, example: str) -> tuple[FrontMatter, str]:
    """The claims block at the top of `text` and the Markdown below it.

    Raises `UnusableInput` when there is no block at the top (`claims-missing`, showing
    `example`), or when it is not YAML a learner can be graded on (`claims-syntax`).
    """
    lines = text.lstrip("\ufeff").splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not FENCE.match(lines[first]):
        later = next((i for i, line in enumerate(lines) if FENCE.match(line)
                      and i + 1 < len(lines) and re.match(r"^\s*finding\s*:", lines[i + 1])), None)
        where = (f"a block starts on line {later + 1}, after other text: move it to the top"
                 if later is not None else "there is none")
        raise UnusableInput([Problem(
            "claims-missing", file, f"the file must start with a claims block; {where}", None,
            "Start the file with the block, between two lines of three dashes:\n" + example)])
    close = next((i for i in range(first + 1, len(lines)) if CLOSE.match(lines[i])), None)
    if close is None:
        raise UnusableInput([Problem(
            "claims-syntax", file, f"the claims block opened on line {first + 1} is never "
            "closed", first + 1, "end the block with a line of three dashes: ---")])
    block = "\n".join(lines[first + 1:close])
    body = "\n".join(lines[close + 1:])
    return _parse(block, file, first + 2), body


def _problem(file: str, message: str, line: int | None, hint: str) -> UnusableInput:
    return UnusableInput([Problem("claims-syntax", file, message, line, hint)])


def _parse(block: str, file: str, first_line: int) -> FrontMatter:
    if len(block) > MAX_BLOCK_CHARS:
        raise _problem(file, f"the claims block is {len(block):,} characters long", first_line,
                       f"a claims block is short: keep it under {MAX_BLOCK_CHARS:,} characters.")
    try:
        _check_events(block, file, first_line)
        loader = _UniqueKeyLoader(block)  # a SafeLoader: builds plain data only
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise _problem(file, f"the claims block is not valid YAML: {exc.problem}",
                       first_line + mark.line if mark else first_line,
                       "check the indentation and put quotes around text that holds a colon "
                       "or starts with a quote mark.") from None
    except yaml.YAMLError as exc:
        raise _problem(file, f"the claims block is not valid YAML: {exc}", first_line,
                       "check the indentation and quoting.") from None
    if root is None:
        raise _problem(file, "the claims block is empty", first_line,
                       "fill in every key of the block (see the project page).")
    return FrontMatter(data, root, first_line)


def _check_events(block: str, file: str, first_line: int) -> None:
    """Refuse anchors, aliases and deep nesting before any node is built (PyYAML's parser
    is iterative, so this pass cannot exhaust the stack the way composing can)."""
    depth = 0
    for event in yaml.parse(block, Loader=yaml.SafeLoader):
        line = first_line + event.start_mark.line
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _problem(file, "anchors and aliases (& and *) are not allowed in a claims "
                           "block", line, "write each value out in full.")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _problem(file, f"the claims block is nested more than {MAX_DEPTH} levels "
                               "deep", line, "follow the shape of the example block.")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that treats a key written twice in one mapping as an error."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, list | dict) or key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is written twice (or is not a plain word)",
                    key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)
