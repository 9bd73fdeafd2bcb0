"""The geometry of the results charts, as plain dataclasses; the SVG itself is
written by the macros in templates/results/_charts.html, which only loop over
the shapes.

Every chart is readable without colour: values are printed as text, and where
a fill carries meaning it is a pattern (hatching, dots) as well as a colour.
Colours and line styles come from CSS classes (app/static/laurel.css); the
coordinates are SVG presentation attributes, never `style` attributes, so the
page's Content-Security-Policy holds. Each chart is followed on the page by a
table with the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

# Shared sizes, in SVG user units (the SVG scales to the width it gets).
FONT = 12
ROW = 28
LABEL_WIDTH = 240  # room for LABEL_CHARS at about 7 units a character
# Long names are cut in the picture; the table below has them whole.
LABEL_CHARS = 30


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    cls: str = ""
    pattern: str | None = None  # the id of a <pattern> that fills it
    kind: str = "rect"


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    cls: str = ""
    kind: str = "line"


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float
    cls: str = ""
    kind: str = "circle"


@dataclass(frozen=True)
class Polygon:
    points: str
    cls: str = ""
    kind: str = "polygon"


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    cls: str = ""
    anchor: str = "start"  # start, middle, end
    kind: str = "text"


@dataclass(frozen=True)
class Pattern:
    """A fill pattern: "hatch" (diagonal lines) or "dots", over a background
    whose colour comes from `cls`."""

    id: str
    style: str
    cls: str = ""


@dataclass
class Chart:
    id: str
    width: float
    height: float
    label: str  # the accessible name: what the chart shows, and that a table follows
    cls: str = ""
    patterns: list[Pattern] = field(default_factory=list)
    shapes: list = field(default_factory=list)


def short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap(text: str, width: int, lines: int = 2) -> list[str]:
    """Up to `lines` lines of at most `width` characters, broken at spaces;
    whatever does not fit is cut with an ellipsis."""
    words, result = " ".join(str(text).split()).split(" "), [""]
    for word in words:
        joined = f"{result[-1]} {word}".strip()
        if len(joined) <= width or not result[-1]:
            result[-1] = joined
        elif len(result) < lines:
            result.append(word)
        else:
            result[-1] = joined
            break
    return [short(line, width) for line in result]


def number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


@dataclass(frozen=True)
class Scale:
    """A linear axis: values lo..hi onto pixels x0..x1, with tick values."""

    lo: float
    hi: float
    x0: float
    x1: float

    def __call__(self, value: float) -> float:
        return round(self.x0 + (value - self.lo) / (self.hi - self.lo) * (self.x1 - self.x0), 2)

    @property
    def ticks(self) -> list[float]:
        span = self.hi - self.lo
        step = 10 if span <= 60 else 20 if span <= 150 else 50 if span <= 400 else 100
        first = math.ceil(self.lo / step) * step
        return [float(first + i * step) for i in range(int((self.hi - first) // step) + 1)]


def nice_range(values: Sequence[float], lo: float = 0.0, hi: float = 100.0) -> tuple[float, float]:
    """lo..hi widened to take every value, to whole tens."""
    lo = min([lo, *values])
    hi = max([hi, *values])
    return math.floor(lo / 10) * 10, math.ceil(hi / 10) * 10


def _axis(scale: Scale, top: float, bottom: float) -> list:
    shapes = []
    for tick in scale.ticks:
        x = scale(tick)
        shapes.append(Line(x, top, x, bottom, "chart-grid"))
        shapes.append(Text(x, bottom + FONT + 2, f"{tick:g}", "chart-tick", "middle"))
    return shapes


# ------------------------------------------------------- juror distributions


@dataclass(frozen=True)
class DistributionRow:
    """One juror's line in the distribution chart: name, raw and normalised
    min, mean, max; `kept_raw` when the ranking left their scores raw."""

    name: str
    raw: tuple[float, float, float]
    normalised: tuple[float, float, float]
    kept_raw: bool = False


def juror_distributions(
    rows: Sequence[DistributionRow], *, label: str, titles: tuple[str, str], chart_id: str
) -> Chart:
    """Per juror a min–max line with the mean marked (raw: a circle,
    normalised: a diamond) and printed, raw and normalised side by side on the
    same scale. A juror left raw gets a * after the normalised mean."""
    panel, gap, value_width = 220.0, 24.0, 46.0
    top = FONT * 2 + 8
    height = top + ROW * max(len(rows), 1) + FONT * 2 + 6
    width = LABEL_WIDTH + 2 * (panel + value_width) + gap
    every = [v for r in rows for v in (*r.raw, *r.normalised)]
    lo, hi = nice_range(every)
    starts = (LABEL_WIDTH, LABEL_WIDTH + panel + value_width + gap)
    scales = [Scale(lo, hi, x + 6, x + panel - 6) for x in starts]
    chart = Chart(chart_id, width, height, label, "chart chart-distribution")
    bottom = top + ROW * max(len(rows), 1)
    for scale, title, x in zip(scales, titles, starts, strict=True):
        chart.shapes.append(Text(x + panel / 2, FONT + 4, title, "chart-heading", "middle"))
        chart.shapes.extend(_axis(scale, top, bottom))
        chart.shapes.append(Line(x, bottom, x + panel, bottom, "chart-axis"))
    for i, row in enumerate(rows):
        y = top + ROW * i + ROW / 2
        chart.shapes.append(
            Text(LABEL_WIDTH - 8, y + FONT / 3, short(row.name), "chart-label", "end")
        )
        for n, (scale, (low, mean, high)) in enumerate(
            zip(scales, (row.raw, row.normalised), strict=True)
        ):
            chart.shapes.append(Line(scale(low), y, scale(high), y, "chart-range"))
            for end in (low, high):
                chart.shapes.append(Line(scale(end), y - 5, scale(end), y + 5, "chart-range"))
            cx = scale(mean)
            if n == 0:
                chart.shapes.append(Circle(cx, y, 5, "chart-mean chart-mean-raw"))
            else:
                points = f"{cx},{y - 6} {cx + 6},{y} {cx},{y + 6} {cx - 6},{y}"
                chart.shapes.append(Polygon(points, "chart-mean chart-mean-normalised"))
            text = number(mean) + (" *" if n == 1 and row.kept_raw else "")
            chart.shapes.append(Text(scale.x1 + 10, y + FONT / 3, text, "chart-value"))
    return chart


# ------------------------------------------------------------- heat map


BANDS = ("reliable", "tentative", "unreliable", "no_data")
# Reliable: plain fill; tentative: dots; not reliable: hatching; no data: white.
BAND_PATTERN = {"tentative": "dots", "unreliable": "hatch"}


@dataclass(frozen=True)
class HeatCell:
    value: float | None
    band: str  # one of BANDS
    words: str  # the band in the reader's language


def heat_map(
    rows: Sequence[tuple[str, Sequence[HeatCell]]],
    columns: Sequence[str],
    *,
    label: str,
    chart_id: str,
    legend: Sequence[tuple[str, str]] = (),
) -> Chart:
    """Criteria (rows) × categories (columns): each cell shows alpha to 3
    decimals and its band in words, filled by band (colour and pattern).
    `legend` is (band, words) for the key drawn under the grid."""
    cell_w, cell_h, head, label_w = 104.0, 40.0, FONT * 3 + 12, 300.0
    width = label_w + cell_w * max(len(columns), 1) + 4
    grid_bottom = head + cell_h * len(rows)
    height = grid_bottom + (FONT * 2 + 16 if legend else 8)
    chart = Chart(chart_id, width, height, label, "chart chart-heatmap")
    chart.patterns = [
        Pattern(f"{chart_id}-{band}", style, f"band-{band}") for band, style in BAND_PATTERN.items()
    ]

    def fill(band: str) -> tuple[str, str | None]:
        pattern = f"{chart_id}-{band}" if band in BAND_PATTERN else None
        return f"chart-cell band-{band}", pattern

    for c, name in enumerate(columns):
        x = label_w + cell_w * c + cell_w / 2
        lines = wrap(name, 14)
        for n, line in enumerate(lines):
            y = head - 8 - (len(lines) - 1 - n) * (FONT + 3)
            chart.shapes.append(Text(x, y, line, "chart-heading", "middle"))
    for r, (name, cells) in enumerate(rows):
        y = head + cell_h * r
        chart.shapes.append(
            Text(label_w - 8, y + cell_h / 2 + FONT / 3, short(name, 40), "chart-label", "end")
        )
        for c, cell in enumerate(cells):
            x = label_w + cell_w * c
            cls, pattern = fill(cell.band)
            chart.shapes.append(Rect(x + 1, y + 1, cell_w - 2, cell_h - 2, cls, pattern))
            # The text sits on a white plate, so hatching never crosses it.
            chart.shapes.append(Rect(x + 8, y + 5, cell_w - 16, cell_h - 10, "chart-plate"))
            chart.shapes.append(
                Text(
                    x + cell_w / 2, y + 4 + FONT + 1, number(cell.value, 3), "chart-value", "middle"
                )
            )
            chart.shapes.append(
                Text(
                    x + cell_w / 2,
                    y + 4 + 2 * FONT + 2,
                    short(cell.words, 16),
                    "chart-small",
                    "middle",
                )
            )
    x = 4.0
    for band, words in legend:
        cls, pattern = fill(band)
        y = grid_bottom + 12
        chart.shapes.append(Rect(x, y, 22, 16, cls, pattern))
        chart.shapes.append(Text(x + 28, y + FONT, words, "chart-small"))
        x += 28 + 7.0 * len(words) + 20
    chart.width = max(chart.width, x)
    return chart


# ------------------------------------------------------- final ranking bars


@dataclass(frozen=True)
class BarRow:
    """An entry of the final ranking: its position, office and its two
    weighted stage parts (w1·s1/100 and w2·s2/100), which add up to the final
    score."""

    position: int
    office: str
    stage1_part: float
    stage2_part: float
    tied: bool = False

    @property
    def total(self) -> float:
        return self.stage1_part + self.stage2_part


def split_bars(
    rows: Sequence[BarRow],
    *,
    label: str,
    chart_id: str,
    legend: tuple[str, str],
) -> Chart:
    """Horizontal bars, one per entry in ranking order: the stage-1 part
    (plain) then the stage-2 part (hatched), with each part's value printed
    inside when it fits and the final score at the end. A negative part (a
    normalised score can be one) is drawn leftwards from where it starts."""
    bar_area, value_width, top = 400.0, 54.0, FONT + 14
    height = top + ROW * max(len(rows), 1) + FONT * 2 + 4 + FONT * 2 + 12
    width = LABEL_WIDTH + bar_area + value_width
    ends = [v for r in rows for v in (r.stage1_part, r.total)]
    lo, hi = nice_range(ends)
    scale = Scale(lo, hi, LABEL_WIDTH, LABEL_WIDTH + bar_area)
    chart = Chart(chart_id, width, height, label, "chart chart-bars")
    chart.patterns = [Pattern(f"{chart_id}-stage2", "hatch", "bar-stage2")]
    bottom = top + ROW * max(len(rows), 1)
    chart.shapes.extend(_axis(scale, top - 4, bottom))
    for i, row in enumerate(rows):
        y = top + ROW * i
        name = f"{row.position}. {row.office}" + (" (=)" if row.tied else "")
        chart.shapes.append(
            Text(LABEL_WIDTH - 8, y + ROW / 2 + FONT / 3, short(name), "chart-label", "end")
        )
        for start, end, cls, pattern in (
            (0.0, row.stage1_part, "chart-bar bar-stage1", None),
            (row.stage1_part, row.total, "chart-bar bar-stage2", f"{chart_id}-stage2"),
        ):
            x0, x1 = sorted((scale(start), scale(end)))
            chart.shapes.append(Rect(x0, y + 4, round(x1 - x0, 2), ROW - 8, cls, pattern))
            if x1 - x0 >= 44:
                # On a white plate, so the hatching never crosses the digits.
                middle = (x0 + x1) / 2
                chart.shapes.append(Rect(middle - 19, y + 7, 38, ROW - 14, "chart-plate"))
                chart.shapes.append(
                    Text(
                        middle, y + ROW / 2 + FONT / 3, number(end - start), "chart-small", "middle"
                    )
                )
        chart.shapes.append(
            Text(
                max(scale(row.total), scale(row.stage1_part), scale(0)) + 6,
                y + ROW / 2 + FONT / 3,
                number(row.total),
                "chart-value",
            )
        )
    chart.shapes.append(Line(scale(0), top - 4, scale(0), bottom, "chart-axis"))
    y = bottom + FONT * 2 + 8
    x = LABEL_WIDTH
    for words, cls, pattern in (
        (legend[0], "chart-bar bar-stage1", None),
        (legend[1], "chart-bar bar-stage2", f"{chart_id}-stage2"),
    ):
        chart.shapes.append(Rect(x, y, 22, 16, cls, pattern))
        chart.shapes.append(Text(x + 28, y + FONT, words, "chart-small"))
        x += 28 + 7.0 * len(words) + 20
    chart.width = max(chart.width, x)
    return chart


# The final-ranking chart shows each category's first places; the ranking
# table above it on the page has every entry.
BARS_SHOWN = 20


def bar_rows(ranking, limit: int = BARS_SHOWN) -> list[tuple[int, str, list[BarRow]]]:
    """(category id, category name, bar rows) for a final ranking
    (ranking.rank(edition, stage="final")): its ranked entries in order, at
    most `limit` per category, each split as w1·s1/100 + w2·s2/100 in the
    ranking's own mode (raw or normalised), which is its final score."""
    normalised = getattr(ranking.mode, "value", ranking.mode) == "normalised"
    w1, w2 = ranking.stage1_weight, ranking.stage2_weight
    groups: dict[int, tuple[str, list[BarRow]]] = {}
    for row in ranking.ranked:
        name, rows = groups.setdefault(row.category_id, (row.category, []))
        s1 = row.stage1_normalised if normalised else row.stage1_raw
        s2 = row.stage2_normalised if normalised else row.stage2_raw
        if len(rows) < limit and s1 is not None and s2 is not None:
            rows.append(BarRow(row.position, row.office, w1 * s1 / 100, w2 * s2 / 100, row.tied))
    return [(c, name, rows) for c, (name, rows) in groups.items() if rows]
