"""Walk the whole app as an attacker would (issue 16, items 5 and 6): huge
integers in every URL argument and in query strings, control characters in
query strings, and every POST form of every page filled with NUL bytes, huge
numbers, nan and a forged version. Nothing may give a server error; on
PostgreSQL this is what used to fail (integer overflow, NUL in text)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.core.hostile import (
    HUGE,
    hostile_data,
    int_arguments,
    login,
    post_forms,
    real_ids,
    rule_url,
    seed_and_users,
)

ROLES = ("organizer", "juror", "office")


@pytest.fixture
def server_errors(app):
    """Server errors come back as a 500 page instead of an exception, so one
    walk reports every failing route at once."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    failures: list[str] = []
    yield failures
    app.config["PROPAGATE_EXCEPTIONS"] = None


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def _methods(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


@pytest.mark.parametrize("role", ROLES)
def test_huge_integers_in_every_url_argument_give_404_not_500(app, client, db, role, server_errors):
    users = seed_and_users()
    login(client, users[role])
    ids = real_ids(users[role])
    checked = 0
    for rule in _rules(app):
        names = int_arguments(rule)
        # Each integer argument in turn is huge, the others are real ids; then all are.
        variants = [{**ids, name: HUGE} for name in names]
        if len(names) > 1:
            variants.append({name: HUGE for name in names})
        for values in variants:
            url = rule_url(rule.rule, values)
            for method in _methods(rule):
                response = client.open(url, method=method)
                checked += 1
                if response.status_code >= 500:
                    server_errors.append(f"{method} {url}: {response.status_code}")
                elif method == "GET":
                    assert response.status_code in (302, 403, 404), (url, response.status_code)
    assert checked > 60
    assert not server_errors, "\n".join(server_errors)


QUERY_NUMBERS = ("page", "n", "edition", "stage", "office_id", "application_id", "juror_id")


@pytest.mark.parametrize("role", ROLES)
def test_huge_numbers_in_query_strings_never_500(app, client, db, role, server_errors):
    users = seed_and_users()
    login(client, users[role])
    ids = real_ids(users[role])
    for rule in _rules(app):
        if "GET" not in rule.methods or "token" in rule.rule or "lang" in rule.rule:
            continue
        base = rule_url(rule.rule, ids)
        # Huge, then hugely negative, then not numbers at all
        # (page and stage answer 404 when out of range, which would hide the rest).
        queries = [{"page": HUGE}, {"stage": HUGE}]
        queries.append({name: HUGE for name in QUERY_NUMBERS if name not in ("page", "stage")})
        queries.append(dict.fromkeys(QUERY_NUMBERS, "-" + HUGE))
        queries.append(dict.fromkeys(QUERY_NUMBERS, "1e400"))
        for query in queries:
            response = client.get(base, query_string=query)
            if response.status_code >= 500:
                server_errors.append(f"GET {base} {query}: {response.status_code}")
    assert not server_errors, "\n".join(server_errors)


@pytest.mark.parametrize("role", ROLES)
def test_control_characters_in_query_strings_are_refused_clearly(
    app, client, db, role, server_errors
):
    users = seed_and_users()
    login(client, users[role])
    ids = real_ids(users[role])
    for rule in _rules(app):
        if "GET" not in rule.methods:
            continue
        base = rule_url(rule.rule, ids)
        for args in ({"q": "Urz\x00ad"}, {"action": "office\x00"}, {"status": "\x1b[2J"}):
            response = client.get(base, query_string=args)
            if response.status_code >= 500:
                server_errors.append(f"GET {base} {args!r}: {response.status_code}")
            elif response.status_code == 400:
                assert "control characters" in response.get_data(as_text=True) or (
                    "znaki sterujące" in response.get_data(as_text=True)
                )
    assert not server_errors, "\n".join(server_errors)


VARIANTS = [
    {"text": "Urz\x00ad", "number": HUGE, "version": "abc"},
    {"text": "a\x1fb\x0bc", "number": "nan", "version": ""},
    {"text": "x", "number": "inf", "version": HUGE},
    {"text": "1" * 25, "number": "-" + HUGE, "version": "-1"},
    {"text": "=HYPERLINK(1)", "number": "1e30", "version": "1e30"},
]


def _stored_nul_count() -> int:
    """Rows holding a NUL in any text column (SQLite stores them; PostgreSQL refuses)."""
    if db.engine.dialect.name != "sqlite":
        return 0
    total = 0
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, sa.String):
                total += db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(table)
                    .where(sa.func.instr(column, sa.func.char(0)) > 0)
                )
    return total


@pytest.mark.parametrize("role", (*ROLES, None))
def test_every_form_survives_hostile_values(app, client, db, role, server_errors):
    """Every POST form on every page a role can open (anonymous: login,
    registration, password reset), sent with hostile values."""
    users = seed_and_users()
    user = users[role or "organizer"]
    if role:
        login(client, user)
    ids = real_ids(user)
    posted = 0
    for rule in _rules(app):
        if "GET" not in rule.methods or "<" in rule.rule.replace("<int:", ""):
            continue
        page_url = rule_url(rule.rule, ids)
        page = client.get(page_url)
        if page.status_code != 200 or "text/html" not in page.content_type:
            continue
        for form in post_forms(page.get_data(as_text=True)):
            if "logout" in form.action:
                continue
            for variant in VARIANTS:
                data = hostile_data(form, **variant)
                response = client.post(form.action or page_url, data=data)
                posted += 1
                if response.status_code >= 500:
                    server_errors.append(f"POST {form.action or page_url} {variant}")
                if role and "/account/login" in response.headers.get("Location", ""):
                    login(client, user)
    assert posted > (10 if role else 5)
    assert not server_errors, "\n".join(server_errors)
    assert _stored_nul_count() == 0
