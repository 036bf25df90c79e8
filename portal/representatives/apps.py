from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepresentativesConfig(AppConfig):
    name = "portal.representatives"
    label = "representatives"
    verbose_name = _("Representatives")
    default_auto_field = "django.db.models.BigAutoField"
