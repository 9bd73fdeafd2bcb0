"""Organizer pages for editions: phases, categories, criteria, dashboard."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("editions", __name__, url_prefix="/organizer/editions")
