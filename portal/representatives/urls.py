"""Mounted at the site root: the representative's pages live under /account/representing/, the
resident's under /account/profile/representatives/ and the clerks' under /staff/representatives/."""

from django.urls import path

from portal.representatives import views

app_name = "representatives"

urlpatterns = [
    path("account/representing/", views.representing_list, name="list"),
    path("account/representing/ask/", views.ask, name="ask"),
    path("account/representing/ask/check/", views.ask_check, name="ask_check"),
    path("account/representing/ask/sent/<int:grant_id>/", views.ask_sent, name="ask_sent"),
    path("account/representing/<int:grant_id>/", views.acting_for, name="detail"),
    path("account/profile/representatives/", views.for_me, name="for_me"),
    path(
        "account/profile/representatives/<int:grant_id>/stop/",
        views.resident_revoke,
        name="resident_revoke",
    ),
    path("staff/representatives/", views.staff_queue, name="staff_queue"),
    path("staff/representatives/<int:grant_id>/", views.staff_detail, name="staff_detail"),
    path("staff/representatives/<int:grant_id>/proof/", views.staff_proof, name="staff_proof"),
    path("staff/representatives/<int:grant_id>/accept/", views.staff_accept, name="staff_accept"),
    path("staff/representatives/<int:grant_id>/refuse/", views.staff_refuse, name="staff_refuse"),
    path("staff/representatives/<int:grant_id>/stop/", views.staff_revoke, name="staff_revoke"),
]
