"""The public page behind a diploma's QR code: what it certifies (from the
snapshot taken when it was made), whether it is in force, expired or
revoked, and whether an uploaded PDF is byte for byte the one issued."""

from __future__ import annotations

import hmac
import re

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _

from app.awards import diploma_files, diplomas
from app.awards.diploma_forms import VerifyUploadForm
from app.extensions import limiter
from app.timeutil import utcnow

bp = Blueprint("verify", __name__)
CODE = re.compile(r"[A-Za-z0-9_-]{16,40}")
MAX_UPLOAD = 20 * 1024 * 1024


def state_of(diploma, today) -> str:
    """ "revoked", "expired" or "valid"."""
    if diploma.revoked_at is not None:
        return "revoked"
    if diploma.expired(today):
        return "expired"
    return "valid"


@bp.route("/verify/<code>", methods=["GET", "POST"])
@limiter.limit("60/minute")
@limiter.limit("10/minute", methods=["POST"])
def verify(code: str):
    diploma = diplomas.by_code(code) if CODE.fullmatch(code) else None
    if diploma is None:
        abort(404)
    form = VerifyUploadForm()
    match = None
    if form.validate_on_submit():
        digest = diploma_files.sha256_of(form.document.data.stream, MAX_UPLOAD)
        if digest is None:
            form.document.errors.append(_("The file is larger than 20 MB: it is not this diploma."))
        else:
            match = bool(diploma.sha256) and hmac.compare_digest(digest, diploma.sha256)
    today = utcnow().date()
    return render_template(
        "awards/verify.html",
        diploma=diploma,
        d=diplomas.printed(diploma.snapshot),
        state=state_of(diploma, today),
        replacement=diplomas.replacement_of(diploma) if diploma.revoked_at else None,
        form=form,
        match=match,
    )
