from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosuresConfig(AppConfig):
    name = "portal.disclosures"
    label = "disclosures"
    verbose_name = _("Disclosures and legal process")
    default_auto_field = "django.db.models.BigAutoField"
