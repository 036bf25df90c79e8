"""Versions of the City's privacy policy and the emails that announce them.

The policy promises: "We will post substantive changes to this policy at least 30 days before
they take effect. Any information we collect under the current privacy policy will remain subject
to the terms of this policy." So a version, once published, never changes; every model holding
personal data the portal collects points at the version in force when it was collected
(`portal.policies.stamp`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PolicyVersion(models.Model):
    """A draft (no number yet) or a published version. Publishing
    (`services.policy_version_publish`) gives the number, the posting time and the day it takes
    effect, once; nothing changes a published version afterwards."""

    number = models.PositiveIntegerField(
        _("version"), null=True, blank=True, unique=True, editable=False
    )
    text = models.TextField(_("text of the policy"), help_text=_("Written in Markdown."))
    summary = models.TextField(
        _("what changed, in plain language"),
        help_text=_("Residents read this first, in the notice and the email."),
    )
    effective_on = models.DateField(_("takes effect on"), null=True, blank=True)
    substantive = models.BooleanField(_("substantive change"), default=True)
    correction_reason = models.TextField(_("why it is not a substantive change"), blank=True)
    posted_at = models.DateTimeField(_("posted"), null=True, blank=True, editable=False)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("posted by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-number"]
        indexes = [models.Index(fields=["effective_on", "number"])]
        constraints = [
            # A version is a draft (no number, never posted) or published with all three.
            models.CheckConstraint(
                condition=Q(number__isnull=True, posted_at__isnull=True)
                | Q(number__isnull=False, posted_at__isnull=False, effective_on__isnull=False),
                name="policies_published_version_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(substantive=True) | ~Q(correction_reason=""),
                name="policies_correction_has_a_reason",
            ),
        ]
        verbose_name = _("privacy policy version")
        verbose_name_plural = _("privacy policy versions")

    def __str__(self) -> str:
        if self.number is None:
            return f"draft {self.pk}"
        return f"version {self.number}"

    @property
    def is_published(self) -> bool:
        return self.number is not None


class PolicyChangeNotice(models.Model):
    """The email telling one resident about one new version. One row per (version, resident),
    so a rerun task never emails anyone twice; `claimed_at` marks a send in progress, so two
    workers holding the same row cannot both send it."""

    version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="notices", verbose_name=_("version")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("resident"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    claimed_at = models.DateTimeField(_("being sent since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["version", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "user"], name="policies_one_notice_per_resident"
            )
        ]
        indexes = [models.Index(fields=["version", "sent_at"])]
        verbose_name = _("policy change email")
        verbose_name_plural = _("policy change emails")

    def __str__(self) -> str:
        return f"{self.version} to user {self.user_id}"
