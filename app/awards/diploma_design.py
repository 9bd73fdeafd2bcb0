"""Saving an edition's diploma design (templates per award kind, validity of
the quality-mark certificate, logo and signatures). Flushes and audits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

from flask_babel import gettext as _

from app.audit import services as audit
from app.awards import diploma_files as files
from app.awards.diploma_models import (
    DISTINCTION_TEMPLATES,
    LAUREATE_TEMPLATES,
    MAX_VALID_YEARS,
    DiplomaDesign,
)
from app.editions.models import Edition
from app.errors import LaurelError
from app.extensions import db
from app.jury.visits.files import FileRefused

FIELDS = [
    "template_laureate",
    "template_distinction",
    "participation",
    "certificate_valid_years",
    "logo_name",
    "signer1_name",
    "signer1_role",
    "signer1_image",
    "signer2_name",
    "signer2_role",
    "signer2_image",
]
IMAGES = ("logo_name", "signer1_image", "signer2_image")


@dataclass
class DesignData:
    template_laureate: str = "laureate"
    template_distinction: str = "distinction"
    participation: bool = True
    certificate_valid_years: int = 2
    signer1_name: str = ""
    signer1_role: str = ""
    signer2_name: str = ""
    signer2_role: str = ""
    # Image column -> a new upload (a stream), or None to remove it; absent: unchanged.
    images: dict[str, BinaryIO | None] = field(default_factory=dict)


def refusal_message(reason: str) -> str:
    return {
        "empty": _("The file is empty."),
        "too_large": _("The image is larger than 2 MB."),
        "bomb": _("The image is too large (at most 4000 pixels a side)."),
    }.get(reason, _("Upload a PNG or JPEG image."))


def save_design(edition: Edition, *, actor, data: DesignData) -> DiplomaDesign:
    """Organizers set the design at any time; diplomas already made keep
    their look until regenerated. Images are checked (PNG or JPEG by their
    bytes, size-limited) and stored before anything changes; a refused image
    raises LaurelError naming the field, and nothing is saved."""
    design = db.session.get(DiplomaDesign, edition.id)
    if not DiplomaDesign.defaults(edition).can_edit(actor):
        raise LaurelError(_("Only organizers set the diplomas' design."))
    if data.template_laureate not in LAUREATE_TEMPLATES or (
        data.template_distinction not in DISTINCTION_TEMPLATES
    ):
        raise LaurelError(_("Choose one of the templates offered."))
    if not 1 <= data.certificate_valid_years <= MAX_VALID_YEARS:
        raise LaurelError(_("The validity must be between 1 and 10 years."))
    stored: dict[str, str | None] = {}
    try:
        for column, stream in data.images.items():
            stored[column] = files.store_image(stream) if stream is not None else None
    except FileRefused as exc:
        for name in stored.values():
            files.remove_image(name)
        raise LaurelError(refusal_message(exc.reason)) from exc
    if design is None:
        design = DiplomaDesign.defaults(edition)
        db.session.add(design)
        before = None
    else:
        before = audit.snapshot(design, FIELDS)
    design.template_laureate = data.template_laureate
    design.template_distinction = data.template_distinction
    design.participation = data.participation
    design.certificate_valid_years = data.certificate_valid_years
    design.signer1_name, design.signer1_role = data.signer1_name, data.signer1_role
    design.signer2_name, design.signer2_role = data.signer2_name, data.signer2_role
    for column, name in stored.items():
        setattr(design, column, name)
    db.session.flush()
    audit.record(
        "diploma_design.save",
        actor=actor,
        obj=edition,
        edition_id=edition.id,
        before=before,
        after=audit.snapshot(design, FIELDS),
    )
    # Replaced images stay on disk: the transaction may still roll back.
    return design
