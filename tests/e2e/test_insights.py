"""The Insights page in the browser, for the demo tandem: a figure's chart and its numbers,
the definition a click away, the print view, and the page on a 375 px phone."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from apps.core.demo import DEMO_PASSWORD
from apps.tandems.models import Tandem
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_tandems_insights_show_a_year_of_appreciation(new_page) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", stdout=None)
    tandem = Tandem.objects.get(name="Lena & Alex")
    page = new_page()
    login(page, "alex@demo.tandem.local", DEMO_PASSWORD)  # English; Lena reads German
    page.goto(f"/t/{tandem.pk}/")
    page.locator(f'nav.tandem-nav a[href="/t/{tandem.pk}/insights/"]').click()
    page.wait_for_url(f"**/t/{tandem.pk}/insights/")

    figure = page.locator('[data-figure="appreciation_sent"]')
    assert figure.locator("svg.insights-chart path").count() >= 2  # a line per person
    totals = figure.locator("tfoot td").all_inner_texts()
    assert len(totals) == 2 and sum(int(t) for t in totals) > 12  # a year of thank-yous
    definition = figure.locator("details.definition")
    assert not definition.locator("p").is_visible()
    definition.locator("summary").click()
    assert "Thank-yous each person sent" in definition.locator("p").inner_text()
    screenshot(page, "insights")

    page.locator("a.button[href*='print=1']").click()
    assert page.locator("details.definition[open]").count() >= 1
    assert page.locator("form.range").count() == 0

    phone = new_page(width=375, height=800)
    login(phone, "lena@demo.tandem.local", DEMO_PASSWORD)
    phone.goto(f"/t/{tandem.pk}/insights/")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    lena_totals = phone.locator('[data-figure="appreciation_sent"] tfoot td').all_inner_texts()
    assert lena_totals == totals  # both see the same figures
