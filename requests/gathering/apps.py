from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GatheringConfig(AppConfig):
    name = "requests.gathering"
    label = "gathering"
    verbose_name = _("Gathering records from departments")
    default_auto_field = "django.db.models.BigAutoField"
