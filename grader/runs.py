"""How each notebook was autograded, recorded beside nbgrader's own tables in the gradebook.

nbgrader stores one score per cell; it has no place for why a score is what it is. This
table records, per submitted notebook: whether it ran in the sandbox, how the run ended
(`completed`, `timeout`, `crashed`), how long it took, and the status of every criterion
(`scored`, `not-submitted`, `invalid`). `grader export` joins it to the grades. The table
is created on first use and left alone by nbgrader's migrations, which touch only their own.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field

import sqlalchemy as sa

TABLE = "grader_autograde_runs"
_metadata = sa.MetaData()
runs = sa.Table(
    TABLE, _metadata,
    sa.Column("assignment", sa.String(128), primary_key=True),
    sa.Column("student", sa.String(128), primary_key=True),
    sa.Column("notebook", sa.String(128), primary_key=True),
    sa.Column("sandbox", sa.String(32), nullable=False),
    sa.Column("outcome", sa.String(32), nullable=False),
    sa.Column("seconds", sa.Float, nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("statuses", sa.Text, nullable=False),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
)


@dataclass
class Run:
    """How one notebook ran under autograde."""

    sandbox: str = "none"
    outcome: str = "completed"
    seconds: float = 0.0
    detail: str = ""
    statuses: dict[str, str] = field(default_factory=dict)


def record_run(db_url: str, assignment: str, student: str, notebook: str, run: Run) -> None:
    """Write (or replace) the run of one notebook."""
    engine = sa.create_engine(db_url)
    try:
        _metadata.create_all(engine)
        row = {**asdict(run), "statuses": json.dumps(run.statuses),
               "assignment": assignment, "student": student, "notebook": notebook,
               "recorded_at": dt.datetime.now(dt.UTC).replace(tzinfo=None)}
        with engine.begin() as connection:
            connection.execute(runs.delete().where(
                (runs.c.assignment == assignment) & (runs.c.student == student)
                & (runs.c.notebook == notebook)))
            connection.execute(runs.insert().values(**row))
    finally:
        engine.dispose()


def read_runs(db_url: str) -> dict[tuple[str, str, str], Run]:
    """Every recorded run, by (assignment, student, notebook); empty for an old gradebook."""
    engine = sa.create_engine(db_url)
    try:
        if not sa.inspect(engine).has_table(TABLE):
            return {}
        with engine.connect() as connection:
            rows = connection.execute(sa.select(runs)).mappings().all()
    finally:
        engine.dispose()
    return {(r["assignment"], r["student"], r["notebook"]):
            Run(r["sandbox"], r["outcome"], r["seconds"], r["detail"], json.loads(r["statuses"]))
            for r in rows}
