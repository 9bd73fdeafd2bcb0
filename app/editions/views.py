"""Organizer pages for editions: settings, phases, categories, criteria and
questionnaire, dashboard."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app import navigation
from app.accounts.decorators import organizer_required
from app.accounts.models import Role
from app.awards import publishing as award_publishing
from app.editions import dashboard as figures
from app.editions import next_step, services
from app.editions import phases as phase_machine
from app.editions.forms import (
    AreaForm,
    CategoryForm,
    CopyEditionForm,
    CriterionForm,
    EditionForm,
    PhaseForm,
    QuestionForm,
)
from app.editions.models import (
    Area,
    Category,
    Criterion,
    Edition,
    EditionStatus,
    Question,
    QuestionKind,
)
from app.errors import LaurelError
from app.extensions import db
from app.labels import choices, label
from app.offices.models import OfficeType
from app.timeutil import from_local, to_local

bp = Blueprint("editions", __name__, url_prefix="/organizer/editions")
navigation.add("editions.index", _l("Editions"), Role.organizer, order=10)


def _refused(exc: LaurelError) -> None:
    """A service refused: undo anything half-done and tell the user."""
    db.session.rollback()
    flash(exc.message, "error")


# ---------------------------------------------------------------- loaders


def _edition(edition_id: int) -> Edition:
    return db.get_or_404(Edition, edition_id)


def _category(edition: Edition, category_id: int) -> Category:
    category = db.get_or_404(Category, category_id)
    if category.edition_id != edition.id:
        abort(404)
    return category


def _area(edition: Edition, area_id: int) -> Area:
    area = db.get_or_404(Area, area_id)
    if area.edition_id != edition.id:
        abort(404)
    return area


def _criterion(edition: Edition, criterion_id: int) -> Criterion:
    criterion = db.get_or_404(Criterion, criterion_id)
    if criterion.area.edition_id != edition.id:
        abort(404)
    return criterion


def _question(edition: Edition, question_id: int) -> Question:
    question = db.get_or_404(Question, question_id)
    if question.area.edition_id != edition.id:
        abort(404)
    return question


def _form_page(form, *, title: str, edition: Edition | None, back: str, active: str = ""):
    return render_template(
        "editions/form.html", form=form, title=title, edition=edition, back=back, active=active
    )


# ---------------------------------------------------------------- editions


@bp.route("/")
@organizer_required
def index():
    editions = db.session.scalars(
        sa.select(Edition).order_by(Edition.year.desc(), Edition.id.desc())
    ).all()
    return render_template(
        "editions/index.html",
        editions=editions,
        application_counts=figures.application_counts(editions),
    )


def _edition_data(form: EditionForm) -> dict:
    data = {name: form[name].data for name in services.EDITION_FIELDS}
    for name in ("stage1_weight", "stage2_weight", "qualification_value"):
        data[name] = float(data[name]) if data[name] is not None else None
    data["applications_open_at"] = from_local(form.applications_open_at.data)
    data["applications_close_at"] = from_local(form.applications_close_at.data)
    return data


@bp.route("/new", methods=["GET", "POST"])
@organizer_required
def create():
    form = EditionForm()
    if form.validate_on_submit():
        try:
            edition = services.create_edition(actor=current_user, data=_edition_data(form))
        except LaurelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("Edition “%(name)s” created.", name=edition.name), "success")
            return redirect(url_for(".dashboard", edition_id=edition.id))
    return _form_page(form, title=_("New edition"), edition=None, back=url_for(".index"))


def _naive_local(value):
    local = to_local(value)
    return local.replace(tzinfo=None) if local else None


@bp.route("/<int:edition_id>/settings", methods=["GET", "POST"])
@organizer_required
def edit(edition_id: int):
    edition = _edition(edition_id)
    initial = {name: getattr(edition, name) for name in services.EDITION_FIELDS}
    initial["applications_open_at"] = _naive_local(edition.applications_open_at)
    initial["applications_close_at"] = _naive_local(edition.applications_close_at)
    form = EditionForm(data=initial)
    if form.validate_on_submit():
        try:
            services.update_edition(edition, actor=current_user, data=_edition_data(form))
        except LaurelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("Settings saved."), "success")
            return redirect(url_for(".dashboard", edition_id=edition.id))
    return _form_page(
        form,
        title=_("Settings"),
        edition=edition,
        back=url_for(".dashboard", edition_id=edition.id),
        active="settings",
    )


@bp.route("/<int:edition_id>/copy", methods=["GET", "POST"])
@organizer_required
def copy(edition_id: int):
    source = _edition(edition_id)
    form = CopyEditionForm(data={"year": source.year + 1})
    if form.validate_on_submit():
        try:
            edition = services.copy_edition(
                source,
                actor=current_user,
                name=form.name.data,
                slug=form.slug.data,
                year=form.year.data,
            )
        except LaurelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(
                _(
                    "Edition “%(name)s” created as a copy of “%(source)s”.",
                    name=edition.name,
                    source=source.name,
                ),
                "success",
            )
            return redirect(url_for(".edit", edition_id=edition.id))
    return _form_page(
        form,
        title=_("Copy edition “%(name)s”", name=source.name),
        edition=source,
        back=url_for(".dashboard", edition_id=source.id),
    )


@bp.route("/<int:edition_id>/")
@organizer_required
def dashboard(edition_id: int):
    edition = _edition(edition_id)
    board = figures.dashboard(edition)
    step = next_step.next_step(next_step.edition_facts(edition, board))
    return render_template("editions/dashboard.html", edition=edition, board=board, step=step)


# ---------------------------------------------------------------- phases


def _phase_page(edition: Edition, form: PhaseForm | None = None, status: int = 200):
    check = phase_machine.check_next_phase(edition)
    if form is None:
        form = PhaseForm(
            data={
                "expected": edition.status.value,
                "target": check.target.value if check.target else "",
            }
        )
    return render_template(
        "editions/phases.html",
        edition=edition,
        check=check,
        form=form,
        phases=list(EditionStatus),
    ), status


@bp.route("/<int:edition_id>/phases")
@organizer_required
def phases(edition_id: int):
    return _phase_page(_edition(edition_id))


@bp.route("/<int:edition_id>/phases", methods=["POST"])
@organizer_required
def advance(edition_id: int):
    edition = _edition(edition_id)
    form = PhaseForm()
    if not form.validate_on_submit():
        flash(_("The form is incomplete. Reload the page and try again."), "error")
        return redirect(url_for(".phases", edition_id=edition.id))
    try:
        expected = EditionStatus(form.expected.data)
        target = EditionStatus(form.target.data)
    except ValueError:
        abort(400)
    try:
        phase_machine.advance_phase(
            edition,
            actor=current_user,
            expected=expected,
            target=target,
            confirm_missing=form.confirm_missing.data,
        )
    except phase_machine.MissingSheetsError as exc:
        _refused(exc)
        return _phase_page(edition)
    except LaurelError as exc:
        _refused(exc)
        return redirect(url_for(".phases", edition_id=edition.id))
    sent = None
    if edition.status is EditionStatus.results_published:
        # Queued with the publication: the e-mails leave once it commits.
        sent = award_publishing.notify_results(edition)
    db.session.commit()
    flash(_("The edition is now in the phase “%(phase)s”.", phase=label(edition.status)), "success")
    if sent is not None:
        flash(
            ngettext(
                "%(num)s e-mail about the results was sent to the offices.",
                "%(num)s e-mails about the results were sent to the offices.",
                sent,
            ),
            "info",
        )
    return redirect(url_for(".phases", edition_id=edition.id))


# ---------------------------------------------------------------- categories, areas, criteria, questions
#
# The edition's parts share one shape: a form page that hands its data to a
# service, and a one-button delete. The two helpers below hold that shape.


def _save(form, save, *, edition: Edition, title: str, back: str, active: str, done):
    """Show `form`; on a valid POST call `save()` (a service), commit, flash
    `done(result)` and go back. A refused save keeps the typed data in the form."""
    if form.validate_on_submit():
        try:
            result = save()
        except LaurelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(done(result), "success")
            return redirect(back)
    return _form_page(form, title=title, edition=edition, back=back, active=active)


def _delete(remove, *, back: str, done: str):
    """Run a delete service; commit and flash `done`, or show why it was refused."""
    try:
        remove()
    except LaurelError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(back)


def _back(edition: Edition, page: str) -> str:
    return url_for(f".{page}", edition_id=edition.id)


@bp.route("/<int:edition_id>/categories")
@organizer_required
def categories(edition_id: int):
    edition = _edition(edition_id)
    return render_template(
        "editions/categories.html",
        edition=edition,
        categories=edition.categories,
        usage=figures.category_usage(edition),
        type_labels=dict(choices(OfficeType)),
    )


def _category_data(form: CategoryForm) -> dict:
    return {
        "name": form.name.data,
        "description": form.description.data or "",
        "allowed_office_types": list(form.allowed_office_types.data or []),
        "position": form.position.data,
    }


@bp.route("/<int:edition_id>/categories/new", methods=["GET", "POST"])
@organizer_required
def category_create(edition_id: int):
    edition = _edition(edition_id)
    form = CategoryForm(data={"position": len(edition.categories) + 1})
    return _save(
        form,
        lambda: services.create_category(edition, actor=current_user, data=_category_data(form)),
        edition=edition,
        title=_("New category"),
        back=_back(edition, "categories"),
        active="categories",
        done=lambda category: _("Category “%(name)s” added.", name=category.name),
    )


@bp.route("/<int:edition_id>/categories/<int:category_id>/edit", methods=["GET", "POST"])
@organizer_required
def category_edit(edition_id: int, category_id: int):
    edition = _edition(edition_id)
    category = _category(edition, category_id)
    form = CategoryForm(obj=category)
    return _save(
        form,
        lambda: services.update_category(category, actor=current_user, data=_category_data(form)),
        edition=edition,
        title=_("Edit category"),
        back=_back(edition, "categories"),
        active="categories",
        done=lambda _result: _("Category “%(name)s” saved.", name=category.name),
    )


@bp.route("/<int:edition_id>/categories/<int:category_id>/delete", methods=["POST"])
@organizer_required
def category_delete(edition_id: int, category_id: int):
    edition = _edition(edition_id)
    category = _category(edition, category_id)
    return _delete(
        lambda: services.delete_category(category, actor=current_user),
        back=_back(edition, "categories"),
        done=_("Category “%(name)s” deleted.", name=category.name),
    )


@bp.route("/<int:edition_id>/criteria")
@organizer_required
def criteria(edition_id: int):
    edition = _edition(edition_id)
    areas = db.session.scalars(
        sa.select(Area)
        .where(Area.edition_id == edition.id)
        .order_by(Area.position, Area.name)
        .options(selectinload(Area.criteria), selectinload(Area.questions))
    ).all()
    return render_template(
        "editions/criteria.html",
        edition=edition,
        areas=areas,
        scoring_started=services.scoring_started(edition),
        questionnaire_frozen=services.questionnaire_frozen(edition),
    )


def _area_data(form: AreaForm) -> dict:
    return {
        "name": form.name.data,
        "description": form.description.data or "",
        "position": form.position.data,
    }


@bp.route("/<int:edition_id>/areas/new", methods=["GET", "POST"])
@organizer_required
def area_create(edition_id: int):
    edition = _edition(edition_id)
    form = AreaForm(data={"position": len(edition.areas) + 1})
    return _save(
        form,
        lambda: services.create_area(edition, actor=current_user, data=_area_data(form)),
        edition=edition,
        title=_("New area"),
        back=_back(edition, "criteria"),
        active="criteria",
        done=lambda area: _("Area “%(name)s” added.", name=area.name),
    )


@bp.route("/<int:edition_id>/areas/<int:area_id>/edit", methods=["GET", "POST"])
@organizer_required
def area_edit(edition_id: int, area_id: int):
    edition = _edition(edition_id)
    area = _area(edition, area_id)
    form = AreaForm(obj=area)
    return _save(
        form,
        lambda: services.update_area(area, actor=current_user, data=_area_data(form)),
        edition=edition,
        title=_("Edit area"),
        back=_back(edition, "criteria"),
        active="criteria",
        done=lambda _result: _("Area “%(name)s” saved.", name=area.name),
    )


@bp.route("/<int:edition_id>/areas/<int:area_id>/delete", methods=["POST"])
@organizer_required
def area_delete(edition_id: int, area_id: int):
    edition = _edition(edition_id)
    area = _area(edition, area_id)
    return _delete(
        lambda: services.delete_area(area, actor=current_user),
        back=_back(edition, "criteria"),
        done=_("Area “%(name)s” deleted.", name=area.name),
    )


def _criterion_data(form: CriterionForm) -> dict:
    return {
        "area_id": form.area_id.data,
        "stage": form.stage.data,
        "name": form.name.data,
        "guidance": form.guidance.data or "",
        "max_score": form.max_score.data,
        "weight": float(form.weight.data),
        "step": form.step.data,
        "comment_rule": form.comment_rule.data,
        "position": form.position.data,
    }


def _no_areas(edition: Edition):
    flash(_("Add an area first: every criterion and question belongs to one."), "error")
    return redirect(_back(edition, "criteria"))


@bp.route("/<int:edition_id>/criteria/new", methods=["GET", "POST"])
@organizer_required
def criterion_create(edition_id: int):
    edition = _edition(edition_id)
    if not edition.areas:
        return _no_areas(edition)
    form = CriterionForm(edition=edition)
    return _save(
        form,
        lambda: services.create_criterion(edition, actor=current_user, data=_criterion_data(form)),
        edition=edition,
        title=_("New criterion"),
        back=_back(edition, "criteria"),
        active="criteria",
        done=lambda criterion: _("Criterion “%(name)s” added.", name=criterion.name),
    )


@bp.route("/<int:edition_id>/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@organizer_required
def criterion_edit(edition_id: int, criterion_id: int):
    edition = _edition(edition_id)
    criterion = _criterion(edition, criterion_id)
    form = CriterionForm(edition=edition, obj=criterion)
    return _save(
        form,
        lambda: services.update_criterion(
            criterion, actor=current_user, data=_criterion_data(form)
        ),
        edition=edition,
        title=_("Edit criterion"),
        back=_back(edition, "criteria"),
        active="criteria",
        done=lambda _result: _("Criterion “%(name)s” saved.", name=criterion.name),
    )


@bp.route("/<int:edition_id>/criteria/<int:criterion_id>/delete", methods=["POST"])
@organizer_required
def criterion_delete(edition_id: int, criterion_id: int):
    edition = _edition(edition_id)
    criterion = _criterion(edition, criterion_id)
    return _delete(
        lambda: services.delete_criterion(criterion, actor=current_user),
        back=_back(edition, "criteria"),
        done=_("Criterion “%(name)s” deleted.", name=criterion.name),
    )


def _question_data(form: QuestionForm) -> dict:
    return {
        "area_id": form.area_id.data,
        "kind": QuestionKind(form.kind.data),
        "prompt": form.prompt.data,
        "help_text": form.help_text.data or "",
        "required": form.required.data,
        "max_length": form.max_length.data,
        "min_value": form.min_value.data,
        "max_value": form.max_value.data,
        "position": form.position.data,
    }


@bp.route("/<int:edition_id>/questions/new", methods=["GET", "POST"])
@organizer_required
def question_create(edition_id: int):
    edition = _edition(edition_id)
    if not edition.areas:
        return _no_areas(edition)
    form = QuestionForm(edition=edition)
    return _save(
        form,
        lambda: services.create_question(edition, actor=current_user, data=_question_data(form)),
        edition=edition,
        title=_("New question"),
        back=_back(edition, "criteria"),
        active="criteria",
        done=lambda _result: _("Question added."),
    )


@bp.route("/<int:edition_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@organizer_required
def question_edit(edition_id: int, question_id: int):
    edition = _edition(edition_id)
    question = _question(edition, question_id)
    # The select holds the kind's value, not the enum member.
    form = QuestionForm(edition=edition, obj=question, kind=question.kind.value)
    return _save(
        form,
        lambda: services.update_question(question, actor=current_user, data=_question_data(form)),
        edition=edition,
        title=_("Edit question"),
        back=_back(edition, "criteria"),
        active="criteria",
        done=lambda _result: _("Question saved."),
    )


@bp.route("/<int:edition_id>/questions/<int:question_id>/delete", methods=["POST"])
@organizer_required
def question_delete(edition_id: int, question_id: int):
    edition = _edition(edition_id)
    question = _question(edition, question_id)
    return _delete(
        lambda: services.delete_question(question, actor=current_user),
        back=_back(edition, "criteria"),
        done=_("Question deleted."),
    )
