"""The `audit` namespace: the auditor's pages under /staff/audit/."""

from django.urls import path

from portal.audit import views

app_name = "audit"

urlpatterns = [
    path("staff/audit/", views.events, name="events"),
    path("staff/audit/<int:sequence>/", views.event, name="event"),
    path("staff/audit/export.csv", views.export, name="export"),
    path("staff/audit/verify/", views.verify, name="verify"),
]
