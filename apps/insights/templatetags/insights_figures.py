"""`{% insights_figure view printing %}`: one figure of the Insights page (its chart, the
numbers beside it, its definition and its link), written in Python.

A page of Insights shows some thirty figures, each with a chart, a table, a summary and a
definition; as a template, each figure's thirty-odd variables and tags cost about a tenth of
a millisecond, more than writing the whole figure here. The markup is the one the page's
template had (tests/apps/insights/test_page.py renders that template beside this tag); the
words are the template's msgids, translated once per page.
"""

from __future__ import annotations

from typing import Any, cast

from django import template
from django.template.context import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from apps.core import charts
from apps.insights.presenters import FigureView

register = template.Library()


def _words() -> dict[str, str]:
    return {
        "nothing": conditional_escape(gettext("Nothing counted in these months.")),
        "numbers": gettext("The numbers: %(title)s"),
        "month": conditional_escape(gettext("Month")),
        "total": conditional_escape(gettext("Total")),
        "counted": conditional_escape(gettext("What is counted")),
        "rows": conditional_escape(gettext("See the rows it counts")),
    }


def _chart(view: FigureView, words: dict[str, str], title: str) -> str:
    if view.empty:
        return f'<p class="muted">{words["nothing"]}</p>\n'
    chart = view.chart
    legend = ""
    if len(chart.lines) > 1:
        legend = (
            '<ul class="legend">'
            + "".join(
                '<li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"'
                ' focusable="false"><rect width="10" height="10" rx="2"'
                f' fill="{conditional_escape(line.color)}"/></svg>'
                f"{conditional_escape(line.name)}</li>"
                for line in chart.lines
            )
            + "</ul>"
        )
    return (
        f'<svg class="insights-chart" viewBox="0 0 {charts.svg_number(chart.width)}'
        f' {charts.svg_number(chart.height)}" role="img" aria-label="{title}"'
        ' preserveAspectRatio="xMidYMid meet">\n'
        f"  {charts.y_ticks_svg(chart)}\n"
        f"  {charts.x_ticks_svg(chart)}\n"
        f"  {charts.lines_svg(chart, '3.5')}\n"
        "</svg>\n"
        f"{legend}\n"
        f"{charts.summary_html(chart)}\n\n"
    )


@register.simple_tag(takes_context=True)
def insights_figure(context: Context, view: FigureView, printing: bool) -> SafeString:
    # The words of the page's language, once per page (the render context lives as long as
    # the page's rendering).
    bottom = cast(dict[Any, Any], context.render_context.dicts[0])
    words: dict[str, str] = bottom.get("insights_words") or bottom.setdefault(
        "insights_words", _words()
    )
    figure = view.figure
    key = conditional_escape(figure.key)
    title = conditional_escape(figure.title)
    link = ""
    if figure.link:
        link = (
            f'<p class="no-print"><a href="{conditional_escape(figure.link)}">'
            f"{words['rows']}</a></p>"
        )
    markup = (
        f'<article class="figure" id="figure-{key}" data-figure="{key}">\n'
        f"    <h3>{title}</h3>\n"
        '    <div class="figure-body">\n'
        f'      <div class="chart figure-chart">{_chart(view, words, title)}</div>\n'
        '      <div class="figure-numbers table-wrap" tabindex="0" role="region"'
        f' aria-label="{words["numbers"] % {"title": title}}">\n'
        "        <table>\n"
        f'          <caption class="sr-only">{title}</caption>\n'
        f'          <thead><tr><th scope="col">{words["month"]}</th>'
        f"{charts.column_headers_html(view.series_names)}</tr></thead>\n"
        "          <tbody>\n"
        f"          {charts.table_rows_html(view.table)}\n"
        "          </tbody>\n"
        f'          <tfoot><tr><th scope="row">{words["total"]}</th>'
        f"{charts.cells_html(view.totals)}</tr></tfoot>\n"
        "        </table>\n"
        "      </div>\n"
        "    </div>\n"
        f'    <details class="definition"{" open" if printing else ""}>'
        f"<summary>{words['counted']}</summary>"
        f"<p>{conditional_escape(figure.definition)}</p></details>\n"
        f"    {link}\n"
        "  </article>"
    )
    return mark_safe(markup)  # noqa: S308 - every text escaped above
