"""URLs of identity assurance: the resident's pages under /account/, staff pages under
/staff/identity/. Included at the site's root, so each path is written out in full."""

from django.urls import path

from portal.identity import staff_views, views

app_name = "identity"

urlpatterns = [
    path("account/", views.dashboard, name="dashboard"),
    path("account/link/", views.account_knowledge, name="account_knowledge"),
    path("account/link/number/", views.account_knowledge_number, name="account_knowledge_number"),
    path("account/link/amount/", views.account_knowledge_amount, name="account_knowledge_amount"),
    path("account/link/name/", views.account_knowledge_name, name="account_knowledge_name"),
    path("account/link/check/", views.account_knowledge_check, name="account_knowledge_check"),
    path(
        "account/link/tries/<int:pk>/",
        views.account_knowledge_attempt,
        name="account_knowledge_attempt",
    ),
    path(
        "account/link/tries/<int:pk>/status/",
        views.account_knowledge_attempt_status,
        name="account_knowledge_attempt_status",
    ),
    path("account/photo-id/", views.id_upload, name="id_upload"),
    path("account/photo-id/name/", views.id_upload_name, name="id_upload_name"),
    path("account/photo-id/check/", views.id_upload_check, name="id_upload_check"),
    path("staff/identity/", staff_views.staff_home, name="staff_home"),
    path("staff/identity/residents/<int:pk>/", staff_views.staff_resident, name="staff_resident"),
    path(
        "staff/identity/residents/<int:pk>/in-person/",
        staff_views.staff_in_person,
        name="staff_in_person",
    ),
    path(
        "staff/identity/residents/<int:pk>/override/",
        staff_views.staff_override_request,
        name="staff_override_request",
    ),
    path("staff/identity/photo-ids/", staff_views.staff_documents, name="staff_documents"),
    path("staff/identity/photo-ids/<int:pk>/", staff_views.staff_document, name="staff_document"),
    path(
        "staff/identity/photo-ids/<int:pk>/image/",
        staff_views.staff_document_image,
        name="staff_document_image",
    ),
    path("staff/identity/overrides/", staff_views.staff_overrides, name="staff_overrides"),
    path("staff/identity/overrides/<int:pk>/", staff_views.staff_override, name="staff_override"),
    path("staff/identity/checks/<int:pk>/withdraw/", staff_views.staff_revoke, name="staff_revoke"),
]
