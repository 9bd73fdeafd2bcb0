"""Jury rules: invitations, conflicts of interest, assignments and coverage."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.accounts import services as accounts
from app.accounts.models import Role, User
from app.audit import services as audit
from app.editions.models import Edition
from app.errors import LaurelError
from app.extensions import db
from app.jury import roster
from app.jury.models import (
    DONE_SHEETS,
    Assignment,
    ConflictOfInterest,
    JuryMembership,
    MembershipStatus,
)
from app.labels import label
from app.mail import send_mail
from app.offices.models import Application, ApplicationStatus, Office, Voivodeship
from app.timeutil import utcnow
from app.tokens import make_token, read_token

INVITE_PURPOSE = "jury-invite"
STAGES = (1, 2)


# ---- invitations -----------------------------------------------------------


def invitation_token(membership: JuryMembership) -> str:
    return make_token(INVITE_PURPOSE, {"m": membership.id, "u": membership.user_id})


def _send_invitation(membership: JuryMembership) -> None:
    link = url_for("jury.invitation", token=invitation_token(membership), _external=True)
    days = current_app.config["INVITATION_MAX_AGE"] // 86400
    send_mail(
        membership.user.email,
        _("Laurel: invitation to the jury of %(edition)s", edition=membership.edition.name),
        _(
            "Hello %(name)s,\n\nYou are invited to the jury of %(edition)s.\n"
            "Open this link to accept or decline (valid for %(days)s days):\n%(link)s\n",
            name=membership.user.full_name,
            edition=membership.edition.name,
            days=days,
            link=link,
        ),
    )


def invite_juror(edition: Edition, *, actor, email: str, full_name: str) -> JuryMembership:
    """Invite a person to an edition's jury. A new e-mail gets a juror account
    without a password; an organizer's or office user's e-mail is refused."""
    user = accounts.find_user(email)
    if user is None:
        user = accounts.create_user(
            email=email, full_name=full_name or email, role=Role.juror, actor=actor
        )
    elif not user.is_juror:
        raise LaurelError(
            _(
                "%(email)s belongs to an account that is not a juror's; use another e-mail.",
                email=user.email,
            )
        )
    existing = db.session.scalar(
        sa.select(JuryMembership).where(
            JuryMembership.edition_id == edition.id, JuryMembership.user_id == user.id
        )
    )
    if existing is not None:
        raise LaurelError(
            _(
                "%(email)s is already in this jury's list; resend the invitation instead.",
                email=user.email,
            )
        )
    membership = JuryMembership(edition=edition, user=user, status=MembershipStatus.invited)
    db.session.add(membership)
    db.session.flush()
    audit.record(
        "jury.invited",
        actor=actor,
        obj=membership,
        edition_id=edition.id,
        after={"email": user.email},
    )
    _send_invitation(membership)
    return membership


def resend_invitation(membership: JuryMembership, *, actor) -> None:
    """Send the invitation again; a juror who declined is invited anew."""
    if membership.status is MembershipStatus.accepted:
        raise LaurelError(_("This juror has already accepted the invitation."))
    before = {"status": membership.status}
    membership.status = MembershipStatus.invited
    membership.responded_at = None
    membership.invited_at = utcnow()
    db.session.flush()
    audit.record(
        "jury.invitation_resent",
        actor=actor,
        obj=membership,
        edition_id=membership.edition_id,
        before=before,
        after={"status": membership.status, "email": membership.user.email},
    )
    _send_invitation(membership)


def read_invitation(token: str) -> JuryMembership | None:
    """The membership a valid invitation link is for; None if forged or expired."""
    data = read_token(INVITE_PURPOSE, token, current_app.config["INVITATION_MAX_AGE"])
    if not data:
        return None
    membership = db.session.get(JuryMembership, data.get("m"))
    if membership is None or membership.user_id != data.get("u"):
        return None
    return membership


def respond_to_invitation(
    membership: JuryMembership, *, accept: bool, password: str | None = None
) -> None:
    """Accept or decline once. A juror without a password must set one to accept."""
    if membership.status is not MembershipStatus.invited:
        raise LaurelError(_("You have already answered this invitation."))
    user = membership.user
    if accept and not user.password_hash:
        if not password:
            raise LaurelError(_("Set a password to accept the invitation."))
        accounts.set_password(user, password)
    membership.status = MembershipStatus.accepted if accept else MembershipStatus.declined
    membership.responded_at = utcnow()
    if user.email_confirmed_at is None:
        user.email_confirmed_at = membership.responded_at
    db.session.flush()
    audit.record(
        "jury.accepted" if accept else "jury.declined",
        actor=user,
        obj=membership,
        edition_id=membership.edition_id,
        after={"status": membership.status},
    )


def membership_for(edition: Edition, user) -> JuryMembership | None:
    return db.session.scalar(
        sa.select(JuryMembership).where(
            JuryMembership.edition_id == edition.id, JuryMembership.user_id == user.id
        )
    )


# ---- conflicts of interest -------------------------------------------------


def applicant_offices(edition: Edition, juror) -> list[tuple[str, list[tuple[int, str]]]]:
    """The offices with an entry in the edition that the juror has not declared
    a conflict with yet, for the declaration's list: (voivodeship, [(office
    id, "name (city)")...]) in the order of the voivodeships, then of the
    names. One query."""
    declared = sa.select(ConflictOfInterest.office_id).where(
        ConflictOfInterest.edition_id == edition.id, ConflictOfInterest.juror_id == juror.id
    )
    rows = db.session.execute(
        sa.select(Office.id, Office.name, Office.city, Office.voivodeship)
        .join(Application, Application.office_id == Office.id)
        .where(Application.edition_id == edition.id, Office.id.not_in(declared))
        .order_by(Office.name, Office.id)
    ).all()
    groups: dict[Voivodeship, list[tuple[int, str]]] = {}
    for office_id, name, city, voivodeship in rows:
        groups.setdefault(voivodeship, []).append((office_id, f"{name} ({city})"))
    return [(label(v), groups[v]) for v in Voivodeship if v in groups]


def _organizer_emails() -> list[str]:
    return list(
        db.session.scalars(
            sa.select(User.email).where(
                User.role == Role.organizer, User.is_active_account.is_(True)
            )
        )
    )


def declare_conflict(edition: Edition, *, juror, office: Office, reason: str) -> ConflictOfInterest:
    """A juror declares a conflict with an applicant office. Their assignments to
    that office's entry are removed, unless a sheet for it was already submitted:
    then only an organizer can sort it out."""
    reason = (reason or "").strip()
    if not reason:
        raise LaurelError(_("Give the reason for the conflict of interest."))
    application = db.session.scalar(
        sa.select(Application).where(
            Application.edition_id == edition.id, Application.office_id == office.id
        )
    )
    if application is None:
        raise LaurelError(_("This office has not applied to this edition."))
    exists = db.session.scalar(
        sa.select(ConflictOfInterest.id).where(
            ConflictOfInterest.edition_id == edition.id,
            ConflictOfInterest.juror_id == juror.id,
            ConflictOfInterest.office_id == office.id,
        )
    )
    if exists:
        raise LaurelError(_("You have already declared a conflict with this office."))
    assignments = list(
        db.session.scalars(
            sa.select(Assignment)
            .where(Assignment.application_id == application.id, Assignment.juror_id == juror.id)
            .options(selectinload(Assignment.sheet))
        )
    )
    if any(a.sheet is not None and a.sheet.status in DONE_SHEETS for a in assignments):
        raise LaurelError(
            _(
                "You have already submitted a score sheet for %(office)s. Contact the organizer "
                "to declare this conflict.",
                office=office.name,
            )
        )
    conflict = ConflictOfInterest(
        edition_id=edition.id, juror_id=juror.id, office_id=office.id, reason=reason
    )
    db.session.add(conflict)
    removed = [a.stage for a in assignments]
    for assignment in assignments:
        db.session.delete(assignment)
    db.session.flush()
    audit.record(
        "jury.conflict_declared",
        actor=juror,
        obj=conflict,
        edition_id=edition.id,
        after={
            "office_id": office.id,
            "office": office.name,
            "reason": reason,
            "removed_stages": removed,
        },
    )
    if removed:
        for email in _organizer_emails():
            send_mail(
                email,
                _("Laurel: a juror declared a conflict of interest"),
                _(
                    "%(juror)s declared a conflict of interest with %(office)s in %(edition)s "
                    "(reason: %(reason)s).\nTheir assignment to this entry was removed; "
                    "the entry may now need another juror.\n%(link)s\n",
                    juror=juror.full_name,
                    office=office.name,
                    edition=edition.name,
                    reason=reason,
                    link=url_for(
                        "jury.assignments", edition_id=edition.id, stage=removed[0], _external=True
                    ),
                ),
            )
    return conflict


def remove_conflict(conflict: ConflictOfInterest, *, juror) -> None:
    """A juror withdraws their own declaration."""
    if not conflict.can_remove(juror):
        raise LaurelError(_("This is not your declaration."))
    audit.record(
        "jury.conflict_removed",
        actor=juror,
        obj=conflict,
        edition_id=conflict.edition_id,
        before={"office_id": conflict.office_id, "reason": conflict.reason},
    )
    db.session.delete(conflict)
    db.session.flush()


def confirm_conflicts(membership: JuryMembership, *, juror) -> None:
    """The juror states they have no conflicts beyond those declared."""
    if not membership.can_work(juror):
        raise LaurelError(_("Accept the invitation first."))
    membership.conflicts_confirmed_at = utcnow()
    db.session.flush()
    audit.record(
        "jury.conflicts_confirmed", actor=juror, obj=membership, edition_id=membership.edition_id
    )


# ---- assignments -----------------------------------------------------------


def eligible_statuses(stage: int) -> list[ApplicationStatus]:
    """Stage 1 scores every submitted entry; stage 2 only those qualified for it."""
    if stage == 2:
        return [ApplicationStatus.qualified]
    return [s for s in ApplicationStatus if s is not ApplicationStatus.draft]


def _eligible_query(edition: Edition, stage: int):
    return sa.select(Application).where(
        Application.edition_id == edition.id,
        Application.status.in_(eligible_statuses(stage)),
    )


def conflict_pairs(edition: Edition) -> set[tuple[int, int]]:
    return set(
        db.session.execute(
            sa.select(ConflictOfInterest.juror_id, ConflictOfInterest.office_id).where(
                ConflictOfInterest.edition_id == edition.id
            )
        ).all()
    )


def assign_juror(application: Application, juror: User, *, stage: int, actor) -> Assignment:
    """Assign by hand: the juror must have accepted, have no conflict with the
    office, and not be assigned already; the entry must be in the stage."""
    edition = application.edition
    if stage not in STAGES:
        raise LaurelError(_("There is no such stage."))
    if application.status not in eligible_statuses(stage):
        raise LaurelError(_("This application does not take part in stage %(stage)s.", stage=stage))
    membership = membership_for(edition, juror)
    if membership is None or membership.status is not MembershipStatus.accepted:
        raise LaurelError(
            _("%(name)s has not accepted the invitation to this jury.", name=juror.full_name)
        )
    if (juror.id, application.office_id) in conflict_pairs(edition):
        raise LaurelError(
            _(
                "%(name)s declared a conflict of interest with %(office)s.",
                name=juror.full_name,
                office=application.office.name,
            )
        )
    duplicate = db.session.scalar(
        sa.select(Assignment.id).where(
            Assignment.application_id == application.id,
            Assignment.juror_id == juror.id,
            Assignment.stage == stage,
        )
    )
    if duplicate:
        raise LaurelError(
            _("%(name)s is already assigned to this application.", name=juror.full_name)
        )
    assignment = Assignment(
        application=application, juror=juror, stage=stage, assigned_by_id=actor.id
    )
    db.session.add(assignment)
    db.session.flush()
    audit.record(
        "assignment.created",
        actor=actor,
        obj=assignment,
        edition_id=edition.id,
        after={"application_id": application.id, "juror_id": juror.id, "stage": stage},
    )
    return assignment


def remove_assignment(assignment: Assignment, *, actor) -> None:
    """Unassign, unless the juror already submitted the sheet (a draft goes with it)."""
    if assignment.sheet is not None and assignment.sheet.status in DONE_SHEETS:
        raise LaurelError(
            _("The juror has already submitted the score sheet; the assignment cannot be removed.")
        )
    audit.record(
        "assignment.removed",
        actor=actor,
        obj=assignment,
        edition_id=assignment.application.edition_id,
        before={
            "application_id": assignment.application_id,
            "juror_id": assignment.juror_id,
            "stage": assignment.stage,
            "had_draft": assignment.sheet is not None,
        },
    )
    db.session.delete(assignment)
    db.session.flush()


@dataclass
class AutoAssignReport:
    added: int = 0
    short: list[tuple[Application, int]] = field(default_factory=list)  # (entry, jurors it has)


def auto_assign(edition: Edition, *, stage: int, per_application: int, actor) -> AutoAssignReport:
    """Give every eligible entry `per_application` jurors.

    Keeps every existing assignment and adds only what is missing. Each free
    seat goes to the accepted juror with the fewest assignments in this stage
    (ties: lowest id), never to one with a declared conflict for the office.
    Entries are filled in id order, so a re-run makes the same choices.
    """
    if stage not in STAGES:
        raise LaurelError(_("There is no such stage."))
    if not 1 <= per_application <= 20:
        raise LaurelError(_("The number of jurors per application must be between 1 and 20."))
    jurors = [u.id for u in roster.accepted_jurors(edition)]
    applications = list(
        db.session.scalars(
            _eligible_query(edition, stage)
            .options(selectinload(Application.office))
            .order_by(Application.id)
        )
    )
    conflicts = conflict_pairs(edition)
    load: dict[int, int] = {j: 0 for j in jurors}
    assigned: dict[int, set[int]] = defaultdict(set)
    for application_id, juror_id in db.session.execute(
        sa.select(Assignment.application_id, Assignment.juror_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.edition_id == edition.id, Assignment.stage == stage)
    ):
        assigned[application_id].add(juror_id)
        if juror_id in load:
            load[juror_id] += 1

    report = AutoAssignReport()
    now = utcnow()
    new_rows = []
    for application in applications:
        have = assigned[application.id]
        missing = per_application - len(have)
        if missing <= 0:
            continue
        candidates = sorted(
            (j for j in jurors if j not in have and (j, application.office_id) not in conflicts),
            key=lambda j: (load[j], j),
        )
        for juror_id in candidates[:missing]:
            new_rows.append(
                {
                    "application_id": application.id,
                    "juror_id": juror_id,
                    "stage": stage,
                    "created_at": now,
                    "assigned_by_id": actor.id,
                }
            )
            have.add(juror_id)
            load[juror_id] += 1
        if len(have) < per_application:
            report.short.append((application, len(have)))
    if new_rows:
        db.session.execute(sa.insert(Assignment), new_rows)
    report.added = len(new_rows)
    audit.record(
        "assignment.auto",
        actor=actor,
        edition_id=edition.id,
        after={
            "stage": stage,
            "per_application": per_application,
            "added": report.added,
            "short": [a.id for a, _n in report.short],
        },
    )
    return report


# ---- coverage and progress -------------------------------------------------
