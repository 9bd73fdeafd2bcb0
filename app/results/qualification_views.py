"""The organizer's stage-2 qualification pages: the proposed list with its
overrides, one entry's override, and the confirmation that closes stage 1."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.decorators import organizer_required
from app.editions import phases
from app.editions.models import Edition, EditionStatus
from app.errors import LaurelError
from app.extensions import db
from app.offices.models import Application
from app.results import blinding, qualification
from app.results.forms import ConfirmQualificationForm, OverrideForm
from app.results.views import bp


def _refused(exc: LaurelError) -> None:
    db.session.rollback()
    flash(exc.message, "error")


def _blind_candidates(
    candidates: qualification.QualificationList, names: blinding.Names
) -> qualification.QualificationList:
    """The list with each entry labelled for the viewer (tied entries in code
    order when blinded)."""
    for category in candidates.categories:
        for candidate in category.candidates:
            candidate.row = names.relabel([candidate.row])[0]
        category.candidates = names.order_ties(
            category.candidates,
            group=lambda c: c.row.position,
            entry=lambda c: c.application_id,
        )
    return candidates


def _page(edition: Edition, form: ConfirmQualificationForm | None = None, status: int = 200):
    confirmed = qualification.is_confirmed(edition)
    can_change = edition.can_qualify(current_user) and not confirmed
    check = phases.check_next_phase(edition) if can_change else None
    if form is None:
        form = ConfirmQualificationForm(data={"expected": edition.status.value})
    names = blinding.names_for(edition, current_user)
    record = [
        (
            category,
            names.order_ties(rows, group=lambda q: q.position, entry=lambda q: q.application_id),
        )
        for category, rows in (qualification.confirmed(edition) if confirmed else [])
    ]
    missing = check.missing if check else []
    if names.blinded:
        missing = sorted(
            missing, key=lambda m: (m.juror_name, names.sort_key(m.application_id, ""))
        )
    return render_template(
        "results/qualification.html",
        edition=edition,
        confirmed=confirmed,
        record=record,
        candidates=None
        if confirmed
        else _blind_candidates(qualification.candidate_list(edition), names),
        can_change=can_change,
        missing=missing,
        form=form,
        names=names,
    ), status


@bp.route("/organizer/editions/<int:edition_id>/qualification")
@organizer_required
def qualification_page(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    return _page(edition)


def _entry(edition_id: int, application_id: int) -> tuple[Edition, Application]:
    edition = db.get_or_404(Edition, edition_id)
    application = db.get_or_404(Application, application_id)
    if application.edition_id != edition.id:
        abort(404)
    return edition, application


@bp.route(
    "/organizer/editions/<int:edition_id>/qualification/<int:application_id>",
    methods=["GET", "POST"],
)
@organizer_required
def qualification_override(edition_id: int, application_id: int):
    edition, application = _entry(edition_id, application_id)
    if not edition.can_qualify(current_user) or qualification.is_confirmed(edition):
        abort(403)
    names = blinding.names_for(edition, current_user)
    candidates = _blind_candidates(qualification.candidate_list(edition), names)
    candidate = next((c for c in candidates.candidates if c.application_id == application.id), None)
    if candidate is None:
        abort(404)
    form = OverrideForm()
    if not form.is_submitted() and candidate.override is not None:
        form.decision.data = "yes" if candidate.override.qualified else "no"
        form.reason.data = candidate.override.reason
    if form.validate_on_submit():
        try:
            qualification.set_override(
                application,
                qualified=form.decision.data == "yes",
                reason=form.reason.data,
                actor=current_user,
            )
        except LaurelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(
                _("The decision for %(office)s is saved.", office=candidate.row.office), "success"
            )
            return redirect(url_for(".qualification_page", edition_id=edition.id))
    return render_template(
        "results/qualification_override.html",
        edition=edition,
        candidate=candidate,
        form=form,
        names=names,
    ), 422 if form.errors else 200


@bp.route(
    "/organizer/editions/<int:edition_id>/qualification/<int:application_id>/clear",
    methods=["POST"],
)
@organizer_required
def qualification_clear(edition_id: int, application_id: int):
    edition, application = _entry(edition_id, application_id)
    if not edition.can_qualify(current_user):
        abort(403)
    try:
        qualification.clear_override(application, actor=current_user)
    except LaurelError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("The entry follows the proposed list again."), "success")
    return redirect(url_for(".qualification_page", edition_id=edition.id))


@bp.route("/organizer/editions/<int:edition_id>/qualification/confirm", methods=["POST"])
@organizer_required
def qualification_confirm(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    if not edition.can_qualify(current_user):
        abort(403)
    form = ConfirmQualificationForm()
    if not form.validate_on_submit():
        flash(_("The form is incomplete. Reload the page and try again."), "error")
        return redirect(url_for(".qualification_page", edition_id=edition.id))
    try:
        expected = EditionStatus(form.expected.data)
    except ValueError:
        abort(400)
    try:
        result = qualification.confirm(
            edition,
            actor=current_user,
            expected=expected,
            confirm_missing=form.confirm_missing.data,
        )
    except phases.MissingSheetsError as exc:
        _refused(exc)
        return _page(edition, form, 409)
    except LaurelError as exc:
        _refused(exc)
        return redirect(url_for(".qualification_page", edition_id=edition.id))
    db.session.commit()
    flash(
        _(
            "The list is confirmed: %(qualified)s of %(total)s entries go on to stage 2. "
            "Stage 2 has begun and the offices have been told.",
            qualified=result.qualified,
            total=len(result.candidates),
        ),
        "success",
    )
    return redirect(url_for(".qualification_page", edition_id=edition.id))
