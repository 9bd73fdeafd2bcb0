"""Helpers for the hostile-input walks: the demo data, one real id per URL
argument, and the POST forms of a page read back from its HTML."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import sqlalchemy as sa

from app.accounts.models import User
from app.demo import DEMO_PASSWORD, JURORS, ORGANIZER, seed_demo
from app.demo.data import PILOT_SLUG
from app.editions.models import Area, Category, Criterion, Edition, Question
from app.extensions import db
from app.jury.models import Assignment, ConflictOfInterest, JuryMembership, ScoreSheet
from app.jury.visits.models import ChecklistItem, ExternalFinding, MysteryVisit, VisitPhoto
from app.offices.models import Application, Document, Office

HUGE = "99999999999999999999"  # past a signed 64-bit integer
ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def rule_url(rule: str, values: dict[str, str]) -> str:
    """The rule's path with each <converter:name> replaced by values[name] (or 'x')."""
    return ARGUMENT.sub(lambda m: values.get(m.group(2), "x"), rule)


def int_arguments(rule) -> list[str]:
    return [m.group(2) for m in ARGUMENT.finditer(rule.rule) if m.group(1) == "int"]


def seed_and_users() -> dict[str, User]:
    """The demo editions, and one user of each role who has work in them."""
    seed_demo()
    db.session.commit()
    emails = {"organizer": ORGANIZER[0], "juror": JURORS[0][0], "office": "urzad1@laurel.example"}
    return {
        role: db.session.scalar(sa.select(User).where(User.email == email))
        for role, email in emails.items()
    }


def login(client, user) -> None:
    response = client.post("/account/login", data={"email": user.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, "demo login failed"


def _first(query):
    value = db.session.scalar(query.limit(1))
    return "0" if value is None else str(value)


def real_ids(user: User) -> dict[str, str]:
    """One existing id per URL argument name, one this user may well open."""
    edition = db.session.scalar(sa.select(Edition).where(Edition.slug == PILOT_SLUG))
    own_apps = sa.select(Application.id).where(Application.edition_id == edition.id)
    if user.is_office_user:
        own_apps = sa.select(Application.id).where(Application.office_id == user.office_id)
    assignments = sa.select(Assignment.id).order_by(Assignment.id)
    visits = sa.select(MysteryVisit.id).order_by(MysteryVisit.id)
    if user.is_juror:
        assignments = assignments.where(Assignment.juror_id == user.id)
        visits = visits.where(MysteryVisit.visitor_id == user.id)
    return {
        "edition_id": str(edition.id),
        "area_id": _first(sa.select(Area.id).where(Area.edition_id == edition.id)),
        "category_id": _first(sa.select(Category.id).where(Category.edition_id == edition.id)),
        "criterion_id": _first(
            sa.select(Criterion.id).join(Area).where(Area.edition_id == edition.id)
        ),
        "question_id": _first(
            sa.select(Question.id).join(Area).where(Area.edition_id == edition.id)
        ),
        "item_id": _first(
            sa.select(ChecklistItem.id).where(ChecklistItem.edition_id == edition.id)
        ),
        "application_id": _first(own_apps.order_by(Application.id)),
        "assignment_id": _first(assignments),
        "sheet_id": _first(sa.select(ScoreSheet.id).order_by(ScoreSheet.id)),
        "visit_id": _first(visits),
        "photo_id": _first(sa.select(VisitPhoto.id)),
        "finding_id": _first(sa.select(ExternalFinding.id)),
        "membership_id": _first(
            sa.select(JuryMembership.id).where(JuryMembership.user_id == user.id)
            if user.is_juror
            else sa.select(JuryMembership.id)
        ),
        "conflict_id": _first(sa.select(ConflictOfInterest.id)),
        "document_id": _first(sa.select(Document.id).where(Document.application_id.in_(own_apps))),
        "office_id": _first(sa.select(Office.id).order_by(Office.id)),
        "diploma_id": "1",
    }


# ---- forms read back from a page ----------------------------------------------


@dataclass
class PageForm:
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, name, value)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_value: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._form = PageForm(action=a.get("action") or "")
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a and kind == "checkbox":
                return
            if kind == "radio" and any(f[1] == name for f in self._form.fields):
                return
            self._form.fields.append((kind, name, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._form.fields.append(("textarea", name, ""))
        elif tag == "select" and name:
            self._select, self._select_value = name, None
        elif tag == "button" and name and (a.get("type") or "submit") == "submit":
            self._form.fields.append(("submit", name, a.get("value") or ""))
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_value is None or (value and not self._select_value):
                self._select_value = value

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select and self._form is not None:
            self._form.fields.append(("select", self._select, self._select_value or ""))
            self._select = None


def post_forms(html: str) -> list[PageForm]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


TEXT_KINDS = ("text", "textarea", "email", "search", "url", "tel", "password")


def hostile_data(form: PageForm, *, text: str, number: str, version: str | None) -> dict:
    """The form filled in as an attacker would: `text` in every text field,
    `number` in every number field, `version` in a version field."""
    data: dict[str, str] = {}
    submitted = False
    for kind, name, value in form.fields:
        if kind == "file":
            continue
        if kind in ("submit",):
            if not submitted:
                data[name] = value or "1"
                submitted = True
            continue
        if name == "version" and version is not None:
            data[name] = version
        elif kind in TEXT_KINDS:
            data[name] = text
        elif kind == "number":
            data[name] = number
        else:
            data[name] = value
    return data
