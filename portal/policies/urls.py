"""Mounted at the site root: the public pages under /privacy/, the privacy officer's under
/staff/privacy-policy/."""

from django.urls import path

from portal.policies import views

app_name = "policies"

urlpatterns = [
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/versions/<int:number>/", views.version, name="version"),
    path("staff/privacy-policy/", views.staff_list, name="staff_list"),
    path("staff/privacy-policy/new/", views.staff_new, name="staff_new"),
    path("staff/privacy-policy/drafts/<int:pk>/", views.staff_draft, name="staff_draft"),
    path("staff/privacy-policy/drafts/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path(
        "staff/privacy-policy/drafts/<int:pk>/publish/", views.staff_publish, name="staff_publish"
    ),
]
