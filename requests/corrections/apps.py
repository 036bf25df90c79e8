from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrectionsConfig(AppConfig):
    name = "requests.corrections"
    label = "corrections"
    verbose_name = _("Corrections and statements of disagreement")
    default_auto_field = "django.db.models.BigAutoField"
