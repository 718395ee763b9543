"""Server-rendered charts: geometry, and SVG that stays valid in every language."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.safestring import mark_safe

from apps.core import charts
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


# What the templates' loops wrote before the marks, the summary and the table rows were
# written in Python (`apps.core.charts`): the filters must write the same bytes.
_LOOPS = (
    "{% load i18n l10n %}{% localize off %}"
    '{% for y, value in chart.y_ticks %}<line x1="32" x2="{{ chart.width }}" y1="{{ y }}"'
    ' y2="{{ y }}" class="grid"/><text x="26" y="{{ y }}" class="tick" text-anchor="end"'
    ' dominant-baseline="middle">{{ value|floatformat:"-1" }}</text>{% endfor %}|'
    '{% for x, label in chart.x_ticks %}<text x="{{ x }}" y="{{ chart.height|add:"-8" }}"'
    ' class="tick" text-anchor="{% if forloop.last and not forloop.first %}end{% else %}middle'
    '{% endif %}">{{ label }}</text>{% endfor %}|'
    '{% for line in chart.lines %}<path d="{{ line.path }}" fill="none"'
    ' stroke="{{ line.color }}" stroke-width="2.5"/>{% for p in line.points %}<circle'
    ' cx="{{ p.x }}" cy="{{ p.y }}" r="3.5" fill="{{ line.color }}"><title>{{ line.name }}'
    " · {{ p.label }}: {{ p.text }}</title></circle>{% endfor %}{% endfor %}"
    "{% endlocalize %}|"
    '<ul class="chart-summary">{% for s in chart.summaries %}<li>{% if s.count == 1 %}'
    '{% blocktranslate with name=s.name value=s.first.value|floatformat:"-1"'
    " label=s.first.label %}{{ name }}: {{ value }} ({{ label }}).{% endblocktranslate %}"
    '{% else %}{% blocktranslate with name=s.name first=s.first.value|floatformat:"-1"'
    ' first_label=s.first.label last=s.last.value|floatformat:"-1" last_label=s.last.label %}'
    "{{ name }}: from {{ first }} ({{ first_label }}) to {{ last }} ({{ last_label }})."
    '{% endblocktranslate %} {% blocktranslate with high=s.high.value|floatformat:"-1"'
    ' high_label=s.high.label low=s.low.value|floatformat:"-1" low_label=s.low.label %}'
    "Highest {{ high }} ({{ high_label }}), lowest {{ low }} ({{ low_label }})."
    "{% endblocktranslate %}{% endif %}</li>{% endfor %}</ul>|"
    '{% for name, values in chart.table %}<tr><th scope="row">{{ name }}</th>'
    '{% for v in values %}<td>{% if v is None %}–{% else %}{{ v|floatformat:"-1" }}{% endif %}'
    "</td>{% endfor %}</tr>{% endfor %}|"
    '{% for name, values in chart.table %}<th scope="col">{{ name }}</th>{% endfor %}|'
    "{% for name, values in chart.table %}<td>{{ name }}</td>{% endfor %}"
)
_FILTERS = (
    '{% load charts %}{{ chart|svg_y_ticks }}|{{ chart|svg_x_ticks }}|{{ chart|svg_lines:"3.5" }}'
    "|{{ chart|line_summary }}|{{ chart.table_rows|table_rows }}|"
)


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize(
    ("labels", "series", "y_max"),
    [
        (
            ["Jan <b>", 'Feb "&"', "Mär", "Apr", "Mai", "Jun", "Jul", "Aug"],
            [
                ("Lena & <i>Kim</i>", [3, 5.25, None, 2, 1234.5, 0.05, 7, None]),
                ("Alex", [None, 4, None, None, None, None, None, None]),
                ("Nobody", [None] * 8),
            ],
            2000.0,
        ),
        (["Only"], [("One", [1e-7]), ("Two", [2.5])], 5.0),
        # Two points on the same day: a label twice, at two x.
        (["12 Jan", "12 Jan", "13 Jan"], [("Retro", [4, 2, 4]), ("Other", [2, None, 9])], 5.0),
        ([f"M{i}" for i in range(60)], [("Many", [i / 3 for i in range(60)])], 25.0),
    ],
)
def test_the_filters_write_what_the_template_loops_wrote(
    language: str, labels: list[str], series: list[tuple[str, list[float | None]]], y_max: float
) -> None:
    chart = line_chart(labels, series, y_min=0, y_max=y_max)
    context = {"chart": chart, "names": [name for name, _values in series]}

    with translation.override(language):
        expected = Template(_LOOPS).render(Context(context))
        written = Template(_FILTERS).render(Context(context))
        names = context["names"]
        written += f"{charts.column_headers_html(names)}|{charts.cells_html(names)}"

    assert written == expected


def test_names_and_labels_are_escaped_in_the_marks_the_summary_and_the_table() -> None:
    chart = line_chart(["<b>Jan</b>", "Feb"], [("<i>Kim</i> & co", [1, 2])], y_min=0, y_max=5)

    written = [
        charts.lines_svg(chart, "4"),
        charts.x_ticks_svg(chart),
        charts.summary_html(chart),
        charts.table_rows_html(chart.table_rows),
    ]

    assert all("<i>" not in html and "<b>" not in html for html in written)
    assert (
        "<title>&lt;i&gt;Kim&lt;/i&gt; &amp; co · &lt;b&gt;Jan&lt;/b&gt;: 1</title>" in written[0]
    )


def test_a_table_escapes_a_plain_text_but_not_a_safe_one_of_the_same_letters() -> None:
    rows = [("A", [mark_safe("<b>1</b>"), "<b>1</b>"]), ("B", ["<b>1</b>", mark_safe("<b>1</b>")])]

    assert charts.table_rows_html(rows) == (
        '<tr><th scope="row">A</th><td><b>1</b></td><td>&lt;b&gt;1&lt;/b&gt;</td></tr>'
        '<tr><th scope="row">B</th><td>&lt;b&gt;1&lt;/b&gt;</td><td><b>1</b></td></tr>'
    )


@pytest.mark.parametrize("value", [0, 3, 2.5, 152.0, 1e-7, 1.5e17, -2.25, float("inf")])
def test_a_coordinate_is_written_as_localize_off_writes_it(value: float) -> None:
    template = Template("{% load l10n %}{% localize off %}{{ value }}{% endlocalize %}")

    with translation.override("de"):
        assert charts.svg_number(value) == template.render(Context({"value": value}))


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
