"""The chart geometry of app/results/charts.py, on plain data."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.results import charts
from app.results.charts import BarRow, DistributionRow, HeatCell


def shapes(chart, kind, cls=None):
    return [s for s in chart.shapes if s.kind == kind and (cls is None or cls in s.cls.split())]


def texts(chart) -> list[str]:
    return [s.text for s in shapes(chart, "text")]


def test_scale_maps_values_to_pixels_and_ticks():
    scale = charts.Scale(0, 100, 200, 600)
    assert (scale(0), scale(25), scale(100)) == (200, 300, 600)
    assert scale.ticks == [0, 20, 40, 60, 80, 100]
    assert charts.Scale(-10, 40, 0, 1).ticks == [-10, 0, 10, 20, 30, 40]
    assert charts.nice_range([]) == (0, 100)
    assert charts.nice_range([-3.2, 101]) == (-10, 110)


def test_long_names_are_cut_and_wrapped():
    assert charts.short("Urząd Gminy", 20) == "Urząd Gminy"
    assert charts.short("Urząd Marszałkowski Województwa", 12) == "Urząd Marsz…"
    assert charts.wrap("Urzędy miast na prawach powiatu", 14) == ["Urzędy miast", "na prawach po…"]
    assert charts.wrap("Gminy", 14) == ["Gminy"]


def test_split_bars_are_proportional_and_the_stage_2_part_is_hatched():
    # 0..100 over 400 units from x = LABEL_WIDTH: 30 points are 120 units.
    chart = charts.split_bars(
        [BarRow(1, "Urząd Alfa", 30.0, 45.0), BarRow(2, "Urząd Beta", 20.0, 10.0, tied=True)],
        label="Final",
        chart_id="bars-7",
        legend=("Stage 1 part", "Stage 2 part"),
    )
    x0 = charts.LABEL_WIDTH
    first, second = shapes(chart, "rect", "bar-stage1")[:1], shapes(chart, "rect", "bar-stage2")[:1]
    assert (first[0].x, first[0].width, first[0].pattern) == (x0, 120, None)
    assert (second[0].x, second[0].width, second[0].pattern) == (x0 + 120, 180, "bars-7-stage2")
    assert [p.id for p in chart.patterns] == ["bars-7-stage2"]
    # Values printed: the parts that fit (Beta's 10 points, 40 units, do
    # not), the final scores, the tie.
    assert {"45.0", "75.0", "20.0"} <= set(texts(chart)) and "10.0" not in texts(chart)
    assert texts(chart).count("30.0") == 2  # Alfa's stage-1 part, Beta's final
    assert "2. Urząd Beta (=)" in texts(chart)
    assert chart.label == "Final" and chart.id == "bars-7"


def test_a_negative_part_is_drawn_leftwards():
    chart = charts.split_bars(
        [BarRow(1, "Urząd", -5.0, 40.0)], label="x", chart_id="b", legend=("1", "2")
    )
    scale = charts.Scale(-10, 100, charts.LABEL_WIDTH, charts.LABEL_WIDTH + 400)
    stage1 = shapes(chart, "rect", "bar-stage1")[0]
    assert stage1.x == scale(-5) and stage1.x + stage1.width == pytest.approx(scale(0))
    stage2 = shapes(chart, "rect", "bar-stage2")[0]
    assert stage2.x == scale(-5) and stage2.x + stage2.width == pytest.approx(scale(35))


def test_heat_map_cells_show_value_and_band_with_a_pattern():
    cells = [
        HeatCell(0.912, "reliable", "reliable"),
        HeatCell(0.7, "tentative", "tentative"),
        HeatCell(0.1, "unreliable", "not reliable"),
        HeatCell(None, "no_data", "not enough data"),
    ]
    chart = charts.heat_map(
        [("Karta usług", cells), ("Strona BIP", cells)],
        ["Gminy", "Powiaty", "Miasta", "Wszystkie"],
        label="Heat map",
        chart_id="agreement-1",
        legend=[("reliable", "reliable")],
    )
    grid = shapes(chart, "rect", "chart-cell")
    assert len(grid) == 2 * 4 + 1  # and one in the legend
    assert [r.pattern for r in grid[:4]] == [
        None,
        "agreement-1-tentative",
        "agreement-1-unreliable",
        None,
    ]
    assert {"0.912", "0.700", "0.100", "–", "not reliable", "Karta usług"} <= set(texts(chart))
    assert {p.id: p.style for p in chart.patterns} == {
        "agreement-1-tentative": "dots",
        "agreement-1-unreliable": "hatch",
    }


def test_juror_distributions_mark_means_by_shape_and_a_juror_left_raw():
    chart = charts.juror_distributions(
        [
            DistributionRow("Anna", (40, 60, 80), (35, 55, 75)),
            DistributionRow("Jan", (50, 50, 50), (50, 50, 50), kept_raw=True),
        ],
        label="Distributions",
        titles=("Raw", "Normalised"),
        chart_id="distributions-1",
    )
    assert len(shapes(chart, "circle")) == 2 and len(shapes(chart, "polygon")) == 2
    assert {"Raw", "Normalised", "60.0", "55.0", "50.0", "50.0 *", "Anna"} <= set(texts(chart))
    # Raw and normalised share one scale: the same value sits at the same
    # offset in both panels.
    raw, normalised = shapes(chart, "circle")[1], shapes(chart, "polygon")[1]
    offset = charts.LABEL_WIDTH + 220 + 46 + 24 - charts.LABEL_WIDTH
    assert float(normalised.points.split(",")[0]) == pytest.approx(raw.cx + offset)


def test_bar_rows_split_the_final_ranking_in_its_mode():
    def row(position, office, s1, s2, category_id=1):
        return SimpleNamespace(
            position=position,
            office=office,
            category_id=category_id,
            category=f"Kategoria {category_id}",
            stage1_raw=s1,
            stage2_raw=s2,
            stage1_normalised=s1 + 1,
            stage2_normalised=s2 + 1,
            tied=False,
        )

    rows = [row(1, "A", 80, 90), row(2, "B", 50, 60), row(1, "C", 70, 70, category_id=2)]
    raw = SimpleNamespace(mode="raw", stage1_weight=40.0, stage2_weight=60.0, ranked=rows)
    [(category, name, bars), (other, _, _)] = charts.bar_rows(raw)
    assert (category, name, other) == (1, "Kategoria 1", 2)
    # 40 % of 80 and 60 % of 90: 32 + 54 = 86, the final raw score.
    assert (bars[0].stage1_part, bars[0].stage2_part, bars[0].total) == (32.0, 54.0, 86.0)
    normalised = SimpleNamespace(
        mode="normalised", stage1_weight=40.0, stage2_weight=60.0, ranked=rows
    )
    assert charts.bar_rows(normalised)[0][2][0].stage1_part == pytest.approx(32.4)
    assert [len(b) for _, _, b in charts.bar_rows(raw, limit=1)] == [1, 1]
