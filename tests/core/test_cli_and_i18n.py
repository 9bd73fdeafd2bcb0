from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import Role, User
from app.audit import services as audit
from app.audit.models import AuditEvent
from app.demo import DEMO_PASSWORD, EDITION_SLUG, ORGANIZER
from app.editions.models import Criterion, Edition
from app.jury.models import JuryMembership
from app.offices.models import Application, ApplicationStatus, Office
from app.offices.validators import nip_is_valid, regon_is_valid


def _counts(db):
    return {
        m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (User, Office, Edition, Criterion, Application, JuryMembership)
    }


def test_seed_demo_is_idempotent(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "Demo data created" in first.output and ORGANIZER[0] in first.output
    counts = _counts(db)
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert "already present" in second.output
    assert _counts(db) == counts


def test_seed_demo_is_realistic(app, db):
    app.test_cli_runner().invoke(args=["seed-demo"])
    counts = _counts(db)
    assert counts["Office"] == 13
    edition = db.session.scalar(sa.select(Edition).where(Edition.slug == EDITION_SLUG))
    assert len(db.session.scalars(sa.select(JuryMembership).filter_by(edition=edition)).all()) == 3
    assert [c.name for c in edition.categories][0] == "Urzędy marszałkowskie"
    assert len(edition.areas) == 5
    assert {c.stage for c in edition.criteria_for_stage(1) + edition.criteria_for_stage(2)} == {
        1,
        2,
    }
    offices = db.session.scalars(sa.select(Office)).all()
    assert all(nip_is_valid(o.nip) and regon_is_valid(o.regon) for o in offices)
    submitted = db.session.scalars(
        sa.select(Application).where(Application.status == ApplicationStatus.submitted)
    ).all()
    assert len(submitted) >= 3
    # Every submitted application sits in a category that admits its office
    # and carries an evidence file that really is a PDF.
    assert all(a.category.admits(a.office.office_type) for a in submitted)
    from app.offices.uploads import document_path, sniff_kind

    for application in submitted:
        assert [sniff_kind(document_path(d.stored_name)) for d in application.documents] == ["pdf"]
    organizer = db.session.scalar(sa.select(User).where(User.email == ORGANIZER[0]))
    assert organizer.role is Role.organizer and organizer.check_password(DEMO_PASSWORD)


def test_create_organizer(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-organizer", "--email", "Boss@Example.org", "--name", "Szefowa"],
        input="long enough pass\nlong enough pass\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "boss@example.org"))
    assert user.role is Role.organizer and user.check_password("long enough pass")
    again = runner.invoke(
        args=["create-organizer", "--email", "boss@example.org", "--name", "X"],
        input="p" * 12 + "\n" + "p" * 12 + "\n",
    )
    assert "already exists" in again.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_create_organizer_refuses_a_short_password(app, db):
    result = app.test_cli_runner().invoke(
        args=["create-organizer", "--email", "a@example.org", "--name", "A"], input="short\nshort\n"
    )
    assert result.exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_language_switch(client):
    assert "Zaloguj się" in client.get("/account/login").get_data(as_text=True)
    response = client.get("/language/en?next=/account/login")
    assert response.status_code == 302 and response.location == "/account/login"
    page = client.get("/account/login").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign in" in page and "Zaloguj się" not in page
    client.get("/language/pl")
    assert "Zaloguj się" in client.get("/account/login").get_data(as_text=True)


def test_language_switch_ignores_unknown_languages_and_foreign_targets(client):
    response = client.get("/language/xx?next=https://evil.example.org/")
    assert response.location == "/"
    assert '<html lang="pl">' in client.get("/").get_data(as_text=True)


def test_polish_catalogue_is_complete():
    from app.i18n import missing

    gaps = missing()
    assert gaps == [], f"{len(gaps)} strings have no Polish translation, e.g. {gaps[:5]}"


def test_catalogues_agree_on_shared_strings():
    from app.i18n import conflicts

    assert conflicts() == {}


def test_audit_chain_detects_a_quiet_edit(db):
    for n in range(3):
        audit.record("test.event", after={"n": n})
    db.session.commit()
    assert audit.verify_chain().intact
    second = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()[1]
    db.session.execute(
        sa.update(AuditEvent).where(AuditEvent.id == second.id).values(after={"n": 99})
    )
    db.session.commit()
    check = audit.verify_chain()
    assert (check.problem, check.event_id) == ("altered", second.id)


def test_audit_page_is_for_organizers_only(client, login_as, db):
    assert client.get("/organizer/audit/").status_code == 302
    login_as("juror")
    assert client.get("/organizer/audit/").status_code == 403


def test_audit_page_lists_events(client, login_as, db):
    login_as("organizer")
    page = client.get("/organizer/audit/").get_data(as_text=True)
    assert "login" in page and "Ścieżka audytu jest nienaruszona" in page


def test_choice_labels_follow_the_request_language(app):
    """Forms built at import time must not freeze their option labels in one language."""
    from flask_babel import force_locale

    from app.labels import choices
    from app.offices.models import OfficeType

    with app.test_request_context():
        options = dict(choices(OfficeType))
        with force_locale("pl"):
            assert str(options["marshal"]) == "Urząd marszałkowski"
        with force_locale("en"):
            assert str(options["marshal"]) == "Marshal office"


def test_translated_messages_work_outside_a_request(app):
    """Services run from the CLI or a job still produce (Polish) messages."""
    from flask_babel import gettext

    with app.app_context():
        assert gettext("Wrong e-mail or password.") == "Nieprawidłowy e-mail lub hasło."
