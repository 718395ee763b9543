"""The Insights page: the same figures for both members, a 404 for anyone else, German for a
German person, a print view with every definition open, a bad range shown on the form (never
a 500), and a fixed number of queries whatever the history's length."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.test import APIClient

from apps.feedback.models import Appreciation
from apps.insights import presenters, selectors
from apps.insights.api.serializers import InsightsSerializer
from apps.insights.figures import Figure, Series
from apps.tandems.models import Membership
from tests.conftest import Pair

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 7, 15, 10, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(pair: Pair, query: str = "") -> str:
    return f"/t/{pair.tandem.pk}/insights/{query}"


def _thank(pair: Pair, at: datetime, *, by_leader: bool = False) -> None:
    author, recipient = (
        (pair.leader, pair.assistant) if by_leader else (pair.assistant, pair.leader)
    )
    with time_machine.travel(at, tick=False):
        Appreciation.objects.create(
            tandem=pair.tandem, author=author, recipient=recipient, text="Thanks"
        )


def _figures_part(html: str) -> str:
    """From the first section of figures to the end of the page's content."""
    start = html.index('<section class="card insights-section"')
    return html[start : html.index("</main>")]


def _cell_row(html: str, label: str, figure: str = "appreciation_sent") -> list[str]:
    """The cells of the numbers table's row for month `label` of `figure`."""
    html = html[html.index(f'data-figure="{figure}"') :]
    row = re.search(rf"<tr><th scope=\"row\">{label}</th>(.*?)</tr>", html)
    assert row is not None, label
    return re.findall(r"<td>(.*?)</td>", row.group(1))


def test_both_members_see_the_same_figures(pair: Pair, frozen: Any) -> None:
    _thank(pair, datetime(2026, 6, 10, 12, tzinfo=UTC))
    _thank(pair, datetime(2026, 6, 11, 12, tzinfo=UTC))
    _thank(pair, datetime(2026, 7, 1, 12, tzinfo=UTC), by_leader=True)

    pages = [_client(u).get(_url(pair)) for u in (pair.leader, pair.assistant)]

    assert [p.status_code for p in pages] == [200, 200]
    parts = [_figures_part(p.content.decode()) for p in pages]
    assert parts[0] == parts[1]
    html = parts[0]
    assert 'data-figure="appreciation_sent"' in html
    assert "<svg" in html and "insights-chart" in html
    # The numbers beside the chart: leader, assistant per month; the default range is the
    # last twelve months, August 2025 to July 2026.
    assert _cell_row(html, "Jun 26") == ["0", "2"]
    assert _cell_row(html, "Jul 26") == ["1", "0"]
    assert "Aug 25" in html and "Jul 25" not in html
    assert "<details" in html and "Thank-yous each person sent" in html
    page = pages[0].content.decode()
    assert f"/api/v1/tandems/{pair.tandem.pk}/insights/csv/?from=2025-08-01" in page
    assert f'href="/t/{pair.tandem.pk}/insights/"' in page  # the tandem's navigation
    assert "score" not in html.lower().replace("no score", "")


def test_a_chosen_range_of_months(pair: Pair, frozen: Any) -> None:
    _thank(pair, datetime(2026, 2, 10, 12, tzinfo=UTC))
    page = _client(pair.leader).get(_url(pair, "?from=2026-01&to=2026-03"))
    html = page.content.decode()
    assert page.status_code == 200
    assert _cell_row(html, "Feb 26") == ["0", "1"]
    assert "Dec 25" not in html and "Apr 26" not in html
    assert "from=2026-01-01&amp;to=2026-03-31" in html  # the CSV and print links keep it
    # The CSV link works with the page's session.
    csv = _client(pair.assistant).get(
        f"/api/v1/tandems/{pair.tandem.pk}/insights/csv/?from=2026-01-01&to=2026-03-31"
    )
    assert csv.status_code == 200
    assert "2026-02,balance,appreciation_sent,appreciation_assistant,assistant,count,1" in (
        csv.content.decode()
    )


def test_an_outsider_gets_404(pair: Pair, other_pair: Pair, frozen: Any) -> None:
    assert _client(other_pair.leader).get(_url(pair)).status_code == 404
    assert Client().get(_url(pair)).status_code == 302  # to the login page


@pytest.mark.parametrize(
    "query",
    [
        "?from=2026-13",
        "?from=soon",
        "?from=2026-05&to=2026-01",
        "?from=1990-01&to=2026-01",
        "?to=99999-01",
    ],
)
def test_a_bad_range_is_a_form_error(pair: Pair, frozen: Any, query: str) -> None:
    page = _client(pair.leader).get(_url(pair, query))
    assert page.status_code == 400
    html = page.content.decode()
    assert "errorlist" in html
    assert 'data-figure="appreciation_sent"' in html  # the default months are still shown


def test_the_print_view(pair: Pair, frozen: Any) -> None:
    _thank(pair, datetime(2026, 6, 10, 12, tzinfo=UTC))
    html = _client(pair.leader).get(_url(pair, "?from=2026-01&to=2026-06&print=1")).content
    text = html.decode()
    assert 'class="insights printing"' in text
    assert '<details class="definition" open>' in text
    assert 'method="get" class="card range' not in text  # no range form
    assert "css/insights.css" in text
    css = (Path(__file__).resolve().parents[3] / "static/css/insights.css").read_text()
    assert "@media print" in css


def test_german(pair: Pair, frozen: Any, german_catalogue: None) -> None:
    pair.leader.language = "de"
    pair.leader.save(update_fields=["language"])
    html = _client(pair.leader).get(_url(pair)).content.decode()
    assert '<html lang="de">' in html
    assert "<h1>Einblicke</h1>" in html
    assert "Gesendete Wertschätzung" in html
    assert "Was gezählt wird" in html
    assert "Druckansicht" in html


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_history(pair: Pair, other_pair: Pair, frozen: Any) -> None:
    query = "?from=2023-08&to=2026-07"
    for month in range(12):
        _thank(pair, datetime(2025, 8 + month % 5, 3, 12, tzinfo=UTC))
    for year in (2023, 2024, 2025):
        for month in range(1, 13):
            _thank(other_pair, datetime(year, month, 3, 12, tzinfo=UTC))
            _thank(other_pair, datetime(year, month, 4, 12, tzinfo=UTC), by_leader=True)
    one = _queries(_client(pair.leader), _url(pair, query))
    three = _queries(_client(other_pair.leader), _url(other_pair, query))
    assert one == three


def test_a_deleted_person_counts_as_former_member(pair: Pair) -> None:
    from apps.home.services import user_delete

    _thank(pair, datetime(2026, 6, 10, 12, tzinfo=UTC))
    user_delete(user=pair.assistant, password="correct horse battery")  # now, after joining
    page = _client(pair.leader).get(_url(pair, "?from=2026-05&to=2026-06"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Former member" in html
    assert _cell_row(_figures_part(html), "Jun 26") == ["0", "0", "1"]


def test_the_api_gives_what_its_documented_serializer_gives(pair: Pair, frozen: Any) -> None:
    """The API builds its JSON directly (`Insights.as_data`); the schema documents it with
    `InsightsSerializer`. Both give the same document, to the value."""
    _thank(pair, datetime(2026, 6, 10, 12, tzinfo=UTC))
    _thank(pair, datetime(2026, 7, 1, 12, tzinfo=UTC), by_leader=True)
    client = APIClient()
    client.force_authenticate(pair.leader)
    answer = client.get(f"/api/v1/tandems/{pair.tandem.pk}/insights/?from=2026-01-01")
    assert answer.status_code == 200
    membership = Membership.objects.get(tandem=pair.tandem, user=pair.leader)
    found = selectors.insights_for(
        membership=membership, first=datetime(2026, 1, 1).date(), last=NOW.date()
    )
    documented = json.loads(json.dumps(InsightsSerializer(found).data, default=str))
    assert json.loads(answer.content) == documented
    sent = found.figure("appreciation_sent").series
    assert [s.total for s in sent] == [1, 1]


def test_the_numbers_table_has_each_months_values_in_its_row() -> None:
    """Row by month, a column per series: "–" for nothing, one decimal when there is one, in
    the page's language."""
    figure = Figure(
        "waited",
        "Waited",
        "Hours waited.",
        "hours",
        [
            Series("a", "Leader", "leader", [1.5, None, 2.0], 3.5),
            Series("b", "Assistant", "assistant", [None, 0.25, 1234.0], 1234.25),
        ],
    )
    months = [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    with translation.override("de"):
        view = presenters.figure_view(figure, months)
        assert view.table == [
            ("Jan 26", ["1,5", "–"]),
            ("Feb 26", ["–", "0,3"]),
            ("Mär 26", ["2", "1234"]),
        ]
    with translation.override("en"):
        assert presenters.figure_view(figure, months).table[1] == ("Feb 26", ["–", "0.3"])


# A figure as the page's template wrote it before `{% insights_figure %}` wrote it in Python:
# the tag must write the same bytes.
_FIGURE_TEMPLATE = """{% load i18n l10n charts %}\
<article class="figure" id="figure-{{ view.figure.key }}" data-figure="{{ view.figure.key }}">
    <h3>{{ view.figure.title }}</h3>
    <div class="figure-body">
      <div class="chart figure-chart">{% if view.empty %}<p class="muted">\
{% translate "Nothing counted in these months." %}</p>{% else %}{% localize off %}\
<svg class="insights-chart" viewBox="0 0 {{ view.chart.width }} {{ view.chart.height }}" \
role="img" aria-label="{{ view.figure.title }}" preserveAspectRatio="xMidYMid meet">
  {% for y, value in view.chart.y_ticks %}<line x1="32" x2="{{ view.chart.width }}" \
y1="{{ y }}" y2="{{ y }}" class="grid"/><text x="26" y="{{ y }}" class="tick" \
text-anchor="end" dominant-baseline="middle">{{ value|floatformat:"-1" }}</text>{% endfor %}
  {% for x, label in view.chart.x_ticks %}<text x="{{ x }}" \
y="{{ view.chart.height|add:"-8" }}" class="tick" text-anchor="{% if forloop.last and not \
forloop.first %}end{% else %}middle{% endif %}">{{ label }}</text>{% endfor %}
  {% for line in view.chart.lines %}<path d="{{ line.path }}" fill="none" \
stroke="{{ line.color }}" stroke-width="2.5"/>{% for p in line.points %}<circle cx="{{ p.x }}" \
cy="{{ p.y }}" r="3.5" fill="{{ line.color }}"><title>{{ line.name }} · {{ p.label }}: \
{{ p.text }}</title></circle>{% endfor %}{% endfor %}
</svg>{% endlocalize %}
{% if view.chart.lines|length > 1 %}<ul class="legend">{% for line in view.chart.lines %}<li>\
<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true" focusable="false"><rect \
width="10" height="10" rx="2" fill="{{ line.color }}"/></svg>{{ line.name }}</li>{% endfor %}\
</ul>{% endif %}
{{ view.chart|line_summary }}
{% endif %}
</div>
      <div class="figure-numbers table-wrap" tabindex="0" role="region" aria-label="\
{% blocktranslate with title=view.figure.title %}The numbers: {{ title }}\
{% endblocktranslate %}">
        <table>
          <caption class="sr-only">{{ view.figure.title }}</caption>
          <thead><tr><th scope="col">{% translate "Month" %}</th>\
{% for label, values, total in view.rows %}<th scope="col">{{ label }}</th>{% endfor %}\
</tr></thead>
          <tbody>
          {% for label, cells in view.table %}<tr><th scope="row">{{ label }}</th>\
{% for cell in cells %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}
          </tbody>
          <tfoot><tr><th scope="row">{% translate "Total" %}</th>\
{% for name, values, total in view.rows %}<td>{% if total is None %}–{% else %}\
{{ total|floatformat:"-1" }}{% endif %}</td>{% endfor %}</tr></tfoot>
        </table>
      </div>
    </div>
    <details class="definition"{% if printing %} open{% endif %}><summary>\
{% translate "What is counted" %}</summary><p>{{ view.figure.definition }}</p></details>
    {% if view.figure.link %}<p class="no-print"><a href="{{ view.figure.link }}">\
{% translate "See the rows it counts" %}</a></p>{% endif %}
  </article>"""


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("printing", [False, True])
@pytest.mark.parametrize(
    ("series", "link"),
    [
        (
            [
                Series("a", "Leader <b>", "leader", [1.5, None, 2.0], 3.5),
                Series("b", "Assistant & co", "assistant", [None, 0.25, 1234.0], 1234.25),
            ],
            "/t/1/decisions/?from=2026-01-01&to=2026-03-31",
        ),
        ([Series("a", "Both", "pair", [0, 3, 0], 3)], ""),
        ([Series("a", "Leader", "leader", [None, None, None], None)], "/t/1/review/"),
        ([], ""),
    ],
)
def test_the_figure_tag_writes_what_the_template_wrote(
    language: str, printing: bool, series: list[Series], link: str
) -> None:
    figure = Figure(
        "waited_<x>", 'Waited "long" <i>', "Hours & more <b>waited</b>.", "hours", series, link
    )
    months = [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    with translation.override(language):
        context = {"view": presenters.figure_view(figure, months), "printing": printing}
        expected = Template(_FIGURE_TEMPLATE).render(Context(context))
        written = Template("{% load insights_figures %}{% insights_figure view printing %}")

        assert written.render(Context(context)) == expected
