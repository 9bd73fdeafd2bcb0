"""The sheet score rule in SQL agrees with numbers.sheet_score, and the
spreadsheet cell helpers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.results import numbers, score_sql
from app.results.cells import csv_cell, xlsx_text


@pytest.mark.parametrize(
    ("points", "attainable"),
    [(0, 10), (7.5, 10), (50, 80), (1, 3), (123.5, 400), (5, 0)],
)
def test_sql_percent_is_the_python_rule(db, points, attainable):
    expression = score_sql.percent(sa.literal(points), sa.literal(attainable))
    in_sql = db.session.scalar(sa.select(expression))
    expected = numbers.sheet_score(points, attainable)
    if expected is None:
        assert in_sql is None
    else:
        assert in_sql == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+48 22", "'+48 22"),
        ("-dobrze", "'-dobrze"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Urząd", "Urząd"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_csv_cell(text, expected):
    assert csv_cell(text) == expected


def test_xlsx_text_drops_control_characters_and_flags_formulas():
    assert xlsx_text("=A1\x00\x0b") == ("=A1", True)
    assert xlsx_text("linia 1\nlinia 2\ttab") == ("linia 1\nlinia 2\ttab", False)
    assert xlsx_text("\x01-x") == ("-x", True)
