"""How far the jury agrees: Krippendorff's alpha per category and criterion,
the sheets far from their entry's other sheets, and each juror's leniency.

Plain functions on plain data first (tested with hand-computed values), then
`load(edition, stage)`, which reads one stage of an edition in a fixed number
of queries (five, whatever the edition's size) and feeds them.

Only submitted and locked sheets count, as in the ranking. Sheet scores are the
ranking's raw sheet scores (percent of the attainable points,
app/results/numbers.py rule 1): agreement is about the scores as the jurors
gave them, before any normalisation.

**Alpha** (interval metric) treats jurors as raters and entries as units: per
category, a unit's values are its sheet scores; per criterion, the values the
jurors gave that criterion. A unit with fewer than 2 values cannot be compared
and is left out. Alpha is computed in closed form from a few sums over the
units (`alpha_from_totals`; for criteria the database adds them up), the same
number the `krippendorff` package gives (tests/results/test_agreement.py
compares them), without its units × values × values array, which for percent
scores of a few hundred entries takes gigabytes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.editions.models import Area, Category, Criterion, Edition
from app.extensions import db
from app.jury.models import Assignment, Score, ScoreSheet
from app.offices.models import Application, ApplicationStatus, Office
from app.results import numbers
from app.results.ranking import COUNTED, core_rows, juror_names, sheet_totals

# Krippendorff's own reading of alpha: from 0.8 the data can be relied on,
# from 0.667 only for tentative conclusions, below that not at all.
RELIABLE = 0.8
TENTATIVE = 0.667

# A sheet is an outlier when it lies more than this many standard deviations
# from the mean of its entry's other sheets (see `outliers` for the SD used)...
OUTLIER_SDS = 2.0
# ...where the SD never counts as less than this many percentage points.
MIN_SPREAD = 1.0
# The other sheets needed to judge a sheet against them.
MIN_OTHERS = 2

# Floating-point noise below this counts as no variance at all (absolute,
# and relative to the sum of squares it was computed from).
_NO_VARIANCE = 1e-9
_RELATIVE_NOISE = 1e-12


# ---------------------------------------------------------------- alpha


@dataclass(frozen=True)
class Alpha:
    """Krippendorff's alpha with what it rests on. `value` is None when the
    data cannot give one: `reason` is "too_few_ratings" (no unit has two
    values) or "no_variance" (every value is the same)."""

    value: float | None
    units: int = 0  # units with at least two values
    values: int = 0  # the values in those units
    reason: str | None = None

    @property
    def band(self) -> str:
        """ "reliable" (≥ 0.8), "tentative" (≥ 0.667), "unreliable", or
        "no_data" when there is no value."""
        if self.value is None:
            return "no_data"
        # Rounded as shown (3 decimals), so 0.6667 reads as tentative.
        shown = round(self.value, 3)
        if shown >= RELIABLE:
            return "reliable"
        if shown >= TENTATIVE:
            return "tentative"
        return "unreliable"


@dataclass(frozen=True)
class Moments:
    """One unit's values, summarised: how many, their mean, and the sum of
    their squared deviations from that mean (two passes, for precision)."""

    count: int
    mean: float
    ss: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Moments:
        mean = math.fsum(values) / len(values)
        return cls(len(values), mean, math.fsum((v - mean) ** 2 for v in values))


@dataclass(frozen=True)
class Totals:
    """What alpha needs from the pairable units (those with two values or
    more): how many units and values (n), `within` = Σ m·ss/(m − 1) over the
    units, and the sum and the sum of squares of all their values. Every
    field adds up over units, so the database can sum them and categories add
    up to the whole."""

    units: int = 0
    values: int = 0
    within: float = 0.0
    total: float = 0.0
    squares: float = 0.0

    @classmethod
    def of(cls, units: Iterable[Sequence[float]]) -> Totals:
        pairable = [Moments.of(u) for u in units if len(u) >= 2]
        return cls(
            len(pairable),
            sum(u.count for u in pairable),
            math.fsum(u.count * u.ss / (u.count - 1) for u in pairable),
            math.fsum(u.count * u.mean for u in pairable),
            math.fsum(u.ss + u.count * u.mean**2 for u in pairable),
        )

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.units + other.units,
            self.values + other.values,
            self.within + other.within,
            self.total + other.total,
            self.squares + other.squares,
        )


def alpha_from_totals(totals: Totals) -> Alpha:
    """Krippendorff's alpha, interval metric, from the pairable units' totals.

    With m_u values in unit u, n = Σ m_u, ss_u the unit's sum of squared
    deviations and SS = Σv² − (Σv)²/n that of all n values, the observed and
    expected disagreements are D_o = (2/n) Σ m_u·ss_u/(m_u − 1) and
    D_e = 2·SS/(n − 1) (a sum of squared differences over ordered pairs is
    2·m·ss), so

        alpha = 1 − (n − 1)·Σ[m_u·ss_u/(m_u − 1)] / (n·SS).

    1 is perfect agreement, 0 agreement no better than chance; it can be
    negative. No value when no unit has two values, or when SS is 0 (every
    value the same: nothing to agree about)."""
    n = totals.values
    if totals.units == 0:
        return Alpha(None, reason="too_few_ratings")
    ss = totals.squares - totals.total * totals.total / n
    if ss <= max(_NO_VARIANCE, _RELATIVE_NOISE * totals.squares):
        return Alpha(None, totals.units, n, "no_variance")
    return Alpha(1.0 - (n - 1) * totals.within / (n * ss), totals.units, n)


def interval_alpha(units: Iterable[Sequence[float]]) -> Alpha:
    """Krippendorff's alpha, interval metric, for units given as value lists
    (one value per rater who rated the unit); units with fewer than two values
    are left out. See `alpha_from_totals`."""
    return alpha_from_totals(Totals.of(units))


# ---------------------------------------------------------------- sheets


@dataclass(frozen=True)
class Outlier:
    """A sheet far from the other sheets of its entry and stage. `deviation`
    is signed, in standard deviations as used (`others_sd`)."""

    juror_id: Hashable
    entry_id: Hashable
    stage: int
    score: float
    others: int
    others_mean: float
    others_sd: float  # as used: at least the floor
    deviation: float


def within_entry_sd(scores: dict[tuple[Hashable, Hashable], float]) -> float | None:
    """How far the sheets of one entry typically spread in this stage: the
    pooled sample SD, sqrt(Σ ss_e / Σ (m_e − 1)) over the entries with at
    least two sheets (ss_e: the squared deviations from the entry's mean).
    None when no entry has two sheets."""
    by_entry: dict[Hashable, list[float]] = defaultdict(list)
    for (_juror, entry), value in scores.items():
        by_entry[entry].append(value)
    units = [Moments.of(v) for v in by_entry.values() if len(v) >= 2]
    if not units:
        return None
    return math.sqrt(math.fsum(u.ss for u in units) / sum(u.count - 1 for u in units))


def outlier_floor(scores: dict[tuple[Hashable, Hashable], float]) -> float:
    """The least SD a sheet is judged with: the stage's within-entry SD, and
    never under MIN_SPREAD points."""
    return max(within_entry_sd(scores) or 0.0, MIN_SPREAD)


def outliers(
    scores: dict[tuple[Hashable, Hashable], float],
    *,
    stage: int,
    threshold: float = OUTLIER_SDS,
    floor: float | None = None,
) -> list[Outlier]:
    """The outlier sheets of one stage; `scores` maps (juror, entry) to the
    sheet score.

    Each sheet is compared with the *other* counted sheets of the same entry
    and stage (never with itself, which would pull the mean towards it). It is
    an outlier when

        |score − mean(others)| > threshold · max(sd(others), floor)

    with sd the *sample* standard deviation (n − 1: the other jurors are a
    sample of the opinions the entry could have drawn) and `floor` by default
    `outlier_floor(scores)`: the stage's typical spread between the sheets of
    one entry, at least MIN_SPREAD points. The floor matters because an entry
    has few other sheets: two of them 1 point apart (or equal, SD 0) would
    make a sheet 3 points away an "outlier"; it has to stand out against the
    disagreement that is usual in the stage. A sheet needs at least MIN_OTHERS
    other sheets; an entry with fewer has no outliers. Values are compared
    rounded to 6 decimals, so floating-point noise cannot flag a sheet on the
    boundary. Most deviant first."""
    if floor is None:
        floor = outlier_floor(scores)
    by_entry: dict[Hashable, list[tuple[Hashable, float]]] = defaultdict(list)
    for (juror, entry), value in scores.items():
        by_entry[entry].append((juror, value))
    found = []
    for entry, sheets in by_entry.items():
        if len(sheets) < MIN_OTHERS + 1:
            continue
        for i, (juror, value) in enumerate(sheets):
            others = [v for k, (_, v) in enumerate(sheets) if k != i]
            mean = math.fsum(others) / len(others)
            sd = math.sqrt(math.fsum((v - mean) ** 2 for v in others) / (len(others) - 1))
            used = max(sd, floor)
            gap = value - mean
            if round(abs(gap), numbers.TIE_DECIMALS) > round(
                threshold * used, numbers.TIE_DECIMALS
            ):
                found.append(
                    Outlier(juror, entry, stage, value, len(others), mean, used, gap / used)
                )
    found.sort(key=lambda o: (-abs(o.deviation), str(o.entry_id), str(o.juror_id)))
    return found


@dataclass(frozen=True)
class Leniency:
    """A juror's sheets in one stage against the whole stage: `mean_z` is the
    mean of their sheets' z-scores against the mean and population SD of all
    the stage's sheet scores (positive: more generous than the jury as a
    whole); None when the stage's scores do not spread."""

    juror_id: Hashable
    stage: int
    sheets: int
    mean_score: float
    mean_z: float | None


def leniency(scores: dict[tuple[Hashable, Hashable], float], *, stage: int) -> list[Leniency]:
    """Per juror of one stage, their sheets, mean score and mean z-score (the
    same population SD as the ranking's normalisation); most lenient first,
    jurors without a z-score last."""
    if not scores:
        return []
    everything = list(scores.values())
    mean = math.fsum(everything) / len(everything)
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in everything) / len(everything))
    by_juror: dict[Hashable, list[float]] = defaultdict(list)
    for (juror, _entry), value in scores.items():
        by_juror[juror].append(value)
    result = []
    for juror, values in by_juror.items():
        own = math.fsum(values) / len(values)
        z = None if sd <= _NO_VARIANCE else (own - mean) / sd
        result.append(Leniency(juror, stage, len(values), own, z))
    result.sort(key=lambda r: (r.mean_z is None, -(r.mean_z or 0.0), str(r.juror_id)))
    return result


@dataclass(frozen=True)
class Spread:
    count: int
    low: float
    mean: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(len(values), min(values), math.fsum(values) / len(values), max(values))


@dataclass(frozen=True)
class Distribution:
    """A juror's sheet scores in one stage, raw and as the ranking normalises
    them; `normalised_reason` says why they were left raw, if they were."""

    juror_id: Hashable
    raw: Spread
    normalised: Spread
    normalised_reason: str | None = None


def distributions(
    scores: dict[tuple[Hashable, Hashable], float], *, stage: int
) -> list[Distribution]:
    """Per juror, the spread of their raw and normalised sheet scores (the
    ranking's normalisation, numbers.normalise)."""
    fixed, skipped = numbers.normalise(scores, stage=stage)
    reasons = {s.juror_id: s.reason for s in skipped}
    raw: dict[Hashable, list[float]] = defaultdict(list)
    normalised: dict[Hashable, list[float]] = defaultdict(list)
    for key, value in scores.items():
        raw[key[0]].append(value)
        normalised[key[0]].append(fixed[key])
    return [
        Distribution(j, Spread.of(raw[j]), Spread.of(normalised[j]), reasons.get(j)) for j in raw
    ]


# ---------------------------------------------------------------- loader


@dataclass(frozen=True)
class CategoryAlpha:
    category_id: int
    name: str
    entries: int
    sheets: int
    alpha: Alpha


@dataclass(frozen=True)
class CriterionAlpha:
    criterion_id: int
    name: str
    area: str
    overall: Alpha
    by_category: dict[int, Alpha]


@dataclass(frozen=True)
class Named:
    """A result of the plain functions above with the names a page shows."""

    juror: str
    office: str
    category: str
    item: Outlier | Leniency | Distribution


@dataclass
class StageAgreement:
    edition_id: int
    stage: int
    overall: Alpha
    categories: list[CategoryAlpha] = field(default_factory=list)
    criteria: list[CriterionAlpha] = field(default_factory=list)
    outliers: list[Named] = field(default_factory=list)
    leniency: list[Named] = field(default_factory=list)
    distributions: list[Named] = field(default_factory=list)
    sheets: int = 0
    outlier_floor: float = MIN_SPREAD  # the least SD outliers were judged with


def _criterion_totals(edition_id: int, stage: int) -> list[tuple]:
    """(criterion, category, Totals fields...) over the stage's counted
    sheets, in one query: the values are summed per criterion and entry
    (entries with at least two values only), then those sums per criterion
    and category, so ~40 rows leave the database instead of 300,000 scores
    or 60,000 entry sums."""
    value = sa.cast(Score.value, sa.Float)
    per_entry = (
        sa.select(
            Score.criterion_id.label("criterion_id"),
            Application.category_id.label("category_id"),
            sa.cast(sa.func.count(), sa.Float).label("m"),
            sa.func.sum(value).label("s1"),
            sa.func.sum(value * value).label("s2"),
        )
        .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(
            Application.edition_id == edition_id,
            Application.status != ApplicationStatus.draft,
            ScoreSheet.stage == stage,
            ScoreSheet.status.in_(COUNTED),
            Score.value.is_not(None),
        )
        .group_by(Score.criterion_id, Assignment.application_id, Application.category_id)
        .having(sa.func.count() >= 2)
        .subquery()
    )
    m, s1, s2 = per_entry.c.m, per_entry.c.s1, per_entry.c.s2
    return core_rows(
        sa.select(
            per_entry.c.criterion_id,
            per_entry.c.category_id,
            sa.func.count(),
            sa.cast(sa.func.sum(m), sa.Integer),
            # m·ss/(m − 1) with ss = s2 − s1²/m.
            sa.func.sum((m * s2 - s1 * s1) / (m - 1)),
            sa.func.sum(s1),
            sa.func.sum(s2),
        ).group_by(per_entry.c.criterion_id, per_entry.c.category_id)
    )


def load(edition: Edition, stage: int) -> StageAgreement:
    """One stage's agreement, outliers, leniency and juror distributions.

    Five queries whatever the edition's size: entries, sheet sums (the
    ranking's), the stage's criteria, the criterion totals per category, and
    the names of the jurors who have counted sheets."""
    if stage not in (1, 2):
        raise ValueError(f"unknown stage: {stage!r}")
    # The queries go to the connection directly (ranking.core_rows), which does not
    # autoflush: flush so a change made earlier in this request counts.
    db.session.flush()
    entries = core_rows(
        sa.select(Application.id, Office.name, Category.id, Category.name)
        .join(Office, Office.id == Application.office_id)
        .join(Category, Category.id == Application.category_id)
        .where(Application.edition_id == edition.id, Application.status != ApplicationStatus.draft)
        .order_by(Category.position, Category.id, Office.name, Application.id)
    )
    office = {e: name for e, name, _, _ in entries}
    category_of = {e: c for e, _, c, _ in entries}
    category_names = {c: name for _, _, c, name in entries}  # in category order
    scores = numbers.sheet_scores(sheet_totals(edition.id, stage), stage)
    criteria = core_rows(
        sa.select(Criterion.id, Criterion.name, Area.name)
        .join(Area, Area.id == Criterion.area_id)
        .where(Area.edition_id == edition.id, Criterion.stage == stage)
        .order_by(Area.position, Area.id, Criterion.position, Criterion.id)
    )
    totals = {
        (criterion, category): Totals(units, values, within, total, squares)
        for criterion, category, units, values, within, total, squares in _criterion_totals(
            edition.id, stage
        )
    }
    names = juror_names(j for j, _ in scores)
    floor = outlier_floor(scores)

    by_entry: dict[int, list[float]] = defaultdict(list)
    for (_juror, entry), value in scores.items():
        by_entry[entry].append(value)
    by_category: dict[int, list[list[float]]] = defaultdict(list)
    for entry, values in by_entry.items():
        by_category[category_of[entry]].append(values)
    categories = []
    for category_id, name in category_names.items():
        units = by_category[category_id]
        categories.append(
            CategoryAlpha(
                category_id,
                name,
                entries=len(units),
                sheets=sum(len(v) for v in units),
                alpha=interval_alpha(units),
            )
        )

    criterion_rows = []
    for criterion_id, name, area in criteria:
        by_category = {c: totals.get((criterion_id, c), Totals()) for c in category_names}
        criterion_rows.append(
            CriterionAlpha(
                criterion_id,
                name,
                area,
                overall=alpha_from_totals(sum(by_category.values(), Totals())),
                by_category={c: alpha_from_totals(t) for c, t in by_category.items()},
            )
        )

    def named(item, juror, entry=None) -> Named:
        category = category_names.get(category_of.get(entry), "")
        return Named(names.get(juror, ""), office.get(entry, ""), category, item)

    return StageAgreement(
        edition_id=edition.id,
        stage=stage,
        overall=interval_alpha(by_entry.values()),
        categories=categories,
        criteria=criterion_rows,
        outliers=[
            named(o, o.juror_id, o.entry_id) for o in outliers(scores, stage=stage, floor=floor)
        ],
        leniency=[named(r, r.juror_id) for r in leniency(scores, stage=stage)],
        distributions=sorted(
            (named(d, d.juror_id) for d in distributions(scores, stage=stage)),
            key=lambda n: (n.juror, str(n.item.juror_id)),
        ),
        sheets=len(scores),
        outlier_floor=floor,
    )
