"""The ranking service on a real database, with hand-computed expected values."""

from __future__ import annotations

import math

import pytest
import sqlalchemy as sa

from app.editions.models import EditionStatus, ScoreMode
from app.jury.models import SheetStatus
from app.jury.visits.models import ChecklistItemKind, VisitStatus
from app.offices.models import ApplicationStatus
from app.results.ranking import rank


@pytest.fixture
def contest(make):
    """An edition in stage 2 with one 0..100 criterion per stage (so a sheet
    score is the value itself) and a helper to add scored entries."""

    class Contest:
        edition = make.edition(status=EditionStatus.stage2, areas=0)
        area = make.area(edition=edition)
        c1 = make.criterion(area=area, stage=1, max_score=100)
        c2 = make.criterion(area=area, stage=2, max_score=100)

        def entry(self, name, category=None):
            return make.application(
                edition=self.edition,
                office=make.office(name=name),
                category=category,
                status=ApplicationStatus.qualified,
            )

        def score(self, application, juror, value, *, stage=1, status=SheetStatus.submitted):
            criterion = self.c1 if stage == 1 else self.c2
            make.sheet(
                application=application,
                juror=juror,
                stage=stage,
                status=status,
                values={criterion: value},
            )

    return Contest()


def by_office(ranking):
    return {row.office: row for row in ranking.rows}


def test_sheet_scores_with_weights_and_maxima_and_their_mean(make):
    edition = make.edition(status=EditionStatus.stage1, areas=0)
    area = make.area(edition=edition)
    small = make.criterion(area=area, stage=1, max_score=10, weight=1)
    large = make.criterion(area=area, stage=1, max_score=20, weight=2, step=0.5)
    entry = make.application(edition=edition, status=ApplicationStatus.submitted)
    # (8·1 + 10·2) / (10·1 + 20·2) = 56 %; (10·1 + 12.5·2) / 50 = 70 %.
    make.sheet(application=entry, juror=make.juror(), values={small: 8, large: 10})
    make.sheet(application=entry, juror=make.juror(), values={small: 10, large: 12.5})
    # A draft never counts.
    make.sheet(application=entry, juror=make.juror(), status=SheetStatus.draft, fill=0)

    row = rank(edition, stage=1, mode="raw").rows[0]

    assert row.stage1_raw == pytest.approx(63.0)
    assert row.score == pytest.approx(63.0)
    assert (row.position, row.tied) == (1, False)


def test_stage_weights_make_the_final_score(contest, make):
    juror = make.juror()
    entry = contest.entry("Urząd A")
    contest.score(entry, juror, 50, stage=1)
    contest.score(entry, juror, 80, stage=2)
    only_stage1 = contest.entry("Urząd B")
    contest.score(only_stage1, juror, 99, stage=1)

    rows = by_office(rank(contest.edition, stage="final", mode="raw"))

    assert rows["Urząd A"].final_raw == pytest.approx(0.4 * 50 + 0.6 * 80)  # 68
    assert rows["Urząd A"].position == 1
    # No stage-2 result: no final score, not ranked in "final"; ranked in stage 1.
    assert rows["Urząd B"].final_raw is None and rows["Urząd B"].position is None
    assert by_office(rank(contest.edition, stage=1, mode="raw"))["Urząd B"].position == 1


def test_a_harsh_juror_changes_the_laureate_unless_normalised(contest, make):
    harsh, fair = make.juror(full_name="Surowa"), make.juror(full_name="Łagodny")
    a, b, c, d = (contest.entry(f"Urząd {x}") for x in "ABCD")
    for entry, value in [(a, 60), (c, 40), (d, 20)]:
        contest.score(entry, harsh, value)
    for entry, value in [(b, 75), (c, 70), (d, 50)]:
        contest.score(entry, fair, value)

    raw = by_office(rank(contest.edition, stage=1, mode="raw"))
    normalised = by_office(rank(contest.edition, stage=1, mode="normalised"))

    assert [raw[f"Urząd {x}"].position for x in "BACD"] == [1, 2, 3, 4]
    assert [normalised[f"Urząd {x}"].position for x in "ABCD"] == [1, 2, 3, 4]
    # Stage: mean 52.5, population SD sqrt(2087.5/6); the harsh juror's 60 is
    # 20 / sqrt(800/3) of their SDs above their mean of 40.
    stage_sd = math.sqrt(2087.5 / 6)
    assert normalised["Urząd A"].score == pytest.approx(52.5 + stage_sd * 20 / math.sqrt(800 / 3))
    assert normalised["Urząd A"].stage1_raw == pytest.approx(60)
    assert normalised["Urząd B"].score == pytest.approx(52.5 + stage_sd * 10 / math.sqrt(350 / 3))
    # The edition's own mode (normalised by default) is used when none is given.
    assert rank(contest.edition, stage=1).mode is ScoreMode.normalised


def test_jurors_not_normalised_are_reported_and_pass_through(contest, make):
    flat, brief, fair = (make.juror(full_name=n) for n in ("Płaski", "Krótki", "Zwykły"))
    entries = [contest.entry(f"Urząd {x}") for x in "ABCD"]
    for entry in entries[:3]:
        contest.score(entry, flat, 50, stage=2)
    contest.score(entries[0], brief, 90, stage=2)
    contest.score(entries[3], brief, 10, stage=2)
    for entry, value in zip(entries[:3], (80, 60, 40), strict=True):
        contest.score(entry, fair, value, stage=2)

    ranking = rank(contest.edition, stage=2, mode="normalised")

    assert {(n.name, n.stage, n.sheets, n.reason) for n in ranking.not_normalised} == {
        ("Płaski", 2, 3, "no_spread"),
        ("Krótki", 2, 2, "too_few_sheets"),
    }
    # Entry D was scored only by the juror with two sheets: raw passes through.
    d = by_office(ranking)["Urząd D"]
    assert d.stage2_normalised == d.stage2_raw == pytest.approx(10)


def test_missing_sheets(contest, make):
    juror = make.juror()
    scored, drafted, untouched = (contest.entry(f"Urząd {x}") for x in "ABC")
    contest.score(scored, juror, 40)
    contest.score(drafted, juror, 100, status=SheetStatus.draft)
    make.application(edition=contest.edition)  # a draft application is not an entry

    ranking = rank(contest.edition, stage=1, mode="raw")
    rows = by_office(ranking)

    assert len(ranking.rows) == 3
    assert rows["Urząd A"].position == 1
    assert rows["Urząd B"].stage1_raw is None and rows["Urząd B"].position is None
    assert rows["Urząd C"].position is None
    assert [r.office for r in ranking.ranked] == ["Urząd A"]


def _checklist(make, edition):
    return {
        "yes": make.checklist_item(edition=edition, kind=ChecklistItemKind.yes_no),
        "scale": make.checklist_item(edition=edition, kind=ChecklistItemKind.scale, scale_max=5),
        "ten": make.checklist_item(edition=edition, kind=ChecklistItemKind.scale, scale_max=10),
        "minutes": make.checklist_item(edition=edition, kind=ChecklistItemKind.minutes),
        "text": make.checklist_item(edition=edition, kind=ChecklistItemKind.text),
    }


def test_checklist_result(contest, make):
    items = _checklist(make, contest.edition)
    entry = contest.entry("Urząd A")
    make.visit(
        application=entry,
        answers={items["yes"]: True, items["scale"]: 4, items["minutes"]: 12, items["text"]: "ok"},
    )
    make.visit(application=entry, answers={items["yes"]: False, items["scale"]: 3})
    make.visit(
        application=entry,
        status=VisitStatus.draft,
        answers={items["yes"]: True, items["scale"]: 5},
    )
    contest.entry("Urząd B")  # no visit

    rows = by_office(rank(contest.edition, stage=2))

    # (1 + 0 + 4 + 3) / (1 + 1 + 5 + 5): the draft visit, minutes and text do not count.
    assert rows["Urząd A"].checklist == pytest.approx(100 * 8 / 12)
    assert rows["Urząd B"].checklist is None


def test_the_whole_tie_break_chain_and_a_tie_that_stays(contest, make):
    items = _checklist(make, contest.edition)
    juror1, juror2 = make.juror(), make.juror()
    # office: (stage-2 score, checklist 0..10 -> percent, stage-1 score)
    plan = {
        "U": (90, 5, 10),
        "R": (70, 9, 10),
        "P": (70, 8, 60),
        "Q": (70, 8, 50),
        "S": (70, 8, 50),
        "T": (60, 10, 99),
    }
    for name, (stage2, checklist, stage1) in plan.items():
        entry = contest.entry(f"Urząd {name}")
        contest.score(entry, juror1, stage1, stage=1)
        contest.score(entry, juror2, stage2, stage=2)
        make.visit(application=entry, answers={items["ten"]: checklist})

    ranking = rank(contest.edition, stage=2, mode="raw")
    rows = by_office(ranking)

    assert ranking.tie_keys == ("checklist", "stage1")
    got = {name: (rows[f"Urząd {name}"].position, rows[f"Urząd {name}"].tied) for name in plan}
    assert got == {
        "U": (1, False),
        "R": (2, False),  # the checklist decides
        "P": (3, False),  # then the stage-1 score
        "Q": (4, True),  # equal on everything: tied, same position
        "S": (4, True),
        "T": (6, False),  # the next position skips
    }
    assert rows["Urząd R"].decided_by == "checklist"
    assert rows["Urząd P"].decided_by == "stage1"

    # In the final ranking the stage-2 score breaks a tie of final scores:
    # X 0.4·50 + 0.6·50 = 50 = Y 0.4·80 + 0.6·30.
    x, y = contest.entry("Urząd X"), contest.entry("Urząd Y")
    for entry, (s1, s2) in ((x, (50, 50)), (y, (80, 30))):
        contest.score(entry, juror1, s1, stage=1)
        contest.score(entry, juror2, s2, stage=2)
    final = by_office(rank(contest.edition, stage="final", mode="raw"))
    assert final["Urząd X"].final_raw == pytest.approx(final["Urząd Y"].final_raw)
    assert final["Urząd X"].position + 1 == final["Urząd Y"].position
    assert final["Urząd X"].decided_by == "stage2"


def test_stage1_ties_are_not_broken_by_stage2_evidence(contest, make):
    juror = make.juror()
    a, b = contest.entry("Urząd A"), contest.entry("Urząd B")
    for entry, s2 in ((a, 10), (b, 90)):
        contest.score(entry, juror, 50, stage=1)
        contest.score(entry, juror, s2, stage=2)
    rows = by_office(rank(contest.edition, stage=1, mode="raw"))
    assert (rows["Urząd A"].position, rows["Urząd A"].tied) == (1, True)
    assert (rows["Urząd B"].position, rows["Urząd B"].tied) == (1, True)


def test_positions_are_counted_per_category(contest, make):
    other = make.category(edition=contest.edition, name="Powiaty")
    juror = make.juror()
    contest.score(contest.entry("Urząd A"), juror, 40)
    contest.score(contest.entry("Urząd B", category=other), juror, 30)
    ranking = rank(contest.edition, stage=1, mode="raw")
    assert [(r.category, r.position) for r in ranking.rows] == [
        ("Kategoria 1", 1),
        ("Powiaty", 1),
    ]


def test_unknown_stage_is_refused(contest):
    with pytest.raises(ValueError):
        rank(contest.edition, stage=3)


@pytest.mark.parametrize("entries", [2, 8])
def test_rank_runs_a_fixed_number_of_queries(db, contest, make, entries):
    items = _checklist(make, contest.edition)
    jurors = [make.juror() for _ in range(3)]
    for n in range(entries):
        entry = contest.entry(f"Urząd {n}")
        for j, juror in enumerate(jurors[: 1 + n % 3]):
            contest.score(entry, juror, 10 * n + j, stage=1)
            contest.score(entry, juror, 5 * n + j, stage=2)
        make.visit(application=entry, answers={items["yes"]: True, items["scale"]: 3})
    db.session.commit()
    edition = contest.edition
    db.session.refresh(edition)  # loaded, as a page would have it before ranking
    statements = []

    def count(*args):
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        ranking = rank(edition, stage="final")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)

    assert len(ranking.ranked) == entries
    # entries, sheet sums, checklist tallies, names of the jurors left raw
    # (the ones with fewer than 3 sheets)
    assert len(statements) == 4, statements


def test_an_unflushed_change_counts(contest, make, db):
    juror = make.juror()
    entry = contest.entry("Urząd A")
    contest.score(entry, juror, 40)
    sheet = entry.assignments[0].sheet
    sheet.status = SheetStatus.draft  # reopened earlier in the same request, not flushed yet
    assert rank(contest.edition, stage=1).ranked == []


def test_the_garbage_collector_is_back_on_after_a_ranking_even_a_failed_one(contest):
    import gc

    assert gc.isenabled()
    rank(contest.edition, stage="final")
    assert gc.isenabled()
    with pytest.raises(ValueError):
        rank(contest.edition, stage=3)
    assert gc.isenabled()
    contest.edition.score_mode = ScoreMode.raw
    with pytest.raises(ValueError):
        rank(contest.edition, stage="final", mode="bogus")
    assert gc.isenabled()
