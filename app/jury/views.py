"""Jury pages: invitations, conflicts of interest, assignments."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("jury", __name__, url_prefix="/jury")
