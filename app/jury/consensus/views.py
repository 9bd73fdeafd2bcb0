"""Consensus review pages: the review of one entry in one stage (the lead
drafts, the other jurors answer, organizers read), and the organizer's list of
an edition's reviews with naming the lead and closing a review."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.accounts.decorators import organizer_required
from app.editions.models import Edition, EditionStatus
from app.errors import LaurelError
from app.extensions import db
from app.jury import sheets
from app.jury.consensus import overview, services
from app.jury.consensus.forms import CloseForm, DraftForm, LeadForm, ResponseForm
from app.jury.consensus.models import ConsensusStatus, ResponseDecision
from app.labels import LABELS

bp = Blueprint("consensus", __name__)

# Names of this area's states, for `value|label` in the templates.
LABELS.update(
    {
        ConsensusStatus.open: _l("Open"),
        ConsensusStatus.final: _l("Final"),
        ConsensusStatus.closed: _l("Closed by the organizer"),
        ResponseDecision.agree: _l("Agrees"),
        ResponseDecision.object: _l("Objects"),
    }
)
STATE_LABELS = {
    "waiting": _l("waiting for sheets"),
    "open": _l("open"),
    "stuck": _l("stuck"),
    "final": _l("final"),
    "closed": _l("closed"),
}


def _load(consensus_id: int):
    consensus = services.load(consensus_id)
    if consensus is None:
        abort(404)
    return consensus


def _render(
    consensus,
    *,
    typed=None,
    errors=None,
    problem=None,
    draft_form=None,
    response_form=None,
    status=200,
):
    criteria = services.stage_criteria(consensus.application.edition_id, consensus.stage)
    rows = services.side_by_side(consensus, criteria)
    can_draft = consensus.can_draft(current_user)
    latest = consensus.latest
    if typed is None and can_draft:
        typed = services.draft_prefill(consensus, rows)
    if draft_form is None and can_draft:
        draft_form = DraftForm(formdata=None, based_on=latest.number if latest else 0)
    if response_form is None and consensus.can_respond(current_user):
        mine = latest.response_of(current_user.id)
        response_form = ResponseForm(
            formdata=None,
            decision=mine.decision.value if mine else None,
            comment=mine.comment if mine else "",
        )
    manage = consensus.can_manage(current_user)
    scores = {v.id: services.version_score(v, criteria) for v in consensus.versions}
    others = consensus.others()
    return (
        render_template(
            "jury_consensus/review.html",
            consensus=consensus,
            application=consensus.application,
            criteria=criteria,
            rows=rows,
            by_id={c.id: c for c in criteria},
            latest=latest,
            version_scores=scores,
            others=others,
            stuck=services.is_stuck(consensus),
            can_draft=can_draft,
            draft_form=draft_form,
            typed=typed or {},
            errors=errors or {},
            problem=problem,
            issue_slots=min(
                sum(1 for k, v in (typed or {}).items() if k.startswith("issue-") and v) + 2,
                sheets.MAX_ISSUES,
            ),
            response_form=response_form,
            lead_form=LeadForm(candidates=consensus.eligible_leads(), lead=consensus.lead_id)
            if manage
            else None,
            close_form=CloseForm() if manage else None,
            fmt=sheets.format_number,
        ),
        status,
    )


@bp.route("/consensus/<int:consensus_id>")
@login_required
def review(consensus_id: int):
    consensus = _load(consensus_id)
    if not consensus.can_view(current_user):
        abort(403)
    return _render(consensus)


@bp.route("/consensus/<int:consensus_id>/draft", methods=["POST"])
@login_required
def draft(consensus_id: int):
    consensus = _load(consensus_id)
    if not consensus.can_draft(current_user):
        abort(403)
    form = DraftForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        version = services.save_draft(
            consensus, actor=current_user, data=form.to_input(request.form)
        )
        db.session.commit()
    except services.DraftConflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".review", consensus_id=consensus_id))
    except sheets.SheetProblems as exc:
        db.session.rollback()
        return _render(
            _load(consensus_id),
            typed=request.form,
            errors=exc.errors,
            problem=exc.message,
            draft_form=form,
            status=422,
        )
    if consensus.status is ConsensusStatus.final:
        flash(_("Version %(n)s saved: the consensus is final.", n=version.number), "success")
    else:
        flash(
            _("Version %(n)s saved; the other jurors can now answer it.", n=version.number),
            "success",
        )
    return redirect(url_for(".review", consensus_id=consensus_id))


@bp.route("/consensus/<int:consensus_id>/respond", methods=["POST"])
@login_required
def respond(consensus_id: int):
    consensus = _load(consensus_id)
    if not consensus.can_respond(current_user):
        abort(403)
    form = ResponseForm()
    if not form.validate_on_submit():
        # The form's error summary lists each field; no second box.
        return _render(consensus, response_form=form, status=422)
    try:
        services.respond(
            consensus,
            actor=current_user,
            agree=form.decision.data == "agree",
            comment=form.comment.data or "",
        )
    except LaurelError as exc:
        db.session.rollback()
        form.comment.errors = [exc.message]
        return _render(_load(consensus_id), response_form=form, status=422)
    db.session.commit()
    if consensus.status is ConsensusStatus.final:
        flash(_("Thank you: everyone agrees, the consensus is final."), "success")
    else:
        flash(_("Your answer has been recorded."), "success")
    return redirect(url_for(".review", consensus_id=consensus_id))


# ---- organizer ------------------------------------------------------------------


@bp.route("/organizer/editions/<int:edition_id>/consensus")
@organizer_required
def edition_reviews(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    stage = request.args.get("stage", 2 if edition.status is EditionStatus.stage2 else 1, type=int)
    state = request.args.get("state", "")
    if stage not in (1, 2) or (state and state not in overview.STATES):
        abort(404)
    # Reviews whose sheets were all in before consensus was switched on (or
    # typed in by an organizer) open here.
    if services.open_ready(edition, stage, actor=current_user):
        db.session.commit()
    page = overview.edition_reviews(
        edition, stage, state=state, page=request.args.get("page", 1, type=int)
    )
    return render_template(
        "jury_consensus/edition.html",
        edition=edition,
        stage=stage,
        state=state,
        page=page,
        states=STATE_LABELS,
        stuck_days=services.stuck_days(),
        lead_form=LeadForm(),
    )


@bp.route("/organizer/consensus/<int:consensus_id>/lead", methods=["POST"])
@organizer_required
def set_lead(consensus_id: int):
    consensus = _load(consensus_id)
    if not consensus.can_manage(current_user):
        abort(403)
    form = LeadForm(candidates=consensus.eligible_leads())
    if not form.validate_on_submit():
        flash(_("Choose a juror of this entry who submitted a sheet."), "error")
    else:
        services.set_lead(consensus, form.lead.data, actor=current_user)
        db.session.commit()
        flash(_("The lead has been set."), "success")
    if request.form.get("next_page") == "edition":
        return redirect(
            url_for(
                ".edition_reviews",
                edition_id=consensus.application.edition_id,
                stage=consensus.stage,
            )
        )
    return redirect(url_for(".review", consensus_id=consensus_id))


@bp.route("/organizer/consensus/<int:consensus_id>/close", methods=["POST"])
@organizer_required
def close(consensus_id: int):
    consensus = _load(consensus_id)
    if not consensus.can_manage(current_user):
        abort(403)
    form = CloseForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for closing the consensus review."), "error")
    else:
        services.close(consensus, actor=current_user, reason=form.reason.data)
        db.session.commit()
        flash(_("The consensus review has been closed."), "success")
    return redirect(url_for(".review", consensus_id=consensus_id))
