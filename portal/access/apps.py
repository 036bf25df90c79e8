from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "portal.access"
    label = "access"
    verbose_name = _("Need to know and the access log")
    default_auto_field = "django.db.models.BigAutoField"
