"""Account rules: creating users, authenticating, resetting passwords."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _

from app.accounts.models import Role, User, check_no_password
from app.audit import services as audit
from app.errors import LaurelError
from app.extensions import db
from app.mail import send_mail
from app.timeutil import utcnow
from app.tokens import make_token, password_fingerprint, read_token


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(
    *, email: str, full_name: str, role: Role, password: str | None = None, office=None, actor=None
) -> User:
    """A new account; the e-mail must not be taken (checked here and by a unique key)."""
    email = normalise_email(email)
    if find_user(email):
        raise LaurelError(_("An account with the e-mail %(email)s already exists.", email=email))
    user = User(email=email, full_name=full_name.strip(), role=role, office=office)
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", actor=actor, obj=user, after={"email": email, "role": role})
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user whose password this is, if the account is active; None otherwise.
    The same answer for an unknown e-mail and a wrong password, so the form
    does not tell which e-mails have accounts."""
    user = find_user(email)
    # One password check whatever the case (an unknown e-mail checks a dummy
    # hash), so the answer takes as long for an unknown e-mail as for a known one.
    if user is None:
        check_no_password(password)
    if user is None or not user.check_password(password) or not user.is_active:
        audit.record("login.failed", after={"email": normalise_email(email)})
        return None
    user.last_login_at = utcnow()
    audit.record("login", actor=user, obj=user)
    return user


def reset_token(user: User) -> str:
    return make_token("reset", {"uid": user.id, "fp": password_fingerprint(user)})


def user_from_reset_token(token: str) -> User | None:
    data = read_token("reset", token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    if not data:
        return None
    user = db.session.get(User, data.get("uid"))
    if user is None or not user.is_active or data.get("fp") != password_fingerprint(user):
        return None
    return user


def send_password_reset(email: str) -> None:
    """E-mail a reset link if the account exists; silently nothing otherwise."""
    user = find_user(email)
    if user is None or not user.is_active:
        return
    link = url_for("accounts.reset_password", token=reset_token(user), _external=True)
    send_mail(
        user.email,
        _("Laurel: set a new password"),
        _(
            "Hello %(name)s,\n\nTo set a new password, open this link (valid for 2 hours):\n"
            "%(link)s\n\nIf you did not ask for this, ignore this message.",
            name=user.full_name,
            link=link,
        ),
    )
    audit.record("password.reset_requested", actor=None, obj=user)


def set_password(user: User, password: str) -> None:
    """A password set from an e-mailed link; every session of the account ends."""
    user.set_password(password)
    if user.email_confirmed_at is None:
        # Following an e-mailed link proves the address works.
        user.email_confirmed_at = utcnow()
    audit.record("password.changed", actor=user, obj=user)


def update_profile(user: User, *, full_name: str, locale: str) -> None:
    """A user may change their own name and preferred language."""
    before = {"full_name": user.full_name, "locale": user.locale}
    user.full_name = full_name.strip()
    user.locale = locale
    audit.record(
        "profile.updated",
        actor=user,
        obj=user,
        before=before,
        after={"full_name": user.full_name, "locale": user.locale},
    )


def change_password(user: User, *, current: str, new: str) -> None:
    """Changing a password needs the current one: a session left open on a
    shared computer must not be enough to take over the account. Every other
    session of the account ends (the view signs this one in again)."""
    if not user.check_password(current):
        raise LaurelError(_("The current password is not correct."))
    user.set_password(new)
    audit.record("password.changed", actor=user, obj=user)


def sign_out_everywhere(user: User) -> None:
    """End every session of this user, in every browser, remember cookies too."""
    user.rotate_session_token()
    audit.record("logout.everywhere", actor=user, obj=user)
