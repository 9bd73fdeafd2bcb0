"""app/translating.py: the translations found once per request and language
(templates translate hundreds of strings a page), and WTForms' own messages
from a catalogue read once per language."""

from __future__ import annotations

import flask_babel
from flask import g, render_template_string, session
from flask_babel import force_locale, refresh
from wtforms import IntegerField

from app.forms import BaseForm
from app.translating import RequestDomain

TEMPLATE = '{{ _("Sign in") }}|{{ ngettext("%(num)s entry", "%(num)s entries", 5) }}'


def test_templates_translate_in_the_request_language_and_follow_a_switch(request_ctx):
    assert render_template_string('{{ _("Sign in") }}') == "Zaloguj się"
    with force_locale("en"):
        # Mail in the recipient's language is rendered like this, mid-request.
        assert render_template_string('{{ _("Sign in") }}') == "Sign in"
    assert render_template_string('{{ _("Sign in") }}') == "Zaloguj się"


def test_a_language_change_mid_request_is_seen_after_refresh(request_ctx):
    assert flask_babel.gettext("Sign in") == "Zaloguj się"
    session["lang"] = "en"
    refresh()
    assert flask_babel.gettext("Sign in") == "Sign in"


def test_the_translations_are_looked_up_once_per_request(request_ctx, monkeypatch):
    lookups = []
    real = flask_babel.Domain.get_translations

    def counting(self):
        lookups.append(1)
        return real(self)

    # RequestDomain asks Flask-Babel's own lookup only on a miss.
    monkeypatch.setattr(flask_babel.Domain, "get_translations", counting)
    for _ in range(50):
        render_template_string(TEMPLATE)
        flask_babel.gettext("Sign in")
    assert len(lookups) == 1
    with force_locale("en"):
        assert render_template_string('{{ _("Sign in") }}') == "Sign in"
    assert len(lookups) == 2


def test_babel_uses_the_request_domain(app):
    assert isinstance(app.extensions["babel"].instance.domain_instance, RequestDomain)


def test_without_a_request_the_default_language_is_used(app, db):
    with app.app_context():
        assert flask_babel.gettext("Sign in") == "Zaloguj się"


class NumberForm(BaseForm):
    number = IntegerField()


def test_wtforms_messages_come_in_the_request_language(app, db):
    for lang, message in (("pl", "Nieprawidłowa liczba całkowita"), ("en", "Not a valid integer")):
        with app.test_request_context("/", method="POST", data={"number": "abc"}):
            # The test's app context outlives each request (see conftest.py).
            g.pop("_flask_babel", None)
            session["lang"] = lang
            form = NumberForm(meta={"csrf": False})
            assert not form.validate()
            assert message in form.number.errors[0]
