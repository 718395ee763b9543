"""The Tandem Django project package."""

from tandem.celery import app as celery_app

__all__ = ("celery_app",)
