"""Rubrics: which criteria an exercise is graded on, each naming a scorer and its points.

A rubric is `solutions/<exercise>/rubric.yaml`; the answer key and codebook paths in it are
relative to the rubric file, so a workshop lead can point the grader at their own set.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from grader.claims import CLAIM_MODELS
from grader.codebook_check import node_line
from grader.errors import Problem, UnusableInput, fix_for
from labkit.safe_yaml import YamlProblem, load_yaml_file

REPO_ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS_DIR = REPO_ROOT / "solutions"
MAX_RUBRIC_CHARS = 200_000
# A taxonomy code as a rubric names it: never empty, which would match nothing or everything.
Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]


class Criterion(BaseModel):
    """One graded aspect of a submission."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z]+\.[a-z_]+$")
    title: str
    points: float = Field(gt=0, le=1_000, allow_inf_nan=False)
    scorer: str
    params: dict[str, Any] = Field(default_factory=dict)


class ClaimsSettings(BaseModel):
    """How the claims of the written work are read and weighed (paths relative to the rubric).

    `off_target_credit` is the share of the count, evidence, cause and fix points that a
    correct analysis of another failure than the most frequent one earns; `also_accept`
    lists further codes accepted as the finding. Claims that rest on invented evidence earn
    less: each evidence entry whose log does not exist or whose quote is not in it costs the
    finding, cause and fix `invented_evidence_cost` of their points, and a count that does
    not come from the learner's own tags multiplies them by `unbacked_count_factor`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_: str = Field("failure-audit", alias="schema")
    materials: Path
    planted_causes: Path
    off_target_credit: float = Field(0.5, ge=0, le=1)
    also_accept: list[Code] = Field(default_factory=list)
    invented_evidence_cost: float = Field(1 / 3, ge=0, le=1)
    unbacked_count_factor: float = Field(0.5, ge=0, le=1)

    @field_validator("schema_")
    @classmethod
    def _known_schema(cls, value: str) -> str:
        if value not in CLAIM_MODELS:
            raise ValueError(f"'{value}' is not a claims format; choose from: "
                             f"{', '.join(CLAIM_MODELS)}")
        return value


class Rubric(BaseModel):
    """An exercise's criteria and where its answer key and codebook live."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    exercise: str
    title: str
    answer_key: Path
    codebook: Path
    claims: ClaimsSettings | None = None
    criteria: list[Criterion] = Field(min_length=1)

    @property
    def max_score(self) -> float:
        """The sum of every criterion's points."""
        return sum(criterion.points for criterion in self.criteria)


def load_rubric(path: Path) -> Rubric:
    """Read a rubric and resolve its paths against the rubric's folder.

    Raises `UnusableInput` with every problem (and its YAML line) when it cannot be used.
    """
    def problem(message: str, line: int | None = None, hint: str = "") -> UnusableInput:
        return UnusableInput([Problem("rubric-invalid", path.name, message, line, hint)])

    if not path.is_file():
        raise problem("no such file", hint="pass the path of a rubric YAML to --rubric")
    try:
        raw, root = load_yaml_file(path, what="a rubric", max_chars=MAX_RUBRIC_CHARS)
    except YamlProblem as error:
        raise problem(error.message, error.line, error.hint) from None
    if not isinstance(raw, dict):
        raise problem("the rubric must be a mapping with exercise, title, answer_key, "
                      "codebook and criteria",
                      hint="start from the course's solutions/failure-audit/rubric.yaml.")
    for name in ("answer_key", "codebook"):
        if isinstance(raw.get(name), str):
            given, raw[name] = raw[name], _existing(path.parent, raw[name], Path.is_file)
            if raw[name] is None:
                raise problem(f"{name}: no such file {path.parent / given}",
                              node_line(root, (name,)),
                              "give the path of the file, relative to the rubric's folder.")
    claims = raw.get("claims")
    for name, exists in (("materials", Path.is_dir), ("planted_causes", Path.is_file)):
        if isinstance(claims, dict) and isinstance(claims.get(name), str):
            given, claims[name] = claims[name], _existing(path.parent, claims[name], exists)
            if claims[name] is None:
                kind = "folder" if name == "materials" else "file"
                raise problem(f"claims.{name}: no such {kind} {path.parent / given}",
                              node_line(root, ("claims", name)),
                              f"give the path of the {kind}, relative to the rubric's folder.")
    try:
        return Rubric.model_validate(raw)
    except ValidationError as exc:
        raise UnusableInput([
            Problem("rubric-invalid", path.name,
                    f"{'.'.join(map(str, e['loc'])) or 'top level'}: {e['msg']}",
                    node_line(root, e["loc"]), _hint(e["type"], e["loc"]),
                    ".".join(map(str, e["loc"])))
            for e in exc.errors()
        ]) from None


def _hint(error_type: str, location: tuple[str | int, ...]) -> str:
    if error_type == "string_pattern_mismatch" and "also_accept" in location:
        return "write a code of the rubric's codebook, e.g. 'off-topic'."
    return fix_for(error_type)


def _existing(folder: Path, name: str, exists: Callable[[Path], bool]) -> Path | None:
    """`folder / name` resolved, if `exists` says it is there; None for a name that is not
    a usable path (empty, too long, with a NUL byte) or that names nothing."""
    try:
        path = (folder / name).resolve()
        return path if name.strip() and exists(path) else None
    except (OSError, ValueError):
        return None


def exercise_rubric(exercise: str) -> Path:
    """The rubric file of one of the course's own exercises."""
    return SOLUTIONS_DIR / exercise / "rubric.yaml"


def known_exercises() -> list[str]:
    """The course's exercises: the folders of `solutions/` that hold a rubric."""
    return sorted(path.parent.name for path in SOLUTIONS_DIR.glob("*/rubric.yaml"))


def rubric_kind(path: Path) -> str:
    """What the rubric at `path` says its `kind` is: `probe` (the red-team probe, graded by
    `grader.probe_grade`), `synthesis` (the cross-domain synthesis, `grader.synthesis_grade`)
    or `audit` (the failure audit, the default); an unreadable rubric: `audit`, and the
    ordinary loader reports it."""
    try:
        raw, _ = load_yaml_file(path, what="a rubric", max_chars=MAX_RUBRIC_CHARS)
    except (YamlProblem, OSError):
        return "audit"
    kind = raw.get("kind") if isinstance(raw, dict) else None
    return kind if kind in ("probe", "synthesis") else "audit"


def is_probe_rubric(path: Path) -> bool:
    """True when the rubric at `path` says `kind: probe`."""
    return rubric_kind(path) == "probe"
