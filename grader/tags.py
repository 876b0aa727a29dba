"""Reading a learner's `tags.csv` and saying, in the learner's words, what is wrong with it.

Format: UTF-8 (a BOM is fine), comma-separated, a header row, columns `log_id,label`
(required) and `secondary_labels` (semicolon-separated codes), `note` (optional); one row
per log. Every problem in the file is reported at once, so one fix-and-rerun is enough.

Log ids are any text the exercise's logs define, matched exactly (case included) after the
white space around them is dropped. A row whose id is not one of the exercise's logs is
reported and skipped, not fatal: the rest of the file is graded, and the report says which
rows were left out and why (with the id it most likely meant, or a note that only the case
differs).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from grader.answer_key import split_codes
from grader.errors import MAX_PROBLEMS, Problem, UnusableInput
from grader.files import read_submitted
from labkit.codebook import Codebook, normalise

MAX_TAGS_BYTES = 20_000_000
REQUIRED_COLUMNS = ("log_id", "label")
OPTIONAL_COLUMNS = ("secondary_labels", "note")
LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Tag:
    """A learner's labels for one log."""

    log_id: str
    label: str
    secondary: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class TagSheet:
    """A `tags.csv` as read: the usable rows, and the rows skipped because their log id is
    not one of the exercise's logs (each an `unknown-log-id` problem with its line)."""

    tags: list[Tag]
    skipped: list[Problem]


def id_hint(log_id: str, known: Collection[str], suggest: bool = True,
            folded: Mapping[str, str] | None = None) -> str:
    """How to fix a log id that is not one of `known`: the id that differs only in case (ids
    match exactly; `folded`, each known id by its case-folded form, saves a pass over them
    for every row), else the closest id (unless not `suggest`: difflib's search is slow on a
    long list, and a problem past the cut is not shown), else an example of the ids."""
    folded = folded if folded is not None else {k.casefold(): k for k in known}
    same = folded.get(log_id.casefold())
    if same is not None:
        return f"ids are matched exactly, case included: write '{same}'."
    close = difflib.get_close_matches(log_id, list(known), n=1) if suggest else []
    if close:
        return f"did you mean '{close[0]}'?"
    return (f"use the log ids as the dataset writes them, e.g. '{min(known)}'." if known
            else "use the log ids of the dataset.")


def label_problem(raw: str, codebook: Codebook, where: tuple[str, int], column: str,
                  suggest: bool = True) -> Problem:
    """An `unknown-label` problem with the closest valid code suggested (unless not
    `suggest`: working out a suggestion costs time, and a problem past the cut is not shown)."""
    file, line = where
    word = normalise(raw)
    names = {**codebook.synonyms, **{code: code for code in codebook.codes}}
    close = difflib.get_close_matches(word, list(names), n=1, cutoff=0.6) if suggest else []
    if word in names:
        hint = f"'{raw}' is a name for '{names[word]}': write the code '{names[word]}'."
    elif close and names[close[0]] != close[0]:
        hint = f"did you mean '{names[close[0]]}' ({close[0]})?"
    elif close:
        hint = f"did you mean '{close[0]}'?"
    else:
        hint = f"use a code of the codebook '{codebook.name}': {', '.join(codebook.codes)}."
    return Problem(
        "unknown-label",
        file,
        f"{column} '{raw}' is not in taxonomy v{codebook.version}",
        line,
        hint,
    )


def resolve_label(raw: str, codebook: Codebook) -> str | None:
    """The code `raw` spells, forgiving case, spaces and underscores; None if it is no code."""
    code = normalise(raw)
    return code if code in codebook.codes else None


def decode(data: bytes, file: str) -> str:
    """UTF-8 text of `data` (BOM dropped), or an `encoding` problem naming the first bad line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnusableInput([
            Problem(
                "encoding",
                file,
                f"byte 0x{data[exc.start]:02x} is not UTF-8",
                line,
                "save the file as 'CSV UTF-8' (in Excel: Save As > CSV UTF-8).",
            )
        ]) from None


def read_table(path: Path, example_header: str = "log_id,label", row_of: str = "log",
               max_bytes: int = MAX_TAGS_BYTES) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and `(first line, fields)` of each data row of a CSV file; the problems'
    fixes quote `example_header` and say there is one row per `row_of`."""
    file = path.name
    data = read_submitted(path, max_bytes)
    if data.startswith(b"PK\x03\x04"):
        raise UnusableInput([Problem("not-csv", file, "this is a spreadsheet (xlsx), not CSV", None,
                                     "export it with File > Save As > CSV UTF-8.")])
    text = decode(data, file)
    if not text.strip():
        raise UnusableInput([Problem("file-empty", file, "the file is empty", None,
                                     f"write a header '{example_header}' and one row per "
                                     f"{row_of}.")])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        header = next(reader)
        start = reader.line_num + 1
        for fields in reader:
            if any(cell.strip() for cell in fields):
                rows.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UnusableInput([csv_problem(str(exc), text, file, (start, reader.line_num))]
                            ) from None
    header = [name.strip().lower() for name in header]
    if len(header) == 1 and ("\t" in header[0] or ";" in header[0] or header[0][:1] in "{["):
        raise UnusableInput([Problem("not-csv", file, "the header has no commas", 1,
                                     f"separate columns with commas, e.g. '{example_header}'.")])
    return header, rows


def csv_problem(error: str, text: str, file: str, lines: tuple[int, int]) -> Problem:
    """The problem that `csv` reported as `error` while reading the row on lines `lines`
    (first, last read): a quote never closed (on the line it opens), a value too long,
    or a quote inside a value."""
    start, stop = lines
    opened = unclosed_quote_line(text)
    if opened is not None and opened <= stop and ("end of data" in error or "larger" in error):
        return Problem("not-csv", file, "a quote (\") opens a value here and is never closed",
                       opened, "close the quote at the end of the value, or remove it.")
    if "larger than field limit" in error:
        return Problem("value-too-long", file, f"a value is longer than "
                       f"{csv.field_size_limit():,} characters", start,
                       "keep each note to a few sentences.")
    return Problem("not-csv", file, f"cannot be read as CSV: {error}", stop,
                   "a quote must enclose a whole value: put the value in quotes and double "
                   'each quote inside it, e.g. "said ""no"" twice".')


def unclosed_quote_line(text: str) -> int | None:
    """The line of the first quote that opens a CSV value and is never closed, if any."""
    at = 0
    while (quote := text.find('"', at)) >= 0:
        if quote > 0 and text[quote - 1] not in ",\r\n":  # a quote inside a plain value
            at = quote + 1
            continue
        close = text.find('"', quote + 1)
        while close >= 0 and text.startswith('"', close + 1):  # "" is a quote inside
            close = text.find('"', close + 2)
        if close < 0:  # lines end as csv counts them: \r\n, \r or \n
            return len(LINE_END.findall(text, 0, quote)) + 1
        at = close + 1
    return None


def load_tags(path: Path, codebook: Codebook, log_ids: Collection[str]) -> TagSheet:
    """Validate and read `tags.csv`; raise `UnusableInput` listing every problem found.
    Rows whose log id is not in `log_ids` are skipped and returned as problems, not raised."""
    file = path.name
    header, rows = read_table(path)
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise UnusableInput([
            Problem("missing-column", file, f"no column '{name}' in the header", 1,
                    f"the header must be 'log_id,label' (found: {','.join(header)}).")
            for name in missing
        ])
    column = {name: header.index(name) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
              if name in header}
    problems: list[Problem] = []
    skipped: list[Problem] = []
    tags: list[Tag] = []
    first_line: dict[str, int] = {}
    known = log_ids if isinstance(log_ids, set | frozenset | dict) else frozenset(log_ids)
    folded = {k.casefold(): k for k in known}
    for line, fields in rows:
        if len(fields) > len(header):
            problems.append(Problem("bad-row", file, f"{len(fields)} fields, header has "
                                    f"{len(header)}", line, "quote a note that contains commas."))
            continue
        cell = {name: fields[i].strip() if i < len(fields) else "" for name, i in column.items()}
        if cell["log_id"] and cell["log_id"] not in known:  # skipped, whatever its labels
            skipped.append(Problem(
                "unknown-log-id", file,
                f"log '{cell['log_id']}' is not in the dataset; the row is not graded", line,
                id_hint(cell["log_id"], known, len(skipped) < MAX_PROBLEMS, folded)))
            continue
        tag = _read_row(cell, codebook, (file, line), problems)
        if tag is None:
            continue
        if tag.log_id in first_line:
            problems.append(Problem("duplicate-log-id", file, f"log '{tag.log_id}' is tagged again",
                                    line, f"keep one row; the first is on line "
                                    f"{first_line[tag.log_id]}."))
            continue
        first_line[tag.log_id] = line
        tags.append(tag)
    if problems:  # with the rows that would be skipped: one fix-and-rerun is enough
        everything = sorted([*problems, *skipped], key=lambda p: p.line or 0)
        raise UnusableInput(everything)  # a flood is cut, with a count of the rest
    return TagSheet(tags, skipped)


def _read_row(
    cell: dict[str, str],
    codebook: Codebook,
    where: tuple[str, int],
    problems: list[Problem],
) -> Tag | None:
    file, line = where
    before = len(problems)
    for name in REQUIRED_COLUMNS:
        if not cell[name]:
            problems.append(Problem("empty-value", file, f"'{name}' is blank", line,
                                    f"fill in {name} or delete the row."))
    if len(problems) > before:
        return None
    suggest = len(problems) <= MAX_PROBLEMS  # problems past the cut are counted, not shown
    log_id = cell["log_id"]
    label = resolve_label(cell["label"], codebook)
    if label is None:
        problems.append(label_problem(cell["label"], codebook, where, "label", suggest))
    secondary = []
    for raw in split_codes(cell.get("secondary_labels")):
        code = resolve_label(raw, codebook)
        if code is None:
            problems.append(label_problem(raw, codebook, where, "secondary label", suggest))
        elif code != label and code not in secondary:
            secondary.append(code)
    if len(problems) > before or label is None:
        return None
    return Tag(log_id, label, tuple(secondary), cell.get("note", ""))
