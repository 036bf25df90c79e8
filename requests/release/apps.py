from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleaseConfig(AppConfig):
    name = "requests.release"
    label = "release"
    verbose_name = _("Review and release of a resident's records")
    default_auto_field = "django.db.models.BigAutoField"
