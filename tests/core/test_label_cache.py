"""app/labels.py `label`: translated once per request and language (issue 18,
item 9: list pages showed the same status labels on every row)."""

from __future__ import annotations

from flask import g
from flask_babel import force_locale

from app.labels import LABELS, label
from app.offices.models import ApplicationStatus, Voivodeship


def test_label_is_cached_per_request_and_language(request_ctx, monkeypatch):
    calls = []
    real = LABELS[ApplicationStatus.qualified]

    class Counting:
        def __str__(self):
            calls.append(1)
            return str(real)

    monkeypatch.setitem(LABELS, ApplicationStatus.qualified, Counting())
    first = label(ApplicationStatus.qualified)
    assert first == str(real)
    for _ in range(50):
        assert label(ApplicationStatus.qualified) == first
    assert len(calls) == 1
    with force_locale("en"):
        assert label(ApplicationStatus.qualified) == "Qualified for stage 2"
    assert len(calls) == 2
    assert label(ApplicationStatus.qualified) == first  # back in Polish, from the cache
    assert len(calls) == 2
    assert "_flask_babel" in g  # the cache lives with the request's Babel context


def test_label_without_a_request_and_for_plain_values(app):
    with app.app_context():
        assert label(ApplicationStatus.submitted)  # no request: translated, not cached
    assert label(Voivodeship("mazowieckie")) == "mazowieckie"
    assert label("plain") == "plain"


def test_status_badge_is_made_once_per_request_and_language(request_ctx):
    from app.labels import status_badge

    badge = status_badge(ApplicationStatus.qualified)
    assert (
        badge
        == '<span class="badge badge-qualified">' + label(ApplicationStatus.qualified) + "</span>"
    )
    assert status_badge(ApplicationStatus.qualified) is badge
    with force_locale("en"):
        assert "Qualified for stage 2" in status_badge(ApplicationStatus.qualified)
    assert status_badge(ApplicationStatus.qualified) is badge
    assert status_badge("<b>") == '<span class="badge badge-&lt;b&gt;">&lt;b&gt;</span>'
