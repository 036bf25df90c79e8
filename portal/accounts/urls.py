"""The `accounts` namespace. The staff landing page (`staff_home`, /staff/) and the list of
sessions (allauth's `usersessions_list`) are wired in portal/urls.py, outside the namespace."""

from django.urls import path

from portal.accounts import views

app_name = "accounts"

urlpatterns = [
    path("staff/safeguards/", views.safeguards, name="safeguards"),
    path("session/extend/", views.session_extend, name="session_extend"),
]
