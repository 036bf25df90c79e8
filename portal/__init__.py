"""The Westfield Records Portal's Django project and its cross-cutting apps."""

from portal.celery import app as celery_app

__all__ = ("celery_app",)
