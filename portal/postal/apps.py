from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostalConfig(AppConfig):
    name = "portal.postal"
    label = "postal"
    verbose_name = _("Codes by post")
    default_auto_field = "django.db.models.BigAutoField"
