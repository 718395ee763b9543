from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The composition layer: what crosses the capability apps (the home page, the export of a
    whole tandem, the erasure of a person or a tandem). It has no tables of its own."""

    name = "apps.home"
    label = "home"
