"""The webcare inbox Django project: settings, Celery app and root URLs."""

from .celery import app as celery_app

__all__ = ["celery_app"]
