"""The access log (M.G.L. c. 66A §2(f), (g)): one row each time staff see, export or download a
resident's personal data, and each time it is disclosed outside the City. Rows are only added
(on PostgreSQL a trigger refuses changes); a privacy officer's review of a flagged row is a row
of its own."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    EXPORT = "export", _("Exported")
    DOWNLOAD = "download", _("Downloaded")
    DISCLOSURE = "disclosure", _("Disclosed outside the City")


class AccessLogEntry(models.Model):
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="access_log_entries",
        verbose_name=_("whose data"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_role = models.CharField(_("their role"), max_length=20, blank=True)
    action = models.CharField(_("what they did"), max_length=20, choices=AccessAction.choices)
    # What was seen, as a code with a plain-language label (portal.access.wording).
    item = models.CharField(_("what was seen"), max_length=60)
    object_type = models.CharField(_("kind of object"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    request = models.ForeignKey(
        "requests.Request",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_log_entries",
        verbose_name=_("request"),
    )
    purpose = models.TextField(_("purpose stated"), blank=True)
    outside_assignment = models.BooleanField(
        _("outside their assignment"),
        default=False,
        help_text=_(
            "Seen outside the staff member's assigned work: flagged to the privacy officer."
        ),
    )
    disclosure = models.ForeignKey(
        "disclosures.Disclosure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_log_entries",
        verbose_name=_("disclosure"),
    )
    # Which of a request's gathered records the page showed (their ids), when it showed some.
    record_ids = models.JSONField(_("records seen"), default=list, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["subject", "-occurred_at"]),
            models.Index(fields=["outside_assignment", "-occurred_at"]),
            models.Index(fields=["actor", "-occurred_at"]),
        ]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.item}"


class AccessFlagReview(models.Model):
    """The privacy officer looked at a flagged access and recorded what they concluded."""

    entry = models.OneToOneField(
        AccessLogEntry, on_delete=models.PROTECT, related_name="review", verbose_name=_("access")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), default=timezone.now)
    note = models.TextField(_("conclusion"), blank=True)

    class Meta:
        ordering = ["-reviewed_at"]
        verbose_name = _("review of a flagged access")
        verbose_name_plural = _("reviews of flagged accesses")

    def __str__(self) -> str:
        return f"{self.entry_id} reviewed {self.reviewed_at:%Y-%m-%d}"
