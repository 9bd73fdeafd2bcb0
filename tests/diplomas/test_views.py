"""The diplomas pages: who may open, make, revoke and download what; the
public /verify page (valid, expired, revoked, unknown, the uploaded PDF);
the job status JSON."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.awards import diploma_files, diplomas
from app.awards.diploma_models import DiplomaDesign
from app.awards.models import Diploma
from app.editions.models import EditionStatus
from app.jobs_models import JobRun

E = "/organizer/editions/{edition}/diplomas"
GETS = [E, E + "/design", E + "/all.zip", E + "/{diploma}/revoke", "/organizer/jobs/{run}"]
POSTS = [
    (E + "/awards/{award}", {}),
    (E + "/entries/{entry}", {}),
    (E + "/batch", {}),
    (E + "/{diploma}/revoke", {"reason": "Błąd"}),
    (
        E + "/design",
        {
            "template_laureate": "laureate",
            "template_distinction": "distinction",
            "certificate_valid_years": "2",
        },
    ),
]


@pytest.fixture
def ids(awards, request_ctx, db):
    design = diplomas.design_of(awards.edition)
    diploma = diplomas.generate_diploma(
        diplomas.subject_of_award(awards.laureate, design), actor=awards.organizer
    )
    run = JobRun(kind="diplomas", edition_id=awards.edition.id, details={})
    from app.jobs_models import JobStatus

    run.status = JobStatus.done
    db.session.add(run)
    db.session.commit()
    return {
        "edition": awards.edition.id,
        "award": awards.laureate.id,
        "entry": awards.plain_entry.id,
        "diploma": diploma.id,
        "run": run.id,
        "code": diploma.verification_code,
    }


def _login(role, login_as, make, awards):
    if role == "juror":
        login_as(make.juror(edition=awards.edition))
    elif role == "office":
        login_as(make.office_user(office=awards.laureate.application.office))
    elif role == "other_office":
        login_as(make.office_user())
    elif role == "organizer":
        login_as(awards.organizer)


@pytest.mark.parametrize("url", GETS)
@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("office", 403), ("juror", 403), ("organizer", 200)],
)
def test_get_permission_matrix(client, login_as, make, awards, ids, url, role, expected):
    _login(role, login_as, make, awards)
    response = client.get(url.format(**ids))
    assert response.status_code == expected
    if role == "anonymous":
        assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize(("url", "data"), POSTS, ids=[p[0] for p in POSTS])
@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 302), ("office", 403), ("juror", 403)]
)
def test_post_refused_to_everyone_but_organizers(
    client, login_as, make, db, awards, ids, url, data, role, expected
):
    _login(role, login_as, make, awards)
    before = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    response = client.post(url.format(**ids), data=data)
    assert response.status_code == expected
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == before


def test_making_is_refused_before_the_chapter(client, login_as, awards, ids, db):
    awards.edition.status = EditionStatus.stage2
    db.session.commit()
    login_as(awards.organizer)
    assert client.post(E.format(**ids) + "/batch").status_code == 403
    assert client.post((E + "/awards/{award}").format(**ids)).status_code == 403
    page = client.get(E.format(**ids)).get_data(as_text=True)
    assert "Dyplomy można wygenerować od chwili obrad Kapituły." in page


@pytest.mark.parametrize(
    ("role", "published", "expected"),
    [
        ("organizer", False, 200),
        ("office", False, 403),
        ("office", True, 200),
        ("other_office", True, 403),
        ("juror", True, 403),
        ("anonymous", True, 302),
    ],
)
def test_download_only_organizer_and_the_awarded_office(
    client, login_as, make, db, awards, ids, role, published, expected
):
    if published:
        awards.edition.status = EditionStatus.results_published
        db.session.commit()
    _login(role, login_as, make, awards)
    response = client.get(f"/diplomas/{ids['diploma']}")
    assert response.status_code == expected
    if expected == 200:
        assert response.data.startswith(b"%PDF-")


def test_organizer_makes_one_then_again(client, login_as, awards, ids, db):
    login_as(awards.organizer)
    response = client.post((E + "/awards/{award}").format(**ids), follow_redirects=True)
    assert "wersja 2" in response.get_data(as_text=True)
    assert db.session.get(Diploma, ids["diploma"]).revoked_at is not None
    response = client.post((E + "/entries/{entry}").format(**ids))
    assert response.status_code == 302
    # A draft entry never gets a certificate.
    assert client.post(E.format(**ids) + f"/entries/{awards.draft_entry.id}").status_code == 404


def test_organizer_batch_page_and_zip(client, login_as, awards, ids, db):
    login_as(awards.organizer)
    response = client.post(E.format(**ids) + "/batch", data={}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Gotowe dokumenty: 4 z 4." in page
    assert "jobs.js" in page and "data-job-status" in page
    run = db.session.scalar(sa.select(JobRun).order_by(JobRun.id.desc()))
    status = client.get(f"/organizer/jobs/{run.id}").get_json()
    assert status["status"] == "done" and status["done"] == status["total"] == 3
    assert status["active"] is False and status["percent"] == 100
    response = client.get(E.format(**ids) + "/all.zip")
    assert response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
    assert len(names) == len(diplomas.live_diplomas(awards.edition)) == 4


def test_revoke_through_the_form(client, login_as, awards, ids, db):
    login_as(awards.organizer)
    url = (E + "/{diploma}/revoke").format(**ids)
    response = client.post(url, data={"reason": ""})
    assert (
        response.status_code == 200 and db.session.get(Diploma, ids["diploma"]).revoked_at is None
    )
    response = client.post(url, data={"reason": "Literówka w nazwie"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Diploma, ids["diploma"]).revoke_reason == "Literówka w nazwie"
    assert client.get(url).status_code == 404


def _png(color="white", size=(200, 80), fmt="PNG"):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def test_design_with_logo_and_signatures(client, login_as, awards, ids, db):
    login_as(awards.organizer)
    data = {
        "template_laureate": "quality_mark",
        "template_distinction": "distinction",
        "participation": "y",
        "certificate_valid_years": "3",
        "signer1_name": "Anna Żak",
        "signer1_role": "Przewodnicząca Kapituły",
        "logo": (io.BytesIO(_png("navy")), "logo.png"),
        "signer1_image": (io.BytesIO(_png("black", fmt="JPEG")), "podpis.jpg"),
    }
    response = client.post(
        (E + "/design").format(**ids), data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    design = db.session.get(DiplomaDesign, awards.edition.id)
    assert design.template_laureate == "quality_mark" and design.certificate_valid_years == 3
    assert design.logo_name.endswith(".png") and design.signer1_image.endswith(".jpg")
    assert (diploma_files.design_dir() / design.logo_name).is_file()
    # Not an image: refused, nothing changes.
    data = {
        **data,
        "logo": (io.BytesIO(b"<svg></svg>"), "logo.png"),
        "signer1_image": (io.BytesIO(b""), ""),
        "certificate_valid_years": "5",
    }
    response = client.post(
        (E + "/design").format(**ids), data=data, content_type="multipart/form-data"
    )
    assert "Prześlij obraz PNG lub JPEG." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(DiplomaDesign, awards.edition.id).certificate_valid_years == 3


def test_a_diploma_with_logo_and_signature_images_renders(awards, request_ctx, db, tmp_path):
    from tests.diplomas.conftest import pdf_pages, pdf_to_png, qr_texts

    design = DiplomaDesign.defaults(awards.edition)
    design.logo_name = diploma_files.store_image(io.BytesIO(_png("navy", (400, 120))))
    design.signer1_name, design.signer1_image = (
        "Anna Żak",
        diploma_files.store_image(io.BytesIO(_png("black"))),
    )
    db.session.add(design)
    db.session.commit()
    diploma = diplomas.generate_diploma(
        diplomas.subject_of_award(awards.laureate, design), actor=awards.organizer
    )
    pdf = diploma_files.pdf_path(diploma.stored_name).read_bytes()
    assert pdf_pages(pdf) == 1
    assert b"/Image" in pdf  # the logo and the signature are in it
    png = pdf_to_png(pdf, tmp_path / "images.png")
    assert qr_texts(png) == [diplomas.verify_url(diploma.verification_code)]


# ---- /verify -----------------------------------------------------------------------------


def test_verify_valid_in_polish_and_english(client, awards, ids):
    page = client.get(f"/verify/{ids['code']}").get_data(as_text=True)
    assert (
        "Ten dokument wydał organizator: Fundacja Jakości Usług Publicznych. Dokument jest ważny."
        in page
    )
    assert "Urząd Gminy Żółkiewka" in page and "Gminy wiejskie i miejsko-wiejskie" in page
    assert "Laureat" in page and "12 grudnia 2025" in page
    page = client.get(f"/verify/{ids['code']}?lang=en").get_data(as_text=True)
    assert "is in force" in page and "Laureate" in page and "12 December 2025" in page


def test_verify_shows_the_snapshot_not_todays_name(client, awards, ids, db):
    awards.laureate.application.office.name = "Urząd Gminy Inna Nazwa"
    db.session.commit()
    page = client.get(f"/verify/{ids['code']}").get_data(as_text=True)
    assert "Urząd Gminy Żółkiewka" in page and "Inna Nazwa" not in page


def test_verify_revoked_and_replaced(client, login_as, awards, ids, db, request_ctx):
    design = diplomas.design_of(awards.edition)
    diplomas.generate_diploma(
        diplomas.subject_of_award(awards.laureate, design), actor=awards.organizer
    )
    db.session.commit()
    page = client.get(f"/verify/{ids['code']}").get_data(as_text=True)
    assert "Ten dokument unieważniono" in page and "Zastąpiono go wersją 2." in page


def test_verify_revoked_with_reason(client, awards, ids, db, request_ctx):
    diplomas.revoke_diploma(
        db.session.get(Diploma, ids["diploma"]), actor=awards.organizer, reason="Pomyłka Kapituły"
    )
    db.session.commit()
    page = client.get(f"/verify/{ids['code']}").get_data(as_text=True)
    assert "Ten dokument unieważniono" in page and "Powód: Pomyłka Kapituły" in page


def test_verify_expired_certificate(client, awards, ids, db):
    diploma = db.session.get(Diploma, ids["diploma"])
    diploma.valid_until = dt.date(2020, 1, 31)
    diploma.snapshot = {**diploma.snapshot, "valid_until": "2020-01-31"}
    db.session.commit()
    page = client.get(f"/verify/{ids['code']}").get_data(as_text=True)
    assert "Ten certyfikat został wydany, ale wygasł 31 stycznia 2020." in page


@pytest.mark.parametrize("code", ["x" * 32, "nope", "a" * 41, "%00abc" + "a" * 20])
def test_verify_unknown_code_is_404(client, awards, ids, code):
    assert client.get(f"/verify/{code}").status_code == 404


def test_verify_upload_match_and_mismatch(client, awards, ids, db):
    diploma = db.session.get(Diploma, ids["diploma"])
    pdf = diploma_files.pdf_path(diploma.stored_name).read_bytes()
    response = client.post(
        f"/verify/{ids['code']}",
        data={"document": (io.BytesIO(pdf), "dyplom.pdf")},
        content_type="multipart/form-data",
    )
    assert "Tak: plik jest bajt w bajt identyczny" in response.get_data(as_text=True)
    response = client.post(
        f"/verify/{ids['code']}",
        data={"document": (io.BytesIO(pdf + b"\n"), "dyplom.pdf")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert "Nie: plik różni się" in page and "Tak:" not in page
    response = client.post(f"/verify/{ids['code']}", data={}, content_type="multipart/form-data")
    assert "Wybierz plik PDF do sprawdzenia." in response.get_data(as_text=True)


def test_verify_is_rate_limited(app, client, awards, ids):
    app.config["RATELIMIT_ENABLED"] = True
    try:
        codes = [client.get(f"/verify/{ids['code']}").status_code for _ in range(61)]
    finally:
        app.config["RATELIMIT_ENABLED"] = False
    assert codes[:60] == [200] * 60 and codes[60] == 429


def test_the_qr_url_is_the_verify_page(client, awards, ids, request_ctx):
    assert re.fullmatch(
        r"http://localhost/verify/[A-Za-z0-9_-]{32}", diplomas.verify_url(ids["code"])
    )


def test_the_office_downloads_its_participation_certificate(
    client, login_as, make, awards, db, request_ctx
):
    certificate = diplomas.generate_diploma(
        diplomas.subject_of_participation(awards.plain_entry), actor=awards.organizer
    )
    awards.edition.status = EditionStatus.results_published
    db.session.commit()
    login_as(make.office_user(office=awards.plain_entry.office))
    page = client.get(f"/applications/{awards.plain_entry.id}").get_data(as_text=True)
    assert f"/diplomas/{certificate.id}" in page and "Zaświadczenie o udziale" in page
    assert client.get(f"/diplomas/{certificate.id}").data.startswith(b"%PDF-")
