"""The chapter's rules over plain data: when an award departs from the ranking.

A category's ranking gives each ranked entry a position (1, 2, 2, 4...); the
chapter gives some of them a category award, ranked by CATEGORY_AWARD_RANK
(laureate 2, distinction 1, none 0). Several laureates in one category are
allowed: a quality mark can certify more than one office.

Two entries are *inverted* when the better-ranked one (strictly smaller
position; a tie is neither better nor worse) has a lower award than the
worse-ranked one. A decision *departs from the ranking* when its entry is part
of an inversion: somebody ranked above it got less, or somebody ranked below
it got more. Such a decision needs a reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import groupby

from app.awards.models import CATEGORY_AWARD_RANK, AwardKind

NO_AWARD = 0


def rank_of(kind: AwardKind | None) -> int:
    """A category award's rank; no award (or a special award) ranks 0."""
    return CATEGORY_AWARD_RANK.get(kind, NO_AWARD) if kind is not None else NO_AWARD


def inverted_with(
    entry_id: int, positions: Mapping[int, int], ranks: Mapping[int, int]
) -> list[int]:
    """The entries inverted with `entry_id`: ranked strictly above it with a
    lower award, or strictly below it with a higher one. `positions` holds the
    category's ranked entries; `ranks` their award ranks (missing: none)."""
    position = positions[entry_id]
    rank = ranks.get(entry_id, NO_AWARD)
    return [
        other
        for other, other_position in positions.items()
        if other != entry_id
        and (
            (other_position < position and ranks.get(other, NO_AWARD) < rank)
            or (other_position > position and ranks.get(other, NO_AWARD) > rank)
        )
    ]


def departs(entry_id: int, positions: Mapping[int, int], ranks: Mapping[int, int]) -> bool:
    """Does the entry's (category) award, or lack of one, go against the ranking?"""
    return bool(inverted_with(entry_id, positions, ranks))


def departing(positions: Mapping[int, int], ranks: Mapping[int, int]) -> set[int]:
    """Every entry of a category that is part of an inversion, in one sorted
    pass each way: an entry departs when the lowest award among entries ranked
    strictly above it is lower than its own, or the highest award among
    entries ranked strictly below it is higher."""
    groups = [
        [entry for entry, _ in group]
        for _, group in groupby(
            sorted(positions.items(), key=lambda item: item[1]), key=lambda item: item[1]
        )
    ]
    group_ranks = [[ranks.get(e, NO_AWARD) for e in group] for group in groups]
    lowest_above, lowest = [], float("inf")
    for values in group_ranks:
        lowest_above.append(lowest)
        lowest = min(lowest, *values)
    highest_below, highest = [], float("-inf")
    for values in reversed(group_ranks):
        highest_below.append(highest)
        highest = max(highest, *values)
    highest_below.reverse()
    return {
        entry
        for group, values, low, high in zip(
            groups, group_ranks, lowest_above, highest_below, strict=True
        )
        for entry, rank in zip(group, values, strict=True)
        if low < rank or high > rank
    }


def unexplained_after_withdrawal(
    entry_id: int,
    positions: Mapping[int, int],
    ranks: Mapping[int, int],
    reasons: Mapping[int, str],
) -> list[int]:
    """Withdrawing the entry's category award leaves it below every awarded
    entry ranked under it: each of those awards then departs from the ranking
    and must already carry a reason. Returns the ones that do not."""
    if entry_id not in positions:
        return []
    after = {**ranks, entry_id: NO_AWARD}
    return [
        other
        for other in inverted_with(entry_id, positions, after)
        if positions[other] > positions[entry_id] and not (reasons.get(other) or "").strip()
    ]
