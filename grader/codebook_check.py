"""`grader taxonomy validate`: every problem in a codebook file, each with its YAML line."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from grader.errors import Problem
from labkit.codebook import Codebook, cross_reference_problems


def node_line(root: yaml.Node, location: tuple[str | int, ...]) -> int | None:
    """The 1-based line of the YAML node at `location` (or of its nearest existing parent)."""
    node = root
    for part in location:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if part < len(node.value) else None
        if child is None:
            break
        node = child
    return node.start_mark.line + 1


def _path(location: str) -> tuple[str | int, ...]:
    return tuple(int(p) if p.isdigit() else p for p in location.split("."))


def codebook_problems(path: Path) -> list[Problem]:
    """Validate a codebook file; an empty list means it is usable."""
    file = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except UnicodeDecodeError:
        return [Problem("encoding", file, "the file is not UTF-8 text", None,
                        "save it as UTF-8.")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [Problem("yaml-syntax", file, str(getattr(exc, "problem", exc)),
                        mark.line + 1 if mark else None, "check indentation and quoting.")]
    if root is None:
        return [Problem("file-empty", file, "the file is empty", None,
                        "start from the course's datasets/taxonomy/codebook.yaml.")]
    try:
        book = Codebook.model_validate(data)
    except ValidationError as exc:
        return [
            Problem("codebook-invalid", file,
                    f"{'.'.join(map(str, err['loc'])) or 'top level'}: {err['msg']}",
                    node_line(root, err["loc"]), _hint(err["type"]))
            for err in exc.errors()
        ]
    return [
        Problem("codebook-invalid", file, f"{where}: {what}", node_line(root, _path(where)))
        for where, what in cross_reference_problems(book)
    ]


def _hint(error_type: str) -> str:
    return {
        "missing": "add this field.",
        "extra_forbidden": "remove this field or check its spelling.",
        "too_short": "add more entries.",
        "string_pattern_mismatch": "use lower-case words joined by hyphens, e.g. 'off-topic'.",
    }.get(error_type, "")
