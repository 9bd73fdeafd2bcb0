"""The blinded chapter's two actions: an organizer's own blinded view of an
edition on or off, and the one reveal of the names. Their routes join the
results blueprint (app/results/views.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.decorators import organizer_required
from app.editions.models import Edition
from app.errors import LaurelError
from app.extensions import db
from app.results import blinding
from app.results.forms import BlindViewForm, RevealNamesForm
from app.results.views import bp


def _back(edition: Edition, path: str | None) -> str:
    """Only a page of the same edition, as a local path: never elsewhere."""
    prefix = f"/organizer/editions/{edition.id}/"
    if path and path.startswith(prefix) and "//" not in path and "\\" not in path:
        return path
    return url_for("results.ranking", edition_id=edition.id)


@bp.route("/organizer/editions/<int:edition_id>/blind-view", methods=["POST"])
@organizer_required
def blind_view(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    if not edition.can_choose_blind_view(current_user):
        abort(403)
    form = BlindViewForm()
    if not form.validate_on_submit() or form.on.data not in ("0", "1"):
        abort(400)
    on = form.on.data == "1"
    try:
        blinding.set_blind_view(edition, actor=current_user, on=on)
    except LaurelError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        if on:
            flash(_("Blinded view: the entries are shown by their codes."), "success")
        else:
            flash(_("The entries are shown by their names again."), "success")
    return redirect(_back(edition, form.back.data))


@bp.route("/organizer/editions/<int:edition_id>/reveal-names", methods=["POST"])
@organizer_required
def reveal_names(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    if not edition.can_reveal_names(current_user):
        abort(403)
    form = RevealNamesForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        blinding.reveal_names(edition, actor=current_user)
    except LaurelError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(
            _("The names are revealed: every page now shows each entry's code and name."),
            "success",
        )
    return redirect(url_for("awards.overview", edition_id=edition.id))
