"""Score sheets: the juror's entries and the entry page with its sheet (also
used by organizers typing a paper sheet), and the organizer's overview of a
stage's sheets with reopening and reminders."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, with_expression

from app.accounts.decorators import juror_required, organizer_required
from app.editions.dashboard import local_today
from app.editions.models import Edition, EditionStatus
from app.errors import LaurelError
from app.extensions import db
from app.inputs import db_int, page_arg
from app.jury import oversight, services, sheets, workspace
from app.jury.consensus.models import ConsensusStatus
from app.jury.consensus.overview import progress_for
from app.jury.forms import ExtendDueForm, ReminderForm, ReopenSheetForm, SheetForm, stored_fields
from app.jury.models import (
    Assignment,
    IssueCheck,
    Score,
    ScoreSheet,
    SheetStatus,
    SiteVisitIssue,
)
from app.offices import services as offices
from app.offices.models import Answer, Application, Document
from app.queries import fill, prebuilt
from app.timeutil import format_local, utcnow

bp = Blueprint("sheets", __name__)

STAGE_TITLES = {1: _l("Stage 1: document assessment"), 2: _l("Stage 2: visits and outside sources")}


def _stage(default: int) -> int:
    stage = request.args.get("stage", default, type=db_int)
    if stage not in services.STAGES:
        abort(404)
    return stage


def _current_stage(edition: Edition) -> int:
    return 2 if edition.status.order >= EditionStatus.stage2.order else 1


# ---- juror: my entries ---------------------------------------------------------


@bp.route("/jury/editions/<int:edition_id>/entries")
@juror_required
def my_entries(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    membership = services.membership_for(edition, current_user)
    if membership is None or not membership.can_work(current_user):
        abort(403)
    if membership.conflicts_confirmed_at is None:
        # The declaration comes first: no entry is shown before it.
        flash(_("Confirm your conflict-of-interest declaration before you start scoring."), "info")
        return redirect(url_for("jury.conflicts", edition_id=edition.id))
    stage = _stage(_current_stage(edition))
    status = request.args.get("status", "")
    if status not in workspace.FILTERS:
        abort(404)
    entries = workspace.my_entries(
        edition,
        current_user,
        stage,
        status=status,
        page=page_arg(),
    )
    # An empty list says when entries will come and how many to expect.
    outlook = (
        workspace.outlooks(current_user, [membership])[0] if not entries.counts["all"] else None
    )
    consensus = None
    if edition.has_consensus(stage):
        consensus = progress_for(current_user, stage, [r.application_id for r in entries.rows])
    return render_template(
        "jury/entries.html",
        consensus=consensus,
        outlook=outlook,
        edition=edition,
        stage=stage,
        stage_title=STAGE_TITLES[stage],
        entries=entries,
        rows=entries.rows,
        today=local_today(),
        stage_open=edition.status.value == f"stage{stage}",
        SheetStatus=SheetStatus,
        ConsensusStatus=ConsensusStatus,
    )


# ---- the entry page with its sheet ----------------------------------------------


@prebuilt
def _assignment_query(page: bool) -> sa.Select:
    application, sheet = joinedload(Assignment.application), joinedload(Assignment.sheet)
    options = [application.joinedload(Application.edition), sheet]
    if page:
        options += [
            application.joinedload(Application.office),
            application.joinedload(Application.category),
            sheet.joinedload(ScoreSheet.last_saved_by),
            joinedload(Assignment.juror),
        ]
    options.append(with_expression(Assignment.may_work, Assignment.may_work_expression()))
    return (
        sa.select(Assignment)
        .where(Assignment.id == sa.bindparam("assignment_id"))
        .options(*options)
        # Fresh values (may_work too) even when the session holds the assignment already.
        .execution_options(populate_existing=True)
    )


@prebuilt
def _collection_queries() -> dict[str, sa.Select]:
    return {
        "scores": sa.select(Score).where(Score.sheet_id == sa.bindparam("id")),
        "site_visit_issues": sa.select(SiteVisitIssue)
        .where(SiteVisitIssue.sheet_id == sa.bindparam("id"))
        .order_by(SiteVisitIssue.id),
        "answers": sa.select(Answer).where(Answer.application_id == sa.bindparam("id")),
        "documents": sa.select(Document)
        .where(Document.application_id == sa.bindparam("id"))
        .order_by(Document.uploaded_at),
    }


def _load_assignment(assignment_id: int, *, page: bool = True) -> Assignment:
    """The assignment with what its entry page shows, in five queries whatever
    the entry's size: the single rows (application, office, category, edition,
    juror, sheet, who saved it) and whether the juror may work on it (asked by
    every permission check) joined into the first, one query per list
    (answers, documents, scores, site-visit issues). A save (`page=False`)
    needs only the edition and the sheet with its scores and issues. The
    statements are prebuilt (see app/queries.py)."""
    assignment = db.session.scalar(_assignment_query(page), {"assignment_id": assignment_id})
    if assignment is None:
        abort(404)
    queries = _collection_queries()
    sheet = assignment.sheet
    if sheet is not None:
        for attribute in ("scores", "site_visit_issues"):
            fill(sheet, attribute, queries[attribute], {"id": sheet.id})
    if page:
        for attribute in ("answers", "documents"):
            fill(
                assignment.application,
                attribute,
                queries[attribute],
                {"id": assignment.application_id},
            )
    return assignment


def _field_labels(criteria) -> dict[str, str]:
    """Names for the error summary's links."""
    labels = {"general_comment": _("General comment"), "issues": _("Site-visit issues")}
    for c in criteria:
        labels[f"value-{c.id}"] = _("%(criterion)s: score", criterion=c.name)
        labels[f"strengths-{c.id}"] = _("%(criterion)s: strengths", criterion=c.name)
        labels[f"improvements-{c.id}"] = _("%(criterion)s: areas for improvement", criterion=c.name)
    return labels


def _render_entry(
    assignment: Assignment,
    form: SheetForm,
    *,
    typed=None,
    errors=None,
    problem=None,
    conflict=False,
    status=200,
):
    """The entry page. `typed` holds what the user sent when the page comes
    back after a refused save (nothing typed is lost); else the saved sheet."""
    application = assignment.application
    sheet = assignment.sheet
    criteria = sheets.stage_criteria(assignment)
    stage2 = assignment.stage == 2
    evidence = None
    if stage2:
        from app.jury.visits import services as visits

        evidence = visits.stage2_evidence(application)
    typed = typed if typed is not None else stored_fields(sheet)
    issues_typed = sum(1 for k in typed if k.startswith("issue-") and typed.get(k))
    stored_scores = {sc.criterion_id: sc for sc in sheet.scores} if sheet is not None else {}
    return (
        render_template(
            "jury/entry.html",
            assignment=assignment,
            application=application,
            sheet=sheet,
            criteria=criteria,
            areas=offices.questionnaire(application.edition),
            answers={a.question_id: a for a in application.answers},
            documents_by_area=offices.documents_by_area(application),
            form=form,
            typed=typed,
            errors=errors or {},
            # The error summary's lead: what happened to the save.
            problem=problem,
            # Only the error summary reads them.
            labels=_field_labels(criteria) if errors else {},
            issue_slots=min(issues_typed + 2, sheets.MAX_ISSUES),
            # After a refused save: the sheet as the other tab or person saved it.
            conflict=sheet if conflict else None,
            conflict_panel=conflict,
            stored_scores=stored_scores,
            can_score=assignment.can_score(current_user),
            peers=workspace.peer_sheets(assignment)
            if assignment.can_see_peer_scores(current_user)
            else None,
            briefing=sheets.briefing(application.id) if stage2 else [],
            evidence=evidence,
            reopen_form=ReopenSheetForm()
            if sheet is not None and sheet.can_reopen(current_user)
            else None,
            stage_title=STAGE_TITLES[assignment.stage],
            fmt=sheets.format_number,
            IssueCheck=IssueCheck,
        ),
        status,
    )


def _wants_json() -> bool:
    """The autosave script asks for JSON; a plain form post gets a page."""
    return request.accept_mimetypes.best == "application/json"


@bp.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
@login_required
def entry(assignment_id: int):
    assignment = _load_assignment(assignment_id, page=request.method == "GET")
    if assignment.is_juror(current_user) and not assignment.juror_may_work():
        membership = services.membership_for(assignment.edition, current_user)
        if membership is not None and membership.conflicts_confirmed_at is None:
            flash(
                _("Confirm your conflict-of-interest declaration before you start scoring."), "info"
            )
            return redirect(url_for("jury.conflicts", edition_id=assignment.edition.id))
    if not assignment.can_view(current_user):
        abort(403)
    form = SheetForm(sheet=assignment.sheet)
    if request.method == "GET":
        return _render_entry(assignment, form)
    if not assignment.can_score(current_user):
        if _wants_json():
            return jsonify(saved=False, message=_("This score sheet cannot be changed now.")), 409
        flash(_("This score sheet cannot be changed now."), "error")
        return redirect(url_for(".entry", assignment_id=assignment.id))
    if not form.validate_on_submit():
        abort(400)
    data = form.to_input(request.form)
    autosave = _wants_json()
    # Kept for the redirects: after a commit the assignment is expired, and
    # reading it again would reload it with all its eager loads.
    edition_id, stage = assignment.application.edition_id, assignment.stage
    try:
        sheet = sheets.save_sheet(assignment, actor=current_user, data=data)
        db.session.commit()
    except sheets.SheetConflict as exc:
        db.session.rollback()
        if autosave:
            return jsonify(saved=False, conflict=True, message=exc.message), 409
        assignment = _load_assignment(assignment_id)
        form.version.data = assignment.sheet.version if assignment.sheet else 0
        return _render_entry(assignment, form, typed=request.form, conflict=True, status=409)
    except sheets.SheetProblems as exc:
        db.session.rollback()
        if autosave:
            return jsonify(saved=False, message=exc.message, errors=exc.errors), 422
        return _render_entry(
            _load_assignment(assignment_id),
            form,
            typed=request.form,
            errors=exc.errors,
            problem=exc.message,
            status=422,
        )
    if autosave:
        return jsonify(
            saved=True,
            version=sheet.version,
            message=_(
                "Draft saved automatically at %(time)s.", time=format_local(utcnow(), "%H:%M")
            ),
        )
    if form.submit_sheet.data:
        try:
            sheets.submit_sheet(sheet, actor=current_user)
            db.session.commit()
        except sheets.SheetProblems as exc:
            # The draft is saved; what is missing is shown beside each field.
            db.session.rollback()
            assignment = _load_assignment(assignment_id)
            form = SheetForm(sheet=assignment.sheet, formdata=None)
            return _render_entry(
                assignment, form, errors=exc.errors, problem=exc.message, status=422
            )
        flash(_("The score sheet has been submitted. Thank you!"), "success")
        if current_user.is_organizer:
            return redirect(url_for(".overview", edition_id=edition_id, stage=stage))
        return redirect(url_for(".my_entries", edition_id=edition_id, stage=stage))
    flash(_("The draft has been saved."), "success")
    return redirect(url_for(".entry", assignment_id=assignment_id) + "#sheet")


# ---- organizer: the stage's sheets ----------------------------------------------


@bp.route("/organizer/editions/<int:edition_id>/sheets")
@organizer_required
def overview(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    stage = _stage(_current_stage(edition))
    status = request.args.get("status", "")
    if status not in ("", "not_started", *(s.value for s in SheetStatus)):
        abort(404)
    today = local_today()
    page = oversight.sheet_rows(edition, stage, status=status, page=page_arg())
    return render_template(
        "jury/sheets_overview.html",
        edition=edition,
        stage=stage,
        stage_title=STAGE_TITLES[stage],
        status=status,
        counts=oversight.status_counts(edition, stage),
        page=page,
        late=oversight.late_jurors(edition, stage, today=today),
        today=today,
        SheetStatus=SheetStatus,
    )


@bp.route("/organizer/sheets/<int:sheet_id>/reopen", methods=["POST"])
@organizer_required
def reopen(sheet_id: int):
    sheet = db.get_or_404(ScoreSheet, sheet_id)
    form = ReopenSheetForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for reopening the sheet."), "error")
        return redirect(url_for(".entry", assignment_id=sheet.assignment_id))
    if not sheet.can_reopen(current_user):
        abort(403)
    sheets.reopen_sheet(sheet, actor=current_user, reason=form.reason.data)
    db.session.commit()
    flash(_("The sheet has been reopened and the juror told by e-mail."), "success")
    return redirect(url_for(".entry", assignment_id=sheet.assignment_id))


@bp.route("/organizer/editions/<int:edition_id>/sheets/remind", methods=["POST"])
@organizer_required
def remind(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    form = ReminderForm()
    if not form.validate_on_submit():
        abort(400)
    stage = form.stage.data
    try:
        sent = oversight.remind_late_jurors(
            edition, stage, actor=current_user, today=local_today(), juror_id=form.juror_id.data
        )
    except LaurelError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Reminders sent: %(n)s.", n=sent), "success")
    return redirect(url_for(".overview", edition_id=edition.id, stage=stage))


@bp.route("/organizer/editions/<int:edition_id>/sheets/due", methods=["POST"])
@organizer_required
def extend_due(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    form = ExtendDueForm()
    if not form.validate_on_submit():
        flash(_("Give a valid new due date."), "error")
        stage = form.stage.data if form.stage.data in (1, 2) else None
        return redirect(url_for(".overview", edition_id=edition.id, stage=stage))
    stage = form.stage.data
    try:
        count = oversight.extend_due(
            edition,
            stage,
            juror_id=form.juror_id.data,
            due=form.due.data,
            actor=current_user,
            today=local_today(),
        )
    except LaurelError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(
            ngettext(
                "The new due date applies to %(num)s sheet; the juror was told by e-mail.",
                "The new due date applies to %(num)s sheets; the juror was told by e-mail.",
                count,
            ),
            "success",
        )
    return redirect(url_for(".overview", edition_id=edition.id, stage=stage))
