"""Stage-2 pages: the organizer's checklist and visit plan; the jurors'
visits and outside findings; photo and attachment files."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from app.accounts.decorators import organizer_required
from app.accounts.models import User
from app.editions.models import Edition
from app.errors import LaurelError
from app.extensions import db
from app.jury import roster
from app.jury import services as jury_services
from app.jury.models import MembershipStatus
from app.jury.visits import checklist, files, findings, planning, services
from app.jury.visits.forms import (
    CancelVisitForm,
    ChecklistItemForm,
    FindingForm,
    PlanVisitForm,
    ReopenForm,
    StartVisitForm,
    visit_form,
)
from app.jury.visits.models import (
    ChecklistItem,
    ChecklistItemKind,
    ExternalFinding,
    FindingEffect,
    MysteryVisit,
    VisitChannel,
    VisitPhoto,
    can_add_stage2_evidence,
    can_start_visit,
    can_view_stage2_evidence,
)
from app.offices.models import Application, ApplicationStatus
from app.offices.uploads import send_inline
from app.timeutil import from_local, to_local

bp = Blueprint("visits", __name__, static_folder="static", static_url_path="/visits-static")

# Photos and attachments are shown in the browser, but never run there.
# ---- organizer: checklist ---------------------------------------------------


def _item_data(form: ChecklistItemForm) -> checklist.ItemData:
    return checklist.ItemData(
        channel=VisitChannel(form.channel.data),
        kind=ChecklistItemKind(form.kind.data),
        prompt=form.prompt.data,
        guidance=form.guidance.data or "",
        scale_max=form.scale_max.data,
        criterion_id=form.criterion_id.data,
        position=form.position.data or 0,
    )


@bp.route("/organizer/editions/<int:edition_id>/checklist", methods=["GET", "POST"])
@organizer_required
def checklist_page(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    form = ChecklistItemForm(criteria=checklist.stage2_criteria(edition))
    if form.validate_on_submit():
        try:
            checklist.add_item(edition, actor=current_user, data=_item_data(form))
        except LaurelError as exc:
            db.session.rollback()
            form.prompt.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The question has been added to the checklist."), "success")
            return redirect(url_for(".checklist_page", edition_id=edition.id))
    items = checklist.items_of(edition)
    grouped = {c: [i for i in items if i.channel is c] for c in VisitChannel}
    return render_template(
        "jury_visits/checklist.html",
        edition=edition,
        grouped=grouped,
        locked=checklist.locked_item_ids(edition),
        form=form,
    )


@bp.route("/organizer/checklist/<int:item_id>/edit", methods=["GET", "POST"])
@organizer_required
def edit_item(item_id: int):
    item = db.get_or_404(ChecklistItem, item_id)
    form = ChecklistItemForm(obj=item, criteria=checklist.stage2_criteria(item.edition))
    if request.method == "GET":
        form.channel.data, form.kind.data = item.channel.value, item.kind.value
    if form.validate_on_submit():
        try:
            checklist.update_item(item, actor=current_user, data=_item_data(form))
        except LaurelError as exc:
            db.session.rollback()
            form.prompt.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The question has been saved."), "success")
            return redirect(url_for(".checklist_page", edition_id=item.edition_id))
    return render_template("jury_visits/item_form.html", edition=item.edition, item=item, form=form)


@bp.route("/organizer/checklist/<int:item_id>/delete", methods=["POST"])
@organizer_required
def delete_item(item_id: int):
    item = db.get_or_404(ChecklistItem, item_id)
    edition_id = item.edition_id
    checklist.delete_item(item, actor=current_user)
    db.session.commit()
    flash(_("The question has been deleted."), "success")
    return redirect(url_for(".checklist_page", edition_id=edition_id))


# ---- organizer: visit plan --------------------------------------------------


@bp.route("/organizer/editions/<int:edition_id>/visits", methods=["GET", "POST"])
@organizer_required
def edition_visits(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    qualified = db.session.scalars(
        sa.select(Application)
        .where(
            Application.edition_id == edition.id,
            Application.status == ApplicationStatus.qualified,
        )
        .options(selectinload(Application.office))
    ).all()
    jurors = [
        m.user for m in roster.memberships_of(edition) if m.status is MembershipStatus.accepted
    ]
    form = PlanVisitForm(applications=qualified, jurors=jurors)
    if form.validate_on_submit():
        application = next(a for a in qualified if a.id == form.application_id.data)
        visitor = db.session.get(User, form.visitor_id.data) if form.visitor_id.data else None
        try:
            planning.plan_visit(
                application,
                actor=current_user,
                channel=VisitChannel(form.channel.data),
                visitor=visitor,
                visitor_name=form.visitor_name.data or "",
                due_on=form.due_on.data,
            )
        except LaurelError as exc:
            db.session.rollback()
            form.visitor_id.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The visit has been planned."), "success")
            return redirect(url_for(".edition_visits", edition_id=edition.id))
    visits = services.visits_of_edition(edition)
    return render_template(
        "jury_visits/edition_visits.html",
        edition=edition,
        visits=visits,
        late={v.id for v in visits if services.is_late(v)},
        form=form,
    )


@bp.route("/organizer/visits/<int:visit_id>/reopen", methods=["GET", "POST"])
@organizer_required
def reopen_visit(visit_id: int):
    visit = db.get_or_404(MysteryVisit, visit_id)
    if not visit.can_reopen(current_user):
        abort(403)
    form = ReopenForm()
    if form.validate_on_submit():
        services.reopen_visit(visit, actor=current_user, reason=form.reason.data)
        db.session.commit()
        flash(_("The visit has been reopened."), "success")
        return redirect(url_for(".visit", visit_id=visit.id))
    return render_template("jury_visits/reopen.html", visit=visit, form=form)


@bp.route("/organizer/visits/<int:visit_id>/cancel", methods=["GET", "POST"])
@organizer_required
def cancel_visit(visit_id: int):
    visit = db.get_or_404(MysteryVisit, visit_id)
    if not visit.can_cancel(current_user):
        abort(403)
    form = CancelVisitForm()
    if form.validate_on_submit():
        edition_id = visit.application.edition_id
        planning.cancel_visit(visit, actor=current_user, reason=form.reason.data)
        db.session.commit()
        flash(_("The visit has been cancelled."), "success")
        return redirect(url_for(".edition_visits", edition_id=edition_id))
    return render_template("jury_visits/cancel.html", visit=visit, form=form)


# ---- jurors: my visits and the visit form ------------------------------------


@bp.route("/jury/editions/<int:edition_id>/visits")
@login_required
def my_visits(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    if current_user.is_organizer:
        return redirect(url_for(".edition_visits", edition_id=edition.id))
    membership = jury_services.membership_for(edition, current_user)
    if membership is None or not membership.can_work(current_user):
        abort(403)
    visits = services.juror_visits(edition, current_user)
    entries = services.juror_stage2_entries(edition, current_user)
    return render_template(
        "jury_visits/my_visits.html",
        edition=edition,
        visits=visits,
        entries=entries,
        late={v.id for v in visits if services.is_late(v)},
        # Every listed entry is one the juror scores in stage 2 without a
        # conflict, so can_start_visit comes down to stage 2 being open: asked
        # once, for the first entry, instead of once per row.
        can_add={a.id for a in entries}
        if entries and can_start_visit(entries[0], current_user)
        else set(),
        start_form=StartVisitForm(),
    )


@bp.route("/jury/applications/<int:application_id>/visits/start", methods=["POST"])
@login_required
def start_visit(application_id: int):
    application = db.get_or_404(Application, application_id)
    if not can_start_visit(application, current_user):
        abort(403)
    form = StartVisitForm()
    if not form.validate_on_submit():
        abort(400)
    visit = services.start_visit(
        application, actor=current_user, channel=VisitChannel(form.channel.data)
    )
    db.session.commit()
    return redirect(url_for(".visit", visit_id=visit.id))


def _photo_uploads() -> list[files.CleanFile]:
    cleaned = []
    for upload in request.files.getlist("photos"):
        if not upload or not upload.filename:
            continue
        try:
            cleaned.append(files.clean_photo(upload.stream, upload.filename))
        except files.FileRefused as exc:
            raise LaurelError(f"{upload.filename}: {services.file_message(exc.reason)}") from None
    return cleaned


@bp.route("/jury/visits/<int:visit_id>", methods=["GET", "POST"])
@login_required
def visit(visit_id: int):
    visit = db.get_or_404(MysteryVisit, visit_id)
    if not visit.can_view(current_user):
        abort(403)
    items = checklist.items_of(visit.application.edition, visit.channel)
    editable = visit.can_edit(current_user)
    if not editable:
        if request.method == "POST":
            abort(403)
        answers = {a.item_id: a for a in visit.answers}
        lines = [
            services.ChecklistLine(
                i, answers.get(i.id), services.display_answer(i, answers.get(i.id))
            )
            for i in items
        ]
        return render_template(
            "jury_visits/visit_view.html",
            visit=visit,
            lines=lines,
            reopen_form=ReopenForm() if visit.can_reopen(current_user) else None,
        )
    answers = {a.item_id: a for a in visit.answers}
    form = visit_form(items, answers=answers)
    if request.method == "GET":
        form.version.data = str(visit.version)
        form.notes.data = visit.notes
        local = to_local(visit.visited_at)
        form.visited_at.data = local.replace(tzinfo=None) if local else None
    if form.validate_on_submit():
        submit = bool(form.send.data)
        visited_at = from_local(form.visited_at.data)
        problems = services.check_visit(
            items, visited_at=visited_at, answers=form.answers(), submit=submit
        )
        for name, message in problems.items():
            getattr(form, name, form.notes).errors.append(message)
        if not problems:
            stored: list[str] = []
            try:
                stored = services.save_visit(
                    visit,
                    actor=current_user,
                    version=form.version_number(),
                    visited_at=visited_at,
                    notes=form.notes.data or "",
                    answers=form.answers(),
                    photos=_photo_uploads(),
                    submit=submit,
                )
                db.session.commit()
            except LaurelError as exc:
                db.session.rollback()
                for name in stored:
                    files.remove(name)
                form.photos.errors.append(exc.message)
            except Exception:
                # A failed commit leaves no photo file without its row.
                db.session.rollback()
                for name in stored:
                    files.remove(name)
                raise
            else:
                flash(
                    _("The visit has been submitted.")
                    if submit
                    else _("The draft has been saved."),
                    "success",
                )
                return redirect(url_for(".visit", visit_id=visit.id))
    return render_template("jury_visits/visit_form.html", visit=visit, form=form)


@bp.route("/jury/visits/<int:visit_id>/photos/<int:photo_id>/delete", methods=["POST"])
@login_required
def delete_photo(visit_id: int, photo_id: int):
    photo = db.get_or_404(VisitPhoto, photo_id)
    if photo.visit_id != visit_id:
        abort(404)
    if not photo.visit.can_edit(current_user):
        abort(403)
    name = services.delete_photo(photo, actor=current_user)
    db.session.commit()
    files.remove(name)
    flash(_("The photo has been deleted."), "success")
    return redirect(url_for(".visit", visit_id=visit_id))


def _send_evidence(stored_name: str | None, mimetype: str, download_name: str):
    if not stored_name:
        abort(404)
    return send_inline(
        files.evidence_path(stored_name), mimetype=mimetype, download_name=download_name
    )


@bp.route("/jury/photos/<int:photo_id>")
@login_required
def photo(photo_id: int):
    photo = db.get_or_404(VisitPhoto, photo_id)
    if not photo.can_view(current_user):
        abort(403)
    return _send_evidence(photo.stored_name, photo.content_type, photo.original_name)


# ---- findings ---------------------------------------------------------------


def _finding_data(form: FindingForm) -> findings.FindingData:
    return findings.FindingData(
        source=form.source.data,
        found_on=form.found_on.data,
        finding=form.finding.data,
        effect=FindingEffect(form.effect.data),
        url=form.url.data or "",
        criterion_id=form.criterion_id.data,
    )


def _attachment_upload(form: FindingForm) -> files.CleanFile | None:
    upload = form.attachment.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    try:
        return files.clean_attachment(upload.stream, upload.filename)
    except files.FileRefused as exc:
        raise LaurelError(services.file_message(exc.reason)) from None


@bp.route("/jury/applications/<int:application_id>/findings", methods=["GET", "POST"])
@login_required
def findings_page(application_id: int):
    application = db.get_or_404(Application, application_id)
    if not can_view_stage2_evidence(application, current_user):
        abort(403)
    can_add = can_add_stage2_evidence(application, current_user)
    form = FindingForm(criteria=checklist.stage2_criteria(application.edition))
    if request.method == "POST" and not can_add:
        abort(403)
    if form.validate_on_submit():
        try:
            attachment = _attachment_upload(form)
            findings.add_finding(
                application, actor=current_user, data=_finding_data(form), attachment=attachment
            )
            db.session.commit()
        except LaurelError as exc:
            db.session.rollback()
            form.attachment.errors.append(exc.message)
        else:
            flash(_("The finding has been saved."), "success")
            return redirect(url_for(".findings_page", application_id=application.id))
    return render_template(
        "jury_visits/findings.html",
        application=application,
        findings=findings.findings_of(application),
        form=form if can_add else None,
    )


@bp.route("/jury/findings/<int:finding_id>/edit", methods=["GET", "POST"])
@login_required
def edit_finding(finding_id: int):
    finding = db.get_or_404(ExternalFinding, finding_id)
    if not finding.can_edit(current_user):
        abort(403)
    application = finding.application
    form = FindingForm(obj=finding, criteria=checklist.stage2_criteria(application.edition))
    if request.method == "GET":
        form.effect.data = finding.effect.value
    if form.validate_on_submit():
        try:
            old = findings.update_finding(
                finding,
                actor=current_user,
                data=_finding_data(form),
                attachment=_attachment_upload(form),
                remove_attachment=bool(form.remove_attachment.data),
            )
            db.session.commit()
        except LaurelError as exc:
            db.session.rollback()
            form.attachment.errors.append(exc.message)
        else:
            files.remove(old)
            flash(_("The finding has been saved."), "success")
            return redirect(url_for(".findings_page", application_id=application.id))
    return render_template(
        "jury_visits/finding_form.html", application=application, finding=finding, form=form
    )


@bp.route("/jury/findings/<int:finding_id>/delete", methods=["POST"])
@login_required
def delete_finding(finding_id: int):
    finding = db.get_or_404(ExternalFinding, finding_id)
    if not finding.can_edit(current_user):
        abort(403)
    application_id = finding.application_id
    old = findings.delete_finding(finding, actor=current_user)
    db.session.commit()
    files.remove(old)
    flash(_("The finding has been deleted."), "success")
    return redirect(url_for(".findings_page", application_id=application_id))


@bp.route("/jury/findings/<int:finding_id>/attachment")
@login_required
def finding_attachment(finding_id: int):
    finding = db.get_or_404(ExternalFinding, finding_id)
    if not finding.can_view(current_user):
        abort(403)
    return _send_evidence(
        finding.attachment_stored_name, finding.attachment_type, finding.attachment_name
    )
