"""The consensus pages: who may use each route, the flow through the forms,
bad input, and a constant number of queries on the review page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.jury.consensus import services
from app.jury.consensus.models import Consensus, ConsensusStatus
from app.jury.models import ConflictOfInterest
from tests.consensus.conftest import all_submitted, draft


@pytest.fixture
def review(team, db, make):
    """The team's entry with its review open (lead: Anna), version 1 drafted;
    Celina declared a conflict with the office after submitting."""
    consensus = all_submitted(team)
    assert consensus.lead_id == team.jurors[0].id
    draft(consensus, team)
    db.session.add(
        ConflictOfInterest(
            edition_id=team.edition.id,
            juror_id=team.jurors[2].id,
            office_id=team.entry.office_id,
            reason="Rodzina",
        )
    )
    team.consensus = consensus
    team.office_user = make.office_user(office=team.entry.office)
    db.session.commit()
    return team


def _users(team):
    return {
        "lead": team.jurors[0],
        "other": team.jurors[1],
        "conflicted": team.jurors[2],
        "outsider": team.outsider,
        "office": team.office_user,
        "organizer": team.organizer,
    }


def _draft_form(team, based_on=1, c10="8", c20="15"):
    return {
        "based_on": str(based_on),
        f"value-{team.c10.id}": c10,
        f"strengths-{team.c10.id}": "Karta usług aktualna.",
        f"improvements-{team.c10.id}": "",
        f"value-{team.c20.id}": c20,
        f"strengths-{team.c20.id}": "Krótkie kolejki.",
        f"improvements-{team.c20.id}": "Brak badania.",
        "issue-0": "Czas oczekiwania",
        "note": "Po uwagach",
    }


ROUTES = {
    "page": ("GET", "/consensus/{cid}", None),
    "draft": ("POST", "/consensus/{cid}/draft", "draft"),
    "respond": ("POST", "/consensus/{cid}/respond", {"decision": "agree", "comment": ""}),
    "edition": ("GET", "/organizer/editions/{eid}/consensus", None),
    "lead": ("POST", "/organizer/consensus/{cid}/lead", "lead"),
    "close": ("POST", "/organizer/consensus/{cid}/close", {"reason": "Termin kapituły."}),
}
OK = {
    "page": {"lead", "other", "organizer"},
    "draft": {"lead"},
    "respond": {"other"},
    "edition": {"organizer"},
    "lead": {"organizer"},
    "close": {"organizer"},
}
MATRIX = [
    (route, role, 403 if role not in OK[route] else (200 if ROUTES[route][0] == "GET" else 302))
    for route in ROUTES
    for role in ("lead", "other", "conflicted", "outsider", "office", "organizer")
]


@pytest.mark.parametrize(("route", "role", "status"), MATRIX)
def test_permission_matrix(review, client, auth, route, role, status):
    method, url, data = ROUTES[route]
    url = url.format(cid=review.consensus.id, eid=review.edition.id)
    if data == "draft":
        data = _draft_form(review)
    elif data == "lead":
        data = {"lead": str(review.jurors[1].id)}
    auth.login(_users(review)[role])
    response = client.open(url, method=method, data=data)
    assert response.status_code == status


@pytest.mark.parametrize("route", ["page", "draft", "respond", "edition", "lead", "close"])
def test_anonymous_goes_to_login(review, client, route):
    method, url, data = ROUTES[route]
    response = client.open(
        url.format(cid=review.consensus.id, eid=review.edition.id), method=method, data={}
    )
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_unknown_review_is_404(review, client, auth):
    auth.login(review.organizer)
    assert client.get("/consensus/99999").status_code == 404
    assert (
        client.get(f"/organizer/editions/{review.edition.id}/consensus?stage=3").status_code == 404
    )
    assert (
        client.get(f"/organizer/editions/{review.edition.id}/consensus?state=nope").status_code
        == 404
    )


def test_lead_page_shows_sheets_side_by_side_and_a_prefilled_form(review, client, auth):
    auth.login(review.jurors[0])
    html = client.get(f"/consensus/{review.consensus.id}").get_data(as_text=True)
    for name in ("Anna Adamska", "Bogdan Borowski", "Celina Cichy"):
        assert name in html
    assert "Aktualna karta usług." in html  # a juror's strengths
    # The form holds version 1 as saved.
    assert f'name="value-{review.c10.id}" value="7"' in html
    assert 'name="based_on" type="hidden" value="1"' in html


def test_the_lead_revises_and_a_bad_value_loses_nothing(review, client, auth, db):
    auth.login(review.jurors[0])
    cid = review.consensus.id
    response = client.post(f"/consensus/{cid}/draft", data=_draft_form(review, c10="11"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="11"' in html and "Po uwagach" in html
    response = client.post(f"/consensus/{cid}/draft", data=_draft_form(review))
    assert response.status_code == 302
    db.session.expire_all()
    assert len(db.session.get(Consensus, cid).versions) == 2
    # A form built from version 1 is now stale.
    response = client.post(
        f"/consensus/{cid}/draft", data=_draft_form(review), follow_redirects=True
    )
    assert "nowszą wersję" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(Consensus, cid).versions) == 2


def test_an_objection_needs_a_comment_then_agreement_makes_it_final(review, client, auth, db):
    auth.login(review.jurors[1])
    cid = review.consensus.id
    response = client.post(f"/consensus/{cid}/respond", data={"decision": "object", "comment": ""})
    assert response.status_code == 422
    response = client.post(f"/consensus/{cid}/respond", data={"decision": "maybe"})
    assert response.status_code == 422
    response = client.post(
        f"/consensus/{cid}/respond", data={"decision": "object", "comment": "Za wysoko."}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Consensus, cid).status is ConsensusStatus.open
    client.post(f"/consensus/{cid}/respond", data={"decision": "agree", "comment": ""})
    db.session.expire_all()
    # Celina is conflicted and not asked: Bogdan's agreement is everyone's.
    assert db.session.get(Consensus, cid).status is ConsensusStatus.final


def test_organizer_sets_the_lead_and_closes(review, client, auth, db):
    auth.login(review.organizer)
    cid = review.consensus.id
    response = client.post(
        f"/organizer/consensus/{cid}/lead", data={"lead": str(review.jurors[2].id)}
    )
    db.session.expire_all()
    assert db.session.get(Consensus, cid).lead_id == review.jurors[0].id  # conflicted refused
    client.post(f"/organizer/consensus/{cid}/lead", data={"lead": str(review.jurors[1].id)})
    db.session.expire_all()
    assert db.session.get(Consensus, cid).lead_id == review.jurors[1].id
    response = client.post(f"/organizer/consensus/{cid}/close", data={"reason": ""})
    db.session.expire_all()
    assert db.session.get(Consensus, cid).status is ConsensusStatus.open
    response = client.post(f"/organizer/consensus/{cid}/close", data={"reason": "Termin."})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Consensus, cid).status is ConsensusStatus.closed


def test_organizer_list_by_state(review, client, auth, db):
    auth.login(review.organizer)
    url = f"/organizer/editions/{review.edition.id}/consensus?stage=1"
    html = client.get(url).get_data(as_text=True)
    assert review.entry.office.name in html and review.other_entry.office.name in html
    html = client.get(url + "&state=waiting").get_data(as_text=True)
    assert review.other_entry.office.name in html and review.entry.office.name not in html
    # An objection three days old makes it stuck.
    import datetime as dt

    consensus = services.load(review.consensus.id)
    response = services.respond(
        consensus, actor=review.jurors[1], agree=False, comment="Za wysoko."
    )
    response.created_at -= dt.timedelta(days=4)
    db.session.commit()
    html = client.get(url + "&state=stuck").get_data(as_text=True)
    assert review.entry.office.name in html


def test_my_entries_shows_consensus_progress(review, client, auth):
    auth.login(review.jurors[1])
    html = client.get(f"/jury/editions/{review.edition.id}/entries?stage=1").get_data(as_text=True)
    assert f"/consensus/{review.consensus.id}" in html


def test_review_page_queries_do_not_grow_with_versions(review, client, auth, db):
    from types import SimpleNamespace

    from app.accounts.models import User
    from app.editions.models import Criterion
    from tests.jury.test_query_counts import QueryCounter

    cid, c10, c20 = review.consensus.id, review.c10.id, review.c20.id
    lead, other = review.jurors[0].id, review.jurors[1].id
    auth.login(review.jurors[1])

    def count():
        db.session.commit()
        db.session.expunge_all()
        counter = QueryCounter()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        try:
            assert client.get(f"/consensus/{cid}").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter)
        return counter.count

    before = count()
    consensus = services.load(cid)
    team = SimpleNamespace(c10=db.session.get(Criterion, c10), c20=db.session.get(Criterion, c20))
    for n in range(3):
        draft(
            consensus,
            team,
            actor=db.session.get(User, lead),
            values={team.c10: str(n + 3), team.c20: "10"},
        )
        services.respond(consensus, actor=db.session.get(User, other), agree=False, comment="Nie")
    assert count() == before
    # user; the review with its entry, edition, office, category and lead;
    # may_work; assignments, jurors, sheets, scores, site-visit issues;
    # versions with authors, their scores, issues, answers with jurors; criteria
    assert before == 12, before
