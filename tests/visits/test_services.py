"""Stage-2 rules, called without the web client."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from PIL import Image

from app.audit.models import AuditEvent
from app.editions import services as editions
from app.editions.models import EditionStatus
from app.errors import LaurelError
from app.extensions import db as _db
from app.jury.visits import checklist, files, findings, planning, services
from app.jury.visits.models import (
    ChecklistItem,
    ChecklistItemKind,
    FindingEffect,
    VisitChannel,
    VisitStatus,
)
from app.offices.models import ApplicationStatus
from app.timeutil import utcnow
from tests.visits.conftest import bomb_png, jpeg_with_gps, png_bytes

pytestmark = pytest.mark.usefixtures("request_ctx")


def actions():
    return [e.action for e in _db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))]


# ---- checklist ----------------------------------------------------------------


def item_data(**kw):
    kw.setdefault("channel", VisitChannel.in_person)
    kw.setdefault("kind", ChecklistItemKind.yes_no)
    kw.setdefault("prompt", "Czy była kolejka?")
    return checklist.ItemData(**kw)


def test_add_item_links_a_stage2_criterion_and_is_audited(world):
    item = checklist.add_item(
        world.edition,
        actor=world.organizer,
        data=item_data(kind=ChecklistItemKind.scale, scale_max=4, criterion_id=world.stage2.id),
    )
    assert item.criterion_id == world.stage2.id and item.scale_max == 4
    assert "checklist.added" in actions()


def test_add_item_refuses_stage1_and_foreign_criteria(world, make):
    with pytest.raises(LaurelError, match="II etapu"):
        checklist.add_item(
            world.edition, actor=world.organizer, data=item_data(criterion_id=world.stage1.id)
        )
    other = make.edition(status=EditionStatus.stage2)
    with pytest.raises(LaurelError):
        checklist.add_item(
            world.edition,
            actor=world.organizer,
            data=item_data(criterion_id=other.criteria_for_stage(2)[0].id),
        )


def test_scale_needs_its_maximum_and_others_drop_it(world):
    with pytest.raises(LaurelError):
        checklist.add_item(
            world.edition, actor=world.organizer, data=item_data(kind=ChecklistItemKind.scale)
        )
    item = checklist.add_item(world.edition, actor=world.organizer, data=item_data(scale_max=7))
    assert item.scale_max is None


def test_item_answered_in_a_submitted_visit_is_locked(world, make):
    item = world.items.yes_no
    make.visit(application=world.application, answers={item: True})
    with pytest.raises(LaurelError, match="wysłanej wizycie"):
        checklist.update_item(item, actor=world.organizer, data=item_data())
    with pytest.raises(LaurelError):
        checklist.delete_item(item, actor=world.organizer)
    # a draft's answer does not lock it
    draft_only = world.items.minutes
    make.visit(application=world.application, status=VisitStatus.draft, answers={draft_only: 3})
    checklist.delete_item(draft_only, actor=world.organizer)
    assert _db.session.get(ChecklistItem, draft_only.id) is None


def test_copy_edition_copies_the_checklist_with_criterion_links(world):
    copy = editions.copy_edition(
        world.edition, actor=world.organizer, name="Kopia", slug="kopia", year=2027
    )
    items = checklist.items_of(copy)
    assert len(items) == len(checklist.items_of(world.edition)) == 5
    linked = [i for i in items if i.criterion_id is not None]
    assert len(linked) == 1
    assert linked[0].criterion_id != world.stage2.id
    assert linked[0].criterion.area.edition_id == copy.id
    assert linked[0].criterion.name == world.stage2.name


# ---- planning -----------------------------------------------------------------


def test_plan_visit_mails_the_juror_in_their_language(world, outbox):
    world.juror.locale = "en"
    visit = planning.plan_visit(
        world.application,
        actor=world.organizer,
        channel=VisitChannel.phone,
        visitor=world.juror,
        due_on=dt.date(2026, 6, 1),
    )
    assert visit.status is VisitStatus.planned
    _db.session.commit()
    assert outbox[-1].to == world.juror.email
    assert "mystery-shopper visit" in outbox[-1].subject
    assert "visit.planned" in actions()


def test_plan_visit_polish_mail_by_default(world, outbox):
    planning.plan_visit(
        world.application, actor=world.organizer, channel=VisitChannel.email, visitor=world.juror
    )
    _db.session.commit()
    assert "tajemniczego klienta" in outbox[-1].subject


def test_plan_visit_refuses_conflicted_juror_and_both_or_no_visitor(world, make):
    with pytest.raises(LaurelError):
        planning.plan_visit(
            world.application,
            actor=world.organizer,
            channel=VisitChannel.phone,
            visitor=world.conflicted,
        )
    with pytest.raises(LaurelError):
        planning.plan_visit(world.application, actor=world.organizer, channel=VisitChannel.phone)
    with pytest.raises(LaurelError):
        planning.plan_visit(
            world.application,
            actor=world.organizer,
            channel=VisitChannel.phone,
            visitor=world.juror,
            visitor_name="Ktoś",
        )
    outsider = make.juror()  # not in this jury
    with pytest.raises(LaurelError):
        planning.plan_visit(
            world.application, actor=world.organizer, channel=VisitChannel.phone, visitor=outsider
        )


def test_plan_visit_refuses_unqualified_entries(world, make):
    entry = make.application(edition=world.edition, status=ApplicationStatus.not_qualified)
    with pytest.raises(LaurelError, match="zakwalifikowanych"):
        planning.plan_visit(
            entry, actor=world.organizer, channel=VisitChannel.phone, visitor_name="Anna"
        )


def test_outside_visitor_visit_is_edited_by_organizer_only(world):
    visit = planning.plan_visit(
        world.application, actor=world.organizer, channel=VisitChannel.phone, visitor_name="Anna"
    )
    assert visit.can_edit(world.organizer)
    assert not visit.can_edit(world.juror)


def test_late_visits(world, make):
    visit = make.visit(
        application=world.application, status=VisitStatus.planned, due_on=dt.date(2020, 1, 1)
    )
    assert services.is_late(visit)
    visit.status = VisitStatus.submitted
    assert not services.is_late(visit)


# ---- recording ----------------------------------------------------------------


def full_answers(world, **over):
    answers = {
        world.items.yes_no.id: True,
        world.items.scale.id: 4,
        world.items.minutes.id: 12,
        world.items.text.id: "Miła obsługa",
    }
    answers.update(over)
    return answers


def test_start_save_and_submit_a_visit(world):
    visit = services.start_visit(
        world.application, actor=world.juror, channel=VisitChannel.in_person
    )
    assert (
        services.start_visit(world.application, actor=world.juror, channel=VisitChannel.in_person)
        is visit
    )
    services.save_visit(
        visit,
        actor=world.juror,
        version=visit.version,
        visited_at=None,
        notes="szkic",
        answers={world.items.yes_no.id: False},
    )
    assert visit.status is VisitStatus.draft
    services.save_visit(
        visit,
        actor=world.juror,
        version=visit.version,
        visited_at=utcnow() - dt.timedelta(hours=2),
        notes="gotowe",
        answers=full_answers(world),
        submit=True,
    )
    assert visit.status is VisitStatus.submitted and visit.submitted_at is not None
    assert not visit.can_edit(world.juror)
    assert {"visit.created", "visit.saved", "visit.submitted"} <= set(actions())


def test_submit_needs_time_and_every_closed_answer(world):
    visit = services.start_visit(
        world.application, actor=world.juror, channel=VisitChannel.in_person
    )
    with pytest.raises(LaurelError, match="datę i godzinę"):
        services.save_visit(
            visit,
            actor=world.juror,
            version=visit.version,
            visited_at=None,
            notes="",
            answers=full_answers(world),
            submit=True,
        )
    answers = full_answers(world)
    del answers[world.items.minutes.id]
    with pytest.raises(LaurelError, match="Odpowiedz na to pytanie"):
        services.save_visit(
            visit,
            actor=world.juror,
            version=visit.version,
            visited_at=utcnow() - dt.timedelta(hours=1),
            notes="",
            answers=answers,
            submit=True,
        )
    assert visit.status is VisitStatus.draft and visit.answers == []


@pytest.mark.parametrize(
    "change",
    [
        {"scale": 6},
        {"scale": -1},
        {"minutes": 1441},
        {"minutes": 10**30},
        {"yes_no": "tak"},
        {"text": "x" * 5001},
    ],
)
def test_out_of_range_answers_are_refused(world, change):
    visit = services.start_visit(
        world.application, actor=world.juror, channel=VisitChannel.in_person
    )
    answers = full_answers(world)
    answers.update({getattr(world.items, k).id: v for k, v in change.items()})
    with pytest.raises(LaurelError):
        services.save_visit(
            visit,
            actor=world.juror,
            version=visit.version,
            visited_at=None,
            notes="",
            answers=answers,
        )


def test_future_visit_and_foreign_item_are_refused(world):
    visit = services.start_visit(
        world.application, actor=world.juror, channel=VisitChannel.in_person
    )
    with pytest.raises(LaurelError, match="przyszłości"):
        services.save_visit(
            visit,
            actor=world.juror,
            version=visit.version,
            visited_at=utcnow() + dt.timedelta(days=1),
            notes="",
            answers={},
        )
    with pytest.raises(LaurelError, match="nie ma na liście"):
        services.save_visit(
            visit,
            actor=world.juror,
            version=visit.version,
            visited_at=None,
            notes="",
            answers={world.items.phone.id: True},
        )


def test_stale_version_is_a_conflict(world):
    visit = services.start_visit(
        world.application, actor=world.juror, channel=VisitChannel.in_person
    )
    opened = visit.version
    services.save_visit(
        visit,
        actor=world.juror,
        version=opened,
        visited_at=None,
        notes="pierwsza karta",
        answers={},
    )
    assert visit.version == opened + 1
    with pytest.raises(LaurelError, match="innym miejscu"):
        services.save_visit(
            visit,
            actor=world.juror,
            version=opened,
            visited_at=None,
            notes="druga karta",
            answers={},
        )
    assert visit.notes == "pierwsza karta"


def test_reopen_needs_a_reason_and_is_audited(world, make):
    visit = make.visit(application=world.application, visitor=world.juror)
    with pytest.raises(LaurelError):
        services.reopen_visit(visit, actor=world.organizer, reason="  ")
    with pytest.raises(LaurelError):
        services.reopen_visit(visit, actor=world.juror, reason="bo tak")
    services.reopen_visit(visit, actor=world.organizer, reason="Brak zdjęć")
    assert visit.status is VisitStatus.draft and visit.can_edit(world.juror)
    event = _db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "visit.reopened"))
    assert event.after["reason"] == "Brak zdjęć"


def test_conflicted_or_unassigned_juror_cannot_start_a_visit(world):
    for user in (world.conflicted, world.other_juror, world.office_user):
        with pytest.raises(LaurelError):
            services.start_visit(world.application, actor=user, channel=VisitChannel.phone)


def test_nothing_is_written_outside_stage2(world):
    world.edition.status = EditionStatus.chapter
    with pytest.raises(LaurelError):
        services.start_visit(world.application, actor=world.juror, channel=VisitChannel.phone)


# ---- photos -------------------------------------------------------------------


def test_photo_loses_its_exif_and_gps(world):
    original = jpeg_with_gps()
    assert b"Telefon Testowy" in original
    clean = files.clean_photo(io.BytesIO(original), "zdjecie.jpg")
    visit = services.start_visit(
        world.application, actor=world.juror, channel=VisitChannel.in_person
    )
    services.save_visit(
        visit,
        actor=world.juror,
        version=visit.version,
        visited_at=None,
        notes="",
        answers={},
        photos=[clean],
    )
    stored = files.evidence_path(visit.photos[0].stored_name).read_bytes()
    assert b"Telefon Testowy" not in stored and b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as img:
        assert img.format == "JPEG" and img.size == (64, 48)
        assert not img.getexif() and "exif" not in img.info
    assert visit.photos[0].content_type == "image/jpeg"


def test_png_is_accepted_and_cleaned():
    clean = files.clean_photo(io.BytesIO(png_bytes()), "ekran.png")
    assert clean.content_type == "image/png" and clean.data.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"MZ\x90\x00 not a picture at all", "content"),
        (b"%PDF-1.4 a pdf named .jpg", "content"),
        (b"\xff\xd8\xff\xe0 broken jpeg", "broken"),
        (b"", "empty"),
    ],
)
def test_non_images_are_refused(data, reason):
    with pytest.raises(files.FileRefused) as exc:
        files.clean_photo(io.BytesIO(data), "zdjecie.jpg")
    assert exc.value.reason == reason


def test_decompression_bomb_is_refused():
    with pytest.raises(files.FileRefused) as exc:
        files.clean_photo(io.BytesIO(bomb_png()), "bomba.png")
    assert exc.value.reason == "bomb"
    with pytest.raises(files.FileRefused) as exc:
        files.clean_photo(io.BytesIO(bomb_png(8000, 8000)), "bomba.png")
    assert exc.value.reason == "bomb"


def test_too_large_photo_is_refused(monkeypatch):
    monkeypatch.setattr(files, "MAX_PHOTO_BYTES", 100)
    with pytest.raises(files.FileRefused) as exc:
        files.clean_photo(io.BytesIO(jpeg_with_gps()), "duze.jpg")
    assert exc.value.reason == "too_large"


def test_at_most_ten_photos(world):
    visit = services.start_visit(
        world.application, actor=world.juror, channel=VisitChannel.in_person
    )
    photo = files.clean_photo(io.BytesIO(png_bytes()), "a.png")
    with pytest.raises(LaurelError, match="najwyżej 10"):
        services.save_visit(
            visit,
            actor=world.juror,
            version=visit.version,
            visited_at=None,
            notes="",
            answers={},
            photos=[photo] * 11,
        )


# ---- findings -----------------------------------------------------------------


def finding_data(**kw):
    kw.setdefault("source", "Gazeta Lokalna")
    kw.setdefault("found_on", dt.date(2026, 1, 5))
    kw.setdefault("finding", "Artykuł o długich kolejkach.")
    return findings.FindingData(**kw)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "ftp://example.org/x",
        "http://",
        "https://exa mple.org",
        "//example.org",
        "http://[::1",
    ],
)
def test_bad_urls_are_refused(world, url):
    with pytest.raises(LaurelError, match="adres strony"):
        findings.add_finding(world.application, actor=world.juror, data=finding_data(url=url))


def test_finding_with_https_url_criterion_and_attachment(world):
    attachment = files.clean_attachment(io.BytesIO(b"%PDF-1.7 ..."), "artykul.pdf")
    finding = findings.add_finding(
        world.application,
        actor=world.juror,
        data=finding_data(
            url="https://gazeta.example.pl/a?b=1",
            criterion_id=world.stage2.id,
            effect=FindingEffect.negative,
        ),
        attachment=attachment,
    )
    assert finding.attachment_type == "application/pdf"
    assert files.evidence_path(finding.attachment_stored_name).is_file()
    assert finding.attachment_stored_name != "artykul.pdf"
    assert "finding.added" in actions()


def test_finding_rules(world, make):
    tomorrow = findings.today() + dt.timedelta(days=1)
    with pytest.raises(LaurelError, match="przyszłości"):
        findings.add_finding(
            world.application, actor=world.juror, data=finding_data(found_on=tomorrow)
        )
    with pytest.raises(LaurelError):
        findings.add_finding(
            world.application, actor=world.juror, data=finding_data(criterion_id=world.stage1.id)
        )
    for user in (world.other_juror, world.conflicted, world.office_user):
        with pytest.raises(LaurelError):
            findings.add_finding(world.application, actor=user, data=finding_data())


def test_only_author_or_organizer_edits_a_finding_during_stage2(world, make):
    finding = findings.add_finding(world.application, actor=world.juror, data=finding_data())
    second = make.juror(edition=world.edition)
    make.assignment(application=world.application, juror=second, stage=2)
    assert finding.can_edit(world.juror) and finding.can_edit(world.organizer)
    assert not finding.can_edit(second)
    with pytest.raises(LaurelError):
        findings.delete_finding(finding, actor=second)
    world.edition.status = EditionStatus.chapter
    assert not finding.can_edit(world.juror) and finding.can_view(world.juror)


def test_attachment_name_must_agree_with_content():
    with pytest.raises(files.FileRefused):
        files.clean_attachment(io.BytesIO(b"%PDF-1.7"), "skan.png")
    with pytest.raises(files.FileRefused):
        files.clean_attachment(io.BytesIO(b"MZ..."), "program.exe")


# ---- the stage-2 sheet's read -------------------------------------------------


def test_stage2_evidence_shows_submitted_visits_with_answers(world, make):
    make.visit(
        application=world.application,
        visitor=world.juror,
        answers={
            world.items.yes_no: True,
            world.items.scale: 4,
            world.items.minutes: 12,
            world.items.text: "Uprzejmie",
        },
    )
    make.visit(application=world.application, status=VisitStatus.draft)
    make.finding(application=world.application, criterion=world.stage2)
    ev = services.stage2_evidence(world.application)
    assert len(ev.visits) == 1 and len(ev.findings) == 1
    shown = {line.item.id: line.display for line in ev.visits[0].lines}
    assert shown == {
        world.items.yes_no.id: "Tak",
        world.items.scale.id: "4 / 5",
        world.items.minutes.id: "12 min",
        world.items.text.id: "Uprzejmie",
    }


def count_queries(fn):
    seen = []

    def before(conn, cursor, statement, *args):
        seen.append(statement)

    engine = _db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        result = fn()
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
    return result, len(seen)


def test_stage2_evidence_query_count_does_not_grow(world, make):
    def build(n):
        application = make.application(edition=world.edition, status=ApplicationStatus.qualified)
        for i in range(n):
            make.visit(
                application=application,
                visitor=world.juror,
                channel=VisitChannel.in_person if i % 2 else VisitChannel.phone,
                answers={world.items.yes_no: True, world.items.scale: 3},
            )
            make.finding(application=application, author=world.juror, criterion=world.stage2)
        _db.session.commit()
        _db.session.expire_all()
        return _db.session.get(type(application), application.id)

    one, five = build(1), build(5)
    _db.session.expire_all()
    ev1, q1 = count_queries(lambda: services.stage2_evidence(one))
    _db.session.expire_all()
    ev5, q5 = count_queries(lambda: services.stage2_evidence(five))
    assert len(ev1.visits) == 1 and len(ev5.visits) == 5 and len(ev5.findings) == 5
    assert q1 == q5
