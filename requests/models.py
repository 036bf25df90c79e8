from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A City department that holds personal data about residents."""

    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("what it holds"), blank=True)
    stewards = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="steward_departments",
        blank=True,
        verbose_name=_("stewards"),
        help_text=_("Staff who search this department's records and decide its corrections."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name
