from __future__ import annotations

import io
import struct
import zlib
from types import SimpleNamespace

import pytest
from PIL import Image

from app.editions.models import EditionStatus
from app.jury.visits.models import ChecklistItemKind, VisitChannel
from app.offices.models import ApplicationStatus
from app.timeutil import utcnow

# The live server and browser set-up of the browser tests, for test_browser.py.
from tests.browser.conftest import (  # noqa: F401
    _live_server,
    browser_context_args,
    browser_type_launch_args,
    live_app,
    live_server,
)


@pytest.fixture
def world(make, db):
    """An edition in stage 2 with one qualified entry, its checklist, and one
    person of every role the stage-2 pages tell apart."""
    edition = make.edition(status=EditionStatus.stage2)
    office = make.office()
    application = make.application(
        edition=edition, office=office, status=ApplicationStatus.qualified
    )
    stage2 = edition.criteria_for_stage(2)[0]
    stage1 = edition.criteria_for_stage(1)[0]
    items = SimpleNamespace(
        yes_no=make.checklist_item(edition=edition, prompt="Czy urzędnik się przedstawił?"),
        scale=make.checklist_item(
            edition=edition, kind=ChecklistItemKind.scale, scale_max=5, criterion_id=stage2.id
        ),
        minutes=make.checklist_item(edition=edition, kind=ChecklistItemKind.minutes),
        text=make.checklist_item(edition=edition, kind=ChecklistItemKind.text),
        phone=make.checklist_item(edition=edition, channel=VisitChannel.phone),
    )
    juror = make.juror(edition=edition, full_name="Jan Oceniający")
    make.assignment(application=application, juror=juror, stage=2)
    other_juror = make.juror(edition=edition)  # in the jury, not assigned
    conflicted = make.juror(edition=edition)
    make.assignment(application=application, juror=conflicted, stage=2)
    make.conflict(edition=edition, juror=conflicted, office=office)
    organizer = make.organizer()
    office_user = make.office_user(office=office)
    for membership_user in (juror, other_juror, conflicted):
        for m in membership_user.jury_memberships:
            m.conflicts_confirmed_at = utcnow()
    db.session.flush()
    return SimpleNamespace(
        edition=edition,
        office=office,
        application=application,
        stage2=stage2,
        stage1=stage1,
        items=items,
        juror=juror,
        other_juror=other_juror,
        conflicted=conflicted,
        organizer=organizer,
        office_user=office_user,
    )


def jpeg_with_gps(size=(64, 48)) -> bytes:
    """A JPEG whose EXIF holds a GPS position (Warsaw) and a camera model."""
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "Telefon Testowy"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (52.0, 13.0, 48.0)
    gps[3], gps[4] = "E", (21.0, 0.0, 42.0)
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def png_bytes(size=(10, 10)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 255, 128)).save(buf, "PNG")
    return buf.getvalue()


def bomb_png(width=60_000, height=60_000) -> bytes:
    """A small PNG whose header claims a huge picture; the pixels are a
    highly compressible run of zeros, as in a real decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (1 + width // 8) * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )
