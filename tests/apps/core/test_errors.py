from __future__ import annotations

import pytest

from tests.conftest import Pair

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["elevations/", "decisions/", "matrix/changes/"])
def test_an_id_filter_beyond_64_bits_never_is_a_500(pair: Pair, path: str) -> None:
    """PostgreSQL finds nothing (empty page); SQLite cannot bind the number (400)."""
    response = pair.leader_client.get(
        f"/api/v1/tandems/{pair.tandem.pk}/{path}", {"area": "99999999999999999999"}
    )

    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.data["results"] == []
    else:
        assert response.data == {"detail": "A number in the request is out of range."}
