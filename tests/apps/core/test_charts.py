"""Server-rendered charts: geometry, and SVG that stays valid in every language."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.template.defaultfilters import floatformat
from django.utils import translation

from apps.core.charts import Point, bar_chart, line_chart, number_text


def test_values_map_onto_the_plot_and_missing_ones_are_left_out() -> None:
    chart = line_chart(["a", "b", "c"], [("x", [1, None, 5])], y_min=1, y_max=5)

    (line,) = chart.lines
    assert [(p.label, p.value) for p in line.points] == [("a", 1), ("c", 5)]
    top, bottom = min(p.y for p in line.points), max(p.y for p in line.points)
    assert (bottom, top) == (chart.height - 28, 10)  # 1 at the bottom, 5 at the top
    assert line.path.startswith("M32.0,") and " L" in line.path


def test_bars_scale_to_the_largest_value() -> None:
    chart = bar_chart([("Hiring", 1), ("Travel", 4)])

    assert [b.width for b in chart.bars] == [chart.bars[1].width / 4, chart.bars[1].width]


@pytest.mark.parametrize("language", ["en", "de"])
def test_svg_numbers_use_a_decimal_point_in_every_language(language: str) -> None:
    template = Template(
        "{% load charts %}{% line_chart labels series 'T' %}{% bar_chart items 'B' %}"
    )
    context = Context(
        {
            "labels": ["Q1", "Q2"],
            "series": [("a", [2.5, 3.5]), ("b", [4, 1])],
            "items": [("x", 1.5), ("y", 3)],
        }
    )

    with translation.override(language):
        html = template.render(context)

    numbers = re.findall(r'\b(?:x|y|x1|x2|y1|y2|cx|cy|width|dx)="([^"]*)"', html)
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d+)?", n) for n in numbers), numbers


def test_a_line_is_summed_up_in_words_beside_its_table() -> None:
    chart = line_chart(
        ["Jan", "Feb", "Mar", "Apr"],
        [("Lena", [3, 5, None, 2]), ("Alex", [None, 4, None, None]), ("Kim", [None] * 4)],
        y_min=0,
        y_max=5,
    )

    lena, alex = chart.summaries  # a line without a point has nothing to say
    assert (lena.name, lena.count) == ("Lena", 3)
    assert [(p.label, p.value) for p in (lena.first, lena.last, lena.high, lena.low)] == [
        ("Jan", 3),
        ("Apr", 2),
        ("Feb", 5),
        ("Apr", 2),
    ]
    assert (alex.count, alex.first, alex.first) == (1, alex.last, alex.high)
    html = Template("{% load charts %}{% line_chart labels series 'T' %}").render(
        Context({"labels": ["Jan", "Feb"], "series": [("Lena", [3, 5])]})
    )
    assert "<li>Lena: from 3 (Jan) to 5 (Feb). Highest 5 (Feb), lowest 3 (Jan).</li>" in html


def test_bars_are_summed_up_in_words() -> None:
    html = Template("{% load charts %}{% bar_chart items 'B' %}").render(
        Context({"items": [("Hiring", 1), ("Travel", 4)]})
    )

    assert "Largest: Travel (4) of 5 in all." in html


def test_number_text_writes_what_floatformat_writes_in_each_language() -> None:
    for language in ("en", "de"):
        with translation.override(language):
            for value in (0.0, 2.5, 0.25, 3.0, 1234.5, -1.75, 99.95):
                assert number_text(value) == floatformat(value, "-1")
    with translation.override("de"):
        assert Point(0, 0, 2.5, "Jan").text == "2,5"
    with translation.override("en"):
        assert Point(0, 0, 2.5, "Jan").text == "2.5"


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_remembered_bar_chart_is_the_chart_rendered_for_its_bars(language: str) -> None:
    from django.template.loader import get_template
    from django.utils.safestring import mark_safe

    from apps.core import charts

    page = Template("{% load charts %}{% bar_chart items title %}")
    cases = [
        ([("Hiring & <pay>", 3), ("Travel", 1.5)], "Per <area>"),
        ([(mark_safe("<b>Safe</b>"), 2)], mark_safe("<i>Safe</i>")),
        ([("<b>Safe</b>", 2)], "<i>Safe</i>"),  # the same texts, not marked safe
        ([("Hiring & <pay>", 4), ("Travel", 1.5)], "Per <area>"),
        ([], "Empty"),
    ]
    with translation.override(language):
        for _ in range(2):
            for items, title in cases:
                expected = get_template("partials/bar_chart.html").template.render(
                    Context({"chart": charts.bar_chart(items), "title": title})
                )

                assert page.render(Context({"items": items, "title": title})) == expected
