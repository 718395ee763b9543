"""A new person confirms their address in the browser: the mailed link's page takes the
password and signs them in. (A page that asks the browser to send no referrer makes it send
`Origin: null` with the form, which the CSRF check refuses: only a real browser shows it.)"""

from __future__ import annotations

import pytest

from apps.accounts.models import User
from tests.helpers.signing_up import PASSWORD, api_sign_up, confirm_link

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_mailed_link_confirms_and_signs_in(new_page) -> None:  # type: ignore[no-untyped-def]
    assert api_sign_up(email="kim@example.org").status_code == 202
    path, _uid, _token = confirm_link("kim@example.org")
    page = new_page()
    page.goto(path)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm and sign in").click()
    page.wait_for_url(lambda url: "/accounts/confirm/" not in url)
    assert (
        page.get_by_role("link", name="Log out").count()
        + page.locator("form[action*=logout]").count()
        >= 1
    )
    assert User.objects.get(email="kim@example.org").email_verified_at is not None
