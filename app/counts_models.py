"""The token of the counts cache (app/counts_cache.py)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class CountsCacheState(db.Model):
    """One row whose token changes whenever something the organizer's
    edition-wide counts count is written: cached counts are keyed by it."""

    __tablename__ = "counts_cache_state"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(sa.String(32))
