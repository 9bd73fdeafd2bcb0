"""Home page and small site-wide routes."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, request, session, url_for

from app.extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    # The page belongs to the public site (cached, with the news); see app/public.
    from app.public.views import home_page

    return home_page()


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
