"""Checks every rubric gets, whatever its kind: the rubric's own model, and each criterion's
scorer and parameters (a misspelt, missing or blank parameter is `rubric-invalid` with its
line, never silently ignored)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from grader.codebook_check import node_line
from grader.errors import Problem, fix_for
from grader.rubric import Criterion


def blank_terms(value: object, location: tuple[str | int, ...] = ()
                ) -> list[tuple[str | int, ...]]:
    """Where a scorer's parameters hold an empty or blank text (as a value or a key): a term
    that matches everything, or a descriptor that says nothing."""
    if isinstance(value, str):
        return [location] if not value.strip() else []
    if isinstance(value, dict):
        return [found for key, item in value.items()
                for found in ([(*location, key)] if isinstance(key, str) and not key.strip()
                              else blank_terms(item, (*location, key)))]
    if isinstance(value, list | tuple):
        return [found for i, item in enumerate(value) for found in blank_terms(item,
                                                                               (*location, i))]
    return []


def model_problems(error: ValidationError, root: Any, path: Path) -> list[Problem]:
    """A rubric's validation errors as `rubric-invalid` problems, each with its line."""
    return [Problem("rubric-invalid", path.name,
                    f"{'.'.join(map(str, e['loc'])) or 'top level'}: {e['msg']}",
                    node_line(root, e["loc"]), fix_for(e["type"]),
                    ".".join(map(str, e["loc"]))) for e in error.errors()]


def criteria_problems(criteria: list[Criterion],
                      scorers: Mapping[str, tuple[Callable[..., Any], type[BaseModel]]],
                      root: Any, path: Path) -> list[Problem]:
    """Each criterion's problems: a blank parameter, a scorer the grader does not have, or
    parameters its scorer's model refuses (the hint lists the parameters it takes)."""
    problems = []
    for i, criterion in enumerate(criteria):
        problems += [Problem("rubric-invalid", path.name,
                             f"{criterion.id}: params.{'.'.join(map(str, where))}: is empty",
                             node_line(root, ("criteria", i, "params", *where)),
                             "write the text out, or remove the entry.",
                             f"criteria.{i}.params.{'.'.join(map(str, where))}")
                     for where in blank_terms(criterion.params)]
        if criterion.scorer not in scorers:
            problems.append(Problem("rubric-invalid", path.name,
                                    f"{criterion.id}: unknown scorer '{criterion.scorer}'",
                                    node_line(root, ("criteria", i, "scorer")),
                                    f"choose from: {', '.join(sorted(scorers))}."))
            continue
        _, params = scorers[criterion.scorer]
        try:
            params(**criterion.params)
        except ValidationError as exc:
            takes = (f"{criterion.scorer} takes: "
                     f"{', '.join(params.model_fields) or 'no parameters'}.")
            problems += [Problem("rubric-invalid", path.name,
                                 f"{criterion.id}: params.{'.'.join(map(str, e['loc']))}: "
                                 f"{e['msg']}",
                                 node_line(root, ("criteria", i, "params", *e["loc"])),
                                 f"{fix_for(e['type'])} {takes}".lstrip(),
                                 f"criteria.{i}.params.{'.'.join(map(str, e['loc']))}")
                         for e in exc.errors()]
    return problems
