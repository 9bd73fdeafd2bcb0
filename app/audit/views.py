"""The audit log, for organizers."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from app import navigation
from app.accounts.decorators import organizer_required
from app.accounts.models import Role
from app.audit.labels import ACTIONS
from app.audit.models import AuditEvent
from app.audit.presentation import describe
from app.audit.services import advance_checkpoint, verify_chain
from app.extensions import db
from app.inputs import db_int, page_arg

bp = Blueprint("audit", __name__, url_prefix="/organizer/audit")
navigation.add("audit.index", _l("Audit log"), Role.organizer, order=90)


@bp.route("/")
@organizer_required
def index():
    query = sa.select(AuditEvent).order_by(AuditEvent.id.desc())
    action = request.args.get("action", "").strip()
    if action in ACTIONS:
        query = query.where(AuditEvent.action == action)
    elif action:
        query = query.where(AuditEvent.action.startswith(action))
    edition_id = request.args.get("edition", type=db_int)
    if edition_id:
        query = query.where(AuditEvent.edition_id == edition_id)
    page = db.paginate(query, page=page_arg(), per_page=50, error_out=False)
    # Only the events since the last verified checkpoint are read and hashed;
    # an intact result moves the checkpoint on.
    check = verify_chain(full=False)
    if check.intact and check.checked:
        advance_checkpoint(check)
        db.session.commit()
    actions = sorted(((code, str(text)) for code, text in ACTIONS.items()), key=lambda a: a[1])
    return render_template(
        "audit/index.html",
        page=page,
        lines=describe(page.items),
        action=action,
        actions=actions,
        check=check,
    )


from app.audit.cli import audit_cli  # noqa: E402  (flask audit ...)

bp.cli = audit_cli
