"""Error pages and the one place a broken domain rule becomes a message."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db


class LaurelError(Exception):
    """A domain rule was broken; `message` is for the user, already translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json


def register(app) -> None:
    @app.errorhandler(LaurelError)
    def laurel_error(exc: LaurelError):
        db.session.rollback()
        if _wants_json():
            return {"error": exc.message}, 400
        flash(exc.message, "error")
        return redirect(request.referrer or request.url)

    @app.errorhandler(StaleDataError)
    def stale(exc):
        # Optimistic locking: somebody saved the same record in between.
        db.session.rollback()
        flash(
            _(
                "Someone else saved this record in the meantime. Reload the page and "
                "apply your change again."
            ),
            "error",
        )
        return redirect(request.url)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_template(
            "errors/error.html",
            code=400,
            title=_("The form has expired"),
            message=_(
                "Your form could not be accepted because its security token is missing "
                "or out of date. Go back, reload the page and send it again."
            ),
        ), 400

    pages = {
        400: (lambda: _("Bad request"), lambda: _("The request could not be understood.")),
        403: (
            lambda: _("Access denied"),
            lambda: _("You do not have permission to see this page."),
        ),
        404: (
            lambda: _("Page not found"),
            lambda: _("The page you are looking for does not exist."),
        ),
        405: (
            lambda: _("Method not allowed"),
            lambda: _("This address does not accept that kind of request."),
        ),
        413: (lambda: _("File too large"), lambda: _("The file you sent is larger than allowed.")),
        429: (
            lambda: _("Too many requests"),
            lambda: _("Too many attempts. Wait a minute and try again."),
        ),
    }

    def make_handler(code):
        def handler(exc):
            title, message = pages[code]
            return render_template(
                "errors/error.html", code=code, title=title(), message=message()
            ), code

        return handler

    for code in pages:
        app.register_error_handler(code, make_handler(code))

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        return render_template(
            "errors/error.html",
            code=500,
            title=_("Something went wrong"),
            message=_("An unexpected error occurred. It has been logged; please try again later."),
        ), 500
