"""Organizer pages for offices: register, import, approve, invite."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("office_admin", __name__, url_prefix="/organizer/offices")
