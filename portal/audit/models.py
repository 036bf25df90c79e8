"""The audit trail: one append-only, hash-chained row for every state change, decision, security
event and configuration change.

A row holds ids, states, codes and field names, never the contents of personal data, so the trail
can be read by an auditor and kept for as long as the City keeps records of what it did.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditCategory(models.TextChoices):
    STATE_CHANGE = "state_change", _("State change")
    DECISION = "decision", _("Decision")
    SECURITY = "security", _("Security event")
    CONFIGURATION = "configuration", _("Configuration change")
    RECORD = "record", _("Record kept")


class AuditEvent(models.Model):
    """`sequence` is given out under a lock (portal.audit.services) so the chain has no gaps;
    `hash` covers every other column and the previous row's hash."""

    sequence = models.BigIntegerField(_("number"), primary_key=True)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    category = models.CharField(_("kind"), max_length=20, choices=AuditCategory.choices)
    action = models.CharField(_("what happened"), max_length=80, db_index=True)
    # Plain ids, not foreign keys: the trail outlives what it mentions and blocks no deletion.
    actor_id = models.BigIntegerField(_("by (user id)"), null=True, blank=True, db_index=True)
    actor_role = models.CharField(_("role of the person"), max_length=20, blank=True)
    object_type = models.CharField(_("kind of object"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    field_names = models.JSONField(_("fields"), default=list, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    previous_hash = models.CharField(_("hash of the event before"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"
