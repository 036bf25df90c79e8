"""The `reports` namespace: the dashboard under /staff/reports/, the public figures under
/reports/. The year and the table are chosen in the query string: no URL takes an object id."""

from django.urls import path

from portal.reports import views

app_name = "reports"

urlpatterns = [
    path("staff/reports/", views.dashboard, name="dashboard"),
    path("staff/reports/export.csv", views.export, name="export"),
    path("staff/reports/annual/", views.annual, name="annual"),
    path("staff/reports/annual.pdf", views.annual_pdf, name="annual_pdf"),
    path("reports/", views.public, name="public"),
    path("reports/annual/", views.public_annual, name="public_annual"),
    path("reports/annual.pdf", views.public_annual_pdf, name="public_annual_pdf"),
]
