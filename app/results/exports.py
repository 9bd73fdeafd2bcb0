"""An edition's results as spreadsheets: the ranking, every score with its
comments, and the chapter's decisions, each as CSV and as XLSX.

Plain functions, no request: `ranking_table`, `scores_table` and
`decisions_table` describe a table (its columns and an iterator of rows of
plain values); `csv_chunks` and `write_xlsx` write any table.

- The numbers come from the results service and nowhere else: the ranking from
  `rank()` for stage 1 and 2, and for the final result from the current
  ranking snapshot when there is one (the ranking the chapter decides on; the
  file name says which).
- CSV: UTF-8 with a byte-order mark (Excel then reads Polish letters right),
  comma-separated, decimal point, one header row. Scores of the ranking to two
  decimals as on the ranking page.
- XLSX: one sheet, bold header row, numbers as numbers (scores shown to two
  decimals, kept whole), dates as dates in Warsaw time.
- Text that a spreadsheet would run as a formula is written as text (see
  app/results/cells.py).
- The scores table is read from the database in batches and written as it is
  read, so memory does not grow with the edition (~300,000 scores nationally).
- A blinded chapter (app/results/blinding.py): every table takes the viewer's
  `Names`; blinded, entries are named by their codes, ordered by code where
  the name would have ordered them, and the office's name, town, REGON and NIP
  are taken out of the free text (comments, justifications).
"""

from __future__ import annotations

import csv
import functools
import io
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import sqlalchemy as sa
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.accounts.models import User
from app.awards.models import CATEGORY_AWARD_RANK, Award, SpecialAward, WithheldAward
from app.editions.models import Area, Category, Criterion, Edition
from app.extensions import db
from app.jury.models import Assignment, Score, ScoreSheet
from app.labels import label
from app.offices.models import Application, ApplicationStatus, Office
from app.results import snapshot as snapshots
from app.results.blinding import Names
from app.results.cells import csv_cell, xlsx_text
from app.results.models import EntryCode, RankingEntry
from app.results.ranking import COUNTED, rank
from app.timeutil import format_local, to_local

TABLES = ("ranking", "scores", "decisions")
FORMATS = ("csv", "xlsx")
STAGES = {"1": 1, "2": 2, "final": "final"}

# Rows of the scores table fetched from the database at a time.
BATCH = 2000
# openpyxl spends ~1-3 ms of Python per 12-cell row, so the XLSX of a national
# edition's 318,000 scores took 14 minutes on the shared 2-core machine
# (bench/exports.py), longer than any proxy or worker waits for a response.
# Above this many scores the XLSX is refused with a message and the streamed
# CSV (seconds to start, about a minute in all) is offered instead; building
# the large XLSX belongs in a background job.
SCORES_XLSX_MAX = 50_000
# CSV rows joined into one chunk of the streamed response.
CSV_CHUNK_ROWS = 200

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Column:
    """One column: its header (in the reader's language), the kind of value
    ("text", "int", "number", "score", "datetime") and a width in characters."""

    header: str
    kind: str = "text"
    width: int = 12


@dataclass
class Table:
    """What an export writes: `rows` yields tuples of plain values (str, int,
    float, naive-UTC datetime or None), one per column."""

    name: str  # the file name without its extension
    title: str  # the XLSX sheet's name (at most 31 characters)
    columns: list[Column]
    rows: Iterable[tuple]
    details: dict[str, Any] = field(default_factory=dict)  # for the audit event


# ---------------------------------------------------------------- tables


def table(
    edition: Edition, name: str, *, stage: str = "final", names: Names | None = None
) -> Table:
    """The table called `name` (ranking, scores, decisions), its entries
    labelled by `names` (by name when not given); ValueError for an unknown
    name or ranking stage."""
    names = names or Names(blinded=False)
    if name == "ranking":
        if stage not in STAGES:
            raise ValueError(f"unknown stage: {stage!r}")
        table = ranking_table(edition, stage=STAGES[stage], names=names)
    elif name == "scores":
        table = scores_table(edition, names=names)
    elif name == "decisions":
        table = decisions_table(edition, names=names)
    else:
        raise ValueError(f"unknown table: {name!r}")
    table.details["blinded"] = names.blinded
    return table


def _yes_no(flag: bool) -> str:
    return _("yes") if flag else _("no")


def ranking_table(
    edition: Edition, *, stage: int | str = "final", names: Names | None = None
) -> Table:
    """The ranking for stage 1, stage 2 or the final result, every entry that
    is not a draft, category by category in ranking order (entries without a
    score for the stage last, with no position).

    Stages 1 and 2 come from the live ranking service in the edition's mode;
    the final result from the current ranking snapshot when there is one
    (positions in the snapshot's mode), else from the live service."""
    names = names or Names(blinded=False)
    columns = [
        Column(_("Category"), width=28),
        Column(_("Position"), "int", 9),
        Column(_("Tied"), width=8),
        Column(names.heading, width=40),
        Column(_("Stage 1 raw"), "score"),
        Column(_("Stage 1 normalised"), "score"),
        Column(_("Stage 2 raw"), "score"),
        Column(_("Stage 2 normalised"), "score"),
        Column(_("Checklist"), "score"),
        Column(_("Final raw"), "score"),
        Column(_("Final normalised"), "score"),
    ]
    numbers = (
        "stage1_raw",
        "stage1_normalised",
        "stage2_raw",
        "stage2_normalised",
        "checklist",
        "final_raw",
        "final_normalised",
    )
    current = snapshots.current(edition) if stage == "final" else None
    if current is not None:
        source = [
            (e.category.name, e.position, e.tied, e.application_id, e.application.office.name, e)
            for e in snapshots.entries(current)
        ]
        name = f"ranking-{edition.slug}-final-snapshot-v{current.version}"
        details = {"stage": "final", "snapshot_version": current.version}
    else:
        result = rank(edition, stage=stage)
        source = [
            (r.category, r.position, r.tied, r.application_id, r.office, r) for r in result.rows
        ]
        which = "final-live" if stage == "final" else f"stage{stage}"
        name = f"ranking-{edition.slug}-{which}-{result.mode.value}"
        details = {"stage": str(stage), "snapshot_version": None, "mode": result.mode.value}
    source = names.order_ties(source, group=lambda s: (s[0], s[1]), entry=lambda s: s[3])
    rows = [
        (
            category,
            position,
            _yes_no(tied) if position is not None else "",
            names(entry, office),
            *(getattr(line, n) for n in numbers),
        )
        for category, position, tied, entry, office, line in source
    ]
    return Table(name, _("Ranking"), columns, rows, details)


def _counted_scores(statement, edition_id: int):
    return statement.where(
        Application.edition_id == edition_id,
        Application.status != ApplicationStatus.draft,
        ScoreSheet.status.in_(COUNTED),
    )


def count_scores(edition: Edition) -> int:
    """How many rows the scores table has (one query)."""
    return db.session.scalar(
        _counted_scores(
            sa.select(sa.func.count(Score.id))
            .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
            .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
            .join(Application, Application.id == Assignment.application_id),
            edition.id,
        )
    )


def scores_xlsx_allowed(edition: Edition) -> bool:
    """The scores table is small enough to be written as XLSX while the
    organizer waits (see SCORES_XLSX_MAX)."""
    return count_scores(edition) <= SCORES_XLSX_MAX


def _score_rows(edition_id: int, batch: int, names: Names) -> Iterator[tuple]:
    """Every counted score of the edition, read `batch` rows at a time (a
    server-side cursor on PostgreSQL), one row per juror x entry x criterion;
    blinded, in code order instead of the offices' names."""
    statement = (
        sa.select(
            ScoreSheet.stage,
            Category.name,
            Office.name,
            User.full_name,
            Area.name,
            Criterion.name,
            Score.value,
            Score.max_score,
            Criterion.weight,
            Score.strengths,
            Score.improvements,
            ScoreSheet.submitted_at,
            Application.id,
        )
        .select_from(Score)
        .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .join(Office, Office.id == Application.office_id)
        .join(Category, Category.id == Application.category_id)
        .join(User, User.id == Assignment.juror_id)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .join(Area, Area.id == Criterion.area_id)
        .outerjoin(EntryCode, EntryCode.application_id == Application.id)
        .order_by(
            ScoreSheet.stage,
            Category.position,
            Category.id,
            EntryCode.number if names.blinded else Office.name,
            Application.id,
            User.full_name,
            User.id,
            Area.position,
            Area.id,
            Criterion.position,
            Criterion.id,
        )
        .execution_options(yield_per=batch)
    )
    statement = _counted_scores(statement, edition_id)
    # The connection, not the ORM: no objects are needed, and the ORM's
    # per-row work would dominate at 300,000 rows. Flush first (the
    # connection does not autoflush), so that this session's changes count.
    db.session.flush()
    result = db.session.connection().execute(statement)
    try:
        if not names.blinded and not names.codes:
            for *row, _entry in result:
                yield tuple(row)
            return
        for stage, category, office, juror, area, criterion, *rest, entry in result:
            value, maximum, weight, strengths, improvements, submitted = rest
            yield (
                stage,
                category,
                names(entry, office),
                juror,
                area,
                criterion,
                value,
                maximum,
                weight,
                names.text(entry, strengths),
                names.text(entry, improvements),
                submitted,
            )
    finally:
        result.close()


def scores_table(edition: Edition, *, batch: int = BATCH, names: Names | None = None) -> Table:
    """Every score of the counted (submitted or locked) sheets: stage,
    category, office, juror, area, criterion, value, maximum, weight, the
    juror's strengths and areas for improvement, and when the sheet was
    submitted. Rows are read lazily, in batches, when the table is written."""
    names = names or Names(blinded=False)
    columns = [
        Column(_("Stage"), "int", 7),
        Column(_("Category"), width=28),
        Column(names.heading, width=40),
        Column(_("Juror"), width=24),
        Column(_("Area"), width=28),
        Column(_("Criterion"), width=40),
        Column(_("Score"), "number", 8),
        Column(_("Maximum"), "number", 9),
        Column(_("Weight"), "number", 8),
        Column(_("Strengths"), width=50),
        Column(_("Areas for improvement"), width=50),
        Column(_("Sheet submitted (Warsaw time)"), "datetime", 18),
    ]
    rows = _score_rows(edition.id, batch, names)
    return Table(f"scores-{edition.slug}", _("Scores"), columns, rows, {})


def decisions_table(edition: Edition, *, names: Names | None = None) -> Table:
    """The chapter's decisions: per category its laureates, distinctions and
    the special awards of its entries, with the justification, the reason for
    departing from the ranking, and the entry's position in the current
    ranking snapshot; then a row for each category whose award was withheld,
    with the reason. Category by category; laureates first."""
    names = names or Names(blinded=False)
    columns = [
        Column(_("Category"), width=28),
        Column(names.heading, width=40),
        Column(_("Decision"), width=20),
        Column(_("Special award"), width=28),
        Column(_("Justification"), width=60),
        Column(_("Reason for departing from the ranking"), width=50),
        Column(_("Position in the ranking snapshot"), "int", 12),
    ]
    current = snapshots.current(edition)
    positions: dict[int, int | None] = {}
    if current is not None:
        positions = dict(
            db.session.execute(
                sa.select(RankingEntry.application_id, RankingEntry.position).where(
                    RankingEntry.snapshot_id == current.id
                )
            ).all()
        )
    awards = db.session.execute(
        sa.select(
            Category.position,
            Category.id,
            Category.name,
            Office.name,
            Award.kind,
            SpecialAward.position,
            SpecialAward.name,
            Award.justification,
            Award.departure_reason,
            Award.application_id,
        )
        .select_from(Award)
        .join(Application, Application.id == Award.application_id)
        .join(Office, Office.id == Application.office_id)
        .join(Category, Category.id == Application.category_id)
        .outerjoin(SpecialAward, SpecialAward.id == Award.special_award_id)
        .where(Award.edition_id == edition.id)
    ).all()
    withheld = db.session.execute(
        sa.select(Category.position, Category.id, Category.name, WithheldAward.reason)
        .join(Category, Category.id == WithheldAward.category_id)
        .where(WithheldAward.edition_id == edition.id)
    ).all()
    keyed = []
    for cat_pos, cat_id, cat, office, kind, special_pos, special, why, departure, entry in awards:
        position = positions.get(entry)
        order = (
            -CATEGORY_AWARD_RANK.get(kind, 0),
            special_pos or 0,
            position if position is not None else math.inf,
            names.sort_key(entry, office),
        )
        row = (
            cat,
            names(entry, office),
            str(label(kind)),
            special or "",
            names.text(entry, why),
            names.text(entry, departure),
            position,
        )
        keyed.append(((cat_pos, cat_id, 0, order), row))
    for cat_pos, cat_id, cat, reason in withheld:
        keyed.append(
            ((cat_pos, cat_id, 1, ()), (cat, "", _("Award withheld"), "", reason, "", None))
        )
    keyed.sort(key=lambda pair: pair[0])
    details = {"snapshot_version": current.version if current else None}
    return Table(
        f"decisions-{edition.slug}", _("Decisions"), columns, [r for _k, r in keyed], details
    )


# ---------------------------------------------------------------- writers


def _number(value: float) -> str:
    """7.0 -> "7", 7.5 -> "7.5": a score, maximum or weight as typed."""
    return f"{value:g}" if value == int(value) else repr(float(value))


_CSV_FORMAT: dict[str, Callable[[Any], str]] = {
    "text": lambda v: csv_cell(str(v)),
    "int": str,
    "number": _number,
    "score": lambda v: f"{v:.2f}",
    "datetime": format_local,
}


class _Echo:
    """A file for csv.writer that hands each written line back instead of
    keeping it (a StringIO would hold a growing buffer of wide characters)."""

    def write(self, line: str) -> str:
        return line


def csv_chunks(table: Table) -> Iterator[str]:
    """The table as CSV text, in chunks of a few hundred rows: a byte-order
    mark, the header row, then the rows as they are read. An empty cell for
    None."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    # A sheet's ~20 scores share its submission time: convert it once.
    local_time = functools.lru_cache(maxsize=4096)(format_local)
    formats = [local_time if c.kind == "datetime" else _CSV_FORMAT[c.kind] for c in table.columns]
    yield "\ufeff" + writer.writerow([csv_cell(c.header) for c in table.columns])
    lines: list[str] = []
    for row in table.rows:
        lines.append(
            writer.writerow(["" if v is None else f(v) for f, v in zip(formats, row, strict=True)])
        )
        if len(lines) == CSV_CHUNK_ROWS:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def csv_text(table: Table) -> str:
    """The whole CSV at once (tests, small tables)."""
    return "".join(csv_chunks(table))


def _xlsx_values(ws, columns: list[Column], row: tuple) -> list:
    values: list = []
    for column, value in zip(columns, row, strict=True):
        if value is None:
            values.append(None)
        elif column.kind == "text":
            text, risky = xlsx_text(str(value))
            if risky or text.startswith("#"):
                # A string cell (openpyxl would store "=..." as a formula and
                # "#N/A" as an error), shown with the quote prefix.
                cell = WriteOnlyCell(ws, text)
                cell.data_type = "s"
                cell.quotePrefix = True
                values.append(cell)
            else:
                values.append(text)
        elif column.kind == "score":
            cell = WriteOnlyCell(ws, float(value))
            cell.number_format = "0.00"
            values.append(cell)
        elif column.kind == "datetime":
            # A plain datetime: openpyxl gives it a date format of its own,
            # and a styled cell per row would cost time on 300,000 rows.
            values.append(to_local(value).replace(tzinfo=None))
        elif column.kind == "int":
            values.append(int(value))
        else:
            values.append(float(value))
    return values


def write_xlsx(table: Table, out: IO[bytes]) -> None:
    """The table as an XLSX workbook of one sheet, written row by row
    (openpyxl's write-only mode keeps the rows on disk, not in memory)."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(title=table.title[:31])
    for i, column in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(ws, xlsx_text(column.header)[0])
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in table.rows:
        ws.append(_xlsx_values(ws, table.columns, row))
    workbook.save(out)


def xlsx_bytes(table: Table) -> bytes:
    out = io.BytesIO()
    write_xlsx(table, out)
    return out.getvalue()
