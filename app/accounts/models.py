from __future__ import annotations

import contextlib
import datetime as dt
import enum
import hmac
import secrets
from typing import TYPE_CHECKING

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.jury.models import JuryMembership
    from app.offices.models import Office

_STRONG = PasswordHasher()  # argon2-cffi's defaults (RFC 9106 low-memory profile)
# Tests create hundreds of users; a cheap profile keeps the suite fast. Hashes
# carry their own parameters, so either kind verifies anywhere.
_CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _hasher() -> PasswordHasher:
    return _CHEAP if has_app_context() and current_app.config.get("TESTING") else _STRONG


_DUMMY_HASHES: dict[int, str] = {}


def check_no_password(password: str) -> None:
    """Spend the time of one password check with the current hasher's
    parameters, for an e-mail without an account: the login then takes as long
    for an unknown e-mail as for a known one with a wrong password."""
    hasher = _hasher()
    dummy = _DUMMY_HASHES.get(id(hasher))
    if dummy is None:
        dummy = _DUMMY_HASHES[id(hasher)] = hasher.hash(secrets.token_urlsafe(16))
    with contextlib.suppress(VerificationError, InvalidHashError):
        hasher.verify(dummy, password)


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class Role(enum.Enum):
    """What a user is in Laurel. A juror is a juror only in the editions whose
    jury invited them (see JuryMembership)."""

    organizer = "organizer"
    juror = "juror"
    office = "office"


class User(UserMixin, db.Model):
    __tablename__ = "user"
    __table_args__ = (
        # An office user always belongs to an office; nobody else does.
        sa.CheckConstraint(
            "(role = 'office') = (office_id IS NOT NULL)", name="office_user_has_office"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role]
    office_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("office.id", ondelete="CASCADE"), index=True
    )
    password_hash: Mapped[str | None]
    is_active_account: Mapped[bool] = mapped_column(default=True)
    email_confirmed_at: Mapped[dt.datetime | None]
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]
    # Part of the login id kept in the session and remember cookies: a new
    # token (sign out everywhere, a new password) makes every old cookie void.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)

    office: Mapped[Office | None] = relationship(back_populates="users")
    jury_memberships: Mapped[list[JuryMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"

    # Flask-Login: a deactivated account cannot log in.
    @property
    def is_active(self) -> bool:
        return self.is_active_account

    # Flask-Login: the id it stores in the session and the remember cookie.
    def get_id(self) -> str:
        if not self.session_token:
            self.session_token = new_session_token()
        return f"{self.id}:{self.session_token}"

    def matches_login_id(self, login_id: str) -> bool:
        return hmac.compare_digest(self.get_id().encode(), login_id.encode())

    def rotate_session_token(self) -> None:
        """Sign this user out everywhere: every session and remember cookie made
        before now stops working."""
        self.session_token = new_session_token()

    def set_password(self, password: str) -> None:
        """A new password also ends every session opened with the old one."""
        self.password_hash = _hasher().hash(password)
        self.rotate_session_token()

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            check_no_password(password)
            return False
        try:
            return _hasher().verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    @property
    def is_organizer(self) -> bool:
        return self.role is Role.organizer

    @property
    def is_juror(self) -> bool:
        return self.role is Role.juror

    @property
    def is_office_user(self) -> bool:
        return self.role is Role.office
