"""`grader taxonomy validate`: every problem in a codebook file, each with its YAML line."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from grader.errors import MAX_PROBLEMS, Problem, capped, fix_for
from labkit.codebook import MAX_CODEBOOK_CHARS, Codebook, cross_reference_problems
from labkit.safe_yaml import YamlProblem, load_yaml_file

# The code of each kind of `YamlProblem`.
YAML_CODES = {"too-large": "file-too-large", "syntax": "yaml-syntax", "encoding": "encoding",
              "not-a-file": "not-a-file"}


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
        data, root = load_yaml_file(path, what="a codebook", max_chars=MAX_CODEBOOK_CHARS)
    except YamlProblem as problem:
        return [Problem(YAML_CODES[problem.kind], file, problem.message, problem.line,
                        problem.hint)]
    if root is None:
        return [Problem("file-empty", file, "the file is empty", None,
                        "start from the course's datasets/taxonomy/codebook.yaml.")]
    try:
        book = Codebook.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()  # only those shown are placed on their lines: that costs time
        return capped([
            Problem("codebook-invalid", file,
                    f"{'.'.join(map(str, err['loc'])) or 'top level'}: {err['msg']}",
                    node_line(root, err["loc"]), _hint(err["type"], err["loc"]),
                    ".".join(map(str, err["loc"])))
            for err in errors[:MAX_PROBLEMS + 1]
        ], total=len(errors))
    return capped([
        Problem("codebook-invalid", file, f"{where}: {what}", node_line(root, _path(where)),
                _cross_hint(where, what), where)
        for where, what in cross_reference_problems(book)
    ])


def _cross_hint(where: str, what: str) -> str:
    """The fix for a problem found across fields (see `cross_reference_problems`)."""
    if ".not_when." in where and ("has no rule" in what or "differs" in what):
        return ("copy the rule (and its example) word for word under both codes of the "
                "pair, so a reviewer reading either code sees the same decision.")
    if where == "changelog":
        return "add a changelog entry for the current version, or bump the version."
    return ("give every code its own id, and name only codes, layers and references "
            "this codebook defines.")


def _hint(error_type: str, location: tuple[str | int, ...]) -> str:
    if location == ("version",) or (location[:1] == ("changelog",)
                                     and location[-1:] == ("version",)):
        return ("write the version as three numbers joined by dots, in quotes, e.g. "
                "version: \"1.2.0\".")
    if location == ("schema_version",):
        return "write schema_version: 1 (the only codebook format there is)."
    if location and location[-1] == "url":
        return "give the web address in full, starting with https://."
    if error_type == "string_pattern_mismatch":  # every other pattern is an id (a slug)
        return "use lower-case words joined by hyphens, e.g. 'off-topic'."
    return fix_for(error_type)
