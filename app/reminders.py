"""Reminders before a deadline: offices with a draft application before
applications close, and jurors with open score sheets before they are due.

A daily job (06:00 UTC: 07:00 or 08:00 in Warsaw) sends them DEADLINE_REMINDER_DAYS before the
date (7 and 1 by default); `flask --app wsgi remind-deadlines` runs the same
at once. Each reminder is recorded under a key, so running twice a day (a
second worker, a manual run) never sends one twice.
"""

from __future__ import annotations

import datetime as dt

import click
import sqlalchemy as sa
from flask import Flask, current_app, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from huey import crontab
from sqlalchemy.orm import Mapped, mapped_column, selectinload

from app.accounts.models import User
from app.editions.models import Edition, EditionStatus
from app.extensions import db
from app.formatting import long_datetime
from app.jobs import periodic
from app.mail import send_mail
from app.offices.models import Application, ApplicationStatus, Office
from app.timeutil import WARSAW, to_local, utcnow


class SentReminder(db.Model):
    """One reminder already sent (its key says to whom, for what deadline and
    how many days before)."""

    __tablename__ = "sent_reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def _first_time(key: str) -> bool:
    """Claim a reminder key; False when it was sent already."""
    if db.session.scalar(sa.select(SentReminder.id).where(SentReminder.key == key)):
        return False
    db.session.add(SentReminder(key=key))
    db.session.flush()
    return True


def _office_reminders(today: dt.date, days: tuple[int, ...]) -> int:
    """Drafts whose deadline is `days` away: the edition's while it takes
    applications, or the office's own after a reopen (Application.deadline)."""
    sent = 0
    now = utcnow()
    drafts = db.session.scalars(
        sa.select(Application)
        .join(Edition, Edition.id == Application.edition_id)
        .where(
            Application.status == ApplicationStatus.draft,
            sa.or_(
                sa.and_(
                    Edition.status == EditionStatus.applications_open,
                    Edition.applications_close_at.is_not(None),
                ),
                Application.reopen_deadline > now,
            ),
        )
        .options(
            selectinload(Application.edition),
            selectinload(Application.office).selectinload(Office.users),
        )
    ).all()
    for application in drafts:
        if not application.accepts_changes(now):
            continue
        edition = application.edition
        deadline = application.deadline()
        close = to_local(deadline)
        left = (close.date() - today).days
        if left not in days:
            continue
        if not _first_time(f"office-draft:{application.id}:{close.date()}:{left}"):
            continue
        link = url_for("offices.edit_application", application_id=application.id, _external=True)
        for user in application.office.users:
            if not user.is_active:
                continue
            with force_locale(user.locale or "pl"):
                send_mail(
                    user.email,
                    _("Laurel: applications to %(edition)s close soon", edition=edition.name),
                    _(
                        "Hello %(name)s,\n\nThe application of %(office)s to %(edition)s "
                        "is still a draft. Applications close on %(when)s, Warsaw time; "
                        "a draft that is not submitted by then does not take part.\n\n"
                        "%(link)s\n",
                        name=user.full_name,
                        office=application.office.name,
                        edition=edition.name,
                        when=long_datetime(deadline),
                        link=link,
                    ),
                )
                sent += 1
    return sent


def _juror_reminders(today: dt.date, days: tuple[int, ...]) -> int:
    from app.jury.models import Assignment, ScoreSheet, SheetStatus

    stage_end = sa.case((Assignment.stage == 1, Edition.stage1_end), else_=Edition.stage2_end)
    due = sa.func.coalesce(Assignment.due_date, stage_end)
    rows = db.session.execute(
        sa.select(Edition.id, Assignment.stage, Assignment.juror_id, due, sa.func.count())
        .select_from(Assignment)
        .join(Application, Application.id == Assignment.application_id)
        .join(Edition, Edition.id == Application.edition_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(
            sa.or_(
                sa.and_(Edition.status == EditionStatus.stage1, Assignment.stage == 1),
                sa.and_(Edition.status == EditionStatus.stage2, Assignment.stage == 2),
            ),
            due.in_([today + dt.timedelta(days=d) for d in days]),
            sa.or_(ScoreSheet.id.is_(None), ScoreSheet.status == SheetStatus.draft),
        )
        .group_by(Edition.id, Assignment.stage, Assignment.juror_id, due)
    ).all()
    sent = 0
    for edition_id, stage, juror_id, due_on, count in rows:
        due_on = due_on if isinstance(due_on, dt.date) else dt.date.fromisoformat(str(due_on))
        left = (due_on - today).days
        if not _first_time(f"juror-sheets:{edition_id}:{stage}:{juror_id}:{due_on}:{left}"):
            continue
        juror = db.session.get(User, juror_id)
        edition = db.session.get(Edition, edition_id)
        if juror is None or not juror.is_active:
            continue
        link = url_for("sheets.my_entries", edition_id=edition_id, stage=stage, _external=True)
        with force_locale(juror.locale or "pl"):
            send_mail(
                juror.email,
                _("Laurel: score sheets due soon in %(edition)s", edition=edition.name),
                ngettext(
                    "Hello %(name)s,\n\n%(num)s of your stage %(stage)s score sheets in "
                    "%(edition)s is due on %(due)s and not submitted yet.\nYour entries: %(link)s\n",
                    "Hello %(name)s,\n\n%(num)s of your stage %(stage)s score sheets in "
                    "%(edition)s are due on %(due)s and not submitted yet.\nYour entries: %(link)s\n",
                    count,
                    name=juror.full_name,
                    stage=stage,
                    edition=edition.name,
                    due=due_on.isoformat(),
                    link=link,
                ),
            )
        sent += 1
    return sent


def send_deadline_reminders(today: dt.date | None = None) -> dict[str, int]:
    """Send the reminders due today (Warsaw date); flushes, never commits."""
    today = today or dt.datetime.now(WARSAW).date()
    days = tuple(current_app.config["DEADLINE_REMINDER_DAYS"])
    return {
        "offices": _office_reminders(today, days),
        "jurors": _juror_reminders(today, days),
    }


@periodic(crontab(hour="6", minute="0"))
def daily_reminders() -> None:
    send_deadline_reminders()
    db.session.commit()


def register_cli(app: Flask) -> None:
    @app.cli.command("remind-deadlines")
    def remind_deadlines() -> None:
        """Send today's deadline reminders now (never one twice)."""
        sent = send_deadline_reminders()
        db.session.commit()
        click.echo(f"Reminders sent: offices={sent['offices']} jurors={sent['jurors']}")
