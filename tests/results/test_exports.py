"""Exports of an edition's results: the ranking, every score and the chapter's
decisions, as CSV and XLSX; formula escaping, permissions, audit, streaming."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tracemalloc

import openpyxl
import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.awards.models import Award, AwardKind, SpecialAward, WithheldAward
from app.editions.models import EditionStatus
from app.jury.models import Assignment, Score, ScoreSheet, SheetStatus
from app.offices.models import Application, ApplicationStatus
from app.results import exports, snapshot
from app.results.ranking import rank

HYPERLINK = '=HYPERLINK("http://zly.example","klik")'
SUBMITTED = dt.datetime(2026, 5, 4, 10, 30)  # UTC; 12:30 in Warsaw (summer time)


@pytest.fixture
def contest(make, db):
    """An edition in the chapter phase, slug pu-2026, two categories. One
    area, c1 (stage 1, out of 10, weight 2) and c2 (stage 2, out of 20 by
    halves). Two jurors score three entries of category 1 in stage 1 and two
    of them in stage 2; one office is named like a formula and the comments
    start like formulas. A draft sheet and a draft entry must not show."""
    edition = make.edition(
        status=EditionStatus.chapter, categories=2, areas=0, slug="pu-2026", name="PU 2026"
    )
    edition.score_mode = edition.score_mode.raw
    area = make.area(edition=edition, name="Obsługa klienta")
    c1 = make.criterion(area=area, stage=1, max_score=10, weight=2, name="Karta usług")
    c2 = make.criterion(area=area, stage=2, max_score=20, step=0.5, name="Wizyta")
    jan = make.juror(edition=edition, full_name="Jan Sędzia")
    anna = make.juror(edition=edition, full_name="Anna Żółć")
    cat1, cat2 = edition.categories
    entries = {}
    for name, s1, s2 in (("Urząd Alfa", (8, 6), (15.5, 14)), (HYPERLINK, (9, 9), (10, 12))):
        entries[name] = make.application(
            edition=edition, office=make.office(name=name), status=ApplicationStatus.qualified
        )
        for juror, v1, v2 in zip((jan, anna), s1, s2, strict=True):
            sheet = make.sheet(
                application=entries[name], juror=juror, stage=1, submitted_at=SUBMITTED
            )
            make.score(
                sheet=sheet,
                criterion=c1,
                value=v1,
                strengths="-dobra karta" if juror is jan else "Jasne zasady",
                improvements="@SUM(A1)" if juror is jan else "",
            )
            sheet2 = make.sheet(
                application=entries[name],
                juror=juror,
                stage=2,
                status=SheetStatus.locked,
                submitted_at=SUBMITTED,
            )
            make.score(sheet=sheet2, criterion=c2, value=v2, strengths="+48 22 123\x0b45")
    gamma = make.application(
        edition=edition, office=make.office(name="Urząd Gamma"), status=ApplicationStatus.submitted
    )
    make.sheet(application=gamma, juror=jan, values={c1: 3}, submitted_at=SUBMITTED)
    make.sheet(application=gamma, juror=anna, values={c1: 0}, status=SheetStatus.draft)
    make.application(edition=edition, category=cat2)  # a draft entry: never exported
    entries["Urząd Gamma"] = gamma
    organizer = make.organizer(full_name="Ola Organizatorka")
    db.session.commit()
    return edition, entries, organizer, cat2


@pytest.fixture
def decided(contest, make, db):
    """The contest with its snapshot and the chapter's decisions."""
    edition, entries, organizer, cat2 = contest
    snap = snapshot.take(edition, actor=organizer)
    innovative = SpecialAward(edition=edition, name="Urząd innowacyjny")
    db.session.add(innovative)
    db.session.flush()
    alfa, formula, gamma = entries["Urząd Alfa"], entries[HYPERLINK], entries["Urząd Gamma"]
    common = {"edition_id": edition.id, "snapshot_id": snap.id}
    db.session.add_all(
        [
            Award(
                **common,
                category_id=alfa.category_id,
                application_id=alfa.id,
                kind=AwardKind.laureate,
                justification="=Najlepsza obsługa",
                departure_reason="Wizyta tajemniczego klienta",
            ),
            Award(
                **common,
                category_id=formula.category_id,
                application_id=formula.id,
                kind=AwardKind.distinction,
                justification="Rzetelna karta usług",
            ),
            Award(
                **common,
                application_id=gamma.id,
                kind=AwardKind.special,
                special_award_id=innovative.id,
                justification="E-usługi",
            ),
            WithheldAward(
                edition_id=edition.id, category_id=cat2.id, reason="Brak zgłoszeń na poziomie"
            ),
        ]
    )
    db.session.commit()
    return edition, entries, organizer, snap


def read_csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(data: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert len(workbook.worksheets) == 1
    return workbook.worksheets[0]


# ---------------------------------------------------------------- the ranking


def test_final_ranking_comes_from_the_snapshot(request_ctx, decided, db):
    edition, entries, _organizer, snap = decided
    # A change after the snapshot must not move the exported final ranking.
    gamma_sheet = entries["Urząd Gamma"].assignments[0].sheet
    gamma_sheet.scores[0].value = 10
    db.session.flush()
    table = exports.ranking_table(edition, stage="final")
    assert table.name == "ranking-pu-2026-final-snapshot-v1"
    assert table.details == {"stage": "final", "snapshot_version": 1}
    rows = read_csv(exports.csv_text(table))
    assert rows[0][:4] == ["Kategoria", "Pozycja", "Ex aequo", "Urząd"]
    assert len(rows[0]) == 11
    by_entry = {e.application_id: e for e in snapshot.entries(snap)}
    alfa = by_entry[entries["Urząd Alfa"].id]
    # Alfa: stage 1 (16+12)/2/20 -> 70; stage 2 (15.5+14)/2/20 -> 73.75;
    # final 0.4·70 + 0.6·73.75 = 72.25. The formula office: 90, 55, 69.
    assert rows[1] == [
        "Kategoria 1",
        "1",
        "nie",
        "Urząd Alfa",
        "70.00",
        f"{alfa.stage1_normalised:.2f}",
        "73.75",
        f"{alfa.stage2_normalised:.2f}",
        "",
        "72.25",
        f"{alfa.final_normalised:.2f}",
    ]
    assert rows[2][:5] == ["Kategoria 1", "2", "nie", "'" + HYPERLINK, "90.00"]
    assert rows[2][9] == "69.00"
    # Gamma has no stage 2: no final score, no position, still listed.
    assert rows[3][:5] == ["Kategoria 1", "", "", "Urząd Gamma", "30.00"]
    assert len(rows) == 4


def test_stage_rankings_and_final_without_snapshot_are_live(request_ctx, contest):
    edition, entries, _organizer, _cat2 = contest
    table = exports.ranking_table(edition, stage=1)
    assert table.name == "ranking-pu-2026-stage1-raw"
    rows = read_csv(exports.csv_text(table))[1:]
    live = rank(edition, stage=1)
    assert [(r[1], r[3].lstrip("'"), r[4]) for r in rows] == [
        (str(r.position), r.office, f"{r.stage1_raw:.2f}") for r in live.rows
    ]
    assert exports.ranking_table(edition, stage="final").name == "ranking-pu-2026-final-live-raw"
    assert exports.ranking_table(edition, stage=2).name == "ranking-pu-2026-stage2-raw"


def test_ranking_xlsx_keeps_numbers_and_text_apart(request_ctx, decided):
    edition, _entries, _organizer, snap = decided
    sheet = read_xlsx(exports.xlsx_bytes(exports.ranking_table(edition)))
    assert sheet.title == "Ranking"
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Kategoria", "Pozycja", "Ex aequo", "Urząd"]
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["D"].width == 40
    alfa_row, formula_row = sheet[2], sheet[3]
    assert alfa_row[1].value == 1 and isinstance(alfa_row[1].value, int)
    assert alfa_row[4].value == pytest.approx(70) and alfa_row[4].number_format == "0.00"
    assert alfa_row[9].value == pytest.approx(72.25)
    # The office named like a formula is a string cell, shown as text.
    office = formula_row[3]
    assert office.value == HYPERLINK and office.data_type == "s"
    assert office.quotePrefix
    assert sheet.max_row == 4


# ---------------------------------------------------------------- every score


def test_scores_csv_has_one_row_per_counted_score(request_ctx, contest):
    edition, _entries, _organizer, _cat2 = contest
    table = exports.scores_table(edition)
    assert table.name == "scores-pu-2026"
    rows = read_csv(exports.csv_text(table))
    assert rows[0] == [
        "Etap",
        "Kategoria",
        "Urząd",
        "Juror",
        "Obszar",
        "Kryterium",
        "Ocena",
        "Maksimum",
        "Waga",
        "Mocne strony",
        "Obszary do poprawy",
        "Karta przesłana (czas warszawski)",
    ]
    body = rows[1:]
    # 2 entries x 2 jurors x 2 stages, plus Gamma's one submitted sheet; the
    # draft sheet (value 0) is left out.
    assert len(body) == 9
    assert body[0] == [
        "1",
        "Kategoria 1",
        "'" + HYPERLINK,
        "Anna Żółć",
        "Obsługa klienta",
        "Karta usług",
        "9",
        "10",
        "2",
        "Jasne zasady",
        "",
        "2026-05-04 12:30",
    ]
    assert body[1][3:] == [
        "Jan Sędzia",
        "Obsługa klienta",
        "Karta usług",
        "9",
        "10",
        "2",
        "'-dobra karta",
        "'@SUM(A1)",
        "2026-05-04 12:30",
    ]
    stage2 = [r for r in body if r[0] == "2"]
    assert [r[6] for r in stage2] == ["12", "10", "14", "15.5"]
    assert stage2[0][9].startswith("'+48")
    assert not any(r[2] == "Urząd Gamma" and r[3] == "Anna Żółć" for r in body)


def test_scores_xlsx(request_ctx, contest):
    edition, _entries, _organizer, _cat2 = contest
    sheet = read_xlsx(exports.xlsx_bytes(exports.scores_table(edition)))
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 10
    first = rows[1]
    assert first[:6] == (1, "Kategoria 1", HYPERLINK, "Anna Żółć", "Obsługa klienta", "Karta usług")
    assert first[6:9] == (9, 10, 2)
    assert first[11] == dt.datetime(2026, 5, 4, 12, 30)
    assert sheet.cell(row=2, column=3).data_type == "s"
    assert sheet.cell(row=3, column=10).value == "-dobra karta"
    assert sheet.cell(row=3, column=10).quotePrefix
    # The vertical tab XML cannot hold is dropped, not a failed file.
    assert rows[6][9] == "+48 22 12345"
    assert rows[6][6] == 12


def test_scores_rows_are_read_lazily_in_batches(request_ctx, contest, db):
    edition, *_ = contest
    assert edition.slug  # loaded before counting
    statements: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        table = exports.scores_table(edition, batch=2)
        assert statements == []  # nothing read yet
        rows = iter(table.rows)
        next(rows)
        assert len(statements) == 1
        if db.engine.dialect.name == "postgresql":
            # A server-side cursor: the rows stay in PostgreSQL until fetched.
            open_cursors = "SELECT count(*) FROM pg_cursors WHERE NOT is_holdable"
            assert db.session.connection().exec_driver_sql(open_cursors).scalar() == 1
            statements.pop()
        rest = list(rows)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    # One query however many batches (9 rows in batches of 2).
    assert len(rest) == 8 and len(statements) == 1


def _bulk_scores(db, make, edition, *, entries: int, jurors: int, criteria: int) -> int:
    """Submitted stage-1 sheets, inserted in bulk: entries x jurors x criteria scores."""
    area = make.area(edition=edition)
    crits = [make.criterion(area=area, stage=1, max_score=10) for _ in range(criteria)]
    people = [make.juror(edition=edition) for _ in range(jurors)]
    category = edition.categories[0]
    offices = [make.office() for _ in range(entries)]
    conn = db.session.connection()
    apps = [
        conn.execute(
            sa.insert(Application).returning(Application.id),
            {
                "edition_id": edition.id,
                "office_id": o.id,
                "category_id": category.id,
                "status": ApplicationStatus.submitted,
                "submitted_at": SUBMITTED,
            },
        ).scalar_one()
        for o in offices
    ]
    scores = []
    for app_id in apps:
        for juror in people:
            assignment = conn.execute(
                sa.insert(Assignment).returning(Assignment.id),
                {"application_id": app_id, "juror_id": juror.id, "stage": 1},
            ).scalar_one()
            sheet = conn.execute(
                sa.insert(ScoreSheet).returning(ScoreSheet.id),
                {
                    "assignment_id": assignment,
                    "stage": 1,
                    "status": SheetStatus.submitted,
                    "submitted_at": SUBMITTED,
                    "version": 1,
                },
            ).scalar_one()
            scores += [
                {
                    "sheet_id": sheet,
                    "criterion_id": c.id,
                    "stage": 1,
                    "max_score": 10,
                    "step": 1.0,
                    "value": 5,
                    "strengths": "Karta usług dostępna w BIP i w punkcie obsługi. " * 3,
                    "improvements": "",
                }
                for c in crits
            ]
    conn.execute(sa.insert(Score), scores)
    db.session.commit()
    return len(scores)


def _peak_while_streaming(edition) -> tuple[int, int]:
    tracemalloc.start()
    try:
        written = 0
        for chunk in exports.csv_chunks(exports.scores_table(edition, batch=200)):
            written += len(chunk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, written


def test_scores_csv_memory_does_not_grow_with_the_edition(request_ctx, make, db):
    small = make.edition(status=EditionStatus.chapter, areas=0)
    large = make.edition(status=EditionStatus.chapter, areas=0)
    assert _bulk_scores(db, make, small, entries=20, jurors=5, criteria=10) == 1000
    assert _bulk_scores(db, make, large, entries=160, jurors=5, criteria=10) == 8000
    _peak_while_streaming(small)  # warm up (imports, compiled statements)
    small_peak, small_size = _peak_while_streaming(small)
    large_peak, large_size = _peak_while_streaming(large)
    assert large_size > 7 * small_size
    # Eight times the rows, nowhere near eight times the memory: the rows are
    # read in batches and written out in chunks; the whole file (~1.3 MB) is
    # never held.
    assert large_peak < 1.5 * small_peak
    assert large_peak < large_size / 2


# ---------------------------------------------------------------- decisions


def test_decisions_csv(request_ctx, decided):
    edition, *_ = decided
    table = exports.decisions_table(edition)
    assert table.name == "decisions-pu-2026"
    rows = read_csv(exports.csv_text(table))
    assert rows == [
        [
            "Kategoria",
            "Urząd",
            "Decyzja",
            "Nagroda specjalna",
            "Uzasadnienie",
            "Powód odejścia od kolejności rankingu",
            "Miejsce w zapisanym rankingu",
        ],
        [
            "Kategoria 1",
            "Urząd Alfa",
            "Laureat",
            "",
            "'=Najlepsza obsługa",
            "Wizyta tajemniczego klienta",
            "1",
        ],
        ["Kategoria 1", "'" + HYPERLINK, "Wyróżnienie", "", "Rzetelna karta usług", "", "2"],
        [
            "Kategoria 1",
            "Urząd Gamma",
            "Nagroda specjalna",
            "Urząd innowacyjny",
            "E-usługi",
            "",
            "",
        ],
        ["Kategoria 2", "", "Nagroda nieprzyznana", "", "Brak zgłoszeń na poziomie", "", ""],
    ]


def test_decisions_xlsx(request_ctx, decided):
    edition, *_ = decided
    sheet = read_xlsx(exports.xlsx_bytes(exports.decisions_table(edition)))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == (
        "Kategoria 1",
        "Urząd Alfa",
        "Laureat",
        None,
        "=Najlepsza obsługa",
        "Wizyta tajemniczego klienta",
        1,
    )
    assert sheet["E2"].data_type == "s" and sheet["E2"].quotePrefix
    assert rows[4][:3] == ("Kategoria 2", None, "Nagroda nieprzyznana")


def test_headers_in_english(english_request_ctx, decided):
    edition, *_ = decided
    assert read_csv(exports.csv_text(exports.ranking_table(edition)))[0][:4] == [
        "Category",
        "Position",
        "Tied",
        "Office",
    ]
    rows = read_csv(exports.csv_text(exports.decisions_table(edition)))
    assert rows[1][2] == "Laureate" and rows[-1][2] == "Award withheld"


# ---------------------------------------------------------------- the routes

EXPORT_URLS = [
    "exports",
    "exports/ranking.csv",
    "exports/ranking.xlsx?stage=1",
    "exports/scores.csv",
    "exports/scores.xlsx",
    "exports/decisions.csv",
    "exports/decisions.xlsx",
]


@pytest.mark.parametrize("path", EXPORT_URLS)
@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("office", 403), ("juror", 403), ("organizer", 200)],
)
def test_permission_matrix(client, login_as, make, decided, path, role, expected):
    edition, *_ = decided
    if role == "juror":
        login_as(make.juror(edition=edition))
    elif role != "anonymous":
        login_as(role)
    response = client.get(f"/organizer/editions/{edition.id}/{path}")
    assert response.status_code == expected
    if expected != 200:
        assert AuditEvent.query.filter_by(action="results.export").count() == 0


@pytest.mark.parametrize(
    "path",
    [
        "exports/ranking.pdf",
        "exports/votes.csv",
        "exports/ranking.csv?stage=3",
        "exports/ranking.xlsx?stage=",
        "exports/ranking",
        "exports/scores.csv.xlsx",
    ],
)
def test_bad_table_format_or_stage_is_404(client, login_as, decided, path):
    edition, *_ = decided
    login_as("organizer")
    assert client.get(f"/organizer/editions/{edition.id}/{path}").status_code == 404


def test_unknown_edition_is_404(client, login_as):
    login_as("organizer")
    assert client.get("/organizer/editions/999/exports").status_code == 404
    assert client.get("/organizer/editions/999/exports/scores.csv").status_code == 404


def test_download_is_audited_and_named(client, login_as, decided):
    edition, *_ = decided
    user = login_as("organizer")
    response = client.get(f"/organizer/editions/{edition.id}/exports/ranking.xlsx")
    assert response.status_code == 200
    assert response.mimetype == exports.XLSX_MIMETYPE
    disposition = response.headers["Content-Disposition"]
    assert disposition == "attachment; filename=ranking-pu-2026-final-snapshot-v1.xlsx"
    assert read_xlsx(response.data)["D3"].value == HYPERLINK
    response = client.get(f"/organizer/editions/{edition.id}/exports/scores.csv")
    assert response.is_streamed and response.mimetype == "text/csv"
    assert response.get_data(as_text=True).startswith("\ufeffEtap,Kategoria,")
    assert response.headers["Content-Disposition"] == "attachment; filename=scores-pu-2026.csv"
    events = AuditEvent.query.filter_by(action="results.export").order_by(AuditEvent.id).all()
    assert [(e.actor_id, e.edition_id) for e in events] == [(user.id, edition.id)] * 2
    assert events[0].after == {
        "table": "ranking",
        "format": "xlsx",
        "file": "ranking-pu-2026-final-snapshot-v1",
        "stage": "final",
        "snapshot_version": 1,
        "blinded": False,
    }
    assert events[1].after["table"] == "scores" and events[1].after["format"] == "csv"


def test_exports_page_lists_the_downloads_and_the_ranking_links_to_it(client, login_as, decided):
    edition, *_ = decided
    login_as("organizer")
    page = client.get(f"/organizer/editions/{edition.id}/exports").get_data(as_text=True)
    for path in ("ranking.xlsx?stage=final", "ranking.csv?stage=1", "scores.csv", "decisions.xlsx"):
        assert f"/organizer/editions/{edition.id}/exports/{path}" in page
    assert "(wersja 1)" in page
    ranking = client.get(f"/organizer/editions/{edition.id}/ranking").get_data(as_text=True)
    assert f"/organizer/editions/{edition.id}/exports" in ranking


def test_edition_can_export_results(make, db):
    edition = make.edition()
    assert edition.can_export_results(make.organizer())
    assert not edition.can_export_results(make.juror(edition=edition))
    assert not edition.can_export_results(make.office_user())
    from flask_login import AnonymousUserMixin

    assert not edition.can_export_results(AnonymousUserMixin())


def test_too_many_scores_for_xlsx_points_to_the_csv(client, login_as, decided, monkeypatch):
    edition, *_ = decided
    assert exports.count_scores(edition) == 9
    monkeypatch.setattr(exports, "SCORES_XLSX_MAX", 8)
    login_as("organizer")
    response = client.get(f"/organizer/editions/{edition.id}/exports/scores.xlsx")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/organizer/editions/{edition.id}/exports")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "za dużo ocen" in page and "(ponad 8)" in page
    assert "exports/scores.xlsx" not in page and "exports/scores.csv" in page
    assert AuditEvent.query.filter_by(action="results.export").count() == 0
    # The CSV still comes, and a smaller table's XLSX too.
    assert client.get(f"/organizer/editions/{edition.id}/exports/scores.csv").status_code == 200
    monkeypatch.setattr(exports, "SCORES_XLSX_MAX", 9)
    assert client.get(f"/organizer/editions/{edition.id}/exports/scores.xlsx").status_code == 200


# ---- the scores XLSX of a large edition, prepared by a background job -----------


def test_a_large_scores_xlsx_is_prepared_in_the_background(client, login_as, decided, monkeypatch):
    from app.jobs_models import JobRun, JobStatus

    edition, *_ = decided
    monkeypatch.setattr(exports, "SCORES_XLSX_MAX", 8)
    login_as("organizer")
    page = client.get(f"/organizer/editions/{edition.id}/exports").get_data(as_text=True)
    assert "Przygotuj plik XLSX ze wszystkimi ocenami" in page
    # Jobs run at once under TESTING: the file is ready when the page comes back.
    response = client.post(f"/organizer/editions/{edition.id}/exports/scores-xlsx")
    assert response.status_code == 302
    run = JobRun.query.filter_by(kind="scores_xlsx", edition_id=edition.id).one()
    assert run.status is JobStatus.done and run.total == 9 and run.done == 9
    page = client.get(f"/organizer/editions/{edition.id}/exports").get_data(as_text=True)
    link = f"/organizer/editions/{edition.id}/exports/files/{run.id}"
    assert link in page
    download = client.get(link)
    assert download.status_code == 200
    sheet = read_xlsx(download.data)
    assert sheet.max_row == 1 + 9  # the header and every score
    events = AuditEvent.query.filter_by(action="results.export").all()
    assert len(events) == 2  # written by the job, then downloaded


@pytest.mark.parametrize("role", ["juror", "office"])
def test_only_organizers_prepare_or_download_the_file(client, login_as, decided, role, monkeypatch):
    from app.jobs_models import JobRun

    edition, *_ = decided
    monkeypatch.setattr(exports, "SCORES_XLSX_MAX", 8)
    login_as(role)
    assert client.post(f"/organizer/editions/{edition.id}/exports/scores-xlsx").status_code == 403
    assert JobRun.query.count() == 0


def test_a_file_with_names_is_not_given_to_a_blinded_viewer(
    client, login_as, decided, monkeypatch, db, auth
):
    from app.jobs_models import JobRun
    from app.results.models import BlindViewer

    edition, *_ = decided
    edition.blind_chapter = True
    monkeypatch.setattr(exports, "SCORES_XLSX_MAX", 8)
    db.session.commit()
    login_as("organizer")  # sees names: has not opted in to the blinded view
    client.post(f"/organizer/editions/{edition.id}/exports/scores-xlsx")
    run = JobRun.query.one()
    assert run.details["blinded"] is False
    auth.logout()
    blinded = login_as("organizer")
    db.session.add(BlindViewer(edition_id=edition.id, user_id=blinded.id))
    db.session.commit()
    link = f"/organizer/editions/{edition.id}/exports/files/{run.id}"
    assert client.get(link).status_code == 403
    assert link not in client.get(f"/organizer/editions/{edition.id}/exports").get_data(
        as_text=True
    )


def test_a_file_of_another_edition_is_404(client, login_as, decided, make, monkeypatch):
    from app.jobs_models import JobRun

    edition, *_ = decided
    monkeypatch.setattr(exports, "SCORES_XLSX_MAX", 8)
    login_as("organizer")
    client.post(f"/organizer/editions/{edition.id}/exports/scores-xlsx")
    run = JobRun.query.one()
    other = make.edition()
    assert client.get(f"/organizer/editions/{other.id}/exports/files/{run.id}").status_code == 404
