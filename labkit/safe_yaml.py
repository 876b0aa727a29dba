"""YAML read defensively, for files a person writes by hand: codebooks, rubrics, claims.

PyYAML's safe loader builds only plain data, but it still expands aliases (a few kilobytes
of `&a [*b, *b, ...]` become gigabytes once walked), recurses once per level of nesting, and
keeps the last of two equal keys without a word. So before anything is built, the text's
size is capped and one pass over the parser's events refuses anchors, aliases and nesting
beyond a depth (the parser is iterative, so that pass cannot exhaust the stack); then a
loader that refuses a key written twice builds the data. The C parser is used when PyYAML
has it (about ten times faster on the course codebook). `load_yaml_file` reads the file the
same way: only a regular file, never more bytes than the limit allows, decoded once.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# What PyYAML's constructors raise for a value they cannot build (`!!bool maybe`,
# `!!map [1]`, `!!timestamp x`, `2001-13-01`) instead of a YAML error.
BUILD_ERRORS = (ValueError, TypeError, LookupError, AttributeError, ArithmeticError)


@dataclass
class YamlProblem(ValueError):
    """Why a YAML text was refused: a message, the 1-based line when known, a fix, and its
    kind: too large (`too-large`), not YAML that can be used (`syntax`), not UTF-8
    (`encoding`), or not a regular file that can be read (`not-a-file`)."""

    message: str
    line: int | None = None
    hint: str = ""
    kind: str = "syntax"

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.message}"


class _UniqueKeyLoader(_Loader):
    """A safe loader that treats a key written twice in one mapping as an error, and a
    value it cannot build (`2001-13-01`, `!!int x`) as a YAML error on the value's line."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:  # a list, mapping or set as a key
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be a plain word, not a list or mapping",
                    key_node.start_mark) from None
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is written twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> object:
        # deep: build each value whole here, so that an error in it has this node's line
        # (aliases are refused beforehand, so no structure refers to itself)
        try:
            return super().construct_object(node, deep=True)
        except yaml.YAMLError:
            raise
        except BUILD_ERRORS as exc:
            value = (repr(node.value[:40]) if isinstance(node, yaml.ScalarNode)
                     else f"of this {node.id}")
            raise yaml.constructor.ConstructorError(
                None, None, f"the value {value} cannot be read as {node.tag.split(':')[-1]} "
                f"({exc}); put it in quotes if it is text", node.start_mark) from None


def load_yaml(text: str, *, what: str, max_chars: int, max_depth: int = 20
              ) -> tuple[object, yaml.Node | None]:
    """The data of `text` and its node tree (for line numbers), or `YamlProblem`.

    `what` names the text in messages ("a codebook", "a claims block").
    """
    if len(text) > max_chars:
        raise YamlProblem(f"{what} of {len(text):,} characters is too long; the limit is "
                          f"{max_chars:,}", None, "is this the right file?", "too-large")
    try:
        _check_events(text, what, max_depth)
        loader = _UniqueKeyLoader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlProblem(f"not valid YAML: {exc.problem}", mark.line + 1 if mark else None,
                          "check the indentation, and put quotes around text that holds a "
                          "colon or starts with a quote mark.") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        character = (f"U+{exc.character:04X}" if isinstance(exc.character, int)
                     else repr(exc.character))
        raise YamlProblem(f"not valid YAML: the character {character} is not allowed "
                          f"({exc.reason})", _line_at(text, exc.position),
                          "remove it, or write it as an escape inside double quotes.") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"not valid YAML: {str(exc).splitlines()[0]}", None,
                          "check the indentation and quoting.") from None
    return data, root


def load_yaml_file(path: Path, *, what: str, max_chars: int, max_depth: int = 20
                   ) -> tuple[object, yaml.Node | None]:
    """`load_yaml` of the UTF-8 text of the regular file at `path`, or `YamlProblem`.

    At most `4 * max_chars + 1` bytes are read (UTF-8 takes up to four bytes a character),
    so a huge, sparse or endless file costs no time or memory.
    """
    limit = 4 * max_chars
    try:
        # O_NONBLOCK: opening a pipe must not wait for a writer
        with open(path, "rb", opener=lambda name, flags: os.open(name, flags | os.O_NONBLOCK)
                  ) as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise YamlProblem("is not a regular file", None,
                                  f"pass the path of {what} file.", "not-a-file")
            if info.st_size > limit:
                raise YamlProblem(f"is {info.st_size / 1e6:.1f} MB; the limit is "
                                  f"{limit / 1e6:g} MB", None, "is this the right file?",
                                  "too-large")
            data = handle.read(limit + 1)
    except OSError as exc:
        raise YamlProblem(f"cannot be read: {exc.strerror}", None,
                          "check the path and that you may read the file.", "not-a-file") from None
    if len(data) > limit:  # it grew while being read
        raise YamlProblem(f"is over the limit of {limit / 1e6:g} MB", None,
                          "is this the right file?", "too-large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlProblem(f"byte 0x{data[exc.start]:02x} is not UTF-8",
                          data[:exc.start].count(b"\n") + 1, "save the file as UTF-8.",
                          "encoding") from None
    return load_yaml(text, what=what, max_chars=max_chars, max_depth=max_depth)


def _line_at(text: str, position: int) -> int:
    """The 1-based line of the character at `position` (YAML counts \r\n, \r, \n and the
    Unicode line breaks each as one)."""
    return len(_LINE_BREAK.findall(text, 0, position)) + 1


def _check_events(text: str, what: str, max_depth: int) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlProblem(f"anchors and aliases (& and *) are not allowed in {what}", line,
                              "write each value out in full.")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > max_depth:
                raise YamlProblem(f"{what} is nested more than {max_depth} levels deep", line,
                                  "follow the shape of the course's own file.")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
