"""The clerk's review and release of a request's records (under /staff/requests/<number>/)."""

from django.urls import path

import requests.converters  # noqa: F401 (registers the `number` converter)
from requests.views import review

_BASE = "staff/requests/<number:number>/"

urlpatterns = [
    path(f"{_BASE}review/", review.review_page, name="staff_review"),
    path(f"{_BASE}review/answer/", review.decide, name="staff_review_decide"),
    path(f"{_BASE}review/match/", review.match, name="staff_review_match"),
    path(f"{_BASE}review/redact/", review.redact, name="staff_review_redact"),
    path(f"{_BASE}review/redact-value/", review.redact_value, name="staff_review_redact_value"),
    path(f"{_BASE}review/withdraw/", review.withdraw, name="staff_review_withdraw"),
    path(
        f"{_BASE}review/others/redact/",
        review.other_redact,
        name="staff_review_other_redact",
    ),
    path(
        f"{_BASE}review/others/release/",
        review.other_release,
        name="staff_review_other_release",
    ),
    path(f"{_BASE}release/", review.release, name="staff_release"),
    path(f"{_BASE}release/approve/", review.release_approve, name="staff_release_approve"),
]
