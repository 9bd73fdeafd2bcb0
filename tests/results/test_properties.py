"""Properties of the ranking rules (Hypothesis), on the numbers level: the
sheet sums the database would return, fed through the same functions the
ranking service uses."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.results import numbers
from app.results.numbers import SheetTotal

# Two criteria: 0..10 at weight 1 and 0..20 at weight 2 (attainable 50).
MAXIMA = (10, 20)
WEIGHTS = (1, 2)


def totals(sheets: dict[tuple, tuple[int, int]]) -> list[SheetTotal]:
    return [
        SheetTotal(
            juror,
            entry,
            1,
            sum(v * w for v, w in zip(values, WEIGHTS, strict=True)),
            sum(m * w for m, w in zip(MAXIMA, WEIGHTS, strict=True)),
        )
        for (juror, entry), values in sheets.items()
    ]


def positions(rows: list[SheetTotal], *, normalised: bool) -> dict:
    scores = numbers.stage_scores(rows, 1)
    chosen = scores.normalised if normalised else scores.raw
    entries = sorted({r.entry_id for r in rows}, key=str)
    placed = numbers.place(entries, score=chosen, category={e: 0 for e in entries})
    return {e: (p.position, p.tied) for e, p in placed.items()}


@st.composite
def edition_sheets(draw, *, headroom: int = 0):
    """Jurors 0..n-1 each scoring at least 3 of the entries; values leave
    `headroom` points below each maximum."""
    jurors = draw(st.integers(2, 4))
    entries = draw(st.integers(3, 7))
    sheets = {}
    for j in range(jurors):
        chosen = draw(
            st.lists(st.integers(0, entries - 1), min_size=3, max_size=entries, unique=True)
        )
        for e in chosen:
            sheets[(j, e)] = tuple(draw(st.integers(0, m - headroom)) for m in MAXIMA)
    return sheets


@settings(max_examples=150, deadline=None)
@given(sheets=edition_sheets(), data=st.data())
def test_ranking_ignores_input_order_and_juror_labels(sheets, data):
    rows = totals(sheets)
    before = {mode: positions(rows, normalised=mode) for mode in (False, True)}

    shuffled = data.draw(st.permutations(rows))
    jurors = sorted({r.juror_id for r in rows})
    labels = data.draw(st.permutations([f"juror-{n}" for n in range(100, 100 + len(jurors))]))
    relabel = dict(zip(jurors, labels, strict=True))
    relabelled = [
        SheetTotal(relabel[r.juror_id], r.entry_id, r.stage, r.points, r.attainable)
        for r in shuffled
    ]
    for mode in (False, True):
        assert positions(relabelled, normalised=mode) == before[mode]


@settings(max_examples=150, deadline=None)
@given(sheets=edition_sheets(headroom=3), shift=st.integers(1, 3), data=st.data())
def test_a_constant_added_to_one_jurors_scores_changes_no_normalised_position(sheets, shift, data):
    rows = totals(sheets)
    # Every juror is normalised (3+ sheets, some spread): a juror left raw
    # would, by design, carry the shift into the ranking.
    assume(not numbers.stage_scores(rows, 1).not_normalised)
    juror = data.draw(st.sampled_from(sorted({j for j, _ in sheets})))
    shifted = {
        key: tuple(v + shift for v in values) if key[0] == juror else values
        for key, values in sheets.items()
    }
    assert positions(totals(shifted), normalised=True) == positions(rows, normalised=True)


small = st.one_of(st.none(), st.integers(0, 2).map(float))


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 2).map(float), small, small), min_size=1, max_size=12)
)
def test_decided_by_names_the_deepest_key_needed(rows):
    """Against the definition, pair by pair: the tie-break key that sets an
    entry apart from every other entry with its score is the deepest first
    difference; none when the score alone does, or when it stays tied."""
    entries = list(range(len(rows)))
    placed = numbers.place(
        entries,
        score={e: rows[e][0] for e in entries},
        category={e: 0 for e in entries},
        tie_breaks=[{e: rows[e][1] for e in entries}, {e: rows[e][2] for e in entries}],
        tie_names=["checklist", "stage1"],
    )
    for e in entries:
        same = [o for o in entries if o != e and rows[o][0] == rows[e][0]]
        if any(rows[o] == rows[e] for o in same):
            assert placed[e].tied and placed[e].decided_by is None
            continue
        depth = max((next(n for n in (1, 2) if rows[o][n] != rows[e][n]) for o in same), default=0)
        assert placed[e].decided_by == (None, "checklist", "stage1")[depth]
        assert not placed[e].tied
