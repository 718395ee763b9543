from django.apps import AppConfig


class TandemsConfig(AppConfig):
    name = "apps.tandems"
    label = "tandems"
