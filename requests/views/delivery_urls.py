"""The resident's download of released records, and the clerk's reissue of a package."""

from django.urls import path

import requests.converters  # noqa: F401 (registers the `number` converter)
from requests.views import delivery

urlpatterns = [
    path(
        "requests/<number:number>/records/<int:pk>/download/",
        delivery.package_download,
        name="package_download",
    ),
    path(
        "staff/requests/<number:number>/records/<int:pk>/reissue/",
        delivery.package_reissue_page,
        name="staff_package_reissue",
    ),
]
