"""Qualification to stage 2: the rule's proposal, overrides with reasons, and
the confirmation that closes stage 1 and tells the offices."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.editions.models import EditionStatus, QualificationMode
from app.errors import LaurelError
from app.jury.models import SheetStatus
from app.offices.models import ApplicationStatus
from app.results import qualification
from app.results.models import Qualification

S = EditionStatus


@pytest.fixture
def stage1(make, db):
    """Stage 1, raw scores, one 0..100 criterion; two categories. Category A:
    Alfa 90, Beta 80, Gamma 80, Delta 50, Epsilon (no sheet). Category B: Zeta 70."""

    class World:
        edition = make.edition(status=S.stage1, areas=0, categories=2)
        area = make.area(edition=edition)
        c1 = make.criterion(area=area, stage=1, max_score=100)
        juror = make.juror(edition=edition, full_name="Jan Sędzia")
        entries: dict = {}

    world = World()
    world.edition.score_mode = world.edition.score_mode.raw
    world.edition.qualification_mode = QualificationMode.top_k
    world.edition.qualification_value = 2
    cat_a, cat_b = world.edition.categories
    for name, category, value in (
        ("Alfa", cat_a, 90),
        ("Beta", cat_a, 80),
        ("Gamma", cat_a, 80),
        ("Delta", cat_a, 50),
        ("Epsilon", cat_a, None),
        ("Zeta", cat_b, 70),
    ):
        office = make.office(name=f"Urząd {name}")
        make.office_user(office=office, email=f"{name.lower()}@urzad.pl")
        entry = make.application(
            edition=world.edition,
            office=office,
            category=category,
            status=ApplicationStatus.submitted,
        )
        if value is not None:
            make.sheet(application=entry, juror=world.juror, values={world.c1: value})
        world.entries[name] = entry
    db.session.commit()
    return world


def decisions(result):
    return {c.row.office.removeprefix("Urząd "): c.qualified for c in result.candidates}


def test_top_k_takes_everyone_tied_at_the_last_place(stage1):
    result = qualification.candidate_list(stage1.edition)
    # K = 2: Alfa is 1st, Beta and Gamma share 2nd, so both go on.
    assert decisions(result) == {
        "Alfa": True,
        "Beta": True,
        "Gamma": True,
        "Delta": False,
        "Epsilon": False,  # no stage-1 score
        "Zeta": True,
    }
    assert [c.category for c in result.categories] == [c.name for c in stage1.edition.categories]
    assert result.qualified == 4


def test_threshold_rule(stage1, db):
    stage1.edition.qualification_mode = QualificationMode.threshold
    stage1.edition.qualification_value = 80
    result = qualification.candidate_list(stage1.edition)
    assert {k for k, v in decisions(result).items() if v} == {"Alfa", "Beta", "Gamma"}


@pytest.mark.usefixtures("english_request_ctx")
def test_override_needs_a_reason_and_can_be_cleared(stage1, make, db):
    organizer = make.organizer()
    delta = stage1.entries["Delta"]
    with pytest.raises(LaurelError, match="reason"):
        qualification.set_override(delta, qualified=True, reason="  ", actor=organizer)
    qualification.set_override(
        delta, qualified=True, reason="Jedyny urząd z e-usługami", actor=organizer
    )
    result = qualification.candidate_list(stage1.edition)
    delta_row = next(c for c in result.candidates if c.application_id == delta.id)
    assert delta_row.qualified and delta_row.overridden and not delta_row.proposed
    qualification.clear_override(delta, actor=organizer)
    assert not decisions(qualification.candidate_list(stage1.edition))["Delta"]
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions[-2:] == ["qualification.override", "qualification.override_removed"]


@pytest.mark.usefixtures("english_request_ctx")
def test_override_refused_outside_stage_1_and_for_drafts(stage1, make, db):
    organizer = make.organizer()
    draft = make.application(edition=stage1.edition, status=ApplicationStatus.draft)
    with pytest.raises(LaurelError, match="submitted"):
        qualification.set_override(draft, qualified=True, reason="x", actor=organizer)
    stage1.edition.status = S.applications_open
    with pytest.raises(LaurelError, match="stage 1"):
        qualification.set_override(
            stage1.entries["Delta"], qualified=True, reason="x", actor=organizer
        )


@pytest.mark.usefixtures("request_ctx")
def test_confirm_records_sets_statuses_closes_stage_and_mails(stage1, make, db, outbox):
    organizer = make.organizer()
    qualification.set_override(
        stage1.entries["Gamma"], qualified=False, reason="Dokumenty niekompletne", actor=organizer
    )
    qualification.confirm(stage1.edition, actor=organizer, expected=S.stage1)
    db.session.commit()
    assert stage1.edition.status is S.stage2
    statuses = {n: e.status for n, e in stage1.entries.items()}
    assert statuses == {
        "Alfa": ApplicationStatus.qualified,
        "Beta": ApplicationStatus.qualified,
        "Gamma": ApplicationStatus.not_qualified,
        "Delta": ApplicationStatus.not_qualified,
        "Epsilon": ApplicationStatus.not_qualified,
        "Zeta": ApplicationStatus.qualified,
    }
    record = {
        q.application.office.name: q for q in db.session.scalars(sa.select(Qualification)).all()
    }
    gamma = record["Urząd Gamma"]
    assert (gamma.proposed, gamma.qualified, gamma.reason) == (
        True,
        False,
        "Dokumenty niekompletne",
    )
    assert (gamma.position, gamma.tied, gamma.stage1_score) == (2, True, 80.0)
    assert record["Urząd Epsilon"].stage1_score is None
    # Stage-1 sheets are locked; every office user got one e-mail, in Polish.
    sheet = stage1.entries["Alfa"].assignments[0].sheet
    db.session.refresh(sheet)
    assert sheet.status is SheetStatus.locked
    by_recipient = {m.to: m for m in outbox}
    assert len(outbox) == 6
    assert "etap" in by_recipient["alfa@urzad.pl"].subject.lower()
    assert "nie zakwalifikowało" in by_recipient["gamma@urzad.pl"].body
    assert "zakwalifikowało się do etapu 2" in by_recipient["alfa@urzad.pl"].body
    event = db.session.query(AuditEvent).filter_by(action="qualification.confirmed").one()
    assert event.after["qualified"] == 3 and event.after["not_qualified"] == 3
    # Nothing can change afterwards.
    with pytest.raises(LaurelError):
        qualification.set_override(
            stage1.entries["Delta"], qualified=True, reason="x", actor=organizer
        )


@pytest.mark.usefixtures("english_request_ctx")
def test_confirm_with_missing_sheets_needs_confirmation_and_writes_nothing(stage1, make, db):
    from app.editions.phases import MissingSheetsError

    make.assignment(application=stage1.entries["Epsilon"], juror=stage1.juror)
    organizer = make.organizer()
    db.session.commit()
    with pytest.raises(MissingSheetsError):
        qualification.confirm(stage1.edition, actor=organizer, expected=S.stage1)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Qualification.id))) == 0
    assert stage1.edition.status is S.stage1
    assert stage1.entries["Alfa"].status is ApplicationStatus.submitted
    qualification.confirm(stage1.edition, actor=organizer, expected=S.stage1, confirm_missing=True)
    assert stage1.edition.status is S.stage2


@pytest.mark.usefixtures("english_request_ctx")
def test_confirm_refuses_a_stale_phase(stage1, make):
    with pytest.raises(LaurelError, match="changed"):
        qualification.confirm(stage1.edition, actor=make.organizer(), expected=S.draft)


@pytest.mark.usefixtures("english_request_ctx")
def test_stage_1_cannot_close_through_the_phase_page_without_the_list(stage1, make):
    from app.editions import phases

    check = phases.check_next_phase(stage1.edition)
    assert any("qualification list" in b for b in check.blockers)
    with pytest.raises(LaurelError):
        phases.advance_phase(stage1.edition, actor=make.organizer(), expected=S.stage1)


# ---------------------------------------------------------------- pages


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("office", 403), ("juror", 403), ("organizer", 200)],
)
def test_permission_matrix(client, login_as, make, stage1, role, expected):
    if role != "anonymous":
        login_as(role)
    e, a = stage1.edition.id, stage1.entries["Delta"].id
    base = f"/organizer/editions/{e}/qualification"
    assert client.get(base).status_code == expected
    assert client.get(f"{base}/{a}").status_code == expected
    post_expected = 302 if role in ("anonymous", "organizer") else 403
    assert client.post(f"{base}/{a}/clear").status_code == post_expected


def test_page_shows_the_proposal_and_the_rule(client, login_as, stage1):
    login_as("organizer")
    page = client.get(f"/organizer/editions/{stage1.edition.id}/qualification").text
    assert "najlepsze 2 zgłoszenia" in page
    assert page.count("(ex aequo)") == 2
    assert "Urząd Epsilon" in page and 'name="expected"' in page
    assert "Zatwierdź listę i zamknij etap 1" in page


def test_override_form_error_and_success(client, login_as, stage1, db):
    login_as("organizer")
    e, delta = stage1.edition.id, stage1.entries["Delta"]
    url = f"/organizer/editions/{e}/qualification/{delta.id}"
    refused = client.post(url, data={"decision": "yes", "reason": ""})
    assert refused.status_code == 422
    assert "Podaj powód odstępstwa od proponowanej listy." in refused.text
    assert client.post(url, data={"decision": "yes", "reason": "E-usługi"}).status_code == 302
    page = client.get(f"/organizer/editions/{e}/qualification").text
    assert "E-usługi" in page and "odstępstwo od propozycji" in page


def test_confirm_through_the_page(client, login_as, stage1, db, outbox):
    login_as("organizer")
    e = stage1.edition.id
    response = client.post(
        f"/organizer/editions/{e}/qualification/confirm", data={"expected": "stage1"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert stage1.edition.status is S.stage2
    page = client.get(f"/organizer/editions/{e}/qualification").text
    assert "Lista została zatwierdzona" in page and 'name="expected"' not in page
    assert len(outbox) == 6
    # Confirming twice is refused (the edition is past stage 1 now).
    again = client.post(
        f"/organizer/editions/{e}/qualification/confirm", data={"expected": "stage1"}
    )
    assert again.status_code == 403


def test_entry_of_another_edition_is_404(client, login_as, make, stage1):
    login_as("organizer")
    other = make.application(status=ApplicationStatus.submitted)
    url = f"/organizer/editions/{stage1.edition.id}/qualification/{other.id}"
    assert client.get(url).status_code == 404


def test_page_runs_a_fixed_number_of_queries(client, login_as, make, db, stage1):
    login_as("organizer")

    def count() -> int:
        statements = []
        listener = lambda *args: statements.append(1)  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert (
                client.get(f"/organizer/editions/{stage1.edition.id}/qualification").status_code
                == 200
            )
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    small = count()
    for i in range(15):
        office = make.office(name=f"Urząd nr {i}")
        entry = make.application(
            edition=stage1.edition, office=office, status=ApplicationStatus.submitted
        )
        make.sheet(application=entry, juror=stage1.juror, values={stage1.c1: i})
    db.session.commit()
    assert count() == small
