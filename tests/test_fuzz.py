"""Fuzz tests (issue 9, item 6): whatever a file holds, the grader reads it or says why.

Four kinds of input are generated: a learner's `tags.csv`, a learner's `report.md` (its claims
block and its prose), a taxonomy codebook and a rubric (with the answer key, planted causes
and materials it names). Each is made in three ways: random bytes or text; line-level
mutations of a valid file (lines dropped, duplicated, swapped, cut or indented, and quotes,
commas, NUL, BOM, CRLF, YAML tags, Unicode and long runs inserted); and value-level mutations
of its parsed form (a key deleted or added, a value replaced by a list, a mapping, None, a
huge number, nan or another type), written back out. Claims blocks are also built from what
they may name (codes, layers, logs, the bot's words, pointers). Each input is read in-process
by the functions the command line calls (`grade`, `grade --rubric`, `check`, `taxonomy
validate`), and two tests run the installed `grader` on a few of them.

Three invariants, each its own test run (see `INVARIANTS`): `exit`, a reader returns or raises
`UnusableInput` (the CLI's exit 2), never any other exception (exit 1, "internal error");
`fix`, every problem has a documented code, a message, a hint (the fix) and a line inside the
file, and `--format json` is JSON; `safe`, nothing a learner reads (problems, the notes of
`grader check`, the explanations of scores) holds a raw control character, and a problem's
message is one line. Inputs are kept small, so time and memory stay bounded; no test measures
time (`deadline=None`), and two tests bound the work done on a large input by counting it.

Every failing input found by fuzzing is kept as an `@example`, so it stays covered after the
fix. To hunt harder, set `FUZZ_SCALE=10` (multiplies the examples of every test), and
`FUZZ_HUNT=1` to skip the catalogued examples and the failures in `KNOWN`, which would
otherwise stop the search for new ones.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import difflib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, example, given, reject, settings
from hypothesis import strategies as st

from grader.check import report_findings
from grader.codebook_check import codebook_problems
from grader.errors import ERROR_CODES, MAX_PROBLEMS, Problem, UnusableInput
from grader.feedback import feedback_dict, render_text
from grader.grade import Exercise, grade_submission, load_exercise
from grader.materials import load_materials
from grader.tags import Tag, load_tags
from grader.written import read_written_work
from labkit.codebook import load_codebook
from tests.conftest import DEMOS, ROOT
from tests.test_claims import GOOD

CODEBOOK = ROOT / "datasets" / "taxonomy" / "codebook.yaml"
RUBRIC = ROOT / "solutions" / "failure-audit" / "rubric.yaml"
MATERIALS = ROOT / "datasets" / "support-chat"
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
HUNT = bool(os.environ.get("FUZZ_HUNT"))

# What a terminal obeys rather than shows: C0 and C1 controls (tab and line feed are checked
# apart), bidirectional marks and overrides, and Unicode's line and paragraph separators.
RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def fuzz(examples: int) -> settings:
    """This test's hypothesis settings: `examples` examples (times FUZZ_SCALE), no deadline,
    no example database (each run explores afresh). With FUZZ_HUNT=1 the catalogued
    `@example`s are skipped: a failing one would stop the search for new failures."""
    phases = [Phase.generate, Phase.shrink] if HUNT else list(Phase)
    return settings(max_examples=examples * SCALE, deadline=None, database=None, phases=phases,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


# ------------------------------------------------------------------------------------------
# The invariants
# ------------------------------------------------------------------------------------------

# Each test runs once per invariant, so that a frequent failure of one (say, problems with no
# hint) does not stop the search for the others (say, a crash): Hypothesis stops generating
# soon after its first failure. `exit`: returns or raises UnusableInput, nothing else. `fix`:
# every problem has a message, a hint and a line inside the file. `safe`: nothing a learner
# reads holds a raw control character, and a problem's message is one line.
INVARIANTS = ("exit", "fix", "safe")

# Failures already reported, as patterns of `ExceptionType: message @ file it was raised in`.
# With FUZZ_HUNT=1, an input that fails in one of these ways is set aside, so that the search
# finds new ones.
KNOWN = [
    r"^StopIteration: .*@ .*grader/tags\.py$",  # tags.csv of a BOM only
    r"@ .*yaml/constructor\.py$",  # PyYAML's constructors: !!int x, 2001-13-01, !!bool x
    r"^TypeError: .*@ .*labkit/safe_yaml\.py$",  # !!set {a: 1} as a key, !!map [1]
    r"^FileNotFoundError: .*(logs\.jsonl|system_prompt\.md|knowledge_base\.yaml)",  # materials
    r"^OSError: \[Errno 36\] File name too long",  # a rubric's path of over 255 bytes
    r"^ValueError: embedded null byte",  # a rubric's path with NUL
    r"^KeyError: .*@ .*grader/claims\.py$",  # a rubric's claims.schema that is no schema
    r"^AssertionError: `--format json` prints NaN or Infinity",  # a rubric's points: .inf or 1e308
    r"^(KeyError|TypeError): .*@ .*labkit/supportchat\.py$",  # knowledge_base.yaml's shape
    r"^ValueError: (min|max)\(\) arg is an empty sequence",  # materials with no logs, articles
    r"^AssertionError: a problem with no hint",
    r"^AssertionError: a YAML error with no line: .*unacceptable character",  # ReaderError
    r"^AssertionError: a YAML error with no line: .*claims\.materials",  # in knowledge_base
    r"^AssertionError: line \d+ holds no quote",  # lines counted at \n only, not at \r
    r"^AssertionError: a line break in the message",
    r"^AssertionError: raw control character in (a note|the explanation|the feedback)",
    r"^AssertionError: raw control character in the \w+ of Problem.*\\u(200[ef]|202[89]|061c)",
]


def lines_in(content: str | bytes) -> int:
    """The most lines any reader could count in `content` (each Unicode line break counts)."""
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    return len(text.splitlines()) + 1


def outcome(call: Callable[[], object]) -> tuple[object | None, list[Problem]]:
    """The result of `call`, or the problems of the `UnusableInput` it raised (exit 2).

    Any other exception propagates: it is exit 1, the bug these tests look for.
    """
    try:
        return call(), []
    except UnusableInput as error:
        assert error.problems, "UnusableInput with no problem in it"
        return None, list(error.problems)


@dataclass
class Check:
    """One invariant, checked on what the readers of one input give back."""

    invariant: str
    file: str
    content: str | bytes

    def run(self, call: Callable[[], object]) -> tuple[object | None, list[Problem]]:
        """`outcome(call)`, its problems checked. An input that crashes the reader fails the
        `exit` invariant; the others set it aside."""
        try:
            result, problems = outcome(call)
        except Exception:
            if self.invariant == "exit":
                raise
            reject()
        for problem in problems:
            self.problem(problem)
        return result, problems

    def problem(self, problem: Problem) -> None:
        """Assert that `problem` is one a learner can act on and a terminal shows safely."""
        assert problem.code in ERROR_CODES, problem
        if self.invariant == "fix":
            assert problem.message.strip(), f"a problem with no message: {problem!r}"
            assert problem.hint.strip(), f"a problem with no hint (no fix): {problem!r}"
            assert problem.line is None or problem.line >= 1, f"line {problem.line}: {problem!r}"
            if "not valid YAML" in problem.message:
                assert problem.line is not None, f"a YAML error with no line: {problem!r}"
            if problem.file == self.file and problem.line is not None:
                lines = lines_in(self.content)
                assert problem.line <= lines, f"line {problem.line} of {lines}: {problem!r}"
        elif self.invariant == "safe":
            for name in ("file", "message", "hint", "field"):
                self.shown(getattr(problem, name), f"the {name} of {problem!r}")
            for name in ("file", "message", "field"):
                assert "\n" not in getattr(problem, name), \
                    f"a line break in the {name} of {problem!r}"

    def shown(self, text: str, what: str) -> None:
        """Assert (for `safe`) that `text`, printed as it is, holds no raw control character."""
        if self.invariant == "safe":
            assert not RAW_CONTROL.search(text), f"raw control character in {what}: {text!r}"

    def grade(self, exercise: Exercise, submission: Path) -> None:
        """Grade `submission` as `grader grade` does, render the feedback as text and JSON
        in both visibilities, and check every problem and explanation."""
        texts: list[str] = []

        def graded() -> object:
            grade, _ = outcome(lambda: grade_submission(exercise, submission))
            for visibility in ("formative", "released"):
                if grade is not None:
                    data = feedback_dict(grade, visibility)
                    texts.append(render_text(data))
                    json.dumps(data)
            return grade

        grade, _ = self.run(graded)
        if grade is None:
            return
        for score in grade.scores:
            self.shown(score.explanation, f"the explanation of {score.criterion}")
        for text in texts:
            self.shown(text, "the feedback `grader grade` prints")
        if self.invariant == "fix":
            data = feedback_dict(grade, "released")
            try:
                json.dumps(data, allow_nan=False)
            except ValueError:
                raise AssertionError(f"`--format json` prints NaN or Infinity, which is not "
                                     f"JSON: score {data['score']}, max_score "
                                     f"{data['max_score']}") from None


@contextmanager
def hunting() -> Iterator[None]:
    """With FUZZ_HUNT=1, set aside an input that fails in a way already in `KNOWN`."""
    try:
        yield
    except Exception as error:
        where = traceback.extract_tb(error.__traceback__)[-1].filename
        signature = f"{type(error).__name__}: {error} @ {where}"
        if HUNT and any(re.search(pattern, signature, re.S) for pattern in KNOWN):
            reject()
        raise


# ------------------------------------------------------------------------------------------
# Shared files: a copy of the course's exercise, and folders rewritten per example
# ------------------------------------------------------------------------------------------


@dataclass(repr=False)
class Lab:
    """Where examples are written, and what they are read against: the course exercise and
    the tags of the perfect demo submission."""

    root: Path
    exercise: Exercise
    tags: list[Tag]

    def _repr_pretty_(self, printer: object, cycle: bool) -> None:
        printer.text(repr(self))

    def __repr__(self) -> str:
        return f"Lab({self.root})"

    def write(self, folder: str, name: str, content: str | bytes) -> Path:
        """Write `content` to `folder/name` under the lab (replacing the last example's)."""
        path = self.root / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8", "surrogatepass")
                         if isinstance(content, str) else content)
        return path


def course_rubric() -> str:
    """The course rubric with its paths made names of files beside it (as in the lab)."""
    text = RUBRIC.read_text(encoding="utf-8")
    for old, new in (("codebook: ../../datasets/taxonomy/codebook.yaml", "codebook: codebook.yaml"),
                     ("materials: ../../datasets/support-chat", "materials: support-chat")):
        assert old in text, f"the course rubric no longer says {old!r}: update this test"
        text = text.replace(old, new)
    return text


def exercise_copy(folder: Path, rubric_text: str) -> None:
    """The course exercise in `folder`: rubric, answer key, planted causes, codebook and
    materials side by side, so that a rubric's paths are plain file names."""
    folder.mkdir(parents=True)
    for name in ("answer_key.csv", "planted_causes.yaml"):
        shutil.copy(RUBRIC.parent / name, folder / name)
    shutil.copy(CODEBOOK, folder / "codebook.yaml")
    shutil.copytree(MATERIALS, folder / "support-chat")
    (folder / "rubric.yaml").write_text(rubric_text, encoding="utf-8")


def small_codebook() -> dict:
    """A valid codebook of two families and three codes, cut from the course's."""
    data = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    families = [family for family in data["families"] if family["id"] in {"factual", "none"}]
    families[0]["codes"] = families[0]["codes"][:2]
    kept = {code["id"] for family in families for code in family["codes"]}
    for family in families:
        family["description"] = family["description"][:80]
        for code in family["codes"]:
            code["not_when"] = [n for n in code.get("not_when", []) if n["code"] in kept]
            code["synonyms"] = code.get("synonyms", [])[:2]
            code["mappings"] = code.get("mappings", [])[:1]
            for name in ("definition", "use_when"):
                code[name] = code[name][:80]
    references = {m["reference"] for f in families for c in f["codes"] for m in c["mappings"]}
    data["references"] = [r for r in data["references"] if r["id"] in references]
    data["families"] = families
    data["layers"] = data["layers"][:3]
    for family in families:
        for code in family["codes"]:
            code["root_causes"] = [c for c in code["root_causes"] if c in
                                   {layer["id"] for layer in data["layers"]}] or ["model"]
    data["description"] = data["description"][:80]
    return data


SMALL_CODEBOOK = small_codebook()


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, exercise: Exercise) -> Lab:
    """The lab: folders for examples, and the files they start from."""
    root = tmp_path_factory.mktemp("fuzz")
    for folder in ("rubric-ex", "codebook-ex", "files-ex"):
        exercise_copy(root / folder, course_rubric())
    load_exercise(root / "rubric-ex" / "rubric.yaml")  # the starting points are valid
    path = root / "small.yaml"
    path.write_text(dump(SMALL_CODEBOOK), encoding="utf-8")
    assert codebook_problems(path) == [], codebook_problems(path)
    load_codebook(path)
    for folder in ("report", "unresolved"):
        (root / folder).mkdir()
        shutil.copy(DEMOS / "perfect" / "tags.csv", root / folder / "tags.csv")
    report = demo_text("perfect", "report.md")  # with a pointer and a log that do not resolve
    (root / "unresolved" / "report.md").write_text(
        report.replace("location: system_prompt.md#money-matters", "location: KB-99")
        .replace("log: SC-039", "log: SC-999"), encoding="utf-8")
    tags = load_tags(DEMOS / "perfect" / "tags.csv", exercise.codebook,
                     exercise.key.entries).tags
    return Lab(root, exercise, tags)


# ------------------------------------------------------------------------------------------
# Strategies: snippets, line mutations, value mutations, byte finishing
# ------------------------------------------------------------------------------------------

NASTY = [
    '"', "'", ",", ";", ":", ": ", "- ", "#", "\x00", "\ufeff", "\r\n", "\r", "\t", "\n",
    "\x1b[2J", "\u202e", "\u2028", "\x85", "\u200f", "é", "\U0001f642", "<b>", "&a ", "*a",
    "!!int x ", "!!set {a: 1} ", "!!timestamp x ", "!!float x ", "!!bool maybe ",
    "!!map [1] ", "2001-13-01", "!!binary x ", "!!python/object:os.system ", "{", "}", "[",
    "]", "|", ">", "---", "...", "? ", "%", "@", "`", "~", "null", "true", "1e400", ".nan",
    "-.inf", "0x1F", "99999999999999999999999", "-1", "1.5", '""', "x" * 400, "SC-001",
    "KB-01", "no-failure", "system_prompt.md#money-matters", "../", "/etc/passwd", " and ",
    "\\", "a;b", "No Failure", "hallucination",
]
snippets = st.one_of(st.sampled_from(NASTY), st.text(max_size=12))

# Values a parsed file's value can be replaced by: other types, edge numbers, domain words.
PATHS = [".", "..", "/", "", "nonexistent", "rubric.yaml", "codebook.yaml", "answer_key.csv",
         "planted_causes.yaml", "support-chat", "support-chat/logs.jsonl", "x\x00y"]
WORDS = ["SC-001", "SC-039", "sc-039", "SC-101", "KB-01", "KB-99", "model", "prompt", "data",
         "retrieval", "no-failure", "unwarranted-refusal", "Unwarranted refusal",
         "hallucination", "fabricated-fact", "system_prompt.md#money-matters",
         "knowledge_base.yaml#missing:x", "knowledge_base.yaml#KB-04", "system_prompt.md#",
         "prompt, data", "unwarranted-refusal and off-topic", "1.0.0", "off_target_credit",
         "tag_agreement", "claim_count", "mentor_graded", "https://x", "tags.agreement"]
scalars = st.one_of(
    st.sampled_from([None, True, False, 0, -1, 1, 3, 2**63, 10**30, -(10**30), 0.5, 1.5,
                     float("nan"), float("inf"), -float("inf"), "", " ", "x" * 3000,
                     dt.date(2001, 1, 1), "\x00", "\u202e", "a\nb"]),
    st.sampled_from(WORDS + PATHS),
    st.text(max_size=20),
    st.integers(),
    st.floats(),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6)


@st.composite
def line_mutations(draw: st.DrawFn, base: str, max_ops: int = 4) -> str:
    """`base` with a few of its lines dropped, duplicated, swapped, indented or edited."""
    lines = base.splitlines(keepends=True) or [""]
    for _ in range(draw(st.integers(1, max_ops))):
        op = draw(st.sampled_from(["drop", "duplicate", "swap", "insert", "insert", "tail",
                                   "indent", "dedent", "new", "truncate"]))
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        if op == "drop" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], line
        elif op == "insert":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(snippets) + line[at:]
        elif op == "tail":
            cut = max(line.find(": ") + 2, line.find(",") + 1, 0)
            end = "\n" if line.endswith("\n") else ""
            lines[i] = line[:cut] + draw(snippets) + end
        elif op == "indent":
            lines[i] = draw(st.sampled_from([" ", "  ", "\t", "    "])) + line
        elif op == "dedent":
            lines[i] = line.lstrip()
        elif op == "new":
            lines.insert(i, draw(snippets) + "\n")
        elif op == "truncate":
            lines = lines[: i + 1]
            lines[i] = line[: draw(st.integers(0, len(line)))]
    return "".join(lines)


def node_paths(node: object, path: tuple = ()) -> list[tuple]:
    """The path of `node` and of every value inside it, parents first."""
    paths = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            paths += node_paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            paths += node_paths(value, (*path, i))
    return paths


def _change(draw: st.DrawFn, node: object) -> object:
    """`node` changed: replaced, or edited in a way that keeps its type."""
    if draw(st.integers(0, 2)) == 0:  # another type; else a change that keeps the type
        return draw(values)
    if isinstance(node, dict) and node:
        key = draw(st.sampled_from(sorted(node, key=str)))
        change = draw(st.sampled_from(["delete", "add", "rename", "empty"]))
        if change == "delete":
            del node[key]
        elif change == "add":
            node[draw(st.sampled_from(["colour", "Id", "id ", "", str(key) + "s"]))] = draw(
                values)
        elif change == "rename":
            node[str(key).upper() if draw(st.booleans()) else f"{key}_"] = node.pop(key)
        else:
            return {}
        return node
    if isinstance(node, list) and node:
        change = draw(st.sampled_from(["drop", "duplicate", "empty", "reverse", "many",
                                       "shared"]))
        if change == "drop":
            del node[draw(st.integers(0, len(node) - 1))]
        elif change == "duplicate":
            node.append(copy.deepcopy(node[draw(st.integers(0, len(node) - 1))]))
        elif change == "empty":
            return []
        elif change == "reverse":
            node.reverse()
        elif change == "many":
            return [copy.deepcopy(item) for item in node * 12]
        else:  # one object twice: written with a YAML anchor and alias
            return [node[0], node[0]]
        return node
    if isinstance(node, str):
        change = draw(st.sampled_from(["insert", "word", "word", "upper", "empty", "long",
                                       "list"]))
        if change == "insert":
            at = draw(st.integers(0, len(node)))
            return node[:at] + draw(snippets) + node[at:]
        if change == "word":
            return draw(st.sampled_from(WORDS + PATHS))
        return {"upper": node.upper(), "empty": "", "long": node * 40, "list": [node, node]
                }[change]
    if isinstance(node, int | float) and not isinstance(node, bool):
        return draw(st.sampled_from([0, -1, 1, 2, 21, 2**63, 10**30, 1e-300, 1e308,
                                     float("inf"), -float("inf"), float("nan"), -node,
                                     node * 1000, node + 1, node - 1]))
    return draw(values)


@st.composite
def value_mutations(draw: st.DrawFn, base: object, max_ops: int = 3) -> object:
    """A deep copy of `base` with one to `max_ops` changes, each at a value chosen among all
    of them (so most are near the leaves, where a file's details are)."""
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, max_ops))):
        path = draw(st.sampled_from(node_paths(data)))
        if not path:
            data = _change(draw, data)
            continue
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = _change(draw, parent[path[-1]])
    return data


class Variant(str):
    """A changed copy of a long file, shown in a failure report as its diff from the file."""

    base: str = ""

    def _repr_pretty_(self, printer: object, cycle: bool) -> None:
        printer.text(repr(self))

    def __repr__(self) -> str:
        diff = difflib.unified_diff(self.base.splitlines(keepends=True),
                                    self.splitlines(keepends=True), n=1)
        return f"<{len(self):,} characters; diff from the file:\n{''.join(list(diff)[2:])}>"


def variant(base: str, text: str) -> Variant:
    """`text`, a changed copy of `base`, that shows itself as a diff from `base`."""
    out = Variant(text)
    out.base = base
    return out


def dump(data: object) -> str:
    """YAML text of `data`, as a person might write it."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


@st.composite
def finished(draw: st.DrawFn, text: str) -> bytes:
    """`text` as bytes a learner's editor might save: CRLF, a BOM, another encoding, cut."""
    if draw(st.integers(0, 3)) == 0:
        text = text.replace("\n", draw(st.sampled_from(["\r\n", "\r"])))
    if draw(st.integers(0, 4)) == 0:
        text = "\ufeff" + text
    encoding = draw(st.sampled_from(["utf-8"] * 12 + ["utf-16", "latin-1", "cp1252"]))
    data = text.encode(encoding, "replace")
    if draw(st.integers(0, 9)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    if draw(st.integers(0, 9)) == 0:
        data += draw(st.binary(max_size=8))
    return data


def demo_text(name: str, file: str) -> str:
    """A file of a demo submission."""
    return (DEMOS / name / file).read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------
# tags.csv
# ------------------------------------------------------------------------------------------

TAGS_BASES = ["".join(demo_text("perfect", "tags.csv").splitlines(keepends=True)[:12]),
              "".join(demo_text("beginner", "tags.csv").splitlines(keepends=True)[:12]),
              demo_text("malformed", "tags.csv"),
              "log_id,label\nSC-001,no-failure\n"]
CELLS = ["SC-001", "SC-002", "sc-003", " SC-004 ", "SC-101", "SC-1", "SC-001;SC-002",
         "no-failure", "No Failure", "no_failure", "hallucination", "kb-contradiction",
         "off-topic;tone-mismatch", "unwarranted-refusal; ;", "log_id", "label", "", " "]


@st.composite
def csv_rows(draw: st.DrawFn) -> list[list[str]]:
    """Rows of a tags file, from a demo or made up, with cells, rows and columns changed."""
    if draw(st.booleans()):
        return draw(row_mutations(draw(st.sampled_from(TAGS_BASES)), CELLS))
    header = draw(st.lists(st.sampled_from(["log_id", "label", "secondary_labels", "note",
                                            "Log_ID", " label ", "id", ""]),
                           min_size=1, max_size=5))
    cell = st.one_of(st.sampled_from(CELLS), snippets)
    return [header, *draw(st.lists(st.lists(cell, max_size=6), max_size=6))]


@st.composite
def row_mutations(draw: st.DrawFn, base: str, cells: list[str]) -> list[list[str]]:
    """The rows of the CSV text `base` with a few cells (set to one of `cells` or edited),
    rows and columns changed."""
    rows = list(csv.reader(io.StringIO(base)))
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["cell", "cell", "drop", "duplicate", "swap", "column",
                                   "uncolumn", "blank"]))
        if not rows:
            rows = [[]]
        i = draw(st.integers(0, len(rows) - 1))
        row = rows[i]
        if op == "cell" and row:
            j = draw(st.integers(0, len(row) - 1))
            row[j] = draw(st.one_of(st.sampled_from(cells), snippets,
                                    st.builds(lambda c, s: c + s, st.just(row[j]), snippets)))
        elif op == "drop":
            del rows[i]
        elif op == "duplicate":
            rows.insert(i, list(row))
        elif op == "swap":
            j = draw(st.integers(0, len(rows) - 1))
            rows[i], rows[j] = rows[j], row
        elif op == "column":
            row.append(draw(snippets))
        elif op == "uncolumn" and row:
            row.pop()
        elif op == "blank":
            rows.insert(i, [])
    return rows


@st.composite
def tags_files(draw: st.DrawFn) -> bytes:
    """The bytes of a tags file: random, or a demo's rows changed and written back out."""
    kind = draw(st.sampled_from(["rows", "rows", "rows", "lines", "text", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "text":
        text = draw(st.sampled_from(["", "log_id,label\n", "log_id,label,note\nSC-001,"]))
        return draw(finished(text + draw(st.text(max_size=200))))
    if kind == "lines":
        return draw(finished(draw(line_mutations(draw(st.sampled_from(TAGS_BASES))))))
    rows = draw(csv_rows())
    out = io.StringIO()
    quoting = draw(st.sampled_from(["minimal", "all", "none"]))
    if quoting == "none":
        out.write("\n".join(",".join(row) for row in rows))
    else:
        csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
                   quoting=csv.QUOTE_ALL if quoting == "all" else csv.QUOTE_MINIMAL
                   ).writerows(rows)
    return draw(finished(out.getvalue()))


@pytest.mark.parametrize("invariant", INVARIANTS)
@fuzz(100)
@given(data=tags_files())
@example(data=b"\xef\xbb\xbf")  # BOM only: StopIteration (issue 9)
@example(data=b'log_id,label\nSC-001,"no-\nfailure"\n')  # a line break echoed in a message
@example(data="log_id,label\nSC-001,no-failure\u2028\n".encode())  # a line separator echoed
@example(data="\u200flog_id,label\nSC-001,no-failure\n".encode())  # a right-to-left mark echoed
@example(data=b'log_id,label\rSC-001,no-failure\rSC-002,"no-failure\r')  # quote's line, with CR
def test_tags(lab: Lab, invariant: str, data: bytes) -> None:
    """Any tags.csv is graded, or refused with coded problems (`grade`, `check`)."""
    folder = lab.root / "tags"
    lab.write("tags", "tags.csv", data)
    check = Check(invariant, "tags.csv", data)
    with hunting():
        tags, problems = check.run(lambda: load_tags(folder / "tags.csv", lab.exercise.codebook,
                                                     lab.exercise.key.entries).tags)
        if invariant == "fix":  # a quote's problem names a line that holds a quote
            lines = re.split(r"\r\n|\r|\n", data.decode("utf-8-sig", "replace"))
            for problem in problems:
                if problem.code == "not-csv" and "quote" in problem.message and problem.line:
                    assert '"' in lines[problem.line - 1], \
                        f"line {problem.line} holds no quote: {problem!r}"
        if tags is not None:
            check.grade(lab.exercise, folder)


def test_a_flood_of_bad_rows_costs_no_more_than_the_problems_shown(
        lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bounded time without measuring it: a tags.csv of many rows, each with an unknown log
    and label, gets its suggestions ("did you mean ...?") worked out only for the problems
    that are shown. Each suggestion costs about half a millisecond, so a file of 100,000
    such rows (2.3 MB, far under the size limit) took 100 s when every row got them."""
    import difflib

    calls, original = [], difflib.get_close_matches

    def counted(*args: object, **kwargs: object) -> list[str]:
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr("grader.tags.difflib.get_close_matches", counted)
    rows = "".join(f"XX-{i:05d},label{i}\n" for i in range(1_000))  # unknown logs: skipped
    path = lab.write("flood", "tags.csv", "log_id,label\n" + rows)
    sheet = load_tags(path, lab.exercise.codebook, lab.exercise.key.entries)
    assert len(sheet.skipped) == 1_000
    assert len(calls) <= MAX_PROBLEMS, f"{len(calls)} suggestions worked out for 1,000 rows"
    calls.clear()
    known = list(lab.exercise.key.entries)  # known logs, unknown labels: refused
    rows = "".join(f"{known[i % len(known)]},label{i}\n" for i in range(1_000))
    path = lab.write("flood", "tags.csv", "log_id,label\n" + rows)
    with pytest.raises(UnusableInput) as refused:
        load_tags(path, lab.exercise.codebook, lab.exercise.key.entries)
    shown, worked_out = len(refused.value.problems), len(calls)
    assert worked_out <= 2 * shown, f"{worked_out} suggestions worked out for {shown} problems"


# ------------------------------------------------------------------------------------------
# report.md: the claims block and the prose
# ------------------------------------------------------------------------------------------

# The claims block of tests/test_claims.py, with the four sections under it.
GOOD_REPORT = GOOD + """Unwarranted refusal, 16 logs: SC-039, SC-064 and SC-099.

## Evidence
SC-039 refuses a refund timeline.

## Root cause
The money rule of the prompt.

## Recommended fix
Narrow the rule.
"""
REPORT_BASES = [GOOD_REPORT, demo_text("perfect", "report.md"), demo_text("beginner", "report.md")]


# What a claims block can name, read from the course's own files: codes (and their names in
# odd spellings), layers, logs, the bot's and the customer's words, and pointers of every form.
COURSE = load_codebook(CODEBOOK)
PUBLIC = load_materials()
CODES = list(COURSE.codes)
ODD_CODES = [*(c.name for c in COURSE.codes.values()), "No Failure", "no_failure",
             "hallucination", "UNWARRANTED-REFUSAL", "made-up", "x"]
ODD_LAYERS = ["Prompt", "product policy", "prompt, data", "x"]
LOGS = [*sorted(PUBLIC.turns)[:12], "SC-039", "SC-064", "SC-099"]
ODD_LOGS = ["sc-039", "SC-101", "SC-0", "KB-01", " SC-039"]
POINTERS = [*(f"system_prompt.md#{s}" for s in PUBLIC.prompt_sections),
            *sorted(PUBLIC.articles)[:4], "knowledge_base.yaml#KB-04",
            "knowledge_base.yaml#missing:gift-cards", "model"]
ODD_POINTERS = ["knowledge_base.yaml#missing:Gift Cards", "MODEL", "system_prompt.md",
                "system_prompt.md#Money Matters", "KB-99", "../solutions/answer_key.csv",
                "/etc/passwd", "https://x", "logs.jsonl#SC-001", "#",
                "system_prompt.md#money-matters; KB-04"]


def mostly(usual: st.SearchStrategy, odd: st.SearchStrategy) -> st.SearchStrategy:
    """`usual` about four times in five, else `odd`."""
    return st.integers(0, 99).flatmap(lambda n: usual if n < 80 else odd)


@st.composite
def quotes(draw: st.DrawFn, log: str) -> str:
    """Words of a log (the bot's or the customer's, whole or in fragments), or made up."""
    turns = [text for _, text in PUBLIC.turns.get(log, ())] or ["I can't help with that today"]
    words = draw(st.sampled_from(turns)).split()

    def window(least: int) -> str:
        start = draw(st.integers(0, max(0, len(words) - least)))
        return " ".join(words[start:start + draw(st.integers(least, 14))])

    kind = draw(st.sampled_from(["window", "window", "window", "elided", "elided", "made-up"]))
    if kind == "elided":
        elision = draw(st.sampled_from(["...", "\u2026", ". . ."]))
        return f"{window(2)} {elision} {window(2)}"
    return window(4) if kind == "window" else draw(st.one_of(snippets, st.text(max_size=40)))


@st.composite
def claims_blocks(draw: st.DrawFn) -> dict:
    """A claims block of the right shape whose values are drawn from what it may name,
    mostly usable, sometimes not."""
    logs = draw(mostly(st.lists(st.sampled_from(LOGS), min_size=3, max_size=8, unique=True),
                       st.lists(st.sampled_from(LOGS + ODD_LOGS), min_size=1, max_size=9)))
    return {
        "finding": draw(mostly(st.sampled_from(CODES), st.sampled_from(ODD_CODES))),
        "count": draw(mostly(st.integers(0, 40), st.sampled_from([-1, 10**7, "16", 2.5]))),
        "evidence": [{"log": log, "quote": draw(quotes(log))} for log in logs],
        "cause": {"layer": draw(mostly(st.sampled_from(COURSE.layer_ids),
                                       st.sampled_from(ODD_LAYERS))),
                  "location": draw(mostly(st.sampled_from(POINTERS),
                                          st.sampled_from(ODD_POINTERS)))},
        "fix": {"target": draw(mostly(st.sampled_from(POINTERS), st.sampled_from(ODD_POINTERS))),
                "change": draw(mostly(st.just("Narrow the rule."),
                                      st.sampled_from(["", "x" * 301, "a\tb", "<b>x</b>"])))},
        "verify": {"metric": draw(st.sampled_from(["refusals", "the refusal rate"])),
                   "target": draw(st.sampled_from(["0 of 16 refused", "fewer refusals",
                                                   "none", "half", "twenty"]))},
    }


def prose(claims: dict, words: int) -> str:
    """The four sections, naming the claims' finding, count and logs, about `words` long."""
    logs = ", ".join(str(e.get("log")) for e in claims.get("evidence", []))
    filler = " ".join(["word"] * words)
    return (f"# Audit\n\n## Finding\n{claims.get('finding')}: {claims.get('count')} logs. "
            f"{filler}\n\n## Evidence\n{logs}. {filler}\n\n## Root cause\n{filler}\n\n"
            f"## Recommended fix\n{filler}\n")


def split_report(text: str) -> tuple[object, str]:
    """The claims block of a valid report, parsed, and the Markdown below it."""
    _, block, body = text.split("---\n", 2)
    return yaml.safe_load(block), body


@st.composite
def reports(draw: st.DrawFn) -> bytes:
    """The bytes of a report: random, or a valid report with its lines or values changed."""
    kind = draw(st.sampled_from(["claims", "claims", "claims", "values", "values", "values",
                                 "lines", "lines", "text", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "text":
        head = draw(st.sampled_from(["", "---\n", "---\nfinding: ", "\n\n---\n"]))
        text = head + draw(st.text(max_size=200)) + draw(st.sampled_from(["", "\n---\n"]))
        return draw(finished(text + draw(st.text(max_size=50))))
    if kind == "claims":
        claims = draw(claims_blocks())
        body = prose(claims, draw(st.sampled_from([0, 5, 30, 200])))
        return draw(finished(f"---\n{dump(claims)}---\n{body}"))
    base = draw(st.sampled_from(REPORT_BASES))
    if kind == "lines":
        return draw(finished(draw(line_mutations(base))))
    block, body = split_report(base)
    if draw(st.integers(0, 3)) == 0:
        body = draw(line_mutations(body))
    return draw(finished(f"---\n{dump(draw(value_mutations(block, 2)))}---\n{body}"))


@pytest.mark.parametrize("invariant", INVARIANTS)
@fuzz(100)
@given(data=reports())
@example(data=b"---\ncount: 2001-13-01\n---\n")  # ValueError from PyYAML's date constructor
@example(data=b"---\ncount: !!int x\n---\n")  # ValueError from PyYAML's int constructor
@example(data=b"---\n? !!set {a: 1}\n: 1\n---\n")  # TypeError: an unhashable key
@example(data=GOOD_REPORT.replace("log: SC-039", 'log: "SC-039\\r"').encode())  # raw CR
@example(data=GOOD_REPORT.replace("log: SC-039", 'log: "SC-039\\u202e"').encode())  # bidi
@example(data="---\n\u200ffinding: x\n---\n".encode())  # a right-to-left mark in a message
def test_report(lab: Lab, invariant: str, data: bytes) -> None:
    """Any report.md is graded, or its problems are coded (`grade`, `check`)."""
    folder = lab.root / "report"
    path = lab.write("report", "report.md", data)
    codebook, materials = lab.exercise.codebook, lab.exercise.materials
    check = Check(invariant, "report.md", data)
    with hunting():
        written, _ = check.run(lambda: read_written_work(path, codebook, materials))
        if written is None:
            return
        check.shown(written.problem, "the reason a report cannot be read")
        findings, _ = check.run(lambda: report_findings(written, lab.tags, codebook))
        problems, notes = findings
        for problem in problems:
            check.problem(problem)
        for note in notes:
            check.shown(note, "a note of `grader check`")
        check.grade(lab.exercise, folder)


def test_a_long_claim_value_is_not_searched_for_separators(
        lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bounded time without measuring it: the search for several values in one field
    (`finding: a, b`) uses a pattern whose time grows with the square of the run of spaces in
    a value, so a 19 kB report.md whose finding is `"a<19,000 spaces>b"` kept `grader check`
    busy for 18 s. A value longer than its field allows is refused before that search. (If
    the pattern is made linear instead, this test should check that pattern.)"""
    import grader.claims

    lengths: list[int] = []

    class Recorder:
        """`SEPARATORS`, noting the length of each text it splits."""

        def split(self, text: str) -> list[str]:
            lengths.append(len(text))
            return separators.split(text)

    separators = grader.claims.SEPARATORS
    monkeypatch.setattr(grader.claims, "SEPARATORS", Recorder())
    text = f'---\nfinding: "a{" " * 2_000}b"\ncause:\n  layer: "prompt{" " * 2_000},"\n---\n'
    path = lab.write("report", "report.md", text)
    read_written_work(path, lab.exercise.codebook, lab.exercise.materials)
    assert max(lengths, default=0) <= 300, f"texts of {sorted(lengths)} characters were split"


# ------------------------------------------------------------------------------------------
# Codebooks
# ------------------------------------------------------------------------------------------


def check_codebook(check: Check, path: Path) -> None:
    """`taxonomy validate` and the grader's loader read the codebook at `path` alike: coded
    problems, or a codebook both accept."""
    problems, refused = check.run(lambda: codebook_problems(path))
    for problem in problems or []:
        check.problem(problem)
    problems = (problems or []) + refused
    if check.invariant != "exit":
        return
    try:
        load_codebook(path)
    except Exception as error:  # load_exercise asks codebook_problems why, and re-raises
        assert problems, f"load_codebook fails ({error!r}) but taxonomy validate finds nothing"
    else:
        assert not problems, f"the grader loads a codebook taxonomy validate refuses: {problems}"


codebook_texts = st.one_of(
    st.text(max_size=300),
    st.builds(dump, values),
    st.binary(max_size=300),
)


@pytest.mark.parametrize("invariant", INVARIANTS)
@fuzz(150)
@given(content=codebook_texts)
@example(content="a: 2001-13-01\n")  # ValueError from PyYAML's date constructor
@example(content="a: !!bool maybe\n")  # KeyError
@example(content="a: !!timestamp x\n")  # AttributeError
@example(content="a: !!map [1]\n")  # TypeError
@example(content="a: !!int ''\n")  # IndexError
@example(content="\x1f")  # PyYAML's reader error: a message of two lines, and no line
def test_random_codebooks(lab: Lab, invariant: str, content: str | bytes) -> None:
    """Random text and random YAML data are coded problems for `taxonomy validate`."""
    with hunting():
        check_codebook(Check(invariant, "random.yaml", content),
                       lab.write("codebooks", "random.yaml", content))


@pytest.mark.parametrize("invariant", INVARIANTS)
@fuzz(80)
@given(content=st.builds(dump, value_mutations(SMALL_CODEBOOK)))
def test_changed_codebooks(lab: Lab, invariant: str, content: str) -> None:
    """A valid codebook with values changed: valid, or every problem coded with its line."""
    with hunting():
        check_codebook(Check(invariant, "changed.yaml", content),
                       lab.write("codebooks", "changed.yaml", content))


COURSE_CODEBOOK_TEXT = CODEBOOK.read_text(encoding="utf-8")
COURSE_CODEBOOK_DATA = yaml.safe_load(COURSE_CODEBOOK_TEXT)


def course_codebook_with_rules(rule: str) -> str:
    """The course codebook with every neighbour's rule (shown in feedback) set to `rule`."""
    data = copy.deepcopy(COURSE_CODEBOOK_DATA)
    for family in data["families"]:
        for code in family["codes"]:
            for neighbour in code.get("not_when", []):
                neighbour["rule"] = rule
    return dump(data)


@pytest.mark.parametrize("invariant", INVARIANTS)
@fuzz(30)
@given(content=st.one_of(
    line_mutations(COURSE_CODEBOOK_TEXT, max_ops=3),
    st.builds(dump, value_mutations(COURSE_CODEBOOK_DATA, 2)),
).map(lambda text: variant(COURSE_CODEBOOK_TEXT, text)))
@example(content=course_codebook_with_rules("Ask \x1b[2J first."))  # shown in the mix-ups
def test_course_codebook_through_a_rubric(lab: Lab, invariant: str, content: str) -> None:
    """The course codebook with lines or values changed, validated, then loaded and graded
    with by `grade --rubric` (the beginner demo shows the rules of its mix-ups)."""
    path = lab.write("codebook-ex", "codebook.yaml", content)
    check = Check(invariant, "codebook.yaml", content)
    with hunting():
        check_codebook(check, path)
        exercise, _ = check.run(lambda: load_exercise(lab.root / "codebook-ex" / "rubric.yaml"))
        if exercise is not None:
            check.grade(exercise, DEMOS / "perfect")
            check.grade(exercise, DEMOS / "beginner")


# ------------------------------------------------------------------------------------------
# Rubrics
# ------------------------------------------------------------------------------------------


@st.composite
def rubrics(draw: st.DrawFn, base: str) -> str:
    """A rubric: random, or the course's with its lines or values changed."""
    kind = draw(st.sampled_from(["values", "values", "values", "lines", "random"]))
    if kind == "random":
        return draw(st.one_of(st.text(max_size=200), st.builds(dump, values)))
    if kind == "lines":
        return draw(line_mutations(base, max_ops=3))
    return dump(draw(value_mutations(yaml.safe_load(base))))


# The files a rubric names besides the codebook, as `grade --rubric` reads them: the answer
# key, the planted causes and the materials the claims point into.
COMPANIONS = {name: (RUBRIC.parent / name).read_text(encoding="utf-8")
              for name in ("answer_key.csv", "planted_causes.yaml")}
COMPANIONS |= {f"support-chat/{name}": (MATERIALS / name).read_text(encoding="utf-8")
               for name in ("knowledge_base.yaml", "logs.jsonl", "system_prompt.md")}
KEY_CELLS = [*CODES[:6], "no-failure", "", "x", "SC-001", "SC-101", "fabricated-fact;x"]


@st.composite
def companion_files(draw: st.DrawFn) -> tuple[str, str]:
    """One of the rubric's other files (its name in the exercise folder), changed."""
    name = draw(st.sampled_from(sorted(COMPANIONS)))
    base = COMPANIONS[name]
    kind = draw(st.sampled_from(["values", "values", "lines"]))
    if kind == "lines":
        return name, draw(line_mutations(base, max_ops=3))
    if name.endswith(".yaml"):
        return name, dump(draw(value_mutations(yaml.safe_load(base), 2)))
    if name.endswith(".csv"):
        rows = draw(row_mutations(base, KEY_CELLS))
        if draw(st.integers(0, 3)) == 0:  # no failure in the key, or one code everywhere
            code = draw(st.sampled_from(["no-failure", "off-topic"]))
            rows = [rows[0], *([row[0], code, *row[2:]] for row in rows[1:] if row)]
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return name, out.getvalue()
    if name.endswith(".jsonl"):
        records = [json.loads(line) for line in base.splitlines()[:draw(st.integers(0, 100))]]
        changed = draw(value_mutations(records, 2)) if records else draw(values)
        lines = ([json.dumps(r, default=str) for r in changed] if isinstance(changed, list)
                 else [json.dumps(changed, default=str)])
        return name, "\n".join(lines) + "\n"
    return name, draw(line_mutations(base, max_ops=3))


@pytest.mark.parametrize("invariant", INVARIANTS)
@fuzz(80)
@given(content=rubrics(course_rubric()))
@example(content=course_rubric().replace("materials: support-chat", "materials: ."))
@example(content=course_rubric().replace("codebook: codebook.yaml", 'codebook: "x\\0y"'))
@example(content=course_rubric().replace("points: 50", "points: 2001-13-01"))
@example(content=course_rubric().replace("answer_key: answer_key.csv", "answer_key: " + "x" * 300))
@example(content=course_rubric().replace("schema: failure-audit", "schema: other"))
@example(content=course_rubric().replace("points: 50", "points: .inf"))
@example(content=course_rubric().replace("points: 50", "points: 1e308"))  # the sum overflows
@example(content=course_rubric().replace("exercise: failure-audit", 'exercise: "f\\e[2J"'))
@example(content=course_rubric().replace("title: The reasoning of the report",
                                         'title: "The \\e[31mreasoning"'))  # in an explanation
def test_rubric(lab: Lab, invariant: str, content: str) -> None:
    """Any rubric is loaded and grades the perfect demo, or is refused with coded problems
    (`grade --rubric`)."""
    path = lab.write("rubric-ex", "rubric.yaml", content)
    check = Check(invariant, "rubric.yaml", content)
    with hunting():
        exercise, _ = check.run(lambda: load_exercise(path))
        if exercise is not None:
            check.grade(exercise, DEMOS / "perfect")


@pytest.mark.parametrize("invariant", INVARIANTS)
@fuzz(25)
@given(change=companion_files())
@example(change=("support-chat/knowledge_base.yaml", "a: 1\n"))  # KeyError: 'articles'
@example(change=("support-chat/knowledge_base.yaml", ""))  # TypeError: None[...]
@example(change=("support-chat/logs.jsonl", ""))  # then ValueError: min() of no logs
@example(change=("support-chat/knowledge_base.yaml", "articles: []\n"))  # max() of no articles
@example(change=("support-chat/knowledge_base.yaml", "articles:\n  title: x\n - id: KB-01\n"))
def test_rubric_files(lab: Lab, invariant: str, change: tuple[str, str]) -> None:
    """The course rubric with its answer key, planted causes or materials changed: loaded,
    grading the demo reports and one whose references do not resolve, or refused with coded
    problems (`grade --rubric`)."""
    folder = lab.root / "files-ex"
    for name, text in COMPANIONS.items():  # undo the last example's change
        (folder / name).write_text(text, encoding="utf-8")
    name, content = change
    path = lab.write("files-ex", name, content)
    check = Check(invariant, path.name, content)
    with hunting():
        exercise, _ = check.run(lambda: load_exercise(folder / "rubric.yaml"))
        if exercise is not None:
            for submission in (DEMOS / "perfect", DEMOS / "beginner", lab.root / "unresolved"):
                check.grade(exercise, submission)


# ------------------------------------------------------------------------------------------
# End to end: the installed command, on a few generated inputs
# ------------------------------------------------------------------------------------------


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The installed `grader` on `args`."""
    script = Path(sys.executable).parent / "grader"
    return subprocess.run([str(script), *map(str, args)], capture_output=True, text=True,
                          errors="replace", timeout=120, cwd=ROOT,
                          env={**os.environ, "COLUMNS": "100"})


def check_exit(run: subprocess.CompletedProcess[str], statuses: frozenset[int] = frozenset({0, 2})
               ) -> None:
    """Exit with one of `statuses` (0 or 2 unless given), and no traceback."""
    assert run.returncode in statuses, run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr


@fuzz(3)
@given(tags=tags_files(), report=reports())
@example(tags=b"\xef\xbb\xbf", report=b"")  # BOM only: StopIteration (issue 9)
@example(tags=(DEMOS / "perfect" / "tags.csv").read_bytes(),
         report=b"---\ncount: 2001-13-01\n---\n")  # ValueError from PyYAML
def test_grader_check_exits_0_2_or_3(lab: Lab, tags: bytes, report: bytes) -> None:
    """`grader check` on a generated tags.csv and report.md: exit 0 (ready), 3 (not ready) or
    2 (unusable), no traceback."""
    lab.write("cli", "tags.csv", tags)
    lab.write("cli", "report.md", report)
    check_exit(run_cli("check", "--submission", lab.root / "cli"), frozenset({0, 2, 3}))


@fuzz(3)
@given(content=st.one_of(st.builds(dump, value_mutations(SMALL_CODEBOOK)), codebook_texts))
@example(content="a: 2001-13-01\n")
def test_grader_taxonomy_validate_exits_0_or_2(lab: Lab, content: str | bytes) -> None:
    """`grader taxonomy validate` on a generated codebook: exit 0 or 2, no traceback."""
    check_exit(run_cli("taxonomy", "validate", lab.write("cli", "codebook.yaml", content)))
