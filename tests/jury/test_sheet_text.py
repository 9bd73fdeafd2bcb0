"""Score-sheet comments against control characters (issue 16, item 5): the
sheet's per-criterion fields are read outside the base form, so the rule is
applied where the sheet is checked. NUL bytes were already dropped; other
control characters are now refused per field, and nothing is saved."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.jury import sheets
from app.jury.models import ScoreSheet
from app.jury.sheets import SheetProblems
from tests.jury.test_sheets import typed


@pytest.mark.parametrize("text", ["Mocne\x1b[2J", "Mocne\x0bstrony", "Mo\x85cne"])
def test_control_characters_in_a_comment_save_nothing(request_ctx, db, scoring, text):
    with pytest.raises(SheetProblems) as problems:
        sheets.save_sheet(
            scoring.assignment,
            actor=scoring.juror,
            data=typed((scoring.c10, "5", text, ""), general_comment="Ogólnie\x07", issues=[text]),
        )
    assert set(problems.value.errors) == {
        f"strengths-{scoring.c10.id}",
        "general_comment",
        "issues",
    }
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScoreSheet)) == 0


def test_tabs_and_line_breaks_stay_and_nul_is_dropped(request_ctx, db, scoring):
    sheet = sheets.save_sheet(
        scoring.assignment,
        actor=scoring.juror,
        data=typed((scoring.c10, "5", "Mocne\tstrony\r\ndwa", "Sł\x00abe")),
    )
    score = next(s for s in sheet.scores if s.criterion_id == scoring.c10.id)
    assert (score.strengths, score.improvements) == ("Mocne\tstrony\r\ndwa", "Słabe")
