"""The files of a red-team probe submission: the design, the run log, and whether the log is
genuine.

`probe_design.yaml` is a `ProbeDesign` (the families of `labkit.probes`, the repeats, the
temperature and the decision rule, `extra="forbid"`); `probe_log.jsonl` is one
`labkit.probes.RunRecord` a line. Both are read with every coded problem and its line.

A log is **genuine** when every record names one fingerprint the grader knows (the course
default, or a learner's variant in the mentor's registry), its band and score are what
`extract_rating` reads from its response, and a deterministic sample of its calls, replayed
through `labkit.advisor.assess` with the record's own messages, temperature and seed and that
variant, gives the logged response word for word. The sample is drawn with a seed made from
the SHA-256 of the log, so the same log is always checked on the same records.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from grader.errors import Problem, UnusableInput, fix_for
from grader.files import read_submitted
from grader.front_matter import FrontMatter
from labkit.advisor import assess
from labkit.advisor_variant import AdvisorVariant
from labkit.probes import ProbeFamily, RunRecord, extract_rating
from labkit.safe_yaml import YamlProblem, load_yaml

DESIGN_FILE = "probe_design.yaml"
LOG_FILE = "probe_log.jsonl"
MAX_DESIGN_BYTES = 1_000_000
MAX_LOG_BYTES = 50_000_000
MAX_LOG_RECORDS = 100_000


class ProbeDesign(BaseModel):
    """`probe_design.yaml`: the families and the settings, written before the first run."""

    model_config = ConfigDict(extra="forbid")
    model: str = Field("simulator", min_length=1, max_length=200)
    temperature: float = Field(ge=0, le=2, allow_inf_nan=False)
    repeats: int = Field(ge=1, le=1_000)
    repeats_original: int = Field(ge=1, le=1_000)
    decision_rule: str = Field(min_length=1, max_length=2_000)
    families: list[ProbeFamily] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _ids_unique(self) -> ProbeDesign:
        seen: set[str] = set()
        for family in self.families:
            for prompt_id, _ in family.prompts():
                if prompt_id in seen:
                    raise ValueError(f"the id {prompt_id!r} is used twice: every family, "
                                     "paraphrase and counterfactual needs its own id")
                seen.add(prompt_id)
        return self

    @property
    def family_of(self) -> dict[str, ProbeFamily]:
        """The family of each prompt id (an original's id is its family's)."""
        return {prompt_id: family for family in self.families
                for prompt_id, _ in family.prompts()}


def _text(path: Path, limit: int) -> str:
    data = read_submitted(path, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnusableInput([Problem("encoding", path.name, "is not UTF-8 text", None,
                                     "save it as UTF-8.")]) from None


def load_design(path: Path) -> ProbeDesign:
    """Read `probe_design.yaml`; raise `UnusableInput` with every problem and its line."""
    text = _text(path, MAX_DESIGN_BYTES)
    if not text.strip():
        raise UnusableInput([Problem("file-empty", path.name, "is empty", None,
                                     "write your design into it (see the project page).")])
    try:
        raw, root = load_yaml(text, what="a probe design", max_chars=MAX_DESIGN_BYTES)
    except YamlProblem as error:
        raise UnusableInput([Problem("yaml-syntax", path.name, error.message, error.line,
                                     error.hint or "correct the YAML as the message says.")]
                            ) from None
    where = FrontMatter(raw, root, 1) if root is not None else None
    try:
        return ProbeDesign.model_validate(raw)
    except ValidationError as exc:
        raise UnusableInput([
            Problem("design-invalid", path.name,
                    f"{'.'.join(map(str, e['loc'])) or 'the design'}: {e['msg']}",
                    where.line_of(tuple(e["loc"])) if where else None,
                    fix_for(e["type"]) if e["type"] != "value_error"
                    else "give every prompt an id of its own.", ".".join(map(str, e["loc"])))
            for e in exc.errors()
        ]) from None


@dataclass(frozen=True)
class LogLine:
    """One record of the run log and the line it is on."""

    line: int
    record: RunRecord


def load_log(path: Path) -> tuple[list[LogLine], str]:
    """Every record of `probe_log.jsonl` with its line, and the SHA-256 of the file; raise
    `UnusableInput` (`log-invalid`) listing each line that is not a run record."""
    data = read_submitted(path, MAX_LOG_BYTES)
    digest = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnusableInput([Problem("encoding", path.name, "is not UTF-8 text", None,
                                     "save it as UTF-8.")]) from None
    lines, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(lines) >= MAX_LOG_RECORDS:
            problems.append(Problem("log-invalid", path.name, f"has more than "
                                    f"{MAX_LOG_RECORDS:,} records", number,
                                    "hand in the log of your design's runs only."))
            break
        try:
            lines.append(LogLine(number, RunRecord.model_validate_json(line)))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(map(str, first["loc"]))
            message = (f"is not a JSON object: {first['msg']}" if first["type"] == "json_invalid"
                       else f"{where or 'the record'}: {first['msg']}")
            problems.append(Problem("log-invalid", path.name, message, number,
                                    "write one run record a line, as labkit.probes.run_family "
                                    "does; do not edit the log by hand.", where))
    if problems:
        raise UnusableInput(problems)
    if not lines:
        raise UnusableInput([Problem("file-empty", path.name, "has no records", None,
                                     "run your design and hand in its log.")])
    return lines, digest


def unknown_ids(log: list[LogLine], design: ProbeDesign, file: str = LOG_FILE
                ) -> list[Problem]:
    """`unknown-probe-id` for each record whose probe or variant id is not in the design, or
    whose variant is not of the family its probe id names."""
    family_of = design.family_of
    families = {family.id for family in design.families}
    problems = []
    for item in log:
        record = item.record
        if record.probe_id not in families:
            problems.append(Problem("unknown-probe-id", file, f"probe_id '{record.probe_id}' "
                                    "is not a family of probe_design.yaml", item.line,
                                    "log only the prompts of your design, by their ids.",
                                    "probe_id"))
        elif family_of.get(record.variant_id, None) is None or \
                family_of[record.variant_id].id != record.probe_id:
            problems.append(Problem("unknown-probe-id", file, f"variant_id "
                                    f"'{record.variant_id}' is not a prompt of family "
                                    f"{record.probe_id} in probe_design.yaml", item.line,
                                    "log only the prompts of your design, by their ids.",
                                    "variant_id"))
    return problems


@dataclass(frozen=True)
class Genuineness:
    """What the replay found: the variant, how many calls were replayed, and the problems
    (`log-not-genuine`) that make the log unusable. `variant` is None when the fingerprint is
    not one the checker may replay (`replayable` False: a learner's own variant in
    `grader check`)."""

    fingerprint: str | None
    variant: AdvisorVariant | None
    replayed: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def genuine(self) -> bool:
        """True when nothing in the log contradicts a replay."""
        return not self.problems


def _messages(record: RunRecord) -> str | list[dict]:
    if isinstance(record.prompt, str):
        return record.prompt
    return [m.model_dump() for m in record.prompt]


def sample_lines(log: list[LogLine], digest: str, size: int) -> list[LogLine]:
    """A deterministic sample of `size` records (all if fewer), seeded by the log's hash."""
    if len(log) <= size:
        return list(log)
    picked = random.Random(int(digest[:16], 16)).sample(range(len(log)), size)
    return [log[i] for i in sorted(picked)]


def check_genuine(log: list[LogLine], digest: str, variants: Mapping[str, AdvisorVariant],
                  sample: int = 500, *, file: str = LOG_FILE,
                  unknown_is_problem: bool = True) -> Genuineness:
    """Is the log genuine? `variants` maps fingerprints to the variants that may be
    replayed. An unknown fingerprint is `log-not-genuine` when `unknown_is_problem` (the
    grader's registry knows every learner's), else the replay is skipped (`grader check`)."""
    def problem(message: str, line: int | None, hint: str, where: str = "") -> Problem:
        return Problem("log-not-genuine", file, message, line, hint, where)

    problems = []
    for item in log:
        rating = extract_rating(item.record.response)
        if (item.record.band, item.record.score) != tuple(rating):
            problems.append(problem(
                f"band {item.record.band} and score {item.record.score} are not what the "
                f"response states ({rating.band}, {rating.score})", item.line,
                "keep band and score as extract_rating read them from the response.",
                "band"))
    prints = defaultdict(list)
    for item in log:
        prints[item.record.system_fingerprint].append(item.line)
    if len(prints) > 1:
        counts = ", ".join(f"{fp or 'none'} ({len(lines)} records)"
                           for fp, lines in prints.items())
        first_odd = min(min(lines) for fp, lines in list(prints.items())[1:])
        problems.append(problem(f"the records name {len(prints)} fingerprints: {counts}",
                                first_odd, "run every probe against your own model variant, "
                                "in one log.", "system_fingerprint"))
        return Genuineness(None, None, 0, problems)
    fingerprint = next(iter(prints))
    variant = variants.get(fingerprint or "")
    if variant is None:
        if unknown_is_problem or fingerprint is None:
            problems.append(problem(f"system_fingerprint '{fingerprint}' is not the "
                                    "fingerprint of any model variant of this course",
                                    log[0].line, "run your probes against the model your "
                                    "mentor gave you, and keep the fingerprint each reply "
                                    "carries.", "system_fingerprint"))
        return Genuineness(fingerprint, None, 0, problems)
    chosen = sample_lines(log, digest, sample)
    for item in chosen:
        record = item.record
        try:
            replayed = assess(_messages(record), temperature=record.temperature,
                              seed=record.seed, variant=variant).text
        except ValueError as error:  # a temperature the model does not take
            problems.append(problem(f"the call cannot be replayed: {error}", item.line,
                                    "log the settings the call was really made with.",
                                    "temperature"))
            continue
        if replayed != record.response:
            problems.append(problem(
                f"replaying run {record.run_id} (seed {record.seed}, temperature "
                f"{record.temperature:g}) gives '{_short(replayed)}', not the logged "
                f"'{_short(record.response)}'", item.line,
                "hand in the log exactly as your runs wrote it; rerun rather than edit.",
                "response"))
    return Genuineness(fingerprint, variant, len(chosen), problems)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."
