"""Planning mystery-shopper visits: who may visit an entry, planning a visit
(the juror is e-mailed), and cancelling a planned visit nobody has started.

Every write flushes and records an audit event; none commits.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app.accounts.models import User
from app.audit import services as audit
from app.editions.models import EditionStatus
from app.errors import LaurelError
from app.extensions import db
from app.jury.models import ConflictOfInterest, JuryMembership, MembershipStatus
from app.jury.visits.models import MysteryVisit, VisitChannel, VisitStatus
from app.labels import label
from app.mail import send_mail
from app.offices.models import Application, ApplicationStatus


def eligible_visitors(application: Application) -> list:
    """Accepted jurors of the edition without a declared conflict with the office."""
    conflicted = sa.select(ConflictOfInterest.juror_id).where(
        ConflictOfInterest.edition_id == application.edition_id,
        ConflictOfInterest.office_id == application.office_id,
    )
    return db.session.scalars(
        sa.select(User)
        .join(JuryMembership, JuryMembership.user_id == User.id)
        .where(
            JuryMembership.edition_id == application.edition_id,
            JuryMembership.status == MembershipStatus.accepted,
            User.id.not_in(conflicted),
        )
        .order_by(User.full_name, User.id)
    ).all()


def _notify_visitor(visit: MysteryVisit) -> None:
    user = visit.visitor
    with force_locale(user.locale or "pl"):
        edition = visit.application.edition
        send_mail(
            user.email,
            _("Laurel: a mystery-shopper visit for %(edition)s", edition=edition.name),
            _(
                "Hello %(name)s,\n\nYou have been asked to make a mystery-shopper visit "
                "(%(channel)s) to %(office)s by %(due)s.\nRecord it here:\n%(link)s\n",
                name=user.full_name,
                channel=label(visit.channel),
                office=visit.application.office.name,
                due=visit.due_on.isoformat() if visit.due_on else "—",
                link=url_for("visits.my_visits", edition_id=edition.id, _external=True),
            ),
        )


def plan_visit(
    application: Application,
    *,
    actor,
    channel: VisitChannel,
    visitor=None,
    visitor_name: str = "",
    due_on: dt.date | None = None,
) -> MysteryVisit:
    """Plan a visit to a qualified entry: the visitor is an accepted juror of
    the edition without a conflict with the office, or an outside person named
    here (exactly one of them). The juror is told by e-mail."""
    edition = application.edition
    if edition.status.order > EditionStatus.stage2.order:
        raise LaurelError(_("Stage 2 of this edition is over; visits can no longer be planned."))
    if application.status is not ApplicationStatus.qualified:
        raise LaurelError(_("Visits can be planned only for entries qualified for stage 2."))
    visitor_name = visitor_name.strip()
    if (visitor is None) == (not visitor_name):
        raise LaurelError(_("Choose a juror or type an outside visitor's name (one of them)."))
    if visitor is not None and visitor.id not in {u.id for u in eligible_visitors(application)}:
        raise LaurelError(
            _("This juror is not an accepted juror of the edition or has a conflict of interest.")
        )
    visit = MysteryVisit(
        application_id=application.id,
        visitor_id=visitor.id if visitor is not None else None,
        visitor_name="" if visitor is not None else visitor_name,
        channel=channel,
        status=VisitStatus.planned,
        due_on=due_on,
        created_by_id=actor.id,
    )
    db.session.add(visit)
    db.session.flush()
    audit.record(
        "visit.planned",
        actor=actor,
        obj=visit,
        edition_id=edition.id,
        after={
            "application_id": application.id,
            "visitor_id": visit.visitor_id,
            "visitor_name": visit.visitor_name,
            "channel": channel,
            "due_on": due_on,
        },
    )
    if visitor is not None:
        _notify_visitor(visit)
    return visit


def cancel_visit(visit: MysteryVisit, *, actor, reason: str) -> None:
    """An organizer cancels a planned visit that nobody has started (a started
    one holds a report: it is reopened, never deleted). The juror who was to
    visit is told by e-mail, in their language."""
    reason = (reason or "").strip()
    if not reason:
        raise LaurelError(_("Give the reason for cancelling the visit."))
    if not visit.can_cancel(actor):
        raise LaurelError(_("Only a planned visit that has not been started can be cancelled."))
    application = visit.application
    visitor = visit.visitor
    before = {
        "application_id": visit.application_id,
        "visitor_id": visit.visitor_id,
        "visitor_name": visit.visitor_name,
        "channel": visit.channel,
        "due_on": visit.due_on,
    }
    audit.record(
        "visit.cancelled",
        actor=actor,
        obj=visit,
        edition_id=application.edition_id,
        before=before,
        after={"reason": reason},
    )
    db.session.delete(visit)
    db.session.flush()
    if visitor is not None:
        with force_locale(visitor.locale or "pl"):
            send_mail(
                visitor.email,
                _("Laurel: a mystery-shopper visit was cancelled"),
                _(
                    "Hello %(name)s,\n\nThe organizer has cancelled your mystery-shopper visit "
                    "(%(channel)s) to %(office)s.\nReason: %(reason)s\n",
                    name=visitor.full_name,
                    channel=label(visit.channel),
                    office=application.office.name,
                    reason=reason,
                ),
            )
