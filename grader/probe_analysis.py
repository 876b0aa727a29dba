"""`analysis.csv` of a red-team probe: one row per variation of the design, with its figures.

The columns are `labkit.probes.ANALYSIS_COLUMNS`. A row is read as an `AnalysisRow` with every
coded problem and its line (`read_table` of the tags reader does the CSV); its ids, type and
family must be the design's. `grader.probe_scoring.check_rows` then sets each row against the
learner's own log. The p-values are the learner's own test and correction, so they only have
to be probabilities, the adjusted one no smaller than the raw one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from grader.errors import Problem, UnusableInput, fix_for
from grader.probe_files import ProbeDesign
from grader.tags import read_table
from labkit.probes import ANALYSIS_COLUMNS

ANALYSIS_FILE = "analysis.csv"
MAX_ANALYSIS_BYTES = 5_000_000
HEADER = ",".join(ANALYSIS_COLUMNS)


class AnalysisRow(BaseModel):
    """One row of `analysis.csv`: one paraphrase or counterfactual and its figures."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    family: str = Field(min_length=1, max_length=200)
    variant_id: str = Field(min_length=1, max_length=200)
    type: Literal["paraphrase", "counterfactual"]
    feature: str = Field(min_length=1, max_length=1000)
    expect: str = Field(min_length=1, max_length=200)
    n: int = Field(ge=0)
    mean_score: float = Field(ge=1, le=7)
    effect: float = Field(ge=-6, le=6)
    flip_rate: float = Field(ge=0, le=1)
    baseline_flip_rate: float = Field(ge=0, le=1)
    p_value: float = Field(ge=0, le=1)
    p_adjusted: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _adjusted_is_not_smaller(self) -> AnalysisRow:
        if self.p_adjusted < self.p_value - 1e-9:
            raise ValueError("p_adjusted is smaller than p_value: a correction for many "
                             "comparisons never lowers a p-value")
        return self


@dataclass(frozen=True)
class AnalysisLine:
    """One row of `analysis.csv` and the line it starts on."""

    line: int
    row: AnalysisRow


def _design_problems(row: AnalysisRow, design: ProbeDesign, file: str, line: int
                     ) -> list[Problem]:
    family = design.family_of.get(row.variant_id)
    if family is None:
        return [Problem("unknown-probe-id", file, f"'{row.variant_id}' is not a prompt of "
                        "probe_design.yaml", line, "write one row for each paraphrase and "
                        "counterfactual of your design, under its id.", "variant_id")]
    if row.variant_id == family.id:
        return [Problem("analysis-invalid", file, f"'{row.variant_id}' is a family original",
                        line, "write rows for the variations only: the original is what each "
                        "is compared with.", "variant_id")]
    problems = []
    if row.family != family.id:
        problems.append(Problem("analysis-invalid", file, f"'{row.variant_id}' is in family "
                                f"'{family.id}', not '{row.family}'", line,
                                f"write {family.id} as its family.", "family"))
    kind = "paraphrase" if row.variant_id in {p.id for p in family.paraphrases} else (
        "counterfactual")
    if row.type != kind:
        problems.append(Problem("analysis-invalid", file, f"'{row.variant_id}' is a {kind} of "
                                f"the design, not a {row.type}", line, f"write {kind}.", "type"))
    return problems


def load_analysis(path: Path, design: ProbeDesign) -> list[AnalysisLine]:
    """Read `analysis.csv`; raise `UnusableInput` with every problem and its line."""
    file = path.name
    header, rows = read_table(path, HEADER, "variation", MAX_ANALYSIS_BYTES)
    missing = [name for name in ANALYSIS_COLUMNS if name not in header]
    if missing:
        raise UnusableInput([Problem("missing-column", file, f"no column '{name}' in the "
                                     "header", 1, f"the header must be '{HEADER}'.")
                             for name in missing])
    problems: list[Problem] = []
    lines: list[AnalysisLine] = []
    first: dict[str, int] = {}
    position = {name: header.index(name) for name in ANALYSIS_COLUMNS}
    for line, fields in rows:
        if len(fields) > len(header):
            problems.append(Problem("bad-row", file, f"{len(fields)} fields, header has "
                                    f"{len(header)}", line, "put a value that contains "
                                    "commas in double quotes."))
            continue
        cells = {name: fields[i].strip() if i < len(fields) else ""
                 for name, i in position.items()}
        try:
            row = AnalysisRow.model_validate(cells)
        except ValidationError as exc:
            problems += [Problem("analysis-invalid", file,
                                 f"{'.'.join(map(str, e['loc'])) or 'the row'}: {e['msg']}",
                                 line, fix_for(e["type"]) if e["type"] != "value_error"
                                 else "compute it again from your log.",
                                 ".".join(map(str, e["loc"])))
                         for e in exc.errors()]
            continue
        found = _design_problems(row, design, file, line)
        if row.variant_id in first:
            found.append(Problem("analysis-invalid", file, f"'{row.variant_id}' has a row "
                                 f"already, on line {first[row.variant_id]}", line,
                                 "keep one row per variation.", "variant_id"))
        problems += found
        if not found:
            first[row.variant_id] = line
            lines.append(AnalysisLine(line, row))
    if problems:
        raise UnusableInput(problems)  # a flood is cut, with a count of the rest
    if not lines:
        raise UnusableInput([Problem("file-empty", file, "has a header and no rows", None,
                                     "write one row per variation of your design.")])
    return lines
