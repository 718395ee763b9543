from django.apps import AppConfig


class DelegationConfig(AppConfig):
    name = "apps.delegation"
    label = "delegation"
