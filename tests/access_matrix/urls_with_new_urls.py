"""The site's URL configuration with two URLs nobody has classified, one written with path()
and one with re_path(): the access matrix must name both."""

from django.http import HttpResponse
from django.urls import include, path, re_path


def _page(request, **kwargs):
    return HttpResponse("new")


urlpatterns = [
    path("", include("portal.urls")),
    path("staff/new/<int:pk>/", _page, name="new_by_path"),
    re_path(r"^staff/new-by-regex/(?P<slug>[a-z-]+)/$", _page, name="new_by_regex"),
]
