"""Organizer pages for the chapter: the edition's special awards, the chapter
overview, one category in detail with the decision forms, and the results."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.decorators import organizer_required
from app.awards import chapter, deliberation, publishing, services
from app.awards.forms import (
    CategoryAwardForm,
    RetakeForm,
    SpecialAwardForm,
    SpecialDecisionForm,
    WithholdForm,
)
from app.awards.models import Award, AwardKind, SpecialAward
from app.editions.models import Category, Edition
from app.errors import LaurelError
from app.extensions import db
from app.offices.models import Application, Office
from app.results import blinding
from app.results import snapshot as ranking_snapshot
from app.results.labels import tie_rule_label
from app.results.models import RankingEntry, RankingSnapshot
from app.results.numbers import TieRuleError, parse_tie_rule

bp = Blueprint("awards", __name__)
EDITION = "/organizer/editions/<int:edition_id>"
DETAIL_PAGE = 10  # entries whose scores and comments one category page shows


def _refused(exc: LaurelError) -> None:
    db.session.rollback()
    flash(exc.message, "error")


def _edition(edition_id: int) -> Edition:
    return db.get_or_404(Edition, edition_id)


def _of_edition(model, object_id: int, edition: Edition):
    obj = db.get_or_404(model, object_id)
    if obj.edition_id != edition.id:
        abort(404)
    return obj


def _tie_rule(snapshot: RankingSnapshot | None) -> str:
    if snapshot is None:
        return ""
    try:
        return str(tie_rule_label(parse_tie_rule(snapshot.tie_rule)))
    except TieRuleError:
        return snapshot.tie_rule


def _not_open_yet(edition: Edition):
    """An organizer before the chapter: there is no snapshot to decide on yet."""
    flash(_("The chapter's pages open when stage 2 closes."), "info")
    return redirect(url_for("editions.phases", edition_id=edition.id))


# ---- special awards -------------------------------------------------------------------


def _special_data(form: SpecialAwardForm) -> services.SpecialAwardData:
    return services.SpecialAwardData(
        name=form.name.data or "",
        description=form.description.data or "",
        position=form.position.data or 0,
    )


@bp.route(EDITION + "/special-awards", methods=["GET", "POST"])
@organizer_required
def special_awards(edition_id: int):
    edition = _edition(edition_id)
    can_manage = edition.can_manage_special_awards(current_user)
    if request.method == "POST" and not can_manage:
        abort(403)
    form = SpecialAwardForm()
    if form.validate_on_submit():
        try:
            special = services.create_special_award(
                edition, actor=current_user, data=_special_data(form)
            )
        except LaurelError as exc:
            db.session.rollback()
            form.name.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Special award “%(name)s” added.", name=special.name), "success")
            return redirect(url_for(".special_awards", edition_id=edition.id))
    return render_template(
        "awards/special_awards.html",
        edition=edition,
        specials=services.special_awards(edition),
        given=services.times_awarded(edition),
        form=form if can_manage else None,
    )


@bp.route(EDITION + "/special-awards/<int:special_id>/edit", methods=["GET", "POST"])
@organizer_required
def edit_special_award(edition_id: int, special_id: int):
    edition = _edition(edition_id)
    special = _of_edition(SpecialAward, special_id, edition)
    if not edition.can_manage_special_awards(current_user):
        abort(403)
    form = SpecialAwardForm(obj=special)
    if form.validate_on_submit():
        try:
            services.update_special_award(special, actor=current_user, data=_special_data(form))
        except LaurelError as exc:
            db.session.rollback()
            form.name.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Special award “%(name)s” saved.", name=special.name), "success")
            return redirect(url_for(".special_awards", edition_id=edition.id))
    return render_template(
        "awards/special_award_form.html", edition=edition, special=special, form=form
    )


@bp.route(EDITION + "/special-awards/<int:special_id>/delete", methods=["POST"])
@organizer_required
def delete_special_award(edition_id: int, special_id: int):
    edition = _edition(edition_id)
    special = _of_edition(SpecialAward, special_id, edition)
    if not edition.can_manage_special_awards(current_user):
        abort(403)
    name = special.name
    try:
        services.delete_special_award(special, actor=current_user)
    except LaurelError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("Special award “%(name)s” deleted.", name=name), "success")
    return redirect(url_for(".special_awards", edition_id=edition.id))


# ---- the chapter overview -------------------------------------------------------------


def _blind_state(state: deliberation.ChapterState, names: blinding.Names) -> None:
    """When blinded, each category's tied and unranked entries in code order
    (the snapshot keeps them in the offices' alphabetical order)."""
    for board in state.boards:
        board.ranked = names.order_ties(
            board.ranked, group=lambda line: line.entry.position, entry=_entry_id
        )
        board.unranked = names.order_ties(board.unranked, group=lambda line: 0, entry=_entry_id)


def _entry_id(line: deliberation.Line) -> int:
    return line.entry.application_id


@bp.route(EDITION + "/chapter")
@organizer_required
def overview(edition_id: int):
    edition = _edition(edition_id)
    if not edition.can_view_chapter(current_user):
        return _not_open_yet(edition)
    state = deliberation.chapter_state(edition)
    names = blinding.names_for(edition, current_user, application_ids=())
    _blind_state(state, names)
    can_decide = edition.can_decide_awards(current_user)
    return render_template(
        "awards/chapter.html",
        edition=edition,
        state=state,
        names=names,
        tie_rule=_tie_rule(state.snapshot),
        can_decide=can_decide,
        retake_form=RetakeForm() if can_decide and state.stale else None,
    )


@bp.route(EDITION + "/chapter/retake", methods=["POST"])
@organizer_required
def retake(edition_id: int):
    edition = _edition(edition_id)
    if not edition.can_decide_awards(current_user):
        abort(403)
    form = RetakeForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for retaking the ranking."), "error")
        return redirect(url_for(".overview", edition_id=edition.id))
    try:
        snapshot = ranking_snapshot.retake(edition, actor=current_user, reason=form.reason.data)
    except LaurelError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(
            _(
                "The ranking was retaken (version %(version)s). Confirm the decisions taken on "
                "the earlier version.",
                version=snapshot.version,
            ),
            "success",
        )
    return redirect(url_for(".overview", edition_id=edition.id))


# ---- one category ----------------------------------------------------------------------


def _entry_choices(
    snapshot: RankingSnapshot | None, category: Category, names: blinding.Names
) -> tuple[list, list]:
    """(ranked, all) entries of the category in the snapshot, as select
    choices labelled with position and office, or code (one query)."""
    if snapshot is None:
        return [], []
    rows = db.session.execute(
        sa.select(RankingEntry.application_id, RankingEntry.position, Office.name)
        .join(Application, Application.id == RankingEntry.application_id)
        .join(Office, Office.id == Application.office_id)
        .where(RankingEntry.snapshot_id == snapshot.id, RankingEntry.category_id == category.id)
    ).all()
    rows.sort(key=lambda r: (r[1] is None, r[1] or 0, names.sort_key(r[0], r[2])))
    ranked = [
        (app_id, f"{position}. {names(app_id, name)}")
        for app_id, position, name in rows
        if position
    ]
    unranked = [
        (app_id, _("%(office)s (not ranked)", office=names(app_id, name)))
        for app_id, position, name in rows
        if position is None
    ]
    return ranked, ranked + unranked


def _category_page(
    edition: Edition,
    category: Category,
    *,
    award_form: CategoryAwardForm | None = None,
    special_form: SpecialDecisionForm | None = None,
    withhold_form: WithholdForm | None = None,
):
    state = deliberation.chapter_state(edition, category)
    board = state.boards[0]
    names = blinding.names_for(
        edition, current_user, application_ids=[line.entry.application_id for line in board.lines]
    )
    _blind_state(state, names)
    # Every juror's comments on every entry make a long page: the details come
    # DETAIL_PAGE entries at a time (one page in a usual chapter).
    pages = max(1, -(-len(board.ranked) // DETAIL_PAGE))
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= pages:
        abort(404)
    shown = board.ranked[(page - 1) * DETAIL_PAGE : page * DETAIL_PAGE]
    detail_page = {
        line.entry.application_id: i // DETAIL_PAGE + 1 for i, line in enumerate(board.ranked)
    }
    ranked, everyone = _entry_choices(state.snapshot, category, names)
    specials = services.special_awards(edition)
    chosen = request.args.get("entry", type=int)
    if award_form is None:
        award_form = CategoryAwardForm(
            formdata=None, prefix="award", entries=ranked, data={"application_id": chosen}
        )
    if special_form is None:
        special_form = SpecialDecisionForm(
            formdata=None,
            prefix="special",
            entries=everyone,
            specials=specials,
            data={"application_id": chosen},
        )
    if withhold_form is None:
        withhold_form = WithholdForm(
            formdata=None,
            prefix="withhold",
            data={"reason": board.withheld.reason if board.withheld else ""},
        )
    return render_template(
        "awards/category.html",
        edition=edition,
        category=category,
        state=state,
        board=board,
        tie_rule=_tie_rule(state.snapshot),
        shown=shown,
        page=page,
        pages=pages,
        detail_page=detail_page,
        evidence=deliberation.evidence([line.entry.application_id for line in shown]),
        criteria=deliberation.criteria_by_stage(edition),
        specials=specials,
        can_decide=edition.can_decide_awards(current_user) and not state.stale,
        award_form=award_form,
        special_form=special_form,
        withhold_form=withhold_form,
        names=names,
    )


@bp.route(EDITION + "/chapter/categories/<int:category_id>")
@organizer_required
def category_page(edition_id: int, category_id: int):
    edition = _edition(edition_id)
    category = _of_edition(Category, category_id, edition)
    if not edition.can_view_chapter(current_user):
        return _not_open_yet(edition)
    return _category_page(edition, category)


def _deciding(edition_id: int, category_id: int) -> tuple[Edition, Category]:
    edition = _edition(edition_id)
    category = _of_edition(Category, category_id, edition)
    if not edition.can_decide_awards(current_user):
        abort(403)
    return edition, category


def _back(category_id: int | None, edition: Edition):
    if category_id is None:
        return redirect(url_for(".overview", edition_id=edition.id))
    return redirect(
        url_for(".category_page", edition_id=edition.id, category_id=category_id) + "#decisions"
    )


@bp.route(EDITION + "/chapter/categories/<int:category_id>/awards", methods=["POST"])
@organizer_required
def record_award(edition_id: int, category_id: int):
    edition, category = _deciding(edition_id, category_id)
    names = blinding.names_for(edition, current_user, application_ids=())
    ranked, _everyone = _entry_choices(ranking_snapshot.current(edition), category, names)
    form = CategoryAwardForm(prefix="award", entries=ranked)
    if form.validate_on_submit():
        application = db.session.get(Application, form.application_id.data)
        try:
            chapter.record_category_award(
                edition,
                application,
                actor=current_user,
                kind=AwardKind(form.kind.data),
                justification=form.justification.data,
                departure_reason=form.departure_reason.data,
            )
        except chapter.DepartureReasonNeeded as exc:
            db.session.rollback()
            form.departure_reason.errors.append(exc.message)
        except LaurelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("The award has been recorded."), "success")
            return _back(category.id, edition)
    return _category_page(edition, category, award_form=form)


@bp.route(EDITION + "/chapter/categories/<int:category_id>/special", methods=["POST"])
@organizer_required
def record_special(edition_id: int, category_id: int):
    edition, category = _deciding(edition_id, category_id)
    names = blinding.names_for(edition, current_user, application_ids=())
    _ranked, everyone = _entry_choices(ranking_snapshot.current(edition), category, names)
    form = SpecialDecisionForm(
        prefix="special", entries=everyone, specials=services.special_awards(edition)
    )
    if form.validate_on_submit():
        application = db.session.get(Application, form.application_id.data)
        special = db.session.get(SpecialAward, form.special_award_id.data)
        try:
            chapter.record_special_award(
                edition,
                application,
                special,
                actor=current_user,
                justification=form.justification.data,
            )
        except LaurelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("The special award has been recorded."), "success")
            return _back(category.id, edition)
    return _category_page(edition, category, special_form=form)


@bp.route(EDITION + "/chapter/categories/<int:category_id>/withhold", methods=["POST"])
@organizer_required
def withhold(edition_id: int, category_id: int):
    edition, category = _deciding(edition_id, category_id)
    form = WithholdForm(prefix="withhold")
    if form.validate_on_submit():
        try:
            chapter.withhold_category(
                edition, category, actor=current_user, reason=form.reason.data
            )
        except LaurelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("The category's award is withheld."), "success")
            return _back(category.id, edition)
    return _category_page(edition, category, withhold_form=form)


@bp.route(EDITION + "/chapter/categories/<int:category_id>/withhold/undo", methods=["POST"])
@organizer_required
def undo_withhold(edition_id: int, category_id: int):
    edition, category = _deciding(edition_id, category_id)
    try:
        chapter.undo_withhold(edition, category, actor=current_user)
    except LaurelError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("The category's award is no longer withheld."), "success")
    return _back(category.id, edition)


def _award_action(edition_id: int, award_id: int) -> tuple[Edition, Award]:
    edition = _edition(edition_id)
    award = _of_edition(Award, award_id, edition)
    if not edition.can_decide_awards(current_user):
        abort(403)
    return edition, award


@bp.route(EDITION + "/chapter/awards/<int:award_id>/withdraw", methods=["POST"])
@organizer_required
def withdraw(edition_id: int, award_id: int):
    edition, award = _award_action(edition_id, award_id)
    category_id = award.category_id
    try:
        chapter.withdraw_award(award, actor=current_user)
    except LaurelError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("The award has been withdrawn."), "success")
    return _back(category_id, edition)


@bp.route(EDITION + "/chapter/awards/<int:award_id>/confirm", methods=["POST"])
@organizer_required
def confirm(edition_id: int, award_id: int):
    edition, award = _award_action(edition_id, award_id)
    category_id = award.category_id
    try:
        chapter.confirm_award(award, actor=current_user)
    except LaurelError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("The award has been confirmed on the current ranking."), "success")
    return _back(category_id, edition)


# ---- results ---------------------------------------------------------------------------


@bp.route(EDITION + "/results")
@organizer_required
def results(edition_id: int):
    edition = _edition(edition_id)
    summary = publishing.results_summary(edition)
    names = blinding.names_for(edition, current_user)
    if names.blinded:
        for result in summary.categories:
            result.laureates.sort(key=lambda line: _blind_order(line, names))
            result.distinctions.sort(key=lambda line: _blind_order(line, names))
        for result in summary.specials:
            result.winners.sort(key=lambda line: _blind_order(line, names))
    return render_template("awards/results.html", edition=edition, summary=summary, names=names)


def _blind_order(line: publishing.AwardLine, names: blinding.Names) -> tuple:
    return (line.position is None, line.position or 0, names.sort_key(line.application_id, ""))
