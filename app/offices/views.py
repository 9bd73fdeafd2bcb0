"""The office portal: registration, application, documents, results."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("offices", __name__, url_prefix="/office")
