from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "portal.identity"
    label = "identity"
    verbose_name = _("Identity assurance")
    default_auto_field = "django.db.models.BigAutoField"
