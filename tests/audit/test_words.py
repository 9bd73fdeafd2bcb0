"""Issue 18, item 5: the audit log speaks words, not codes."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import sqlalchemy as sa

from app.audit import services as audit
from app.audit.labels import ACTIONS, FIELDS, OBJECT_TYPES
from app.audit.presentation import RESOLVERS
from app.editions.models import EditionStatus
from app.offices.models import ApplicationStatus, OfficeStatus

APP = Path(__file__).resolve().parents[2] / "app"


def _strings(node) -> list[str]:
    """The string constants an argument can take (`"a" if x else "b"` gives both)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def recorded_actions() -> dict[str, str]:
    """Every action code app/ records: the first argument of `audit.record(...)`
    and of helpers named `_audit(...)`, and every `action="..."` keyword passed
    down to a helper that records it."""
    found: dict[str, str] = {}
    for path in APP.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = ast.unparse(node.func)
            values = []
            if (name == "audit.record" or name.endswith("_audit")) and node.args:
                values += _strings(node.args[0])
            values += [s for k in node.keywords if k.arg == "action" for s in _strings(k.value)]
            for value in values:
                found.setdefault(value, f"{path.relative_to(APP.parent)}:{node.lineno}")
    return found


def test_the_scan_finds_the_actions_it_should():
    """The scan must see literal, conditional and passed-down codes, or the
    next test proves nothing."""
    actions = recorded_actions()
    for code in (
        "login.failed",
        "application.draft_saved",
        "visit.saved",
        "visit.submitted",
        "jury.declined",
        "category.delete",
        "award.decide",
        "edition.phase",
    ):
        assert code in actions, code
    assert len(actions) > 90


def test_every_recorded_action_has_a_label():
    missing = {code: where for code, where in recorded_actions().items() if code not in ACTIONS}
    assert not missing, f"give these audit actions a label in app/audit/labels.py: {missing}"


def test_every_object_with_a_resolver_has_a_name():
    assert set(RESOLVERS) <= set(OBJECT_TYPES)


def test_every_resolver_runs(request_ctx, db):
    """Each kind's query compiles and runs (an unknown id gives no name)."""
    for kind, resolve in RESOLVERS.items():
        assert resolve({999_999}) == {}, kind


def test_nested_values_read_as_text_not_json(request_ctx, db, make):
    from app.audit.presentation import describe

    edition = make.edition()
    event = audit.record(
        "qualification.confirmed",
        obj=edition,
        edition_id=edition.id,
        after={"overrides": {"7": {"qualified": True, "reason": "Wyjątek"}}, "qualified": 3},
    )
    (line,) = describe([event])
    texts = [n.text for c in line.changes for n in (c.after or [])]
    assert texts == ["7: Zakwalifikowane: tak; Powód: Wyjątek", "3"]
    assert line.subject.text == edition.name and line.subject.url.endswith(f"/{edition.id}/")


def _text_of(html: str) -> str:
    body = html[html.index("<table") : html.index("</table>")]
    return re.sub(r"<[^>]+>", " ", body)


def test_the_audit_page_names_actions_objects_and_changes(client, make, login_as, db):
    organizer = login_as("organizer", full_name="Ewa Organizator")
    edition = make.edition(name="Przyjazny Urząd 2027", status=EditionStatus.stage1)
    application = make.application(edition=edition, status=ApplicationStatus.submitted)
    office = application.office
    juror = make.juror(edition=edition, full_name="Jan Juror")
    assignment = make.assignment(application=application, juror=juror)
    db.session.flush()
    audit.record("login.failed", after={"email": "nobody@example.org"})
    audit.record(
        "application.submitted",
        actor=organizer,
        obj=application,
        edition_id=edition.id,
        before={"status": "draft"},
        after={"status": "submitted", "submitted_at": "2027-03-02T10:15:00"},
    )
    audit.record(
        "assignment.created",
        actor=organizer,
        obj=assignment,
        edition_id=edition.id,
        after={"application_id": application.id, "juror_id": juror.id, "stage": 1},
    )
    audit.record(
        "office.approved",
        actor=organizer,
        obj=office,
        before={"status": OfficeStatus.pending.value},
        after={"status": OfficeStatus.approved.value},
    )
    audit.record(
        "edition.update",
        actor=organizer,
        obj=edition,
        edition_id=edition.id,
        before={"peer_scores_visible": False, "stage1_end": None},
        after={"peer_scores_visible": True, "stage1_end": "2027-05-31T21:59:00"},
    )
    criterion = make.criterion(area=edition.areas[0], name="Dostępność informacji")
    sheet = make.sheet(assignment=assignment)
    db.session.flush()
    audit.record(
        "sheet.saved",
        actor=juror,
        obj=sheet,
        edition_id=edition.id,
        before={"values": {}},
        after={"values": {str(criterion.id): 4.5}, "typed_by_organizer": False},
    )
    category = make.category(edition=edition, name="Urzędy miast")
    audit.record(
        "category.delete",
        actor=organizer,
        obj=category,
        edition_id=edition.id,
        before={"name": "Urzędy miast"},
    )
    db.session.delete(category)
    db.session.commit()

    html = client.get("/organizer/audit/").get_data(as_text=True)
    text = _text_of(html)
    # No dotted codes, no "User 9", no JSON.
    assert not [code for code in ACTIONS if "." in code and code in text]
    assert not re.search(
        r"\b(User|Application|Office|Edition|Assignment|Użytkownik|Zgłoszenie|Edycja) \d+", text
    )
    assert "{" not in text and "&#34;status" not in html and '"status":' not in html
    # Actions in words (Polish), objects by name with links.
    assert "Nieudana próba logowania" in text
    assert "Złożono zgłoszenie" in text
    assert "Przydzielono jurora do zgłoszenia" in text
    assert "Ewa Organizator" in text
    assert f'href="/applications/{application.id}">{office.name} — Przyjazny Urząd 2027</a>' in html
    assert f'href="/organizer/offices/{office.id}">{office.name}</a>' in html
    assert f'href="/organizer/editions/{edition.id}/">Przyjazny Urząd 2027</a>' in html
    # Changes: field label, enum values by their labels, dates in the reader's style.
    squashed = " ".join(text.split())
    assert "Status: Wersja robocza → Złożone" in squashed
    assert "Status: Czeka na zatwierdzenie → Zatwierdzony" in squashed
    assert "Juror: Jan Juror" in squashed
    assert "Jurorzy widzą oceny innych jurorów: nie → tak" in squashed
    assert "Koniec etapu I: — → 31.05.2027, 23:59" in squashed
    # A deleted object keeps the name it was recorded with.
    assert "Kategoria: Urzędy miast (usunięte)" in squashed
    assert "E-mail: nobody@example.org" in squashed
    # Scores by criterion name, with a decimal comma.
    assert "Wystawione oceny: — → Dostępność informacji: 4,5" in squashed
    assert f"Zapisano kartę ocen Jan Juror — {office.name}" in squashed


def test_the_audit_page_runs_a_constant_number_of_queries(client, make, login_as, db):
    login_as("organizer")
    edition = make.edition()

    def add(n):
        for _ in range(n):
            application = make.application(edition=edition)
            juror = make.juror(edition=edition)
            assignment = make.assignment(application=application, juror=juror)
            db.session.flush()
            audit.record(
                "application.created",
                actor=juror,
                obj=application,
                after={"office_id": application.office_id},
            )
            audit.record(
                "assignment.created",
                actor=juror,
                obj=assignment,
                after={"application_id": application.id, "juror_id": juror.id},
            )
            audit.record("edition.update", actor=juror, obj=edition, edition_id=edition.id)
        db.session.commit()

    def count():
        statements = []

        def listener(*args):
            statements.append(args[2])

        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/organizer/audit/").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    add(2)
    count()  # the first visit verifies the whole chain
    small = count()
    add(12)
    count()
    assert count() == small


def test_field_labels_cover_the_recorded_snapshots():
    """The fields services snapshot into events have labels (a sample of the
    field lists that change most)."""
    from app.editions.services import CRITERION_FIELDS, EDITION_FIELDS, QUESTION_FIELDS
    from app.offices.admin.services import OFFICE_FIELDS

    for name in EDITION_FIELDS + CRITERION_FIELDS + QUESTION_FIELDS + OFFICE_FIELDS:
        assert name in FIELDS, name
