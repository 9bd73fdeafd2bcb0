"""Organizer pages for offices: register, import, approve, invite; and the
public page where an invited office contact creates an account."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_user

from app import navigation
from app.accounts.decorators import organizer_required
from app.accounts.models import Role
from app.errors import LaurelError
from app.extensions import db
from app.inputs import page_arg
from app.labels import choices
from app.offices.admin import services
from app.offices.admin.forms import (
    AcceptInvitationForm,
    ImportConfirmForm,
    ImportUploadForm,
    OfficeForm,
    RejectForm,
)
from app.offices.admin.importing import ImportFileError, ImportResult, read_offices
from app.offices.models import Office, OfficeStatus, OfficeType, Voivodeship
from app.offices.services import DuplicateOffice

bp = Blueprint("office_admin", __name__)
navigation.add("office_admin.index", _l("Offices"), Role.organizer, order=30)

PER_PAGE = 50
PREVIEW_ROWS = 20


def _enum_arg(name: str, enum_cls):
    value = request.args.get(name, "")
    try:
        return enum_cls(value) if value else None
    except ValueError:
        return None


@bp.route("/organizer/offices/")
@organizer_required
def index():
    q = request.args.get("q", "").strip()
    status = _enum_arg("status", OfficeStatus)
    office_type = _enum_arg("type", OfficeType)
    voivodeship = _enum_arg("voivodeship", Voivodeship)
    incomplete = request.args.get("incomplete") == "1"
    query = sa.select(Office).order_by(Office.name, Office.id)
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Office.name).like(pattern),
                sa.func.lower(Office.city).like(pattern),
                Office.regon == q,
                Office.nip == q.replace("-", ""),
            )
        )
    if status:
        query = query.where(Office.status == status)
    if office_type:
        query = query.where(Office.office_type == office_type)
    if voivodeship:
        query = query.where(Office.voivodeship == voivodeship)
    if incomplete:
        query = query.where(Office.needs_completing)
    page = db.paginate(query, page=page_arg(), per_page=PER_PAGE, error_out=False)
    filters = {
        "q": q,
        "status": status.value if status else "",
        "type": office_type.value if office_type else "",
        "voivodeship": voivodeship.value if voivodeship else "",
        "incomplete": "1" if incomplete else "",
    }
    return render_template(
        "offices_admin/index.html",
        page=page,
        filters=filters,
        statuses=list(OfficeStatus),
        types=list(OfficeType),
        voivodeships=list(Voivodeship),
        pending=services.pending_count(),
    )


def _office_form_data(form: OfficeForm) -> dict:
    return {name: getattr(form, name).data for name in services.OFFICE_FIELDS}


@bp.route("/organizer/offices/new", methods=["GET", "POST"])
@organizer_required
def create():
    form = OfficeForm()
    if form.validate_on_submit():
        try:
            office = services.register_office(actor=current_user, data=_office_form_data(form))
        except DuplicateOffice as exc:
            db.session.rollback()
            getattr(form, exc.field).errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The office %(name)s has been registered.", name=office.name), "success")
            return redirect(url_for(".detail", office_id=office.id))
    return render_template("offices_admin/form.html", form=form, office=None)


@bp.route("/organizer/offices/<int:office_id>")
@organizer_required
def detail(office_id: int):
    office = db.get_or_404(Office, office_id)
    return render_template(
        "offices_admin/detail.html",
        office=office,
        users=services.active_office_users(office),
        reject_form=RejectForm(),
    )


@bp.route("/organizer/offices/<int:office_id>/edit", methods=["GET", "POST"])
@organizer_required
def edit(office_id: int):
    office = db.get_or_404(Office, office_id)
    form = OfficeForm(obj=office)
    if request.method == "GET":
        form.office_type.data = office.office_type.value
        form.voivodeship.data = office.voivodeship.value
    if form.validate_on_submit():
        try:
            services.update_office(office, actor=current_user, data=_office_form_data(form))
        except DuplicateOffice as exc:
            db.session.rollback()
            getattr(form, exc.field).errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The office has been saved."), "success")
            return redirect(url_for(".detail", office_id=office.id))
    return render_template("offices_admin/form.html", form=form, office=office)


@bp.route("/organizer/offices/<int:office_id>/invite", methods=["POST"])
@organizer_required
def invite(office_id: int):
    office = db.get_or_404(Office, office_id)
    services.invite_contact(office, actor=current_user)
    db.session.commit()
    flash(_("An invitation has been sent to %(email)s.", email=office.contact_email), "success")
    return redirect(url_for(".detail", office_id=office.id))


@bp.route("/organizer/offices/pending")
@organizer_required
def pending():
    offices = db.session.scalars(
        sa.select(Office)
        .where(Office.status == OfficeStatus.pending)
        .order_by(Office.created_at, Office.id)
    ).all()
    return render_template("offices_admin/pending.html", offices=offices)


@bp.route("/organizer/offices/<int:office_id>/approve", methods=["POST"])
@organizer_required
def approve(office_id: int):
    office = db.get_or_404(Office, office_id)
    services.approve_office(office, actor=current_user)
    db.session.commit()
    flash(_("The office %(name)s has been approved.", name=office.name), "success")
    return redirect(url_for(".pending"))


@bp.route("/organizer/offices/<int:office_id>/reject", methods=["GET", "POST"])
@organizer_required
def reject(office_id: int):
    office = db.get_or_404(Office, office_id)
    if office.status is not OfficeStatus.pending:
        flash(_("Only an office awaiting approval can be rejected."), "error")
        return redirect(url_for(".detail", office_id=office.id))
    form = RejectForm()
    if form.validate_on_submit():
        services.reject_office(office, actor=current_user, reason=form.reason.data)
        db.session.commit()
        flash(_("The office %(name)s has been rejected.", name=office.name), "success")
        return redirect(url_for(".pending"))
    return render_template("offices_admin/reject.html", office=office, form=form)


# ---- import ---------------------------------------------------------------


@bp.route("/organizer/offices/import", methods=["GET", "POST"])
@organizer_required
def import_upload():
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        filename = upload.filename or ""
        regons, nips = services.existing_numbers()
        try:
            result = read_offices(
                upload.read(), filename, existing_regons=regons, existing_nips=nips
            )
        except ImportFileError as exc:
            form.file.errors.append(exc.message)
        else:
            token = services.store_import(result, filename=filename, owner_id=current_user.id)
            return redirect(url_for(".import_preview", token=token))
    return render_template("offices_admin/import.html", form=form)


@bp.route("/organizer/offices/import/<token>", methods=["GET", "POST"])
@organizer_required
def import_preview(token: str):
    stored = services.load_import(token, owner_id=current_user.id)
    if stored is None:
        abort(404)
    result = ImportResult.from_json(stored)
    form = ImportConfirmForm()
    if form.validate_on_submit():
        try:
            count = services.import_offices(
                result,
                actor=current_user,
                filename=stored["filename"],
                valid_only=form.valid_only.data,
            )
        except LaurelError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            services.discard_import(token)
            flash(
                ngettext(
                    "%(num)s office has been imported.",
                    "%(num)s offices have been imported.",
                    count,
                ),
                "success",
            )
            return redirect(url_for(".index"))
    return render_template(
        "offices_admin/import_preview.html",
        form=form,
        result=result,
        filename=stored["filename"],
        preview=result.rows[:PREVIEW_ROWS],
        type_labels=dict(choices(OfficeType)),
    )


# ---- public: accepting an invitation --------------------------------------


@bp.route("/invitation/office/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = services.read_invitation(token)
    if invitation is None:
        return render_template("offices_admin/invitation_invalid.html"), 404
    office, email = invitation
    if current_user.is_authenticated:
        flash(_("Sign out first to accept an invitation for another account."), "error")
        return redirect(url_for("main.home"))
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(
                office, email=email, full_name=form.full_name.data, password=form.password.data
            )
        except LaurelError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            login_user(user)
            db.session.commit()
            flash(_("Your account has been created. Welcome to Laurel."), "success")
            return redirect(url_for("main.home"))
    return render_template("offices_admin/invitation.html", form=form, office=office, email=email)
