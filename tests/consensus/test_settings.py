"""The edition's consensus settings: on the settings form, copied with the
edition, fixed once stage 2 has closed; the ranking page shows both scores."""

from __future__ import annotations

import pytest

from app.editions import services as editions
from app.editions.models import ConsensusScoring, EditionStatus
from app.errors import LaurelError
from tests.consensus.conftest import all_submitted, draft


def test_settings_form_saves_consensus_settings(client, login_as, make, db):
    organizer = login_as("organizer")
    edition = make.edition(status=EditionStatus.stage1)
    db.session.commit()
    page = client.get(f"/organizer/editions/{edition.id}/settings").get_data(as_text=True)
    assert 'name="consensus_stage1"' in page and 'name="consensus_scoring"' in page
    data = {
        name: value
        for name, value in {
            "name": edition.name,
            "slug": edition.slug,
            "year": edition.year,
            "jurors_per_application": 3,
            "score_mode": "normalised",
            "stage1_weight": "40",
            "stage2_weight": "60",
            "tie_rule": edition.tie_rule,
            "qualification_mode": "top_k",
            "qualification_value": "10",
            "consensus_stage2": "y",
            "consensus_scoring": "mean",
        }.items()
    }
    response = client.post(f"/organizer/editions/{edition.id}/settings", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert edition.consensus_stage2 and not edition.consensus_stage1
    assert edition.consensus_scoring is ConsensusScoring.mean
    assert organizer


def test_consensus_settings_are_fixed_after_stage2(make, db, english_request_ctx):
    organizer = make.organizer()
    edition = make.edition(status=EditionStatus.chapter)
    with pytest.raises(LaurelError, match="cannot change"):
        editions.update_edition(edition, actor=organizer, data={"consensus_stage1": True})
    with pytest.raises(LaurelError, match="cannot change"):
        editions.update_edition(
            edition, actor=organizer, data={"consensus_scoring": ConsensusScoring.mean}
        )
    edition.status = EditionStatus.stage2
    editions.update_edition(edition, actor=organizer, data={"consensus_stage1": True})
    assert edition.consensus_stage1


def test_ranking_page_shows_consensus_and_mean(team, db, client, auth):
    consensus = all_submitted(team)
    draft(consensus, team, values={team.c10: "9", team.c20: "18"})
    db.session.commit()
    auth.login(team.organizer)
    html = client.get(f"/organizer/editions/{team.edition.id}/ranking?stage=1&mode=raw").get_data(
        as_text=True
    )
    assert "Etap I – konsensus" in html and "jeszcze nieostateczny" in html
    for juror in team.jurors:
        if juror.id != consensus.lead_id:
            from app.jury.consensus import services

            services.respond(consensus, actor=juror, agree=True)
    db.session.commit()
    html = client.get(f"/organizer/editions/{team.edition.id}/ranking?stage=1&mode=raw").get_data(
        as_text=True
    )
    assert "90.00" in html and "jeszcze nieostateczny" not in html
    # An edition without consensus keeps its columns as they were.
    team.edition.consensus_stage1 = False
    db.session.commit()
    html = client.get(f"/organizer/editions/{team.edition.id}/ranking?stage=1").get_data(
        as_text=True
    )
    assert "konsensus" not in html
