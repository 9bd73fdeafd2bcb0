"""The feedback report: one PDF per office entry, what the office learns from
the competition.

Per area and stage: its result against the category's average (the scoring
rules of app/jury/feedback.py) with the strengths and areas for improvement
written about it, the agreed ones where the stage held a consensus review and
the entry's review was finalised, else each juror's own, signed "Juror A",
"Juror B"... (never a name). Its final and stage results come from the
current ranking snapshot (app/results/office_view.snapshot_result), the
category's mean and best too: the numbers of the ranking, not a second
computation. The edition prints the office's own results either as a band
of `feedback_band_width` points or exactly (`feedback_result_mode`). Then the
mystery shopper's submitted visits: channel, date, the checklist's answers
and the notes, without the visitor.

Files: UPLOAD_DIR/feedback-reports/<application id>.pdf, one per entry,
written whole and then renamed over the previous one (regenerating replaces).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _

from app.editions.models import Criterion, Edition, FeedbackResultMode
from app.extensions import db
from app.jury import feedback
from app.jury.consensus.models import Consensus, ConsensusScore, ConsensusStatus
from app.jury.models import Assignment, Score, ScoreSheet, SheetStatus
from app.jury.visits import services as visits
from app.labels import label, stage_numeral
from app.offices.models import Application, ApplicationStatus, Office
from app.pdf import render
from app.results import charts
from app.results.office_view import OfficeResult, snapshot_result
from app.timeutil import WARSAW

STYLESHEET = render.APP / "templates" / "pdf" / "feedback_report.css"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


# ---- the numbers as printed ------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A percentage as the report prints it: exactly, or as its band."""

    value: float
    lo: float  # the band's ends (both equal to value when exact)
    hi: float
    text: str


def _pct(value: float) -> str:
    return f"{format_decimal(round(value, 1), format='0.0')} %"


def band_of(value: float, width: int) -> tuple[float, float]:
    """The band of `width` points that holds `value`: [lo, lo + width), the
    last band ending at 100 (so 100 % is in 85–100 with width 15)."""
    lo = math.floor(value / width) * width
    if lo + width > 100:
        lo = max(0, 100 - width)
    return float(lo), float(min(lo + width, 100))


def shown(value: float | None, edition: Edition) -> Shown | None:
    if value is None:
        return None
    if edition.feedback_result_mode is FeedbackResultMode.exact:
        return Shown(value, value, value, _pct(value))
    lo, hi = band_of(value, edition.feedback_band_width)
    return Shown(
        value, lo, hi, f"{format_decimal(lo, format='0')}–{format_decimal(hi, format='0')} %"
    )


# ---- the report's data -----------------------------------------------------------------------


@dataclass
class Remark:
    criterion: str
    author: str  # "Juror A"..., or "" for the agreed consensus text
    strengths: str
    improvements: str


@dataclass
class AreaSection:
    area_id: int
    name: str
    stage: int
    own: Shown | None = None
    average: float | None = None
    consensus: bool = False
    remarks: list[Remark] = field(default_factory=list)


@dataclass
class VisitLine:
    prompt: str
    answer: str


@dataclass
class Visit:
    channel: str
    visited_at: dt.datetime | None
    lines: list[VisitLine]
    notes: str


@dataclass
class Report:
    application: Application
    office: str
    category: str
    edition: str
    organizer: str
    exact: bool
    band_width: int
    result: OfficeResult | None
    final: Shown | None
    stage1: Shown | None
    stage2: Shown | None
    areas: list[AreaSection]
    visits: list[Visit]
    chart: charts.Chart


def _agreed(application: Application) -> dict[int, list[ConsensusScore]]:
    """stage -> the agreed scores of the entry's finalised consensus review in
    that stage, for the stages where the edition holds one."""
    stages = application.edition.consensus_stages
    if not stages:
        return {}
    reviews = db.session.scalars(
        sa.select(Consensus).where(
            Consensus.application_id == application.id,
            Consensus.stage.in_(stages),
            Consensus.status == ConsensusStatus.final,
        )
    ).all()
    return {r.stage: list(r.latest.scores) for r in reviews if r.latest is not None}


def juror_letters(application: Application) -> dict[int, str]:
    """juror id -> "Juror A", "Juror B"... in the order they were assigned to
    the entry (first assignment), the same letter in every area and stage."""
    ids = db.session.execute(
        sa.select(Assignment.juror_id, sa.func.min(Assignment.id))
        .where(Assignment.application_id == application.id)
        .group_by(Assignment.juror_id)
        .order_by(sa.func.min(Assignment.id))
    ).all()
    return {
        juror_id: _(
            "Juror %(letter)s", letter=LETTERS[i % len(LETTERS)] + "'" * (i // len(LETTERS))
        )
        for i, (juror_id, _first) in enumerate(ids)
    }


def _juror_remarks(application: Application, skip_stages: set[int]):
    """(area id, stage, Remark) of the jurors' submitted or locked sheets."""
    letters = juror_letters(application)
    rows = db.session.execute(
        sa.select(
            Criterion, Assignment.juror_id, ScoreSheet.stage, Score.strengths, Score.improvements
        )
        .select_from(Score)
        .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where(
            Assignment.application_id == application.id,
            ScoreSheet.status.in_([SheetStatus.submitted, SheetStatus.locked]),
            sa.or_(Score.strengths != "", Score.improvements != ""),
        )
        .order_by(ScoreSheet.stage, Criterion.position, Criterion.id, Assignment.id)
    ).all()
    for criterion, juror_id, stage, strengths, improvements in rows:
        if stage in skip_stages:
            continue
        yield (
            criterion.area_id,
            stage,
            Remark(criterion.name, letters.get(juror_id, ""), strengths, improvements),
        )


def _visits(application: Application) -> list[Visit]:
    evidence = visits.stage2_evidence(application)
    return [
        Visit(
            channel=str(label(summary.visit.channel)),
            visited_at=summary.visit.visited_at,
            lines=[VisitLine(line.item.prompt, line.display) for line in summary.lines],
            notes=summary.visit.notes,
        )
        for summary in evidence.visits
    ]


def build_report(application: Application) -> Report:
    """Everything one entry's report prints (a handful of queries)."""
    edition = application.edition
    sections: dict[tuple[int, int], AreaSection] = {}
    areas = {a.id: a for a in edition.areas}

    def section(area_id: int, stage: int) -> AreaSection:
        key = (stage, area_id)
        if key not in sections:
            sections[key] = AreaSection(area_id, areas[area_id].name, stage)
        return sections[key]

    for row in feedback.feedback_scores(application):
        s = section(row.area_id, row.stage)
        s.own = shown(row.own, edition)
        s.average = row.category_average
    agreed = _agreed(application)
    for stage, scores in agreed.items():
        for score in sorted(scores, key=lambda sc: (sc.criterion.position, sc.criterion.id)):
            s = section(score.criterion.area_id, stage)
            s.consensus = True
            if score.strengths or score.improvements:
                s.remarks.append(
                    Remark(score.criterion.name, "", score.strengths, score.improvements)
                )
    for area_id, stage, remark in _juror_remarks(application, set(agreed)):
        section(area_id, stage).remarks.append(remark)
    order = {a.id: (a.position, a.id) for a in edition.areas}
    ordered = sorted(sections.values(), key=lambda s: (s.stage, order[s.area_id]))

    result = snapshot_result(application)
    final = shown(result.final, edition) if result else None
    return Report(
        application=application,
        office=application.office.name,
        category=application.category.name,
        edition=edition.name,
        organizer=edition.organizer_name,
        exact=edition.feedback_result_mode is FeedbackResultMode.exact,
        band_width=edition.feedback_band_width,
        result=result,
        final=final,
        stage1=shown(result.stage1, edition) if result else None,
        stage2=shown(result.stage2, edition) if result else None,
        areas=ordered,
        visits=_visits(application),
        chart=report_chart(result, final, ordered),
    )


# ---- the chart -------------------------------------------------------------------------------

CHART_WIDTH = 640
LABEL = 220
RIGHT = 20


def report_chart(
    result: OfficeResult | None, final: Shown | None, areas: list[AreaSection]
) -> charts.Chart:
    """Horizontal bars on a 0–100 % axis: the final result against the
    category's mean (dashed line) and best (diamond), then each area against
    the category's average. A band is a hatched bar from its lower to its
    upper end; an exact result a solid bar. The numbers are printed in the
    report's tables too."""
    rows: list[tuple[str, Shown | None, float | None, float | None]] = []
    if result is not None:
        rows.append((_("Final result"), final, result.category_mean, result.category_best))
    for s in areas:
        rows.append(
            (f"{s.name} ({_('stage %(n)s', n=stage_numeral(s.stage))})", s.own, s.average, None)
        )
    top = 10
    height = top + len(rows) * charts.ROW + 30
    scale = charts.Scale(0, 100, LABEL, CHART_WIDTH - RIGHT)
    bottom = top + len(rows) * charts.ROW
    shapes: list = charts._axis(scale, top, bottom)
    for i, (name, own, mean, best) in enumerate(rows):
        y = top + i * charts.ROW
        shapes.append(charts.Text(LABEL - 6, y + 17, charts.short(name, 34), "chart-label", "end"))
        if own is not None:
            if own.lo == own.hi:
                shapes.append(
                    charts.Rect(scale(0), y + 6, scale(own.value) - scale(0), 14, "bar-own")
                )
            else:
                shapes.append(
                    charts.Rect(
                        scale(own.lo), y + 6, scale(own.hi) - scale(own.lo), 14, "bar-band", "band"
                    )
                )
        if mean is not None:
            shapes.append(charts.Line(scale(mean), y + 2, scale(mean), y + 24, "mark-mean"))
        if best is not None:
            x, cy = scale(best), y + 13
            shapes.append(
                charts.Polygon(f"{x},{cy - 6} {x + 6},{cy} {x},{cy + 6} {x - 6},{cy}", "mark-best")
            )
    return charts.Chart(
        id="feedback-chart",
        width=CHART_WIDTH,
        height=height,
        label=_("Results against the category (the numbers are in the tables)"),
        patterns=[charts.Pattern("band", "hatch", "band-bg")],
        shapes=shapes,
    )


# ---- HTML, PDF and the files ------------------------------------------------------------------


def report_locale() -> str:
    # Printed in the competition's language, whoever clicks (as the diplomas).
    return current_app.config.get("DIPLOMA_LOCALE") or current_app.config["BABEL_DEFAULT_LOCALE"]


def report_html(application: Application, *, today: dt.date | None = None) -> str:
    template = current_app.jinja_env.get_template("pdf/feedback_report.html")
    with force_locale(report_locale()):
        report = build_report(application)
        return template.render(r=report, today=today or dt.datetime.now(WARSAW).date())


@functools.cache
def _stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def pdf_job(application: Application) -> render.Job:
    return render.Job(
        html=report_html(application),
        stylesheet=_stylesheet(),
        base_url=render.STATIC_URL,
        allowed_dirs=(str(render.FONT_DIR),),
    )


def render_report(application: Application) -> bytes:
    """One entry's report as PDF bytes (in this process)."""
    return render.html_to_pdf(pdf_job(application))


def entries(edition: Edition) -> list[Application]:
    """The entries that get a report: every one submitted (not drafts), by office name."""
    return list(
        db.session.scalars(
            sa.select(Application)
            .join(Office, Office.id == Application.office_id)
            .where(
                Application.edition_id == edition.id,
                Application.status != ApplicationStatus.draft,
            )
            .order_by(Office.name, Application.id)
        )
    )


def reports_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "feedback-reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def report_path(application: Application) -> Path:
    return reports_dir() / f"{int(application.id)}.pdf"


def store_report(application: Application, pdf: bytes) -> None:
    """Keep (or replace) the entry's report, written whole before it is named."""
    path = report_path(application)
    part = path.with_suffix(".pdf.part")
    part.write_bytes(pdf)
    os.replace(part, path)


def made_at(application: Application) -> dt.datetime | None:
    """When the entry's report file was written (UTC, naive), or None."""
    try:
        stamp = report_path(application).stat().st_mtime
    except FileNotFoundError:
        return None
    return dt.datetime.fromtimestamp(stamp, dt.UTC).replace(tzinfo=None)
