"""Organizer rules for the office registry: register, edit, import, invite, approve."""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _

from app.accounts import services as accounts
from app.accounts.models import Role, User
from app.audit import services as audit
from app.errors import LaurelError
from app.extensions import db
from app.mail import send_mail
from app.offices.admin.importing import ImportResult
from app.offices.models import Office, OfficeStatus, OfficeType, Voivodeship
from app.offices.services import check_numbers_free
from app.timeutil import utcnow
from app.tokens import make_token, read_token

OFFICE_FIELDS = [
    "name",
    "office_type",
    "voivodeship",
    "city",
    "address",
    "postal_code",
    "regon",
    "nip",
    "contact_name",
    "contact_email",
    "phone",
]
INVITE_PURPOSE = "office-invite"


def _clean(data: dict) -> dict:
    values = {k: data.get(k) for k in OFFICE_FIELDS}
    for key in ("regon", "nip"):
        values[key] = values[key] or None
    for key in ("address", "postal_code", "contact_name", "contact_email", "phone"):
        values[key] = (values[key] or "").strip()
    if values["contact_email"]:
        values["contact_email"] = values["contact_email"].lower()
    values["office_type"] = OfficeType(values["office_type"])
    values["voivodeship"] = Voivodeship(values["voivodeship"])
    return values


def register_office(*, actor, data: dict) -> Office:
    """An office entered by an organizer; approved at once. REGON and NIP stay unique."""
    values = _clean(data)
    check_numbers_free(regon=values["regon"], nip=values["nip"])
    office = Office(status=OfficeStatus.approved, **values)
    db.session.add(office)
    db.session.flush()
    audit.record(
        "office.created", actor=actor, obj=office, after=audit.snapshot(office, OFFICE_FIELDS)
    )
    return office


def update_office(office: Office, *, actor, data: dict) -> Office:
    """Change an office's registry data; REGON and NIP stay unique."""
    values = _clean(data)
    check_numbers_free(regon=values["regon"], nip=values["nip"], exclude_id=office.id)
    before = audit.snapshot(office, OFFICE_FIELDS)
    for key, value in values.items():
        setattr(office, key, value)
    db.session.flush()
    after = audit.snapshot(office, OFFICE_FIELDS)
    changed = [k for k in OFFICE_FIELDS if before[k] != after[k]]
    if changed:
        audit.record(
            "office.updated",
            actor=actor,
            obj=office,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return office


# ---- import ---------------------------------------------------------------


def existing_numbers() -> tuple[set[str], set[str]]:
    """Every REGON and NIP already registered, in one query."""
    regons: set[str] = set()
    nips: set[str] = set()
    for regon, nip in db.session.execute(sa.select(Office.regon, Office.nip)):
        if regon:
            regons.add(regon)
        if nip:
            nips.add(nip)
    return regons, nips


def _import_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def store_import(result: ImportResult, *, filename: str, owner_id: int) -> str:
    """Keep a checked upload on the server until the organizer confirms it; returns its token."""
    token = secrets.token_urlsafe(24)
    payload = {"filename": filename, "owner": owner_id, "created": utcnow().isoformat()}
    payload.update(result.to_json())
    (_import_dir() / f"{token}.json").write_text(json.dumps(payload), encoding="utf-8")
    return token


def load_import(token: str, *, owner_id: int) -> dict | None:
    """The stored upload, if the token names one made by this organizer."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    path = _import_dir() / f"{token}.json"
    if not path.exists():
        return None
    payload = json.loads(path.read_text(encoding="utf-8"))
    if payload.get("owner") != owner_id:
        return None
    return payload


def discard_import(token: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        (_import_dir() / f"{token}.json").unlink(missing_ok=True)


def import_offices(result: ImportResult, *, actor, filename: str, valid_only: bool) -> int:
    """Insert the valid rows of a checked file, all or nothing.

    A file with errors imports nothing unless `valid_only` is chosen. REGON and
    NIP are checked against the database again, since it may have changed
    since the preview; any clash then refuses the whole import.
    """
    if result.errors and not valid_only:
        raise LaurelError(
            _(
                "The file has %(count)s rows with errors; nothing was imported. Correct them, "
                "or choose to import only the valid rows.",
                count=len(result.errors),
            )
        )
    if not result.rows:
        raise LaurelError(_("The file has no valid rows to import."))
    regons, nips = existing_numbers()
    clashes = [row["line"] for row in result.rows if row["regon"] in regons or row["nip"] in nips]
    if clashes:
        raise LaurelError(
            _(
                "Offices with the same REGON or NIP were registered after the file was checked "
                "(lines %(lines)s); nothing was imported. Send the file again.",
                lines=", ".join(map(str, clashes[:20])),
            )
        )
    now = utcnow()
    records = [
        {
            "name": row["name"],
            "office_type": OfficeType(row["office_type"]),
            "voivodeship": Voivodeship(row["voivodeship"]),
            "city": row["city"],
            "address": row["address"],
            "postal_code": row["postal_code"],
            "regon": row["regon"],
            "nip": row["nip"],
            "contact_name": row["contact_name"],
            "contact_email": row["contact_email"],
            "phone": row["phone"],
            "status": OfficeStatus.approved,
            "rejection_reason": "",
            "created_at": now,
        }
        for row in result.rows
    ]
    db.session.execute(sa.insert(Office), records)
    audit.record(
        "office.imported",
        actor=actor,
        after={
            "filename": filename,
            "imported": len(records),
            "skipped_rows": [e.line for e in result.errors],
        },
    )
    return len(records)


# ---- invitations -----------------------------------------------------------


def invitation_token(office: Office) -> str:
    return make_token(INVITE_PURPOSE, {"office": office.id, "email": office.contact_email})


def invite_contact(office: Office, *, actor) -> str:
    """E-mail the office's contact a link to create an office account."""
    if not office.is_approved:
        raise LaurelError(_("Only an approved office can be invited."))
    if not office.contact_email:
        raise LaurelError(_("The office has no contact e-mail. Add one first."))
    if accounts.find_user(office.contact_email):
        raise LaurelError(
            _("An account with the e-mail %(email)s already exists.", email=office.contact_email)
        )
    link = url_for("office_admin.accept_invitation", token=invitation_token(office), _external=True)
    days = current_app.config["INVITATION_MAX_AGE"] // 86400
    send_mail(
        office.contact_email,
        _("Laurel: create an account for %(office)s", office=office.name),
        _(
            "Hello,\n\nYou are invited to create an account in Laurel for %(office)s.\n"
            "Open this link to set your name and password (valid for %(days)s days):\n"
            "%(link)s\n",
            office=office.name,
            days=days,
            link=link,
        ),
    )
    audit.record("office.invited", actor=actor, obj=office, after={"email": office.contact_email})
    return link


def read_invitation(token: str) -> tuple[Office, str] | None:
    """(office, e-mail) of a valid, unused invitation; None if forged, expired or used."""
    data = read_token(INVITE_PURPOSE, token, current_app.config["INVITATION_MAX_AGE"])
    if not data:
        return None
    office = db.session.get(Office, data.get("office"))
    email = data.get("email") or ""
    if office is None or not office.is_approved or not email:
        return None
    if accounts.find_user(email):
        # The account exists: the link has done its work and cannot be used again.
        return None
    return office, email


def accept_invitation(office: Office, *, email: str, full_name: str, password: str) -> User:
    """Create the office user the invitation was for (refused if the e-mail has an account)."""
    user = accounts.create_user(
        email=email, full_name=full_name, role=Role.office, password=password, office=office
    )
    user.email_confirmed_at = utcnow()
    audit.record("office.invitation_accepted", actor=user, obj=office, after={"email": user.email})
    return user


# ---- approval --------------------------------------------------------------


def _notify_users(office: Office, subject: str, body: str) -> None:
    for user in office.users:
        if user.is_active:
            send_mail(user.email, subject, body)


def approve_office(office: Office, *, actor) -> None:
    """A self-registered office waiting for approval becomes approved; its users are told."""
    if office.status is not OfficeStatus.pending:
        raise LaurelError(_("Only an office awaiting approval can be approved."))
    office.status = OfficeStatus.approved
    office.rejection_reason = ""
    db.session.flush()
    audit.record(
        "office.approved",
        actor=actor,
        obj=office,
        before={"status": "pending"},
        after={"status": "approved"},
    )
    _notify_users(
        office,
        _("Laurel: %(office)s has been approved", office=office.name),
        _(
            "Hello,\n\nThe registration of %(office)s in Laurel has been approved. "
            "You can now sign in and apply.\n\n%(link)s\n",
            office=office.name,
            link=url_for("accounts.login", _external=True),
        ),
    )


def reject_office(office: Office, *, actor, reason: str) -> None:
    """A self-registered office waiting for approval is rejected, with a reason its users read."""
    if office.status is not OfficeStatus.pending:
        raise LaurelError(_("Only an office awaiting approval can be rejected."))
    reason = (reason or "").strip()
    if not reason:
        raise LaurelError(_("Give the reason for the rejection."))
    office.status = OfficeStatus.rejected
    office.rejection_reason = reason
    db.session.flush()
    audit.record(
        "office.rejected",
        actor=actor,
        obj=office,
        before={"status": "pending"},
        after={"status": "rejected", "reason": reason},
    )
    _notify_users(
        office,
        _("Laurel: the registration of %(office)s has been rejected", office=office.name),
        _(
            "Hello,\n\nThe registration of %(office)s in Laurel has been rejected.\n"
            "Reason: %(reason)s\n",
            office=office.name,
            reason=reason,
        ),
    )


def pending_count() -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Office)
            .where(Office.status == OfficeStatus.pending)
        )
        or 0
    )


def active_office_users(office: Office) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).where(User.office_id == office.id).order_by(User.full_name)
        )
    )
