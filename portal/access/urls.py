"""The `access` namespace, mounted at the site root: the resident's page under /account/, the
staff access log under /staff/access-log/. (The stated-purpose page of one request lives in the
`requests` namespace, beside the request's other staff pages.)"""

from django.urls import path

from portal.access import views

app_name = "access"

urlpatterns = [
    path("account/who-has-seen-my-data/", views.my_log, name="my_log"),
    path("staff/access-log/", views.log, name="log"),
    path("staff/access-log/export.csv", views.log_export, name="log_export"),
    path("staff/access-log/flagged/", views.flagged, name="flagged"),
    path("staff/access-log/flagged/<int:pk>/", views.flag_review, name="flag_review"),
]
