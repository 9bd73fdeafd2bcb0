from __future__ import annotations

import pytest

from app.jury.models import SheetStatus
from app.offices.models import ApplicationStatus


@pytest.fixture
def organizer(login_as):
    """A signed-in organizer."""
    return login_as("organizer")


@pytest.fixture
def make_sheet(make):
    """make_sheet(assignment, status=SheetStatus.submitted, scores=True)."""

    def build(assignment, status=SheetStatus.submitted, scores=False):
        return make.sheet(assignment=assignment, status=status, fill=1 if scores else None)

    return build


@pytest.fixture
def submitted(make):
    """submitted(edition) -> a submitted application of that edition."""

    def build(edition, **kw):
        return make.application(edition=edition, status=ApplicationStatus.submitted, **kw)

    return build


@pytest.fixture
def request_ctx(english_request_ctx):
    """Service tests here match English messages."""
    yield
