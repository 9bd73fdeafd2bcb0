"""The central input guards (issue 16, items 5 and 6): the bounded <int:...>
converter, page numbers, integers in query strings, control characters in
query strings, and the base form every form derives from."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    DecimalField,
    FloatField,
    IntegerField,
    PasswordField,
    StringField,
    TextAreaField,
)

import app as app_package
from app.forms import BaseForm, VersionField
from app.inputs import MAX_DB_INT, control_characters, db_int

HUGE = "99999999999999999999"


# ---- URLs and query strings ------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"/organizer/editions/{HUGE}/",
        f"/organizer/editions/{MAX_DB_INT + 1}/settings",
        f"/organizer/offices/{HUGE}",
        f"/organizer/offices/{2**63}/edit",
        f"/applications/{HUGE}",
        f"/documents/{HUGE}/view",
    ],
)
def test_ids_no_column_can_hold_are_404(client, login_as, url):
    login_as("organizer")
    assert client.get(url).status_code == 404


def test_the_largest_id_is_still_looked_up(client, login_as, make, db):
    login_as("organizer")
    assert client.get(f"/organizer/offices/{MAX_DB_INT}").status_code == 404
    office = make.office()
    db.session.commit()
    assert client.get(f"/organizer/offices/{office.id}").status_code == 200


@pytest.mark.parametrize(
    ("page", "status"),
    [(HUGE, 404), (str(10**6), 404), ("abc", 200), ("0", 200), ("-3", 200), ("2", 200)],
)
def test_page_numbers(client, login_as, page, status):
    login_as("organizer")
    for url in ("/organizer/offices/", "/organizer/audit/"):
        assert client.get(url, query_string={"page": page}).status_code == status


def test_integers_in_query_strings_and_posts_out_of_range_are_ignored(client, login_as, make, db):
    login_as("organizer")
    edition = make.edition()
    db.session.commit()
    assert client.get("/organizer/audit/", query_string={"edition": HUGE}).status_code == 200
    response = client.get(f"/organizer/editions/{edition.id}/assignments", query_string={"n": HUGE})
    assert response.status_code == 200
    response = client.post(
        f"/organizer/editions/{edition.id}/assignments/add",
        data={"stage": "1", "application_id": HUGE, "juror_id": HUGE},
    )
    assert response.status_code == 302


def test_db_int():
    assert db_int("42") == 42 and db_int(str(MAX_DB_INT)) == MAX_DB_INT
    for bad in (HUGE, str(MAX_DB_INT + 1), "-" + HUGE, "nan", "x"):
        with pytest.raises(ValueError):
            db_int(bad)


@pytest.mark.parametrize(
    ("url", "args"),
    [
        ("/organizer/offices/", {"q": "Urz\x00ad"}),
        ("/organizer/offices/", {"q\x00": "x"}),
        ("/organizer/audit/", {"action": "office\x00"}),
        ("/organizer/audit/", {"action": "\x1b[31m"}),
    ],
)
def test_control_characters_in_query_strings_are_refused_in_words(client, login_as, url, args):
    login_as("organizer")
    response = client.get(url, query_string=args)
    assert response.status_code == 400
    assert "znaki sterujące" in response.get_data(as_text=True)


def test_ordinary_searches_still_work(client, login_as, make, db):
    login_as("organizer")
    make.office(name="Urząd Gminy Żółkiewka")
    db.session.commit()
    html = client.get("/organizer/offices/", query_string={"q": "kiewka"}).get_data(as_text=True)
    assert "Żółkiewka" in html


def test_control_characters():
    assert control_characters("a\x00b") and control_characters("a\x1bb")
    assert control_characters("a\x85b") and control_characters("a\x7fb")
    assert control_characters("a\tb") and control_characters("a\nb")
    assert not control_characters("a\tb\r\nc", multiline=True)
    assert control_characters("a\x0bb", multiline=True)
    assert not control_characters("Zażółć gęślą jaźń — „cytat” €")
    assert not control_characters(None) and not control_characters("")


# ---- the base form --------------------------------------------------------------


class SampleForm(BaseForm):
    class Meta:
        csrf = False

    name = StringField()
    notes = TextAreaField()
    password = PasswordField()
    count = IntegerField()
    weight = DecimalField(places=2)
    ratio = FloatField()


def _form(app, **data):
    with app.test_request_context("/", method="POST"):
        form = SampleForm(formdata=MultiDict(data))
        valid = form.validate()
        form.weight()  # renders, as the page would show it again
        return valid, form.errors


def test_base_form_accepts_ordinary_values(app):
    valid, errors = _form(
        app, name="Urząd", notes="a\tb\r\nc", password="p\x00ss", count="12", weight="1.5"
    )
    assert valid, errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Urz\x00ad"),
        ("name", "tab\tin a single line"),
        ("name", "line\nbreak"),
        ("notes", "vertical\x0btab"),
        ("notes", "nul\x00"),
        ("count", HUGE),
        ("count", "-" + HUGE),
        ("weight", "nan"),
        ("weight", "sNaN"),
        ("weight", "inf"),
        ("weight", "-Infinity"),
        ("weight", "1e30"),
        ("ratio", "nan"),
        ("ratio", "1e400"),
    ],
)
def test_base_form_refuses_hostile_values_with_a_message(app, field, value):
    valid, errors = _form(app, **{field: value})
    assert not valid
    assert len(errors[field]) == 1, errors


def test_version_field_is_a_required_whole_number(app):
    class Versioned(BaseForm):
        class Meta:
            csrf = False

        version = VersionField()

    with app.test_request_context("/", method="POST"):
        for bad in ({}, {"version": ""}, {"version": "abc"}, {"version": HUGE}):
            assert not Versioned(formdata=MultiDict(bad)).validate(), bad
        form = Versioned(formdata=MultiDict({"version": "3"}))
        assert form.validate() and form.version.data == 3
        assert 'type="hidden"' in form.version()


def _form_classes():
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        if module.name.endswith(("forms", "views")):
            importlib.import_module(module.name)
    seen, stack = [], list(FlaskForm.__subclasses__())
    while stack:
        cls = stack.pop()
        seen.append(cls)
        stack.extend(cls.__subclasses__())
    return [c for c in seen if c.__module__.startswith("app.")]


def test_every_form_of_the_app_derives_from_the_base_form():
    classes = _form_classes()
    assert len(classes) > 30
    strays = [f"{c.__module__}.{c.__name__}" for c in classes if not issubclass(c, BaseForm)]
    assert strays == []


# ---- forms that used to fail on PostgreSQL ----------------------------------------


def test_nul_in_the_profile_is_a_form_error(client, login_as, db):
    user = login_as("organizer")
    response = client.post("/account/", data={"full_name": "Anna\x00", "locale": "pl"})
    assert response.status_code in (200, 422)
    assert "znaki sterujące" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert "\x00" not in user.full_name


def test_nul_in_the_registration_is_a_form_error(client, db):
    response = client.post(
        "/office/register",
        data={"name": "Urząd\x00", "city": "Radom\x1b", "email": "a@example.org"},
    )
    assert response.status_code == 200
    # Beside each of the two fields, and again in the error summary's links to them.
    assert response.get_data(as_text=True).count("znaki sterujące") == 4
