"""Translations looked up once per request, not once per string.

Flask-Babel finds the translations object anew for every string: the request's
Babel context, the locale's name, a cache key. A score sheet or a list of 50
applications translates a few hundred strings, and those lookups cost more
than the translating itself. `RequestDomain` keeps the translations found for
the request's locale on that request's Babel context, and `install` routes the
templates' `_()` (and WTForms' built-in messages) through it.

A switched locale (`force_locale`, used for mail in the recipient's language,
or `refresh()` after a language change) sets a new locale object on the same
context; the cached pair is kept only while its locale object is the current
one, so a switch is always seen.
"""

from __future__ import annotations

import functools

from babel import support
from flask import g
from flask_babel import Domain, get_locale
from wtforms.i18n import messages_path


class RequestDomain(Domain):
    def get_translations(self):
        try:
            ctx = g._flask_babel
        except (AttributeError, RuntimeError):
            # Outside an app context, or before Babel's context exists.
            return super().get_translations()
        cached = getattr(ctx, "laurel_translations", None)
        if cached is not None and cached[0] is getattr(ctx, "babel_locale", None):
            return cached[1]
        translations = super().get_translations()
        ctx.laurel_translations = (getattr(ctx, "babel_locale", None), translations)
        return translations


def request_cache() -> dict | None:
    """A dict for the current request and language: texts worked out once per
    request (a status label on every row of a list). It lives on Flask-Babel's
    context beside the translations, so a switched locale gets a new one, as
    the translations do. None outside an app context."""
    try:
        ctx = g.get("_flask_babel")
        if ctx is None:
            get_locale()  # creates Babel's context for this request
            ctx = g._flask_babel
    except (AttributeError, RuntimeError):
        return None
    locale = getattr(ctx, "babel_locale", None)
    if locale is None:
        locale = get_locale()
    cached = getattr(ctx, "laurel_cache", None)
    if cached is None or cached[0] is not locale:
        # A switch (or a switch back): one dict per language for the request.
        by_language = ctx.__dict__.setdefault("laurel_caches", {})
        cached = ctx.laurel_cache = (locale, by_language.setdefault(str(locale), {}))
    return cached[1]


def install(app, babel) -> None:
    domain = babel.__dict__.get("domain_instance")
    if not isinstance(domain, RequestDomain):
        # One Babel object serves every app in the process (tests make many),
        # as does its domain; `domain_instance` is a cached property, so an
        # instance attribute replaces it.
        domain = RequestDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
        babel.domain_instance = domain
    translations = domain.get_translations
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


@functools.lru_cache(maxsize=8)
def _wtforms_catalogue(locale: str):
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class WTFormsTranslations:
    """WTForms' own messages ("Not a valid integer value.") in the request's
    language. Flask-WTF reads the catalogue from disk once per request; it
    never changes while the app runs, so it is read once per language."""

    def gettext(self, string):
        return _wtforms_catalogue(str(get_locale())).ugettext(string)

    def ngettext(self, singular, plural, n):
        return _wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)


wtforms_translations = WTFormsTranslations()
