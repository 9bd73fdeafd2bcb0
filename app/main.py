"""Home page and small site-wide routes."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from app.editions.models import Edition, EditionStatus
from app.extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    editions = db.session.scalars(
        sa.select(Edition)
        .where(Edition.status != EditionStatus.draft)
        .order_by(Edition.year.desc(), Edition.id.desc())
    ).all()
    return render_template("main/home.html", editions=editions, user=current_user)


@bp.route("/language/<lang>")
def set_language(lang: str):
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    target = request.args.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.home")
    return redirect(target)


@bp.route("/healthz")
def healthz():
    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok"}
