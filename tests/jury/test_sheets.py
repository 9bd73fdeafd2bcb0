"""The scoring rules: reading typed values, saving drafts all or nothing,
submitting, reopening, and who may do what."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.editions.models import CommentRule, EditionStatus
from app.errors import LaurelError
from app.jury import sheets
from app.jury.models import Score, ScoreSheet, SheetStatus
from app.jury.sheets import ScoreInput, SheetInput, SheetProblems, parse_value


def typed(*pairs, version=0, **kw):
    return SheetInput(
        version=version, scores={c.id: ScoreInput(*values) for c, *values in pairs}, **kw
    )


@pytest.mark.parametrize(
    "raw, expected",
    [("7", 7.0), (" 7 ", 7.0), ("7,5", 7.5), ("7.5", 7.5), ("0", 0.0), ("20", 20.0), ("", None)],
)
def test_parse_value_accepts(request_ctx, scoring, raw, expected):
    assert parse_value(raw, scoring.c20) == expected


@pytest.mark.parametrize(
    "raw",
    ["nan", "NaN", "inf", "-1", "21", "1e3", "7.3", "abc", "7\x005", "9" * 400, "½", "0x10", "--1"],
)
def test_parse_value_refuses(request_ctx, scoring, raw):
    with pytest.raises(ValueError):
        parse_value(raw, scoring.c20)


def test_whole_points_only_for_step_one(request_ctx, scoring):
    with pytest.raises(ValueError, match="całkowitą"):
        parse_value("7,5", scoring.c10)


def test_comment_rules(scoring):
    c10 = scoring.c10
    assert c10.comment_needed(10) == "strengths"
    assert c10.comment_needed(8) == "strengths"
    assert c10.comment_needed(5) is None
    assert c10.comment_needed(2) == "improvements"
    assert c10.comment_needed(None) is None
    assert scoring.c20.comment_needed(10) == "either"
    c10.comment_rule = CommentRule.never
    assert c10.comment_needed(0) is None


def test_save_draft_then_submit(request_ctx, db, scoring):
    juror, assignment = scoring.juror, scoring.assignment
    sheet = sheets.save_sheet(
        assignment,
        actor=juror,
        data=typed((scoring.c10, "6", "", ""), general_comment="Ogólnie dobrze"),
    )
    assert sheet.status is SheetStatus.draft and sheet.version == 1
    assert sheet.last_saved_by_id == juror.id
    with pytest.raises(SheetProblems) as problems:
        sheets.submit_sheet(sheet, actor=juror)
    assert set(problems.value.errors) == {f"value-{scoring.c20.id}"}
    sheet = sheets.save_sheet(
        assignment,
        actor=juror,
        data=typed((scoring.c10, "6"), (scoring.c20, "12,5", "Krótkie kolejki", ""), version=1),
    )
    sheets.submit_sheet(sheet, actor=juror)
    assert sheet.status is SheetStatus.submitted and sheet.submitted_at is not None
    values = {s.criterion_id: s.value for s in sheet.scores}
    assert values == {scoring.c10.id: 6.0, scoring.c20.id: 12.5}
    assert not assignment.can_score(juror)
    with pytest.raises(LaurelError):
        sheets.save_sheet(assignment, actor=juror, data=typed((scoring.c10, "7"), version=2))


def test_required_comments_block_submission(request_ctx, db, scoring):
    sheet = sheets.save_sheet(
        scoring.assignment,
        actor=scoring.juror,
        data=typed((scoring.c10, "9"), (scoring.c20, "1")),
    )
    with pytest.raises(SheetProblems) as problems:
        sheets.submit_sheet(sheet, actor=scoring.juror)
    assert set(problems.value.errors) == {
        f"strengths-{scoring.c10.id}",  # a top score needs strengths
        f"strengths-{scoring.c20.id}",  # "always": strengths or improvements
    }
    assert sheet.status is SheetStatus.draft


def test_invalid_value_saves_nothing(request_ctx, db, scoring):
    sheets.save_sheet(
        scoring.assignment, actor=scoring.juror, data=typed((scoring.c10, "5", "Mocne", ""))
    )
    db.session.commit()
    with pytest.raises(SheetProblems) as problems:
        sheets.save_sheet(
            scoring.assignment,
            actor=scoring.juror,
            data=typed((scoring.c10, "6", "Zmienione", ""), (scoring.c20, "nan"), version=1),
        )
    assert list(problems.value.errors) == [f"value-{scoring.c20.id}"]
    db.session.rollback()
    score = db.session.scalars(sa.select(Score)).one()
    assert (score.value, score.strengths) == (5.0, "Mocne")


def test_wrong_stage_criterion_refused(request_ctx, db, scoring):
    with pytest.raises(SheetProblems) as problems:
        sheets.save_sheet(scoring.assignment, actor=scoring.juror, data=typed((scoring.c2, "5")))
    assert "form" in problems.value.errors


def test_other_editions_criterion_refused(request_ctx, db, make, scoring):
    other = make.edition(status=EditionStatus.stage1)
    foreign = other.criteria_for_stage(1)[0]
    with pytest.raises(SheetProblems):
        sheets.save_sheet(scoring.assignment, actor=scoring.juror, data=typed((foreign, "5")))


def test_stale_version_is_a_conflict(request_ctx, db, scoring):
    sheets.save_sheet(scoring.assignment, actor=scoring.juror, data=typed((scoring.c10, "5")))
    with pytest.raises(sheets.SheetConflict) as conflict:
        sheets.save_sheet(
            scoring.assignment, actor=scoring.juror, data=typed((scoring.c10, "6"), version=0)
        )
    assert conflict.value.sheet.scores[0].value == 5.0


def test_database_refuses_out_of_range_and_wrong_stage(db, make, scoring):
    sheet = make.sheet(assignment=scoring.assignment, status=SheetStatus.draft)
    bad = [
        dict(criterion=scoring.c10, value=11),
        dict(criterion=scoring.c10, value=-1),
        dict(criterion=scoring.c20, value=7.3),
    ]
    for case in bad:
        with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
            make.score(sheet=sheet, **case)
    # A stage-2 criterion on a stage-1 sheet: the composite keys disagree.
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(
            Score(
                sheet_id=sheet.id,
                criterion_id=scoring.c2.id,
                stage=1,
                max_score=scoring.c2.max_score,
                step=1,
                value=3,
            )
        )
        db.session.flush()
    # A copy of the scale that lies about the criterion's maximum.
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(
            Score(
                sheet_id=sheet.id,
                criterion_id=scoring.c10.id,
                stage=1,
                max_score=100,
                step=1,
                value=50,
            )
        )
        db.session.flush()


def test_site_visit_issues_become_the_briefing_once_submitted(request_ctx, db, scoring):
    sheet = sheets.save_sheet(
        scoring.assignment,
        actor=scoring.juror,
        data=typed(
            (scoring.c10, "5"),
            (scoring.c20, "10", "Kolejki", ""),
            issues=["Czas oczekiwania 15 minut", "", "Czas oczekiwania 15 minut", "Tłumacz PJM"],
        ),
    )
    assert [i.text for i in sheet.site_visit_issues] == ["Czas oczekiwania 15 minut", "Tłumacz PJM"]
    assert sheets.briefing(scoring.application.id) == []
    sheets.submit_sheet(sheet, actor=scoring.juror)
    assert [i.text for i in sheets.briefing(scoring.application.id)] == [
        "Czas oczekiwania 15 minut",
        "Tłumacz PJM",
    ]


def test_permissions(request_ctx, db, make, scoring):
    assignment, juror = scoring.assignment, scoring.juror
    organizer = make.organizer()
    stranger = make.juror(edition=scoring.edition)
    office_user = make.office_user(office=scoring.application.office)
    assert assignment.can_view(juror) and assignment.can_score(juror)
    assert assignment.can_view(organizer) and assignment.can_score(organizer)  # paper sheets
    for user in (stranger, office_user):
        assert not assignment.can_view(user) and not assignment.can_score(user)
    # The declaration gate.
    juror.jury_memberships[0].conflicts_confirmed_at = None
    db.session.flush()
    db.session.expire(assignment)
    assert not assignment.can_view(juror)


def test_conflicted_juror_may_not_score(request_ctx, db, make, scoring):
    from tests.jury.conftest import add_conflict

    add_conflict(
        db, edition=scoring.edition, juror=scoring.juror, office=scoring.application.office
    )
    db.session.expire(scoring.assignment)
    assert not scoring.assignment.can_view(scoring.juror)
    assert not scoring.assignment.can_score(scoring.juror)
    # Nor may an organizer type a paper sheet for it.
    assert not scoring.assignment.can_score(make.organizer())


def test_closed_stage_refuses_writes(request_ctx, db, scoring):
    scoring.edition.status = EditionStatus.stage2
    db.session.flush()
    assert scoring.assignment.can_view(scoring.juror)
    assert not scoring.assignment.can_score(scoring.juror)
    with pytest.raises(LaurelError):
        sheets.save_sheet(scoring.assignment, actor=scoring.juror, data=typed((scoring.c10, "5")))


def test_reopen_tells_the_juror(request_ctx, db, make, outbox, scoring):
    organizer = make.organizer()
    sheet = make.sheet(assignment=scoring.assignment, fill=5)
    assert not sheet.can_reopen(scoring.juror)
    with pytest.raises(LaurelError):
        sheets.reopen_sheet(sheet, actor=organizer, reason="  ")
    sheets.reopen_sheet(sheet, actor=organizer, reason="Brak uzasadnienia")
    assert sheet.status is SheetStatus.draft and sheet.reopen_reason == "Brak uzasadnienia"
    assert outbox == []  # e-mail leaves only once the change is committed
    db.session.commit()
    assert outbox[-1].to == scoring.juror.email and "Brak uzasadnienia" in outbox[-1].body
    with pytest.raises(LaurelError):  # only a submitted sheet
        sheets.reopen_sheet(sheet, actor=organizer, reason="Znowu")


def test_organizer_typing_a_paper_sheet_is_recorded(request_ctx, db, make, scoring):
    from app.audit.models import AuditEvent

    organizer = make.organizer()
    sheet = sheets.save_sheet(
        scoring.assignment,
        actor=organizer,
        data=typed((scoring.c10, "5"), (scoring.c20, "10", "x", "")),
    )
    sheets.submit_sheet(sheet, actor=organizer)
    assert sheet.typed_by_organizer and sheet.last_saved_by_id == organizer.id
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action.in_(["sheet.saved", "sheet.submitted"]))
    ).all()
    assert {e.actor_id for e in events} == {organizer.id}
    assert all(e.after["typed_by_organizer"] for e in events)


def test_peer_scores_hidden_until_allowed_and_own_sheet_submitted(db, make, scoring):
    other = make.juror(edition=scoring.edition)
    make.sheet(application=scoring.application, juror=other, fill=5)
    assignment, juror = scoring.assignment, scoring.juror
    assert not assignment.can_see_peer_scores(juror)
    scoring.edition.peer_scores_visible = True
    assert not assignment.can_see_peer_scores(juror)  # own sheet not submitted yet
    make.sheet(assignment=assignment, fill=6)
    assert assignment.can_see_peer_scores(juror)
    scoring.edition.peer_scores_visible = False
    assert not assignment.can_see_peer_scores(juror)
    assert db.session.scalar(sa.select(sa.func.count(ScoreSheet.id))) == 2


def test_late_means_past_the_assignments_own_due_date_else_the_stage_end(db, make, scoring):
    import datetime as dt

    from app.jury import oversight

    today = dt.date(2026, 5, 10)
    scoring.edition.stage1_end = dt.date(2026, 5, 31)
    scoring.assignment.due_date = dt.date(2026, 5, 1)  # earlier than the stage's end
    other = make.juror(edition=scoring.edition, full_name="Zofia Później")
    make.assignment(application=scoring.application, juror=other)  # due at the stage end
    done = make.juror(edition=scoring.edition)
    finished = make.assignment(application=scoring.application, juror=done)
    finished.due_date = dt.date(2026, 5, 1)
    make.sheet(assignment=finished, fill=5)  # submitted: never late
    late = oversight.late_jurors(scoring.edition, today=today)
    assert [(j.juror_id, j.stage, j.count, j.oldest_due) for j in late] == [
        (scoring.juror.id, 1, 1, dt.date(2026, 5, 1))
    ]
    after_end = oversight.late_jurors(scoring.edition, 1, today=dt.date(2026, 6, 2))
    assert {j.juror_id for j in after_end} == {scoring.juror.id, other.id}


def test_stage2_juror_marks_the_briefing(request_ctx, db, make, scoring):
    from app.jury.models import IssueCheck

    stage1 = make.sheet(assignment=scoring.assignment, fill=5)
    issue = make.site_visit_issue(sheet=stage1)
    draft = make.sheet(
        application=scoring.application,
        juror=make.juror(edition=scoring.edition),
        status=SheetStatus.draft,
    )
    make.site_visit_issue(sheet=draft, text="Z wersji roboczej: nie jest briefingiem")
    scoring.edition.status = EditionStatus.stage2
    visitor = make.juror(edition=scoring.edition)
    visitor.jury_memberships[0].conflicts_confirmed_at = stage1.submitted_at
    stage2 = make.assignment(application=scoring.application, juror=visitor, stage=2)
    assert [i.id for i in sheets.briefing(scoring.application.id)] == [issue.id]
    sheets.save_sheet(
        stage2,
        actor=visitor,
        data=SheetInput(
            scores={scoring.c2.id: ScoreInput("7")},
            issue_checks={issue.id: ("confirmed", "Czekałam 12 minut")},
        ),
    )
    assert (issue.check, issue.check_note, issue.checked_by_id) == (
        IssueCheck.confirmed,
        "Czekałam 12 minut",
        visitor.id,
    )
    other_entry = make.application(edition=scoring.edition, status=scoring.application.status)
    foreign = make.site_visit_issue(
        sheet=make.sheet(application=other_entry, juror=scoring.juror, fill=5)
    )
    with pytest.raises(SheetProblems):
        sheets.save_sheet(
            stage2,
            actor=visitor,
            data=SheetInput(
                version=stage2.sheet.version, issue_checks={foreign.id: ("confirmed", "")}
            ),
        )
    with pytest.raises(SheetProblems):
        sheets.save_sheet(
            stage2,
            actor=visitor,
            data=SheetInput(version=stage2.sheet.version, issue_checks={issue.id: ("maybe", "")}),
        )


def test_another_jurors_conflict_does_not_shut_this_juror_out(db, make, scoring):
    """The 'may work' rule looks at this assignment's juror and office only
    (a nested subquery once lost its correlation and looked at every assignment)."""
    from tests.jury.conftest import add_conflict

    other_office = make.office()
    other_entry = make.application(
        edition=scoring.edition, office=other_office, status=scoring.application.status
    )
    colleague = make.juror(edition=scoring.edition)
    make.assignment(application=other_entry, juror=colleague)
    add_conflict(db, edition=scoring.edition, juror=colleague, office=other_office)
    db.session.expire_all()
    assert scoring.assignment.juror_may_work()
    loaded = db.session.scalar(
        sa.select(type(scoring.assignment))
        .where(type(scoring.assignment).id == scoring.assignment.id)
        .options(
            sa.orm.with_expression(
                type(scoring.assignment).may_work,
                type(scoring.assignment).may_work_expression(),
            )
        )
        .execution_options(populate_existing=True)
    )
    assert loaded.may_work is True


def test_form_reads_issues_in_field_order(app):
    from werkzeug.datastructures import MultiDict

    from app.jury.forms import SheetForm

    with app.test_request_context("/", method="POST"):
        form = SheetForm(formdata=MultiDict({"version": "3"}))
        sent = MultiDict([("issue-10", "C"), ("issue-2", "B"), ("issue-0", "A"), ("value-7", "5")])
        data = form.to_input(sent)
    assert data.issues == ["A", "B", "C"] and data.version == 3
    assert data.scores[7].value == "5"
