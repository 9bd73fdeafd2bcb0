"""Unbound extension objects; `create_app` binds them with `init_app`."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase, registry

# Named constraints let Alembic drop and alter them on every engine.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    # Enums are stored as their values in VARCHAR columns guarded by a CHECK
    # constraint: portable between SQLite and PostgreSQL, and adding a value
    # later is an ordinary migration instead of an ALTER TYPE.
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={
            enum.Enum: sa.Enum(
                enum.Enum,
                native_enum=False,
                create_constraint=True,
                length=32,
                values_callable=lambda e: [m.value for m in e],
                validate_strings=True,
            ),
            dt.datetime: sa.DateTime(),
            str: sa.String(255),
        },
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Headers on: a refused request (429) says in Retry-After when to try again.
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


@limiter.request_filter
def _rate_limits_off() -> bool:
    """Exempt every request of an app configured with RATELIMIT_ENABLED = False."""
    return not current_app.config.get("RATELIMIT_ENABLED", True)
