"""Special awards per edition: defined by organizers until the results are
published; one that was given cannot be deleted."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.awards import chapter as decisions
from app.awards import services
from app.awards.models import SpecialAward
from app.editions import services as editions
from app.editions.models import EditionStatus
from app.errors import LaurelError

Data = services.SpecialAwardData


@pytest.mark.usefixtures("english_request_ctx")
class TestServices:
    def test_create_update_delete_are_audited(self, make, db):
        edition = make.edition()
        organizer = make.organizer()
        special = services.create_special_award(
            edition,
            actor=organizer,
            data=Data(name="  Urząd innowacyjny ", description="Statuetka", position=2),
        )
        assert (special.name, special.description, special.position) == (
            "Urząd innowacyjny",
            "Statuetka",
            2,
        )
        services.update_special_award(
            special, actor=organizer, data=Data(name="Urząd cyfrowy", position=1)
        )
        assert special.name == "Urząd cyfrowy" and special.description == ""
        services.delete_special_award(special, actor=organizer)
        assert db.session.scalar(sa.select(sa.func.count(SpecialAward.id))) == 0
        actions = db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.action.like("special_award.%"))
            .order_by(AuditEvent.id)
        ).all()
        assert actions == [
            "special_award.create",
            "special_award.update",
            "special_award.delete",
        ]
        update = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "special_award.update")
        )
        assert update.before["name"] == "Urząd innowacyjny"
        assert update.after["name"] == "Urząd cyfrowy"

    def test_names_are_required_and_unique_per_edition(self, make):
        edition, other = make.edition(), make.edition()
        organizer = make.organizer()
        services.create_special_award(edition, actor=organizer, data=Data(name="Statuetka"))
        with pytest.raises(LaurelError, match="already has a special award named “Statuetka”"):
            services.create_special_award(edition, actor=organizer, data=Data(name="Statuetka"))
        with pytest.raises(LaurelError, match="name"):
            services.create_special_award(edition, actor=organizer, data=Data(name="  "))
        services.create_special_award(other, actor=organizer, data=Data(name="Statuetka"))

    def test_an_awarded_special_award_cannot_be_deleted(self, chapter, db):
        special = chapter.specials[0]
        decisions.record_special_award(
            chapter.edition,
            chapter.entries["Urząd Gamma"],
            special,
            actor=chapter.organizer,
            justification="Najlepsza strona internetowa",
        )
        with pytest.raises(LaurelError, match="given to 1 entry. Withdraw that award first"):
            services.delete_special_award(special, actor=chapter.organizer)
        # Renaming it is still allowed before publication.
        services.update_special_award(
            special, actor=chapter.organizer, data=Data(name="Urząd cyfrowy")
        )
        assert services.times_awarded(chapter.edition) == {special.id: 1}

    def test_fixed_once_results_are_published(self, make, db):
        edition = make.edition(status=EditionStatus.results_published)
        organizer = make.organizer()
        with pytest.raises(LaurelError, match="results are published"):
            services.create_special_award(edition, actor=organizer, data=Data(name="Za późno"))

    def test_only_organizers(self, make):
        edition = make.edition()
        with pytest.raises(LaurelError):
            services.create_special_award(edition, actor=make.juror(), data=Data(name="X"))

    def test_copied_with_the_edition(self, make, db):
        edition = make.edition()
        organizer = make.organizer()
        services.create_special_award(
            edition, actor=organizer, data=Data(name="Urząd innowacyjny", position=3)
        )
        copy = editions.copy_edition(
            edition, actor=organizer, name="Kopia", slug="kopia-2027", year=2027
        )
        [special] = services.special_awards(copy)
        assert (special.name, special.position) == ("Urząd innowacyjny", 3)


def test_pages_create_edit_and_refuse_to_delete_an_awarded_one(client, login_as, chapter, db):
    login_as(chapter.organizer)
    base = f"/organizer/editions/{chapter.edition.id}/special-awards"
    page = client.get(base).text
    assert "Urząd innowacyjny" in page and "Dodaj nagrodę specjalną" in page
    response = client.post(base, data={"name": "Urząd przyjazny seniorom", "position": "2"})
    assert response.status_code == 302
    response = client.post(base, data={"name": "Urząd przyjazny seniorom", "position": "3"})
    assert response.status_code == 200
    assert "Ta edycja ma już nagrodę specjalną o nazwie „Urząd przyjazny seniorom”." in (
        response.text
    )
    special = chapter.specials[0]
    response = client.post(
        f"{base}/{special.id}/edit",
        data={"name": "Urząd cyfrowy", "description": "Statuetka", "position": "0"},
    )
    assert response.status_code == 302
    db.session.refresh(special)
    assert special.name == "Urząd cyfrowy"
    response = client.post(f"{base}/{special.id}/edit", data={"name": "", "position": "x"})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.text
    decisions_url = (
        f"/organizer/editions/{chapter.edition.id}/chapter/categories/{chapter.category.id}/special"
    )
    client.post(
        decisions_url,
        data={
            "special-application_id": chapter.entries["Urząd Beta"].id,
            "special-special_award_id": special.id,
            "special-justification": "E-doręczenia",
        },
    )
    page = client.post(f"{base}/{special.id}/delete", follow_redirects=True).text
    assert "Nie można usunąć nagrody specjalnej „Urząd cyfrowy”" in page
    assert db.session.get(SpecialAward, special.id) is not None
    english = client.get(base + "?lang=en").text
    assert "Special awards of this edition" in english and "1 entry" in english


def test_demo_editions_define_special_awards(db):
    from app.demo import seed_demo
    from app.editions.models import Edition

    seed_demo()
    seed_demo()  # still idempotent
    for edition in db.session.scalars(sa.select(Edition)):
        assert [s.name for s in services.special_awards(edition)] == [
            "Innowacyjny urząd",
            "Urząd przyjazny seniorom",
        ]
