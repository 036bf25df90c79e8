"""Deadline reminders for the Records Access Officer's team (requests/deadlines.py)."""

from portal.celery import app
from requests.deadlines import deadline_digest_send


@app.task(name="tasks.deadlines.send_deadline_digest")
def send_deadline_digest() -> int:
    return deadline_digest_send()
