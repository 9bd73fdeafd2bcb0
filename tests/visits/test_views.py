"""Stage-2 pages: who may open what, and bad input that must not break them."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image

from app.audit.models import AuditEvent
from app.extensions import db as _db
from app.jury.visits import files
from app.jury.visits.models import MysteryVisit, VisitPhoto, VisitStatus
from app.timeutil import utcnow
from tests.visits.conftest import bomb_png, jpeg_with_gps, png_bytes


@pytest.fixture
def routes(world, make, app):
    """World plus a draft visit with a photo, a submitted visit and a finding
    with an attachment, all by the assigned juror."""
    draft = make.visit(application=world.application, visitor=world.juror, status=VisitStatus.draft)
    stored = files.write(files.clean_photo(io.BytesIO(png_bytes()), "a.png"))
    photo = VisitPhoto(
        visit_id=draft.id,
        original_name="a.png",
        stored_name=stored,
        content_type="image/png",
        size_bytes=10,
    )
    _db.session.add(photo)
    submitted = make.visit(application=world.application, visitor=world.juror)
    planned = make.visit(
        application=world.application, visitor=world.juror, status=VisitStatus.planned
    )
    attachment = files.write(files.clean_attachment(io.BytesIO(b"%PDF-1.4 x"), "a.pdf"))
    finding = make.finding(
        application=world.application,
        author=world.juror,
        attachment_name="a.pdf",
        attachment_stored_name=attachment,
        attachment_type="application/pdf",
        attachment_size=10,
    )
    _db.session.commit()
    world.ids = {
        "edition": world.edition.id,
        "application": world.application.id,
        "item": world.items.yes_no.id,
        "draft": draft.id,
        "submitted": submitted.id,
        "planned": planned.id,
        "photo": photo.id,
        "finding": finding.id,
    }
    world.draft = draft
    return world


ANON, OFFICE, JUROR, OTHER, CONFLICTED, ORGANIZER = (
    "anonymous",
    "office",
    "juror",
    "unassigned juror",
    "conflicted juror",
    "organizer",
)
ROLES = [ANON, OFFICE, JUROR, OTHER, CONFLICTED, ORGANIZER]


def organizer_only(organizer_status):
    return {
        ANON: 302,
        OFFICE: 403,
        JUROR: 403,
        OTHER: 403,
        CONFLICTED: 403,
        ORGANIZER: organizer_status,
    }


def evidence(juror_status, organizer_status):
    return {
        ANON: 302,
        OFFICE: 403,
        JUROR: juror_status,
        OTHER: 403,
        CONFLICTED: 403,
        ORGANIZER: organizer_status,
    }


MATRIX = [
    ("get", "/organizer/editions/{edition}/checklist", organizer_only(200)),
    ("get", "/organizer/checklist/{item}/edit", organizer_only(200)),
    ("post", "/organizer/checklist/{item}/delete", organizer_only(302)),
    ("get", "/organizer/editions/{edition}/visits", organizer_only(200)),
    ("get", "/organizer/visits/{submitted}/reopen", organizer_only(200)),
    ("get", "/organizer/visits/{planned}/cancel", organizer_only(200)),
    # Every jury member has their own list (an unassigned or conflicted juror
    # sees no entry in it); organizers are sent to the edition's visit plan.
    (
        "get",
        "/jury/editions/{edition}/visits",
        {ANON: 302, OFFICE: 403, JUROR: 200, OTHER: 200, CONFLICTED: 200, ORGANIZER: 302},
    ),
    # Only jurors visit; organizers plan visits (and type outside visitors' reports).
    ("post", "/jury/applications/{application}/visits/start", evidence(302, 403)),
    ("get", "/jury/visits/{draft}", evidence(200, 200)),
    ("get", "/jury/visits/{submitted}", evidence(200, 200)),
    ("post", "/jury/visits/{draft}/photos/{photo}/delete", evidence(302, 302)),
    ("get", "/jury/photos/{photo}", evidence(200, 200)),
    ("get", "/jury/applications/{application}/findings", evidence(200, 200)),
    ("get", "/jury/findings/{finding}/edit", evidence(200, 200)),
    ("post", "/jury/findings/{finding}/delete", evidence(302, 302)),
    ("get", "/jury/findings/{finding}/attachment", evidence(200, 200)),
]


def sign_in(login_as, world, role):
    user = {
        ANON: None,
        OFFICE: world.office_user,
        JUROR: world.juror,
        OTHER: world.other_juror,
        CONFLICTED: world.conflicted,
        ORGANIZER: world.organizer,
    }[role]
    if user is not None:
        login_as(user)
    return user


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url", "expected"), MATRIX, ids=[f"{m} {u}" for m, u, _ in MATRIX]
)
def test_permission_matrix(client, login_as, routes, method, url, expected, role):
    sign_in(login_as, routes, role)
    data = {"channel": "phone"} if method == "post" else None
    response = getattr(client, method)(url.format(**routes.ids), data=data)
    assert response.status_code == expected[role]
    if role == ANON:
        assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/organizer/editions/999999/checklist"),
        ("get", "/organizer/checklist/999999/edit"),
        ("post", "/organizer/checklist/999999/delete"),
        ("get", "/organizer/editions/999999/visits"),
        ("get", "/organizer/visits/999999/reopen"),
        ("get", "/organizer/visits/999999/cancel"),
        ("get", "/jury/editions/999999/visits"),
        ("get", "/jury/visits/999999"),
        ("get", "/jury/photos/999999"),
        ("post", "/jury/visits/{draft}/photos/999999/delete"),
        ("get", "/jury/applications/999999/findings"),
        ("get", "/jury/findings/999999/edit"),
        ("get", "/jury/findings/999999/attachment"),
    ],
)
def test_missing_objects_are_404(client, login_as, routes, method, url):
    login_as(routes.organizer)
    assert getattr(client, method)(url.format(**routes.ids)).status_code == 404


def test_photo_is_served_inline_and_sandboxed(client, login_as, routes):
    login_as(routes.juror)
    response = client.get(f"/jury/photos/{routes.ids['photo']}")
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and csp.endswith("sandbox")


def form_version(client, visit_id):
    page = client.get(f"/jury/visits/{visit_id}").get_data(as_text=True)
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def visit_post(world, version, **extra):
    data = {
        "version": version,
        "visited_at": "2026-01-10T10:30",
        "notes": "Obsługa sprawna",
        f"item_{world.items.yes_no.id}": "yes",
        f"item_{world.items.scale.id}": "4",
        f"item_{world.items.minutes.id}": "12",
        f"item_{world.items.text.id}": "Uprzejmie",
        "save": "1",
    }
    data.update(extra)
    return data


def test_juror_records_a_visit_with_a_photo_and_submits_it(client, login_as, routes):
    login_as(routes.juror)
    response = client.post(
        f"/jury/applications/{routes.ids['application']}/visits/start",
        data={"channel": "in_person"},
    )
    assert response.status_code == 302
    visit_id = int(response.headers["Location"].rsplit("/", 1)[1])
    # the juror's draft for this channel is reused rather than a second one made
    assert visit_id == routes.ids["draft"]
    page = client.get(f"/jury/visits/{visit_id}").get_data(as_text=True)
    assert (
        "Zapisz wersję roboczą" in page
        and "Wyślij" in page
        and 'enctype="multipart/form-data"' in page
    )
    data = visit_post(routes, form_version(client, visit_id))
    data["photos"] = [(io.BytesIO(jpeg_with_gps()), "miejsce.jpg")]
    response = client.post(
        f"/jury/visits/{visit_id}", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    visit = _db.session.get(MysteryVisit, visit_id)
    _db.session.refresh(visit)
    assert visit.status is VisitStatus.draft and len(visit.photos) == 2
    # 10:30 in Warsaw in January is 09:30 UTC
    assert visit.visited_at.hour == 9 and visit.visited_at.minute == 30
    served = client.get(f"/jury/photos/{visit.photos[-1].id}").data
    assert b"Telefon Testowy" not in served
    with Image.open(io.BytesIO(served)) as img:
        assert not img.getexif()
    data = visit_post(routes, form_version(client, visit_id), send="1")
    data.pop("save")
    assert client.post(f"/jury/visits/{visit_id}", data=data).status_code == 302
    _db.session.refresh(visit)
    assert visit.status is VisitStatus.submitted
    # read-only now
    page = client.get(f"/jury/visits/{visit_id}").get_data(as_text=True)
    assert "Zapisz wersję roboczą" not in page and "4 / 5" in page and "12 min" in page
    assert client.post(f"/jury/visits/{visit_id}", data=data).status_code == 403


def test_invalid_draft_keeps_what_was_typed_and_saves_nothing(client, login_as, routes):
    login_as(routes.juror)
    visit_id = routes.ids["draft"]
    data = visit_post(
        routes,
        form_version(client, visit_id),
        notes="Moje notatki",
        **{f"item_{routes.items.minutes.id}": "nan", f"item_{routes.items.text.id}": "Zostaje"},
    )
    response = client.post(f"/jury/visits/{visit_id}", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Moje notatki" in page and "Zostaje" in page and 'aria-invalid="true"' in page
    _db.session.expire_all()
    visit = _db.session.get(MysteryVisit, visit_id)
    assert visit.notes == "" and visit.answers == []


def test_submit_without_answers_is_refused_with_messages(client, login_as, routes):
    login_as(routes.juror)
    visit_id = routes.ids["draft"]
    data = {"version": form_version(client, visit_id), "send": "1", "visited_at": ""}
    response = client.post(f"/jury/visits/{visit_id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Podaj datę i godzinę wizyty." in page and "Odpowiedz na to pytanie." in page


def test_two_tabs_conflict(client, login_as, routes):
    login_as(routes.juror)
    visit_id = routes.ids["draft"]
    old = form_version(client, visit_id)
    assert (
        client.post(f"/jury/visits/{visit_id}", data=visit_post(routes, old, notes="A")).status_code
        == 302
    )
    response = client.post(f"/jury/visits/{visit_id}", data=visit_post(routes, old, notes="B"))
    assert response.status_code == 200
    assert "innym miejscu" in response.get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(MysteryVisit, visit_id).notes == "A"


@pytest.mark.parametrize(
    "bad",
    [
        {"minutes": "nan"},
        {"minutes": "1e309"},
        {"minutes": "9" * 5000},
        {"minutes": "-1"},
        {"minutes": "99999999999999999999999"},
        {"scale": "abc"},
        {"scale": "77"},
        {"yes_no": "maybe"},
        {"text": "a\x00b"},
        {"notes": "tekst\x00z NUL"},
        {"visited_at": "nan"},
        {"visited_at": "9999-99-99T99:99"},
        {"visited_at": "2999-01-01T10:00"},
        {"version": "abc"},
        {"item_999999": "yes"},
    ],
)
def test_bad_visit_input_never_breaks(client, login_as, routes, bad):
    login_as(routes.juror)
    visit_id = routes.ids["draft"]
    data = visit_post(routes, form_version(client, visit_id))
    for key, value in bad.items():
        item = getattr(routes.items, key, None)
        data[f"item_{item.id}" if item is not None else key] = value
    response = client.post(f"/jury/visits/{visit_id}", data=data)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        _db.session.expire_all()
        visit = _db.session.get(MysteryVisit, visit_id)
        assert "\x00" not in visit.notes
        assert all("\x00" not in a.text_value for a in visit.answers)


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"MZ not an image", "x.jpg"), (b"\xff\xd8\xff broken", "y.jpg"), (None, "bomb.png")],
)
def test_bad_photos_are_refused_in_polish(client, login_as, routes, content, name):
    login_as(routes.juror)
    visit_id = routes.ids["draft"]
    data = visit_post(routes, form_version(client, visit_id))
    data["photos"] = [(io.BytesIO(content if content is not None else bomb_png()), name)]
    response = client.post(
        f"/jury/visits/{visit_id}", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert any(text in page for text in ("nie jest zdjęciem", "uszkodzone", "zbyt duże"))
    _db.session.expire_all()
    assert len(_db.session.get(MysteryVisit, visit_id).photos) == 1


def test_organizer_plans_a_visit_and_the_juror_is_mailed(client, login_as, routes, outbox):
    login_as(routes.organizer)
    response = client.post(
        f"/organizer/editions/{routes.ids['edition']}/visits",
        data={
            "application_id": str(routes.ids["application"]),
            "channel": "phone",
            "visitor_id": str(routes.juror.id),
            "visitor_name": "",
            "due_on": "2026-06-30",
        },
    )
    assert response.status_code == 302
    assert outbox and outbox[-1].to == routes.juror.email
    page = client.get(f"/organizer/editions/{routes.ids['edition']}/visits").get_data(as_text=True)
    assert "2026-06-30" in page and "Jan Oceniający" in page


@pytest.mark.parametrize(
    "bad",
    [
        {"application_id": "x"},
        {"application_id": "999999"},
        {"visitor_id": "999999"},
        {"visitor_id": str(10**30)},
        {"due_on": "nan"},
        {"channel": "telepathy"},
        {"visitor_name": "\x00"},
    ],
)
def test_bad_plan_input_never_breaks(client, login_as, routes, bad):
    login_as(routes.organizer)
    data = {
        "application_id": str(routes.ids["application"]),
        "channel": "phone",
        "visitor_id": "None",
        "visitor_name": "Anna Zewnętrzna",
    }
    data.update(bad)
    response = client.post(f"/organizer/editions/{routes.ids['edition']}/visits", data=data)
    assert response.status_code in (200, 302)


def test_conflicted_juror_cannot_be_planned(client, login_as, routes):
    login_as(routes.organizer)
    response = client.post(
        f"/organizer/editions/{routes.ids['edition']}/visits",
        data={
            "application_id": str(routes.ids["application"]),
            "channel": "phone",
            "visitor_id": str(routes.conflicted.id),
        },
    )
    assert response.status_code == 200
    assert "konflikt interesów" in response.get_data(as_text=True)


def test_organizer_reopens_with_a_reason(client, login_as, routes):
    login_as(routes.organizer)
    url = f"/organizer/visits/{routes.ids['submitted']}/reopen"
    assert client.post(url, data={"reason": ""}).status_code == 200
    assert client.post(url, data={"reason": "Brak zdjęć"}).status_code == 302
    assert _db.session.get(MysteryVisit, routes.ids["submitted"]).status is VisitStatus.draft


def test_checklist_page_adds_and_locks(client, login_as, routes):
    login_as(routes.organizer)
    url = f"/organizer/editions/{routes.ids['edition']}/checklist"
    response = client.post(
        url,
        data={
            "channel": "website",
            "kind": "scale",
            "scale_max": "10",
            "prompt": "Czytelność strony",
            "criterion_id": str(routes.stage2.id),
            "position": "3",
        },
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Czytelność strony" in page and "Lista kontrolna tajemniczego klienta" in page
    response = client.post(
        url,
        data={
            "channel": "website",
            "kind": "yes_no",
            "prompt": "X",
            "criterion_id": str(routes.stage1.id),
        },
    )
    assert response.status_code == 200 and "II etapu" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "evil"},
        {"channel": "evil"},
        {"scale_max": "1e400"},
        {"scale_max": "nan"},
        {"criterion_id": "x"},
        {"criterion_id": "999999"},
        {"position": "nan"},
        {"position": str(10**40)},
        {"prompt": "\x00"},
        {"kind": "scale", "scale_max": ""},
    ],
)
def test_bad_checklist_input_never_breaks(client, login_as, routes, bad):
    login_as(routes.organizer)
    data = {"channel": "phone", "kind": "yes_no", "prompt": "Czy odebrano?", "criterion_id": "None"}
    data.update(bad)
    response = client.post(f"/organizer/editions/{routes.ids['edition']}/checklist", data=data)
    assert response.status_code in (200, 302)


def test_locked_item_cannot_be_deleted_through_the_page(client, login_as, routes, make):
    make.visit(application=routes.application, answers={routes.items.yes_no: True})
    _db.session.commit()
    login_as(routes.organizer)
    response = client.post(f"/organizer/checklist/{routes.ids['item']}/delete")
    assert response.status_code == 302
    assert _db.session.get(type(routes.items.yes_no), routes.ids["item"]) is not None


def test_finding_page_adds_with_attachment(client, login_as, routes):
    login_as(routes.juror)
    url = f"/jury/applications/{routes.ids['application']}/findings"
    response = client.post(
        url,
        data={
            "source": "Gazeta",
            "url": "https://gazeta.example.pl/artykul",
            "found_on": "2026-01-02",
            "finding": "Pochwała obsługi",
            "effect": "positive",
            "criterion_id": str(routes.stage2.id),
            "attachment": (io.BytesIO(jpeg_with_gps()), "zrzut.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Pochwała obsługi" in page and "zrzut.jpg" in page


@pytest.mark.parametrize(
    "bad",
    [
        {"url": "javascript:alert(1)"},
        {"url": "data:text/html,x"},
        {"found_on": "nan"},
        {"found_on": "2999-01-01"},
        {"criterion_id": "x"},
        {"criterion_id": "999999"},
        {"effect": "evil"},
        {"source": "\x00"},
        {"finding": "a\x00b"},
        {"attachment": (io.BytesIO(b"MZ exe"), "a.pdf")},
        {"attachment": (io.BytesIO(b"%PDF-1.4"), "a.exe")},
    ],
)
def test_bad_finding_input_never_breaks(client, login_as, routes, bad):
    login_as(routes.juror)
    data = {
        "source": "Gazeta",
        "found_on": "2026-01-02",
        "finding": "Tekst",
        "effect": "neutral",
        "criterion_id": "None",
    }
    data.update(bad)
    url = f"/jury/applications/{routes.ids['application']}/findings"
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code in (200, 302)
    if "url" in bad or "found_on" in bad or "attachment" in bad:
        assert response.status_code == 200


def test_my_visits_lists_planned_visits_and_entries(client, login_as, routes, make):
    make.visit(
        application=routes.application,
        visitor=routes.juror,
        status=VisitStatus.planned,
        due_on=utcnow().date().replace(year=2020),
    )
    _db.session.commit()
    login_as(routes.juror)
    page = client.get(f"/jury/editions/{routes.ids['edition']}/visits").get_data(as_text=True)
    assert routes.office.name in page and "Rozpocznij wizytę" in page and "Po terminie" in page
    client.post("/account/logout")
    login_as(routes.conflicted)
    page = client.get(f"/jury/editions/{routes.ids['edition']}/visits").get_data(as_text=True)
    assert routes.office.name not in page


def test_my_editions_links_to_my_visits(client, login_as, routes):
    login_as(routes.juror)
    page = client.get("/jury/editions").get_data(as_text=True)
    assert f"/jury/editions/{routes.ids['edition']}/visits" in page and "Moje wizyty" in page


def test_edition_menu_has_checklist_and_visits(client, login_as, routes):
    login_as(routes.organizer)
    page = client.get(f"/organizer/editions/{routes.ids['edition']}/visits").get_data(as_text=True)
    assert "Lista kontrolna tajemniczego klienta" in page and ">Wizyty<" in page


def test_evidence_partial_renders(app, routes, make):
    from flask import render_template_string

    from app.jury.visits.services import stage2_evidence

    with app.test_request_context("/"):
        html = render_template_string(
            '{% from "jury_visits/_evidence.html" import evidence %}{{ evidence(ev) }}',
            ev=stage2_evidence(routes.application),
        )
    assert "Biuletyn Informacji Publicznej" in html and "Wizyty tajemniczego klienta" in html


def test_organizer_types_an_outside_visitors_report(client, login_as, routes, make):
    visit = make.visit(
        application=routes.application, visitor_name="Anna Zewnętrzna", status=VisitStatus.planned
    )
    _db.session.commit()
    login_as(routes.organizer)
    data = visit_post(routes, form_version(client, visit.id), send="1")
    data.pop("save")
    assert client.post(f"/jury/visits/{visit.id}", data=data).status_code == 302
    _db.session.expire_all()
    saved = _db.session.get(MysteryVisit, visit.id)
    assert saved.status is VisitStatus.submitted and saved.visitor_name == "Anna Zewnętrzna"
    assert len(saved.answers) == 4


def test_a_failed_commit_leaves_no_photo_file(client, login_as, routes, monkeypatch):
    from app.jury.visits import files

    login_as(routes.juror)
    visit_id = routes.ids["draft"]
    before = set(files.evidence_dir().iterdir())
    data = visit_post(routes, form_version(client, visit_id))
    data["photos"] = [(io.BytesIO(jpeg_with_gps()), "miejsce.jpg")]

    def broken_commit():
        raise sa.exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(_db.session, "commit", broken_commit)
    with pytest.raises(sa.exc.OperationalError):
        client.post(f"/jury/visits/{visit_id}", data=data, content_type="multipart/form-data")
    monkeypatch.undo()
    assert set(files.evidence_dir().iterdir()) == before


def test_organizer_cancels_a_planned_visit_only(client, login_as, routes, outbox):
    login_as(routes.organizer)
    ids = routes.ids
    # A started or submitted visit holds a report: it cannot be cancelled.
    for started in (ids["draft"], ids["submitted"]):
        assert client.get(f"/organizer/visits/{started}/cancel").status_code == 403
    page = client.get(f"/organizer/editions/{ids['edition']}/visits").text
    assert f"/organizer/visits/{ids['planned']}/cancel" in page
    assert f"/organizer/visits/{ids['draft']}/cancel" not in page
    url = f"/organizer/visits/{ids['planned']}/cancel"
    refused = client.post(url, data={"reason": ""})
    assert refused.status_code == 200 and "error" in refused.text
    assert _db.session.get(MysteryVisit, ids["planned"]) is not None
    response = client.post(url, data={"reason": "Urząd zamknięty z powodu remontu"})
    assert response.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(MysteryVisit, ids["planned"]) is None
    assert outbox[-1].to == routes.juror.email
    assert "Urząd zamknięty z powodu remontu" in outbox[-1].body
    event = _db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "visit.cancelled"))
    assert event.before["visitor_id"] == routes.juror.id
