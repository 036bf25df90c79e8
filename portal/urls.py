from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from portal import views
from portal.accounts import views as accounts_views
from portal.health.views import healthz

# The admin signs in through allauth, so staff MFA and rate limits apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Westfield Records Portal administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    # Before allauth's own: ending other sessions asks the person to confirm who they are.
    path("accounts/sessions/", accounts_views.sessions, name="usersessions_list"),
    path("accounts/", include("allauth.urls")),
    path("staff/", accounts_views.staff_home, name="staff_home"),
    path("", include("portal.accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("portal.identity.urls")),
    path("", include("portal.representatives.urls")),
    path("account/profile/", include("portal.profiles.urls")),
    path("", include("portal.postal.urls")),
    path("", include("requests.urls")),
    path("", include("portal.policies.urls")),
    path("", include("portal.access.urls")),
    path("", include("portal.disclosures.urls")),
    path("", include("portal.audit.urls")),
    path("", include("portal.reports.urls")),
]
