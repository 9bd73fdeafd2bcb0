"""Jury pages: the organizer's jurors and assignments; the juror's invitations
and conflict-of-interest declarations."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import navigation
from app.accounts.decorators import juror_required, organizer_required
from app.accounts.models import Role, User
from app.editions.models import Edition
from app.errors import LaurelError
from app.extensions import db
from app.inputs import db_int, page_arg
from app.jury import roster, services, workspace
from app.jury.board import assignments_board
from app.jury.forms import (
    AutoAssignForm,
    ConflictForm,
    InvitationResponseForm,
    InviteJurorForm,
)
from app.jury.models import Assignment, ConflictOfInterest, JuryMembership, MembershipStatus
from app.offices.models import Application, Office

bp = Blueprint("jury", __name__)
navigation.add("jury.my_editions", _l("My editions"), Role.juror, order=20)

PER_PAGE = 50


# ---- organizer: jurors -----------------------------------------------------


@bp.route("/organizer/editions/<int:edition_id>/jurors", methods=["GET", "POST"])
@organizer_required
def jurors(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    form = InviteJurorForm()
    if form.validate_on_submit():
        try:
            membership = services.invite_juror(
                edition, actor=current_user, email=form.email.data, full_name=form.full_name.data
            )
        except LaurelError as exc:
            db.session.rollback()
            form.email.errors.append(exc.message)
        else:
            db.session.commit()
            flash(
                _("An invitation has been sent to %(email)s.", email=membership.user.email),
                "success",
            )
            return redirect(url_for(".jurors", edition_id=edition.id))
    memberships = roster.memberships_of(edition)
    counts = {s: sum(1 for m in memberships if m.status is s) for s in MembershipStatus}
    return render_template(
        "jury/jurors.html",
        edition=edition,
        form=form,
        memberships=memberships,
        conflicts=roster.conflicts_by_juror(edition),
        counts=counts,
    )


@bp.route("/organizer/jury/memberships/<int:membership_id>/resend", methods=["POST"])
@organizer_required
def resend(membership_id: int):
    membership = db.get_or_404(JuryMembership, membership_id)
    services.resend_invitation(membership, actor=current_user)
    db.session.commit()
    flash(
        _("The invitation has been sent again to %(email)s.", email=membership.user.email),
        "success",
    )
    return redirect(url_for(".jurors", edition_id=membership.edition_id))


# ---- organizer: assignments ------------------------------------------------


def _stage_arg(source) -> int:
    stage = source.get("stage", 1, type=int)
    if stage not in services.STAGES:
        abort(404)
    return stage


@bp.route("/organizer/editions/<int:edition_id>/assignments")
@organizer_required
def assignments(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    stage = _stage_arg(request.args)
    target = request.args.get("n", edition.jurors_per_application, type=db_int)
    target = min(max(target, 1), 20)
    only_missing = request.args.get("missing") == "1"

    jurors = roster.accepted_jurors(edition)
    board = assignments_board(
        edition, stage, target=target, jurors=jurors, only_missing=only_missing, page=page_arg()
    )
    auto_form = AutoAssignForm(stage=stage, per_application=target, formdata=None)
    return render_template(
        "jury/assignments.html",
        edition=edition,
        stage=stage,
        target=target,
        only_missing=only_missing,
        board=board,
        progress=roster.juror_progress(edition, stage, jurors=jurors),
        auto_form=auto_form,
    )


@bp.route("/organizer/editions/<int:edition_id>/assignments/auto", methods=["POST"])
@organizer_required
def auto_assign(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    stage = _stage_arg(request.form)
    form = AutoAssignForm()
    if not form.validate_on_submit():
        flash(_("The number of jurors per application must be between 1 and 20."), "error")
        return redirect(url_for(".assignments", edition_id=edition.id, stage=stage))
    try:
        report = services.auto_assign(
            edition, stage=stage, per_application=form.per_application.data, actor=current_user
        )
        db.session.commit()
    except IntegrityError:
        # Another organizer assigned the same juror to the same entry at this moment.
        db.session.rollback()
        flash(_("The assignments changed while they were being made. Run it again."), "error")
        return redirect(url_for(".assignments", edition_id=edition.id, stage=stage))
    flash(
        ngettext(
            "%(num)s assignment has been added.",
            "%(num)s assignments have been added.",
            report.added,
        ),
        "success",
    )
    if report.short:
        names = ", ".join(f"{a.office.name} ({n})" for a, n in report.short[:20])
        more = len(report.short) - 20
        flash(
            _(
                "%(count)s applications could not get %(n)s jurors (too few jurors without a "
                "conflict): %(names)s",
                count=len(report.short),
                n=form.per_application.data,
                names=names + (f" … (+{more})" if more > 0 else ""),
            ),
            "warning",
        )
    return redirect(
        url_for(".assignments", edition_id=edition.id, stage=stage, n=form.per_application.data)
    )


@bp.route("/organizer/editions/<int:edition_id>/assignments/add", methods=["POST"])
@organizer_required
def add_assignment(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    stage = _stage_arg(request.form)
    application = db.session.get(Application, request.form.get("application_id", type=db_int) or 0)
    juror = db.session.get(User, request.form.get("juror_id", type=db_int) or 0)
    if application is None or application.edition_id != edition.id:
        flash(_("Choose an application of this edition."), "error")
    elif juror is None or not juror.is_juror:
        flash(_("Choose a juror."), "error")
    else:
        services.assign_juror(application, juror, stage=stage, actor=current_user)
        db.session.commit()
        flash(
            _(
                "%(juror)s has been assigned to %(office)s.",
                juror=juror.full_name,
                office=application.office.name,
            ),
            "success",
        )
    return redirect(url_for(".assignments", edition_id=edition.id, stage=stage))


@bp.route("/organizer/editions/<int:edition_id>/assignments/remove", methods=["POST"])
@organizer_required
def remove_assignment(edition_id: int):
    # The assignment comes as the pressed button's value: one address serves
    # every "Remove" button of the page.
    assignment = db.session.get(Assignment, request.form.get("assignment_id", type=db_int) or 0)
    if assignment is None or assignment.application.edition_id != edition_id:
        abort(404)
    stage = assignment.stage
    services.remove_assignment(assignment, actor=current_user)
    db.session.commit()
    flash(_("The assignment has been removed."), "success")
    return redirect(url_for(".assignments", edition_id=edition_id, stage=stage))


# ---- juror: invitations and editions ---------------------------------------


@bp.route("/jury/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    membership = services.read_invitation(token)
    if membership is None:
        return render_template("jury/invitation_invalid.html"), 404
    user = membership.user
    # The token is the credential; a signed-in user must be the invited one.
    if current_user.is_authenticated and not membership.can_respond(current_user):
        flash(_("This invitation is for another account. Sign out first."), "error")
        return redirect(url_for("main.home"))
    if membership.status is not MembershipStatus.invited:
        return render_template("jury/invitation_answered.html", membership=membership)
    needs_password = not user.password_hash
    form = InvitationResponseForm(needs_password=needs_password)
    if form.validate_on_submit():
        accept = bool(form.accept.data)
        password = form.password.data if needs_password and accept else None
        services.respond_to_invitation(membership, accept=accept, password=password)
        if password:
            login_user(user)
        db.session.commit()
        if accept:
            flash(
                _(
                    "Thank you for joining the jury of %(edition)s.",
                    edition=membership.edition.name,
                ),
                "success",
            )
            if current_user.is_authenticated:
                return redirect(url_for(".conflicts", edition_id=membership.edition_id))
            return redirect(url_for("accounts.login"))
        flash(_("You have declined the invitation."), "info")
        return redirect(url_for("main.home"))
    return render_template(
        "jury/invitation.html", membership=membership, form=form, needs_password=needs_password
    )


@bp.route("/jury/editions")
@juror_required
def my_editions():
    memberships = db.session.scalars(
        sa.select(JuryMembership)
        .join(Edition, Edition.id == JuryMembership.edition_id)
        .where(JuryMembership.user_id == current_user.id)
        .options(selectinload(JuryMembership.edition))
        .order_by(Edition.year.desc(), Edition.id.desc())
    ).all()
    return render_template(
        "jury/my_editions.html",
        memberships=memberships,
        outlooks=workspace.outlooks(current_user, memberships),
    )


@bp.route("/jury/memberships/<int:membership_id>/respond", methods=["POST"])
@juror_required
def respond(membership_id: int):
    membership = db.get_or_404(JuryMembership, membership_id)
    if not membership.can_respond(current_user):
        abort(403)
    decision = request.form.get("decision")
    if decision not in ("accept", "decline"):
        abort(400)
    services.respond_to_invitation(membership, accept=decision == "accept")
    db.session.commit()
    if decision == "accept":
        flash(
            _("Thank you for joining the jury of %(edition)s.", edition=membership.edition.name),
            "success",
        )
    else:
        flash(_("You have declined the invitation."), "info")
    return redirect(url_for(".my_editions"))


def _accepted_membership(edition: Edition) -> JuryMembership:
    membership = services.membership_for(edition, current_user)
    if membership is None or not membership.can_work(current_user):
        abort(403)
    return membership


@bp.route("/jury/editions/<int:edition_id>/conflicts", methods=["GET", "POST"])
@juror_required
def conflicts(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    membership = _accepted_membership(edition)
    # ?office_id= preselects an office in the list (a link from elsewhere).
    preselected = request.args.get("office_id", type=db_int)
    if preselected and db.session.get(Office, preselected) is None:
        abort(404)
    form = ConflictForm(
        offices=services.applicant_offices(edition, current_user),
        data={"office_id": preselected} if preselected else None,
    )
    if form.validate_on_submit():
        selected = db.session.get(Office, form.office_id.data)
        try:
            services.declare_conflict(
                edition, juror=current_user, office=selected, reason=form.reason.data
            )
        except LaurelError as exc:
            db.session.rollback()
            form.reason.errors.append(exc.message)
        else:
            db.session.commit()
            flash(
                _(
                    "Your conflict of interest with %(office)s has been recorded.",
                    office=selected.name,
                ),
                "success",
            )
            return redirect(url_for(".conflicts", edition_id=edition.id))
    declared = db.session.scalars(
        sa.select(ConflictOfInterest)
        .where(
            ConflictOfInterest.edition_id == edition.id,
            ConflictOfInterest.juror_id == current_user.id,
        )
        .options(selectinload(ConflictOfInterest.office))
        .order_by(ConflictOfInterest.declared_at)
    ).all()
    return render_template(
        "jury/conflicts.html",
        edition=edition,
        membership=membership,
        form=form,
        declared=declared,
    )


@bp.route("/jury/conflicts/<int:conflict_id>/remove", methods=["POST"])
@juror_required
def remove_conflict(conflict_id: int):
    conflict = db.get_or_404(ConflictOfInterest, conflict_id)
    if not conflict.can_remove(current_user):
        abort(403)
    edition_id = conflict.edition_id
    services.remove_conflict(conflict, juror=current_user)
    db.session.commit()
    flash(_("The declaration has been removed."), "success")
    return redirect(url_for(".conflicts", edition_id=edition_id))


@bp.route("/jury/editions/<int:edition_id>/conflicts/confirm", methods=["POST"])
@juror_required
def confirm_conflicts(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    membership = _accepted_membership(edition)
    services.confirm_conflicts(membership, juror=current_user)
    db.session.commit()
    flash(_("Thank you. Your declaration is complete."), "success")
    return redirect(url_for(".my_editions"))
