"""`flask ranking EDITION_SLUG`: the ranking as CSV on stdout."""

from __future__ import annotations

from app.editions.models import EditionStatus
from app.offices.models import ApplicationStatus


def test_ranking_command_prints_csv(app, db, make):
    edition = make.edition(status=EditionStatus.stage1, areas=0, slug="pu-2026")
    area = make.area(edition=edition)
    criterion = make.criterion(area=area, stage=1, max_score=10)
    juror = make.juror()
    for name, value in [("Urząd Gminy Alfa", 7), ('=HYPERLINK("x")', 7), ("Urząd Beta", 9)]:
        entry = make.application(
            edition=edition, office=make.office(name=name), status=ApplicationStatus.submitted
        )
        make.sheet(application=entry, juror=juror, values={criterion: value})
    make.application(edition=edition, status=ApplicationStatus.submitted)  # not scored
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["ranking", "pu-2026", "--stage", "1", "--raw"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "category,position,office,score,tied",
        "Kategoria 1,1,Urząd Beta,90.00,no",
        # A cell that a spreadsheet would run as a formula is written as text.
        'Kategoria 1,2,"\'=HYPERLINK(""x"")",70.00,yes',
        "Kategoria 1,2,Urząd Gminy Alfa,70.00,yes",
    ]


def test_ranking_command_defaults_and_normalised(app, db, make):
    edition = make.edition(status=EditionStatus.stage1, slug="pu-2027")
    db.session.commit()
    runner = app.test_cli_runner()
    for args in (["ranking", "pu-2027"], ["ranking", "pu-2027", "--normalised"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        assert result.output == "category,position,office,score,tied\n"
    assert edition.slug == "pu-2027"


def test_ranking_command_refuses_an_unknown_edition(app, db):
    result = app.test_cli_runner().invoke(args=["ranking", "no-such-edition"])
    assert result.exit_code == 1
    assert "no-such-edition" in result.output
