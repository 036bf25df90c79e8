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


class ConnectorKind(models.TextChoices):
    SQL = "sql", _("SQL database")
    HTTP = "http", _("Department web API")
    CSV = "csv", _("CSV export in a folder")
    MANUAL = "manual", _("Manual search by the department's steward")
    PORTAL = "portal", _("Collected by this portal")


class DataSource(models.Model):
    """One personal data system of a department, reached through a connector (tasks/connectors).

    Configuration never holds secrets: it names environment variables that do.
    """

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="sources", verbose_name=_("department")
    )
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("connector kind"), max_length=10, choices=ConnectorKind.choices)
    configuration = models.JSONField(
        _("connector configuration"),
        default=dict,
        blank=True,
        help_text=_("Queries, paths and field maps. Secrets are named by environment variable."),
    )
    responsible_officer = models.CharField(
        _("responsible officer"),
        max_length=200,
        help_text=_("The one person responsible for this system (c. 66A §2(a))."),
    )
    required_identity_level = models.PositiveSmallIntegerField(
        _("identity level needed"),
        default=2,
        choices=[(2, _("Level 2")), (3, _("Level 3: sensitive"))],
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    timeout_seconds = models.PositiveIntegerField(_("time-out in seconds"), default=60)
    max_concurrent_runs = models.PositiveSmallIntegerField(_("most runs at once"), default=2)

    class Meta:
        ordering = ["department__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(responsible_officer=""),
                name="requests_datasource_responsible_officer_required",
            )
        ]
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")

    def __str__(self) -> str:
        return f"{self.department}: {self.name}"
