from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "portal.policies"
    label = "policies"
    verbose_name = _("Privacy policy")
    default_auto_field = "django.db.models.BigAutoField"
