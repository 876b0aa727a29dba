"""The claims block of a written deliverable: YAML front matter at the top of a Markdown file.

The block is parsed defensively (`labkit.safe_yaml`), because a learner writes it by hand:
its size and nesting are capped before PyYAML builds anything, anchors and aliases are
refused (no "billion laughs"), and a key written twice is an error rather than a silent
overwrite. Every problem carries the line of the Markdown file it is on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from grader.errors import Problem, UnusableInput
from labkit.safe_yaml import YamlProblem, load_yaml

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
        data, root = load_yaml(block, what="a claims block", max_chars=MAX_BLOCK_CHARS,
                               max_depth=MAX_DEPTH)
    except YamlProblem as problem:
        message = problem.message
        if message.startswith("not valid YAML"):
            message = "the claims block is " + message
        line = first_line + problem.line - 1 if problem.line else first_line
        raise _problem(file, message, line, problem.hint) from None
    if root is None:
        raise _problem(file, "the claims block is empty", first_line,
                       "fill in every key of the block (see the project page).")
    return FrontMatter(data, root, first_line)
