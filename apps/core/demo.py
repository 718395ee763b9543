"""What the demo apps share: the demo's people and tandems, and its one password."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model

DEMO_PASSWORD = "tandem-demo-2026"


def demo_exists() -> bool:
    # The user model through Django's setting: core sits below accounts.
    return get_user_model()._default_manager.filter(email=Demo.LOGINS[0][0]).exists()


@dataclass
class Demo:
    """Filled by the apps' `demo.seed` functions in INSTALLED_APPS order."""

    LOGINS = (
        ("lena@demo.tandem.local", "leader of 'Lena & Alex'"),
        ("alex@demo.tandem.local", "assistant of 'Lena & Alex' and 'Markus & Alex'"),
        ("markus@demo.tandem.local", "leader of 'Markus & Alex'"),
        ("admin@demo.tandem.local", "operator (Django admin at /admin/)"),
    )
    people: dict[str, Any] = field(default_factory=dict)
    tandems: dict[str, Any] = field(default_factory=dict)
    memberships: dict[str, Any] = field(default_factory=dict)
