"""The organizer's view of a stage's score sheets: counts by status, the list
of sheets, late jurors and reminders to them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from app.accounts.models import User
from app.audit import services as audit
from app.editions.models import Edition
from app.errors import LaurelError
from app.extensions import db
from app.jury.models import Assignment, ScoreSheet, SheetStatus
from app.mail import send_mail
from app.offices.models import Application, Office

PER_PAGE = 50


def _stage_end(edition: Edition, stage: int) -> dt.date | None:
    return edition.stage1_end if stage == 1 else edition.stage2_end


def status_counts(edition: Edition, stage: int) -> dict[str, int]:
    """Sheets of the stage by status, "not_started" for assignments without one."""
    rows = db.session.execute(
        sa.select(ScoreSheet.status, sa.func.count(Assignment.id))
        .select_from(Assignment)
        .join(Application, Application.id == Assignment.application_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(Application.edition_id == edition.id, Assignment.stage == stage)
        .group_by(ScoreSheet.status)
    )
    counts = {"not_started": 0, **{s.value: 0 for s in SheetStatus}}
    for status, n in rows:
        counts[status.value if status is not None else "not_started"] = n
    counts["all"] = sum(counts.values())
    return counts


@dataclass
class SheetRow:
    assignment_id: int
    sheet_id: int | None
    juror: str
    office: str
    status: SheetStatus | None
    submitted_at: dt.datetime | None
    due: dt.date | None
    typed_by_organizer: bool


def sheet_rows(edition: Edition, stage: int, *, status: str = "", page: int = 1):
    """One page of the stage's sheets, by juror then office (two queries)."""
    query = (
        sa.select(
            Assignment.id,
            ScoreSheet.id,
            User.full_name,
            Office.name,
            ScoreSheet.status,
            ScoreSheet.submitted_at,
            Assignment.due_date,
            ScoreSheet.last_saved_by_id,
            Assignment.juror_id,
        )
        .select_from(Assignment)
        .join(Application, Application.id == Assignment.application_id)
        .join(Office, Office.id == Application.office_id)
        .join(User, User.id == Assignment.juror_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(Application.edition_id == edition.id, Assignment.stage == stage)
        .order_by(User.full_name, Office.name, Assignment.id)
    )
    if status == "not_started":
        query = query.where(ScoreSheet.id.is_(None))
    elif status:
        query = query.where(ScoreSheet.status == SheetStatus(status))
    page = max(page, 1)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    end = _stage_end(edition, stage)
    rows = [
        SheetRow(
            assignment_id=a,
            sheet_id=s,
            juror=juror,
            office=office,
            status=st,
            submitted_at=sub,
            due=due or end,
            typed_by_organizer=saved_by is not None and saved_by != juror_id,
        )
        for a, s, juror, office, st, sub, due, saved_by, juror_id in db.session.execute(
            query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)
        )
    ]
    return Page(rows=rows, page=page, total=total)


@dataclass
class Page:
    rows: list[SheetRow]
    page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))


@dataclass
class LateJuror:
    juror_id: int
    name: str
    email: str
    stage: int
    count: int  # assignments past due without a submitted sheet
    oldest_due: dt.date


def _due(edition: Edition):
    """An assignment's due date: its own, else the end of its stage."""
    return sa.func.coalesce(
        Assignment.due_date,
        sa.case(
            (Assignment.stage == 1, sa.literal(edition.stage1_end, sa.Date)),
            else_=sa.literal(edition.stage2_end, sa.Date),
        ),
    )


def late_jurors(edition: Edition, stage: int | None = None, *, today: dt.date) -> list[LateJuror]:
    """Jurors with sheets past their due date that are not submitted, per
    stage (both when `stage` is None), by stage, most late sheets first. The
    one rule for "late": this page, the reminders and the dashboard use it (one query)."""
    due = _due(edition)
    query = (
        sa.select(
            User.id,
            User.full_name,
            User.email,
            Assignment.stage,
            sa.func.count(Assignment.id),
            sa.func.min(due),
        )
        .select_from(Assignment)
        .join(Application, Application.id == Assignment.application_id)
        .join(User, User.id == Assignment.juror_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(
            Application.edition_id == edition.id,
            due.is_not(None),
            due < today,
            sa.or_(ScoreSheet.id.is_(None), ScoreSheet.status == SheetStatus.draft),
        )
        .group_by(User.id, User.full_name, User.email, Assignment.stage)
        .order_by(Assignment.stage, sa.func.count(Assignment.id).desc(), User.full_name)
    )
    if stage is not None:
        query = query.where(Assignment.stage == stage)
    return [LateJuror(*row) for row in db.session.execute(query)]


def remind_late_jurors(
    edition: Edition, stage: int, *, actor, today: dt.date, juror_id: int | None = None
) -> int:
    """E-mail every late juror of the stage (or only `juror_id`), each in their
    own language, with how many sheets are late and a link to their entries."""
    if edition.status.value != f"stage{stage}":
        raise LaurelError(_("Reminders can be sent only while the stage is open."))
    late = [j for j in late_jurors(edition, stage, today=today) if juror_id in (None, j.juror_id)]
    if juror_id is not None and not late:
        raise LaurelError(_("This juror has no late score sheets."))
    locales = dict(
        db.session.execute(
            sa.select(User.id, User.locale).where(User.id.in_([j.juror_id for j in late]))
        ).all()
    )
    link = url_for("sheets.my_entries", edition_id=edition.id, stage=stage, _external=True)
    for juror in late:
        with force_locale(locales.get(juror.juror_id) or "pl"):
            send_mail(
                juror.email,
                _("Laurel: score sheets waiting in %(edition)s", edition=edition.name),
                _(
                    "Hello %(name)s,\n\n%(count)s of your stage %(stage)s score sheets in "
                    "%(edition)s are past their due date (%(due)s) and not submitted yet.\n"
                    "Your entries: %(link)s\n",
                    name=juror.name,
                    count=juror.count,
                    stage=stage,
                    edition=edition.name,
                    due=juror.oldest_due.isoformat(),
                    link=link,
                ),
            )
    audit.record(
        "sheet.reminders",
        actor=actor,
        obj=edition,
        edition_id=edition.id,
        after={"stage": stage, "jurors": [j.juror_id for j in late]},
    )
    return len(late)


def extend_due(
    edition: Edition, stage: int, *, juror_id: int, due: dt.date, actor, today: dt.date
) -> int:
    """Give one juror a new due date for their open sheets of a stage (not
    started or drafts; submitted ones are done). The juror is told by e-mail,
    in their language. Returns how many assignments got the date."""
    if edition.status.value != f"stage{stage}":
        raise LaurelError(_("Due dates can be changed only while the stage is open."))
    if due < today:
        raise LaurelError(_("The new due date cannot be in the past."))
    juror = db.session.get(User, juror_id)
    open_ids = db.session.scalars(
        sa.select(Assignment.id)
        .join(Application, Application.id == Assignment.application_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(
            Application.edition_id == edition.id,
            Assignment.stage == stage,
            Assignment.juror_id == juror_id,
            sa.or_(ScoreSheet.id.is_(None), ScoreSheet.status == SheetStatus.draft),
        )
    ).all()
    if juror is None or not open_ids:
        raise LaurelError(_("This juror has no open score sheets in this stage."))
    db.session.execute(
        sa.update(Assignment)
        .where(Assignment.id.in_(open_ids))
        .values(due_date=due)
        .execution_options(synchronize_session="fetch")
    )
    audit.record(
        "assignment.due_date",
        actor=actor,
        obj=edition,
        edition_id=edition.id,
        after={"stage": stage, "juror_id": juror_id, "due": due, "assignments": open_ids},
    )
    link = url_for("sheets.my_entries", edition_id=edition.id, stage=stage, _external=True)
    with force_locale(juror.locale or "pl"):
        send_mail(
            juror.email,
            _("Laurel: new due date in %(edition)s", edition=edition.name),
            ngettext(
                "Hello %(name)s,\n\nThe organizer has set a new due date, %(due)s, for your "
                "%(num)s open stage %(stage)s score sheet in %(edition)s.\n"
                "Your entries: %(link)s\n",
                "Hello %(name)s,\n\nThe organizer has set a new due date, %(due)s, for your "
                "%(num)s open stage %(stage)s score sheets in %(edition)s.\n"
                "Your entries: %(link)s\n",
                len(open_ids),
                name=juror.full_name,
                due=due.isoformat(),
                stage=stage,
                edition=edition.name,
                link=link,
            ),
        )
    return len(open_ids)
