"""Claims: what a written deliverable commits to, in a block a machine can check.

Points for written work come from the claims block at the top of the file (see
`grader.front_matter`), never from matching words in the prose. Each exercise has one claims
model here (pydantic, `extra="forbid"`), published as JSON Schema on the course site.
Reading a block gives either valid claims or every coded problem, each with its field path
(`evidence[3].quote`, entries numbered from 1) and its line in the file.

Problems come in two kinds. The block cannot be used at all (`claims-missing`,
`claims-syntax`, `claims-invalid`, `claims-not-committed`): every claim criterion is then
`invalid`. Or the block is usable but a reference in it does not resolve (`pointer-unresolved`,
`unknown-log-id`, `quote-not-found`): only the claims that hold it lose their points.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from grader.errors import CONTROL, Problem, UnusableInput, fix_for
from grader.front_matter import FrontMatter, split_front_matter
from grader.materials import ELISION, Materials
from grader.tags import id_hint, resolve_label
from labkit.codebook import Codebook

MARKUP = re.compile(r"<\s*[A-Za-z/!?]|" + CONTROL.pattern)
# No `\s*` around the separators: on a long run of spaces that takes quadratic time; the
# parts are stripped instead.
SEPARATORS = re.compile(r"(?:,|;|/|\||\+|&|\band\b|\bor\b|\bplus\b)", re.I)


def _text(limit: int, minimum: int = 1) -> object:
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=minimum,
                                            max_length=limit)]


Id = _text(40)
LogId = _text(120)  # as long as an exercise's log id may be (labkit.exercise_logs)
Pointer = _text(120)
MAX_CLAIM_CHARS = 300  # the longest text a claim field takes; a longer one is refused
Sentence = _text(MAX_CLAIM_CHARS)
Short = _text(200)
MIN_QUOTE_WORDS = 4


class _Claims(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Evidence(_Claims):
    """One log that shows the finding, with the bot's own words from it."""

    log: LogId = Field(description="a log id of the dataset, e.g. SC-014")
    quote: Sentence = Field(
        description="the bot's words in that log, verbatim, at least 4 words; '...' may join "
                    "two fragments of the same turn, each at least 2 words")

    @field_validator("quote")
    @classmethod
    def _long_enough(cls, quote: str) -> str:
        fragments = [f.split() for f in ELISION.split(quote) if f.strip()]
        if sum(map(len, fragments)) < MIN_QUOTE_WORDS or any(len(f) < 2 for f in fragments):
            raise ValueError(f"a quote needs at least {MIN_QUOTE_WORDS} words, and each "
                             "fragment joined by '...' at least 2")
        return quote


class Cause(_Claims):
    """Where the failure comes from: one layer, one place."""

    layer: Id = Field(description="one root-cause layer id of the codebook")
    location: Pointer = Field(description="one pointer into the materials")


class Fix(_Claims):
    """Where the change is made and what it is."""

    target: Pointer = Field(description="one pointer into the materials")
    change: Sentence = Field(description="the change, in one sentence")


class Verify(_Claims):
    """How the fix will be checked."""

    metric: Short = Field(description="what is measured")
    target: Short = Field(description="the figure that means the fix worked")


class AuditClaims(_Claims):
    """The claims block of the failure audit's `report.md`."""

    model_config = ConfigDict(title="Failure-audit report claims, version 1")
    finding: Id = Field(description="exactly one failure code of the codebook")
    count: int = Field(ge=0, le=1_000_000,
                       description="logs whose primary label is the finding, in your tags.csv")
    evidence: list[Evidence] = Field(min_length=3, max_length=8,
                                     description="3 to 8 logs that show the finding")
    cause: Cause
    fix: Fix
    verify: Verify


AUDIT_EXAMPLE = """---
finding: <one failure code>
count: <logs with that primary label in your tags.csv>
evidence:
  - log: <log id>
    quote: "<the bot's words in that log>"
cause:
  layer: <one layer>
  location: <one pointer, e.g. system_prompt.md#style or KB-03>
fix:
  target: <one pointer>
  change: <the change, in one sentence>
verify:
  metric: <what you will measure>
  target: <the figure that means it worked>
---"""

CLAIM_MODELS: dict[str, tuple[type[_Claims], str]] = {
    "failure-audit": (AuditClaims, AUDIT_EXAMPLE),
}
# Fields that take one value, by path; each entry says what one value is.
ONE_VALUE = {("finding",): "code", ("count",): "number", ("cause",): "cause",
             ("cause", "layer"): "layer", ("cause", "location"): "pointer",
             ("fix", "target"): "pointer"}


@dataclass(frozen=True)
class ReadClaims:
    """A claims block read from a file: the claims, or why they cannot be used, and the
    references that do not resolve (those cost only the claims that hold them)."""

    claims: AuditClaims | None
    body: str
    problems: list[Problem] = field(default_factory=list)
    unresolved: list[Problem] = field(default_factory=list)

    def problem_at(self, *path: str | int) -> Problem | None:
        """The first unresolved reference under `path` (e.g. `("cause",)`), if any."""
        prefix = field_path(path)
        return next((p for p in self.unresolved if p.field.startswith(prefix)), None)


def field_path(location: tuple[str | int, ...]) -> str:
    """`('evidence', 2, 'quote')` -> `evidence[3].quote` (entries numbered from 1)."""
    out = ""
    for part in location:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read_claims(text: str, file: str, codebook: Codebook, materials: Materials,
                schema: str = "failure-audit") -> ReadClaims:
    """The claims block of `text`, validated against the codebook and resolved against the
    materials; never raises for a learner's mistake."""
    model, example = CLAIM_MODELS[schema]
    try:
        block, body = split_front_matter(text, file, example)
    except UnusableInput as error:
        return ReadClaims(None, text, error.problems)
    problems = _commitment_problems(block, file, codebook, materials)
    if problems:
        return ReadClaims(None, body, problems)
    try:
        claims = model.model_validate(block.data)
    except ValidationError as exc:
        return ReadClaims(None, body, [_validation_problem(e, block, file) for e in exc.errors()])
    problems = _value_problems(claims, block, file, codebook)
    if problems:
        return ReadClaims(None, body, problems)
    unresolved = _reference_problems(claims, block, file, materials)
    return ReadClaims(_canonical(claims, codebook, materials), body, [], unresolved)


def _canonical(claims: AuditClaims, codebook: Codebook, materials: Materials) -> AuditClaims:
    """The claims with the finding as its code and every resolvable pointer in one form."""
    def pointer(value: str) -> str:
        return materials.resolve(value)[0] or value

    return claims.model_copy(update={
        "finding": resolve_label(claims.finding, codebook) or claims.finding,
        "cause": claims.cause.model_copy(update={"location": pointer(claims.cause.location)}),
        "fix": claims.fix.model_copy(update={"target": pointer(claims.fix.target)}),
    })


def _validation_problem(error: dict, block: FrontMatter, file: str) -> Problem:
    location = tuple(error["loc"])
    path = field_path(location) or "the block"
    kind = error["type"]
    message = {
        "value_error": f"is not usable: {error.get('ctx', {}).get('error', error['msg'])}",
        "missing": "is missing",
        "extra_forbidden": "is not a key of the claims block",
        "too_short": f"holds {error.get('ctx', {}).get('actual_length', 'too few')} entries",
        "too_long": f"holds {error.get('ctx', {}).get('actual_length', 'too many')} entries",
        "string_too_short": "is too short",
        "string_too_long": "is too long",
        "int_type": "must be a whole number",
        "string_type": "must be text",
        "model_type": "must be a mapping of keys to values",
        "list_type": "must be a list",
        "dict_type": "must be a mapping of keys to values",
    }.get(kind, error["msg"])
    hint = {
        "missing": "add it; every key of the example block is required.",
        "extra_forbidden": "remove it or check its spelling against the example block.",
        "too_short": "cite at least 3 logs." if location == ("evidence",) else "",
        "too_long": "cite at most 8 logs: choose the clearest." if location == ("evidence",)
        else "",
        "string_too_long": f"keep it under {error.get('ctx', {}).get('max_length', '')} "
                           "characters: quote the words that show the failure.",
        "string_too_short": "write it out: a quote needs at least a few words.",
    }.get(kind, "")
    if kind in {"too_short", "too_long"} and location != ("evidence",):
        hint = ""
    if kind == "extra_forbidden" and error.get("input") is None and " " in str(location[-1]):
        # `{metric: pattern rate, frozen set}`: YAML reads the words after a comma as a key
        hint = ("if these words belong to the value before them, quote that whole value: "
                "in braces, a comma starts a new key (metric: \"rate, frozen set\").")
    return Problem("claims-invalid", file, f"{path} {message}", block.line_of(location),
                   hint or fix_for(kind), field_path(location))


def _commitment_problems(block: FrontMatter, file: str, codebook: Codebook,
                         materials: Materials) -> list[Problem]:
    """`claims-not-committed` wherever one value is asked and several are given, and
    `claims-invalid` for markup or control characters anywhere in the block."""
    data = block.data
    problems = plain_text_problems(block, file)
    if not isinstance(data, dict):
        return problems
    valid = {"code": lambda v: resolve_label(v, codebook) is not None,
             "layer": lambda v: v in codebook.layer_ids,
             "pointer": lambda v: materials.resolve(v)[0] is not None}
    for path, kind in ONE_VALUE.items():
        value = _get(data, path)
        several = isinstance(value, list) and len(value) > 1
        if isinstance(value, str) and kind in valid:
            several = names_several(value, valid[kind])
        elif isinstance(value, str) and kind == "number":
            several = len(re.findall(r"\d+", value)) > 1
        if several or (isinstance(value, list) and kind != "number" and len(value) == 1):
            problems.append(not_committed(file, block, path, value, several, kind))
    return problems


def plain_text_problems(block: FrontMatter, file: str) -> list[Problem]:
    """`claims-invalid` for a block that is not keys and values, or for each value in it
    that holds markup or control characters (both projects' claims blocks)."""
    if not isinstance(block.data, dict):
        return [Problem("claims-invalid", file, "the claims block must be keys and values",
                        block.first_line, "follow the shape of the example block.")]
    return [Problem("claims-invalid", file, f"{field_path(path)} holds markup or control "
                    "characters", block.line_of(path), "write plain text: no HTML tags.",
                    field_path(path))
            for path, value in _strings(block.data) if MARKUP.search(value)]


def names_several(text: str, valid: Callable[[str], bool]) -> bool:
    """True when `text` names more than one value that `valid` accepts ("prompt, retrieval")."""
    if len(text) > MAX_CLAIM_CHARS:  # too long for any claim: refused as such, not split
        return False
    parts = [p.strip() for p in SEPARATORS.split(text) if p.strip()]
    return len(parts) > 1 and all(valid(p) for p in parts)


def not_committed(file: str, block: FrontMatter, path: tuple[str | int, ...], value: object,
                  several: bool, kind: str = "value") -> Problem:
    """`claims-not-committed`: several values, or a list of one, where one `kind` is asked."""
    one = f"one {kind}" if several else f"a single {kind}, not a list,"
    described = f"a list of {len(value)}" if isinstance(value, list) else f"'{value}'"
    return Problem("claims-not-committed", file, f"{field_path(path)} gives {described} where "
                   f"{one} is asked", block.line_of(path), "commit to the one your evidence "
                   "supports best; explain the others in the prose if you must.",
                   field_path(path))


# A path into a claims block where one value is asked, and what a single value is there
# (None: any text); `read_claims_block` refuses several values, or a list of one, there.
OneValue = tuple[tuple[str | int, ...], Callable[[str], bool] | None]


def _at(data: object, path: tuple[str | int, ...]) -> object:
    for part in path:
        data = (data.get(part) if isinstance(data, dict) else
                data[part] if isinstance(data, list) and isinstance(part, int)
                and part < len(data) else None)
    return data


def read_claims_block(text: str, file: str, example: str, model: type[_Claims],
                      one_value: Callable[[dict], list[OneValue]],
                      layers: Callable[[Any], list[tuple[tuple[str | int, ...], str]]],
                      codebook: Codebook) -> ReadClaims:
    """The claims block of `text` read as `model` (projects 2 and 3; project 1's reader also
    resolves pointers and quotes): markup refused, one value where `one_value` asks for one,
    the model's own checks, and each layer `layers` names a layer of the codebook. Never
    raises for a learner's mistake."""
    try:
        block, body = split_front_matter(text, file, example)
    except UnusableInput as error:
        return ReadClaims(None, text, error.problems)
    problems = plain_text_problems(block, file)
    if isinstance(block.data, dict):
        for path, valid in one_value(block.data):
            value = _at(block.data, path)
            several = isinstance(value, list) and len(value) > 1
            if isinstance(value, str) and valid is not None:
                several = names_several(value, valid)
            if several or (isinstance(value, list) and len(value) == 1):
                problems.append(not_committed(file, block, path, value, several))
    if problems:
        return ReadClaims(None, body, problems)
    try:
        claims = model.model_validate(block.data)
    except ValidationError as exc:
        return ReadClaims(None, body, [_validation_problem(e, block, file)
                                       for e in exc.errors()])
    problems = [Problem("claims-invalid", file, f"{field_path(path)} '{layer}' is not a layer "
                        "of the codebook", block.line_of(path),
                        f"use one of: {', '.join(codebook.layer_ids)}.", field_path(path))
                for path, layer in layers(claims) if layer not in codebook.layer_ids]
    return ReadClaims(None, body, problems) if problems else ReadClaims(claims, body)


def _strings(data: object, path: tuple[str | int, ...] = ()) -> list[tuple[tuple, str]]:
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in _strings(v, (*path, str(k)))]
    if isinstance(data, list):
        return [s for i, v in enumerate(data) for s in _strings(v, (*path, i))]
    return [(path, data)] if isinstance(data, str) else []


def _get(data: object, path: tuple[str, ...]) -> object:
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _value_problems(claims: AuditClaims, block: FrontMatter, file: str,
                    codebook: Codebook) -> list[Problem]:
    """Values that are the right type but not allowed: unknown codes and layers, a log
    cited twice."""
    from grader.tags import label_problem

    problems = []
    code = resolve_label(claims.finding, codebook)
    if code is None:
        problem = label_problem(claims.finding, codebook, (file, block.line_of(("finding",))),
                                "finding")
        problems.append(Problem("claims-invalid", file, problem.message, problem.line,
                                problem.hint, "finding"))
    elif code == codebook.no_failure_code:
        problems.append(Problem("claims-invalid", file, f"finding is '{code}': the finding is "
                                "the most frequent failure", block.line_of(("finding",)),
                                "name a failure code.", "finding"))
    if claims.cause.layer not in codebook.layer_ids:
        problems.append(Problem("claims-invalid", file, f"cause.layer '{claims.cause.layer}' is "
                                "not a layer of the codebook", block.line_of(("cause", "layer")),
                                f"use one of: {', '.join(codebook.layer_ids)}.", "cause.layer"))
    seen: set[str] = set()
    for i, item in enumerate(claims.evidence):
        if item.log.upper() in seen:
            problems.append(Problem("claims-invalid", file, f"evidence[{i + 1}].log cites "
                                    f"{item.log} a second time", block.line_of(("evidence", i)),
                                    "cite each log once.", f"evidence[{i + 1}].log"))
        seen.add(item.log.upper())
    return problems


def _reference_problems(claims: AuditClaims, block: FrontMatter, file: str,
                        materials: Materials) -> list[Problem]:
    """Pointers that do not resolve, logs that do not exist, quotes not in their log."""
    problems = []
    for path, pointer in ((("cause", "location"), claims.cause.location),
                          (("fix", "target"), claims.fix.target)):
        resolved, why = materials.resolve(pointer)
        if resolved is None:
            problems.append(Problem("pointer-unresolved", file,
                                    f"{field_path(path)} '{pointer}' does not resolve: {why}",
                                    block.line_of(path), f"use {materials.forms()}.",
                                    field_path(path)))
    for i, item in enumerate(claims.evidence):
        where = block.line_of(("evidence", i))
        if item.log not in materials.turns:
            problems.append(Problem("unknown-log-id", file, f"evidence[{i + 1}].log '{item.log}' "
                                    "is not a log of the dataset", where,
                                    id_hint(item.log, materials.turns), f"evidence[{i + 1}].log"))
        elif materials.quote_occurs(item.log, item.quote, by_model=False):
            problems.append(Problem("quote-not-bot", file, f"evidence[{i + 1}].quote is the "
                                    f"customer's words in {item.log}, not the bot's",
                                    block.line_of(("evidence", i, "quote")),
                                    "quote what the bot said: the evidence of a failure is the "
                                    "bot's reply.", f"evidence[{i + 1}].quote"))
        elif not materials.quote_occurs(item.log, item.quote):
            problems.append(Problem("quote-not-found", file, f"evidence[{i + 1}].quote does not "
                                    f"occur in the bot's turns of {item.log}",
                                    block.line_of(("evidence", i, "quote")),
                                    "copy the bot's words exactly; join two fragments of one "
                                    "turn with '...'.", f"evidence[{i + 1}].quote"))
    return problems


def claims_json_schema(schema: str = "failure-audit") -> dict:
    """The JSON Schema of an exercise's claims block, as published on the course site."""
    model, _ = CLAIM_MODELS[schema]
    return model.model_json_schema()
