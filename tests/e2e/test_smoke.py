"""The browser harness itself: a person logs in and sees their tandem's navigation."""

from __future__ import annotations

import pytest

from tests.conftest import Pair
from tests.e2e.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_logs_in_and_reaches_the_tandem_page(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    pair.leader.set_password(PASSWORD)
    pair.leader.save()
    page = new_page()

    login(page, pair.leader.email)
    page.goto(f"/t/{pair.tandem.pk}/")

    assert page.locator(".tandem-nav .tandem-name").inner_text() == pair.tandem.name
    assert page.get_by_role("link", name="Review queue").count() == 1
