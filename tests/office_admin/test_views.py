from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.offices.models import Office, OfficeStatus
from tests.factories import PASSWORD, valid_nip, valid_regon
from tests.office_admin.conftest import csv_bytes, office_line, xlsx_bytes


def _actions(db):
    return [e.action for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))]


# ---- permission matrix ------------------------------------------------------

ROUTES = [
    ("get", "/organizer/offices/"),
    ("get", "/organizer/offices/new"),
    ("post", "/organizer/offices/new"),
    ("get", "/organizer/offices/{office}"),
    ("get", "/organizer/offices/{office}/edit"),
    ("post", "/organizer/offices/{office}/invite"),
    ("get", "/organizer/offices/pending"),
    ("post", "/organizer/offices/{office}/approve"),
    ("get", "/organizer/offices/{office}/reject"),
    ("post", "/organizer/offices/{office}/reject"),
    ("get", "/organizer/offices/import"),
    ("post", "/organizer/offices/import"),
    ("get", "/organizer/offices/import/{token}"),
]


@pytest.mark.parametrize("method,url", ROUTES)
@pytest.mark.parametrize("role,expected", [(None, 302), ("juror", 403), ("office", 403)])
def test_organizer_pages_refuse_others(client, make, login_as, db, method, url, role, expected):
    office = make.office(status=OfficeStatus.pending)
    db.session.commit()
    if role:
        login_as(role)
    response = getattr(client, method)(url.format(office=office.id, token="x" * 32))
    assert response.status_code == expected
    if expected == 302:
        assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/organizer/offices/999"),
        ("get", "/organizer/offices/999/edit"),
        ("post", "/organizer/offices/999/invite"),
        ("post", "/organizer/offices/999/approve"),
        ("post", "/organizer/offices/999/reject"),
        ("get", "/organizer/offices/import/" + "a" * 32),
        ("get", "/organizer/offices/import/../../etc"),
    ],
)
def test_missing_objects_are_404(client, login_as, method, url):
    login_as("organizer")
    assert getattr(client, method)(url).status_code == 404


# ---- list and registration ---------------------------------------------------


def test_list_filters_and_paginates(client, make, login_as, db):
    login_as("organizer")
    for n in range(55):
        make.office(name=f"Urząd Gminy Alfa {n:02d}", city="Radom")
    make.office(name="Zielone Starostwo Beta", city="Lublin", status=OfficeStatus.pending)
    db.session.commit()
    html = client.get("/organizer/offices/").get_data(as_text=True)
    assert "56" in html and "Urząd Gminy Alfa 00" in html and "Zielone Starostwo Beta" not in html
    page2 = client.get("/organizer/offices/?page=2").get_data(as_text=True)
    assert "Zielone Starostwo Beta" in page2
    found = client.get("/organizer/offices/?q=lublin").get_data(as_text=True)
    assert "Zielone Starostwo Beta" in found and "Alfa 00" not in found
    pending = client.get("/organizer/offices/?status=pending").get_data(as_text=True)
    assert "Zielone Starostwo Beta" in pending and "Alfa 00" not in pending
    by_type = client.get("/organizer/offices/?type=county&voivodeship=mazowieckie").get_data(
        as_text=True
    )
    assert "Alfa 00" not in by_type
    assert client.get("/organizer/offices/?status=nonsense").status_code == 200


def _office_form(**kw):
    data = {
        "name": "Urząd Gminy Testowo",
        "office_type": "municipal",
        "voivodeship": "mazowieckie",
        "city": "Testowo",
        "address": "ul. Polna 1",
        "postal_code": "00-950",
        "regon": valid_regon(777),
        "nip": valid_nip(777),
        "contact_name": "Jan Kowalski",
        "contact_email": "Jan@Example.org",
        "phone": "+48 22 000 00 00",
    }
    data.update(kw)
    return data


def test_register_office(client, login_as, db):
    login_as("organizer")
    response = client.post("/organizer/offices/new", data=_office_form())
    assert response.status_code == 302
    office = db.session.scalars(sa.select(Office)).one()
    assert office.status is OfficeStatus.approved
    assert office.contact_email == "jan@example.org"
    assert "office.created" in _actions(db)


def test_register_office_validation_errors_keep_the_data(client, login_as, db):
    login_as("organizer")
    regon = valid_regon(777)
    bad_regon = regon[:-1] + str((int(regon[-1]) + 1) % 10)
    response = client.post(
        "/organizer/offices/new", data=_office_form(regon=bad_regon, nip="123", postal_code="1")
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "REGON" in html and 'aria-invalid="true"' in html
    assert "Urząd Gminy Testowo" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Office)) == 0


def test_register_office_refuses_duplicate_numbers(client, make, login_as, db):
    existing = make.office(name="Stary Urząd", regon=valid_regon(777))
    login_as("organizer")
    response = client.post("/organizer/offices/new", data=_office_form())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Stary Urząd" in html and existing.regon in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Office)) == 1


def test_edit_office(client, make, login_as, db):
    office = make.office(name="Stara nazwa")
    other = make.office()
    login_as("organizer")
    assert client.get(f"/organizer/offices/{office.id}/edit").status_code == 200
    form = _office_form(name="Nowa nazwa", regon=office.regon, nip=office.nip)
    assert client.post(f"/organizer/offices/{office.id}/edit", data=form).status_code == 302
    db.session.refresh(office)
    assert office.name == "Nowa nazwa"
    assert "office.updated" in _actions(db)
    clash = _office_form(regon=office.regon, nip=other.nip)
    response = client.post(f"/organizer/offices/{office.id}/edit", data=clash)
    assert response.status_code == 200
    db.session.refresh(office)
    assert office.nip != other.nip


def test_detail_page(client, make, login_as, db):
    office = make.office(name="Urząd Widoczny")
    make.office_user(office=office, full_name="Pani Urzędniczka")
    login_as("organizer")
    html = client.get(f"/organizer/offices/{office.id}").get_data(as_text=True)
    assert "Urząd Widoczny" in html and "Pani Urzędniczka" in html


# ---- approval ---------------------------------------------------------------


def test_approve_pending_office(client, make, login_as, db, outbox):
    office = make.office(status=OfficeStatus.pending, name="Urząd Nowy")
    make.office_user(office=office, email="urzednik@example.org")
    login_as("organizer")
    assert "Urząd Nowy" in client.get("/organizer/offices/pending").get_data(as_text=True)
    assert client.post(f"/organizer/offices/{office.id}/approve").status_code == 302
    db.session.refresh(office)
    assert office.status is OfficeStatus.approved
    assert [m.to for m in outbox] == ["urzednik@example.org"]
    assert "office.approved" in _actions(db)
    # a second approval is refused
    client.post(f"/organizer/offices/{office.id}/approve")
    assert _actions(db).count("office.approved") == 1


def test_reject_pending_office_with_reason(client, make, login_as, db, outbox):
    office = make.office(status=OfficeStatus.pending)
    make.office_user(office=office, email="urzednik@example.org")
    login_as("organizer")
    assert client.get(f"/organizer/offices/{office.id}/reject").status_code == 200
    response = client.post(f"/organizer/offices/{office.id}/reject", data={"reason": ""})
    assert response.status_code == 200
    db.session.refresh(office)
    assert office.status is OfficeStatus.pending
    response = client.post(
        f"/organizer/offices/{office.id}/reject", data={"reason": "To nie jest urząd."}
    )
    assert response.status_code == 302
    db.session.refresh(office)
    assert office.status is OfficeStatus.rejected
    assert office.rejection_reason == "To nie jest urząd."
    assert "To nie jest urząd." in outbox[-1].body
    assert "office.rejected" in _actions(db)


def test_reject_of_approved_office_is_refused(client, make, login_as, db):
    office = make.office()
    login_as("organizer")
    response = client.post(f"/organizer/offices/{office.id}/reject", data={"reason": "x"})
    assert response.status_code == 302
    db.session.refresh(office)
    assert office.status is OfficeStatus.approved


# ---- import flow ------------------------------------------------------------


def _upload(client, data: bytes, filename: str):
    return client.post(
        "/organizer/offices/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_import_good_file_preview_then_confirm(client, login_as, db, upload_dir):
    login_as("organizer")
    assert client.get("/organizer/offices/import").status_code == 200
    response = _upload(client, csv_bytes([office_line(1), office_line(2)]), "urzedy.csv")
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    token = preview_url.rsplit("/", 1)[1]
    stored = Path(upload_dir) / "imports" / f"{token}.json"
    assert stored.exists()
    html = client.get(preview_url).get_data(as_text=True)
    assert "Urząd Gminy 1" in html
    assert "<td>Urząd gminy</td>" in html  # the type's name, not its stored value
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Office)) == 0
    response = client.post(preview_url, data={})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Office)) == 2
    assert not stored.exists()
    assert client.get(preview_url).status_code == 404


def test_import_with_errors_needs_the_valid_rows_choice(client, login_as, db):
    login_as("organizer")
    response = _upload(client, csv_bytes([office_line(1), office_line(2, nip="1")]), "u.csv")
    preview_url = response.headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert "3" in html and "NIP" in html and 'name="valid_only"' in html
    response = client.post(preview_url, data={}, follow_redirects=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Office)) == 0
    response = client.post(preview_url, data={"valid_only": "y"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Office)) == 1


def test_import_xlsx_file(client, login_as, db):
    login_as("organizer")
    rows = [["nazwa", "typ", "województwo", "miejscowość", "adres", "regon", "nip", "email"]]
    rows.append(office_line(1).split(","))
    response = _upload(client, xlsx_bytes(rows), "urzedy.xlsx")
    assert response.status_code == 302
    assert client.post(response.headers["Location"], data={}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Office)) == 1


@pytest.mark.parametrize(
    "data,filename,message",
    [
        (b"", "a.csv", "pusty"),
        (csv_bytes([office_line(1)], header="a,b,c"), "a.csv", "nazwa, województwo"),
        (csv_bytes([office_line(1, name="Łódź")], encoding="cp1250"), "a.csv", "UTF-8"),
        (b"%PDF-1.4", "a.pdf", ".xlsx"),
    ],
)
def test_import_refuses_unusable_files(client, login_as, db, data, filename, message):
    login_as("organizer")
    response = _upload(client, data, filename)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html


def test_import_without_file_is_a_validation_error(client, login_as):
    login_as("organizer")
    response = client.post("/organizer/offices/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_another_organizers_upload_is_404(client, make, login_as, auth, db):
    first = login_as("organizer")
    token = _upload(client, csv_bytes([office_line(1)]), "a.csv").headers["Location"]
    auth.logout()
    login_as("organizer")
    assert first is not None
    assert client.get(token).status_code == 404


# ---- invitation --------------------------------------------------------------


def _invite_link(outbox) -> str:
    match = re.search(r"(/invitation/office/\S+)", outbox[-1].body)
    assert match
    return match.group(1)


def test_invite_contact_creates_office_account_once(client, make, login_as, auth, db, outbox):
    office = make.office(contact_email="kontakt@example.org")
    login_as("organizer")
    assert client.post(f"/organizer/offices/{office.id}/invite").status_code == 302
    assert outbox[-1].to == "kontakt@example.org"
    assert "office.invited" in _actions(db)
    link = _invite_link(outbox)
    auth.logout()
    page = client.get(link)
    assert page.status_code == 200 and office.name in page.get_data(as_text=True)
    bad = client.post(link, data={"full_name": "Ewa", "password": "short", "confirm": "short"})
    assert bad.status_code == 200
    assert db.session.scalar(sa.select(User).where(User.email == "kontakt@example.org")) is None
    response = client.post(
        link, data={"full_name": "Ewa Nowak", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "kontakt@example.org"))
    assert user.role is Role.office and user.office_id == office.id
    assert user.check_password(PASSWORD)
    assert "Ewa Nowak" in client.get("/").get_data(as_text=True)  # signed in
    auth.logout()
    assert client.get(link).status_code == 404  # cannot be reused
    assert (
        client.post(
            link, data={"full_name": "X", "password": PASSWORD, "confirm": PASSWORD}
        ).status_code
        == 404
    )


def test_invite_refused_when_email_has_an_account(client, make, login_as, db, outbox):
    office = make.office(contact_email="juror@example.org")
    make.juror(email="juror@example.org")
    login_as("organizer")
    response = client.post(f"/organizer/offices/{office.id}/invite")
    assert response.status_code == 302
    assert outbox == []


def test_invite_refused_for_pending_office(client, make, login_as, outbox):
    office = make.office(status=OfficeStatus.pending)
    login_as("organizer")
    client.post(f"/organizer/offices/{office.id}/invite")
    assert outbox == []


def test_forged_and_expired_invitations_are_refused(
    client, app, make, login_as, auth, db, outbox, monkeypatch
):
    office = make.office()
    login_as("organizer")
    client.post(f"/organizer/offices/{office.id}/invite")
    link = _invite_link(outbox)
    auth.logout()
    assert client.get(link + "x").status_code == 404
    assert client.get("/invitation/office/forged.token.value").status_code == 404
    monkeypatch.setitem(app.config, "INVITATION_MAX_AGE", -1)
    assert client.get(link).status_code == 404
