"""The `disclosures` namespace: staff pages for disclosures and legal process under /staff/."""

from django.urls import path

from portal.disclosures import views

app_name = "disclosures"

urlpatterns = [
    path("staff/disclosures/", views.disclosure_list, name="list"),
    path("staff/disclosures/new/", views.disclosure_new, name="new"),
    path("staff/disclosures/<int:pk>/", views.disclosure_detail, name="detail"),
    path("staff/disclosures/<int:pk>/consent/", views.disclosure_consent, name="consent"),
    path("staff/legal-process/", views.legal_list, name="legal_list"),
    path("staff/legal-process/new/", views.legal_new, name="legal_new"),
    path("staff/legal-process/<int:pk>/", views.legal_detail, name="legal_detail"),
    path(
        "staff/legal-process/<int:pk>/notice.pdf", views.legal_notice_pdf, name="legal_notice_pdf"
    ),
    path("staff/legal-process/<int:pk>/order/", views.legal_order, name="legal_order"),
    path("staff/legal-process/<int:pk>/dispense/", views.legal_dispense, name="legal_dispense"),
    path("staff/legal-process/<int:pk>/release/", views.legal_release, name="legal_release"),
    path("staff/legal-process/<int:pk>/withdraw/", views.legal_withdraw, name="legal_withdraw"),
]
