"""The numbers behind a ranking, as plain functions on plain data (no database,
no request), so every rule here is tested by hand-computed examples.

The rules, in the order they are applied:

1. Sheet score: the percent of attainable points on one juror's sheet,
   100 · Σ weight·value / Σ weight·max (criteria scored out of 5 and out of 20
   weigh by their weight only).
2. Normalisation (per stage and edition; `normalise`): each juror's sheet
   scores become z-scores against that juror's own mean and *population*
   standard deviation, then are put back on the stage's scale with the mean and
   population SD of all sheet scores of the stage. Population, not sample, SD:
   a juror's sheets are the whole set being described, not a sample of a larger
   one, and the stage-wide SD is computed the same way so that a juror who used
   the scale like everybody else keeps their scores. A juror with fewer than 3
   sheets in the stage, or whose sheet scores do not spread (SD 0), is not
   normalised: their raw scores pass through and they are reported.
3. Entry score per stage: the mean of its sheet scores (raw or normalised) over
   its submitted and locked sheets; drafts never count.
4. Final score: stage1_weight % of the stage-1 score plus stage2_weight % of the
   stage-2 score, in the same mode. An entry without a stage-1 or a stage-2
   score has no final score and is not ranked in "final" (an entry that did not
   reach stage 2 is ranked in stage 1 only).
5. Positions per category, competition ranking (1, 2, 2, 4): the better score
   first; equal scores are split by the edition's tie-break chain; entries still
   equal after the last key share the position and are flagged tied. Never by
   id or name. Scores are compared rounded to 6 decimals, so two results that
   differ only by floating-point noise count as equal.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

# Below this many sheets in a stage, a juror's own mean and SD say too little
# about their bias to correct it.
MIN_SHEETS_TO_NORMALISE = 3
# Scores are compared at this many decimals (see rule 5).
TIE_DECIMALS = 6

# The keys a tie-break chain may use: the stage-2 score, the mystery-shopper
# checklist result, the stage-1 score.
TIE_KEYS = ("stage2", "checklist", "stage1")


class TieRuleError(ValueError):
    """A tie rule names an unknown key, repeats one, or names none."""


def parse_tie_rule(rule: str) -> tuple[str, ...]:
    """ "stage2,checklist,stage1" -> ("stage2", "checklist", "stage1").

    Each key at most once, only keys from TIE_KEYS, at least one; spaces around
    the commas are ignored."""
    keys = tuple(k.strip() for k in (rule or "").split(",") if k.strip())
    if not keys:
        raise TieRuleError("empty")
    unknown = [k for k in keys if k not in TIE_KEYS]
    if unknown:
        raise TieRuleError(f"unknown key: {unknown[0]}")
    if len(set(keys)) != len(keys):
        raise TieRuleError("repeated key")
    return keys


# ---------------------------------------------------------------- sheets


class SheetTotal(NamedTuple):
    """One counted sheet, as the database sums it: Σ weight·value and
    Σ weight·max over its scored criteria. (A named tuple: ~15,000 are made
    per ranking, and a tuple is the cheapest row to build.)"""

    juror_id: Hashable
    entry_id: Hashable
    stage: int
    points: float
    attainable: float


def _mean(values: Sequence[float]) -> float:
    # math.fsum: exactly rounded, so the order of the values cannot change a
    # mean (and with it a tie); statistics.fmean does the same, more slowly.
    return math.fsum(values) / len(values)


def _population_sd(values: Sequence[float], mean: float) -> float:
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))


def sheet_score(points: float, attainable: float) -> float | None:
    """Percent of the attainable points; None for a sheet with nothing to attain."""
    if attainable <= 0:
        return None
    return 100.0 * points / attainable


@dataclass(frozen=True)
class NotNormalised:
    """A juror whose raw scores passed through normalisation, and why."""

    juror_id: Hashable
    stage: int
    sheets: int
    reason: str  # "too_few_sheets" or "no_spread"


def _normalise_jurors(
    by_juror: Mapping[Hashable, list[tuple[Hashable, float]]], *, stage: int
) -> tuple[dict[Hashable, list[tuple[Hashable, float]]], list[NotNormalised]]:
    """Rule 2 on each juror's (entry, raw score) list: the same lists with
    normalised scores, and the jurors left raw."""
    everything = [value for sheets in by_juror.values() for _, value in sheets]
    if not everything:
        return {}, []
    stage_mean = _mean(everything)
    stage_sd = _population_sd(everything, stage_mean)
    result: dict[Hashable, list[tuple[Hashable, float]]] = {}
    skipped: list[NotNormalised] = []
    for juror, sheets in by_juror.items():
        values = [v for _, v in sheets]
        reason = None
        if len(values) < MIN_SHEETS_TO_NORMALISE:
            reason = "too_few_sheets"
        else:
            mean = _mean(values)
            sd = _population_sd(values, mean)
            if round(sd, TIE_DECIMALS) == 0:
                reason = "no_spread"
        if reason is not None:
            skipped.append(NotNormalised(juror, stage, len(values), reason))
            result[juror] = list(sheets)
            continue
        scale = stage_sd / sd
        result[juror] = [(entry, stage_mean + scale * (v - mean)) for entry, v in sheets]
    skipped.sort(key=lambda s: (s.stage, str(s.juror_id)))
    return result, skipped


def normalise(
    scores: Mapping[tuple[Hashable, Hashable], float], *, stage: int
) -> tuple[dict[tuple[Hashable, Hashable], float], list[NotNormalised]]:
    """Normalised sheet scores of one stage (rule 2).

    `scores` maps (juror, entry) to the raw sheet score. Returns the same keys
    with normalised scores, and the jurors left as they were. With a single
    sheet in the stage the stage SD is 0 and every normalised score is the
    stage mean, which is also that sheet's raw score."""
    by_juror: dict[Hashable, list[tuple[Hashable, float]]] = defaultdict(list)
    for (juror, entry), value in scores.items():
        by_juror[juror].append((entry, value))
    fixed, skipped = _normalise_jurors(by_juror, stage=stage)
    return {(j, e): v for j, sheets in fixed.items() for e, v in sheets}, skipped


def entry_means(scores: Mapping[tuple[Hashable, Hashable], float]) -> dict[Hashable, float]:
    """Entry -> mean of its sheet scores (rule 3)."""
    by_entry: dict[Hashable, list[float]] = defaultdict(list)
    for (_juror, entry), value in scores.items():
        by_entry[entry].append(value)
    return {entry: _mean(values) for entry, values in by_entry.items()}


def final_score(
    stage1: float | None, stage2: float | None, *, stage1_weight: float, stage2_weight: float
) -> float | None:
    """Rule 4: the weighted sum of the two stage scores (weights in percent,
    summing to 100); None unless the entry has both."""
    if stage1 is None or stage2 is None:
        return None
    return (stage1_weight * stage1 + stage2_weight * stage2) / 100.0


# ---------------------------------------------------------------- checklist


@dataclass(frozen=True)
class ChecklistTally:
    """An entry's answers over its submitted mystery-shopper visits, as the
    database counts them: yes/no items answered and answered yes; scale items'
    answered values and their maxima."""

    yes: int = 0
    yes_no_answered: int = 0
    scale_points: float = 0.0
    scale_attainable: float = 0.0


def checklist_result(tally: ChecklistTally) -> float | None:
    """Percent of attainable checklist points over the entry's submitted visits.

    A yes/no item answered yes earns 1 of 1, answered no 0 of 1; a scale item
    earns its value out of its scale_max. Minutes and text items carry no
    points, and an item left unanswered counts neither way (the visitor could
    not check it). Draft and planned visits do not count. None when nothing
    counted (no submitted visit, or none with a pointed answer)."""
    attainable = tally.yes_no_answered + tally.scale_attainable
    if attainable <= 0:
        return None
    return 100.0 * (tally.yes + tally.scale_points) / attainable


# ---------------------------------------------------------------- positions


@dataclass(frozen=True)
class Placed:
    position: int | None
    tied: bool
    # The first tie-break key that set this entry apart from an entry with the
    # same score, or None when the score alone placed it (or it stayed tied).
    decided_by: str | None = None


def _rounded(value: float | None) -> tuple[int, float]:
    # Missing values sort after any present value (an entry without, say, a
    # checklist result has no evidence that would win it the tie); two missing
    # values are equal.
    if value is None:
        return (1, 0.0)
    return (0, -round(value, TIE_DECIMALS))


def place(
    entries: Sequence[Hashable],
    *,
    score: Mapping[Hashable, float | None],
    category: Mapping[Hashable, Hashable],
    tie_breaks: Sequence[Mapping[Hashable, float | None]] = (),
    tie_names: Sequence[str] = (),
) -> dict[Hashable, Placed]:
    """Positions per category (rule 5).

    Entries without a score get position None. The rest are ordered by score,
    then by each tie-break mapping in turn (higher first, missing last); entries
    equal on all of them share a position and are tied; the next position skips
    (1, 2, 2, 4). The result does not depend on the order of `entries`."""
    result: dict[Hashable, Placed] = {}
    groups: dict[Hashable, list[Hashable]] = defaultdict(list)
    for entry in entries:
        if score.get(entry) is None:
            result[entry] = Placed(None, False)
        else:
            groups[category[entry]].append(entry)
    for members in groups.values():
        keys = {
            e: (_rounded(score[e]), *(_rounded(tb.get(e)) for tb in tie_breaks)) for e in members
        }
        ordered = sorted(keys.values())
        first_at: dict[tuple, int] = {}
        for i, key in enumerate(ordered):
            first_at.setdefault(key, i + 1)
        count: dict[tuple, int] = defaultdict(int)
        for key in ordered:
            count[key] += 1
        # The deepest tie-break key an entry needs to stand apart from every
        # other entry with its score. In the sorted keys, the longest shared
        # prefix with any other key is the one with a neighbour, so looking at
        # the two neighbours is enough (no pairwise comparison in a large tie).
        distinct = sorted(count)
        deepest_at: dict[tuple, int] = {}
        for i, key in enumerate(distinct):
            deepest = 0
            for j in (i - 1, i + 1):
                if 0 <= j < len(distinct) and distinct[j][0] == key[0]:
                    other = distinct[j]
                    deepest = max(
                        deepest, next(n for n in range(1, len(key)) if other[n] != key[n])
                    )
            deepest_at[key] = deepest
        for entry in members:
            key = keys[entry]
            deepest = deepest_at[key] if count[key] == 1 else 0
            decided_by = tie_names[deepest - 1] if deepest and deepest <= len(tie_names) else None
            result[entry] = Placed(first_at[key], count[key] > 1, decided_by)
    return result


def sheet_scores(rows: Iterable[SheetTotal], stage: int) -> dict[tuple[Hashable, Hashable], float]:
    """(juror, entry) -> raw sheet score for one stage's counted sheets."""
    out: dict[tuple[Hashable, Hashable], float] = {}
    for row in rows:
        if row.stage != stage:
            continue
        value = sheet_score(row.points, row.attainable)
        if value is not None:
            out[(row.juror_id, row.entry_id)] = value
    return out


@dataclass
class StageScores:
    """One stage's entry scores, raw and normalised, and the jurors left raw."""

    raw: dict[Hashable, float]
    normalised: dict[Hashable, float]
    not_normalised: list[NotNormalised]


def stage_scores(rows: Iterable[SheetTotal], stage: int) -> StageScores:
    """Rules 1-3 for one stage: sheet scores, normalisation, entry means."""
    return all_stage_scores(rows, stages=(stage,))[stage]


def all_stage_scores(
    rows: Iterable[SheetTotal], stages: Sequence[int] = (1, 2)
) -> dict[int, StageScores]:
    """Rules 1-3 for each stage, in one pass over the sheets.

    The same steps as sheet_scores, normalise and entry_means, but grouped by
    stage and juror once instead of keyed by (juror, entry): this runs over
    every sheet of a national edition on each ranking."""
    grouped: dict[int, dict[Hashable, list[tuple[Hashable, float]]]] = {
        s: defaultdict(list) for s in stages
    }
    for juror, entry, row_stage, points, attainable in rows:
        by_juror = grouped.get(row_stage)
        if by_juror is not None and attainable > 0:
            by_juror[juror].append((entry, 100.0 * points / attainable))
    result = {}
    for stage, by_juror in grouped.items():
        fixed, skipped = _normalise_jurors(by_juror, stage=stage)
        raw: dict[Hashable, list[float]] = defaultdict(list)
        normalised: dict[Hashable, list[float]] = defaultdict(list)
        for juror, sheets in by_juror.items():
            for (entry, value), (_, fixed_value) in zip(sheets, fixed[juror], strict=True):
                raw[entry].append(value)
                normalised[entry].append(fixed_value)
        result[stage] = StageScores(
            {e: _mean(v) for e, v in raw.items()},
            {e: _mean(v) for e, v in normalised.items()},
            skipped,
        )
    return result
