from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "portal.profiles"
    label = "profiles"
    verbose_name = _("Resident profiles")
    default_auto_field = "django.db.models.BigAutoField"
