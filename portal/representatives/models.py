import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.policies.stamp import policy_version_in_force_id


class Relationship(models.TextChoices):
    """Who may act for a resident (LAW.md, "Representatives")."""

    ATTORNEY = "attorney", _("Their attorney (lawyer)")
    GUARDIAN = "guardian", _("Their guardian, appointed by a court")
    PARENT = "parent", _("Parent of a child under 18")
    EXECUTOR = "executor", _("Executor or administrator of their estate")
    POWER_OF_ATTORNEY = "power_of_attorney", _("Holder of their power of attorney")


# "… acting as their guardian": the relationship inside a sentence.
RELATIONSHIP_PHRASES = {
    Relationship.ATTORNEY: _("their attorney"),
    Relationship.GUARDIAN: _("their guardian"),
    Relationship.PARENT: _("their parent"),
    Relationship.EXECUTOR: _("the executor of their estate"),
    Relationship.POWER_OF_ATTORNEY: _("the holder of their power of attorney"),
}


class GrantScope(models.TextChoices):
    """What a grant lets the representative ask for: the request types of DESIGN.md, by the
    same values the request domain uses."""

    INQUIRY = "inquiry", _("Ask whether the City holds information about them")
    ACCESS = "access", _("Get a copy of their information")
    CORRECTION = "correction", _("Ask the City to correct their information")
    CONTEST = "contest", _("Contest their information or a decision about it")
    ACCESS_LOG = "access_log", _("See who has looked at their information")


class GrantStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a clerk")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Not accepted")
    REVOKED = "revoked", _("Stopped")


class GrantState(models.TextChoices):
    """Where a grant stands on a given day, as people read it: an accepted grant past its last
    day has expired."""

    PENDING = "pending", _("Waiting for a clerk")
    ACTIVE = "active", _("Accepted")
    REFUSED = "refused", _("Not accepted")
    REVOKED = "revoked", _("Stopped")
    EXPIRED = "expired", _("Expired")


class GrantQuerySet(models.QuerySet["Grant"]):
    def active(self, *, on: dt.date) -> "GrantQuerySet":
        """Accepted and not yet past their last day. A revoked grant is no longer accepted."""
        return self.filter(status=GrantStatus.ACCEPTED, expires_on__gte=on)


class Grant(models.Model):
    """A request to act for a resident and, once a clerk decides it, the authority it grants.

    The status changes only through portal.representatives.services. `expires_on` is the last
    day the grant is valid, in the City's time zone.
    """

    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="representative_grants",
        verbose_name=_("representative"),
    )
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices)
    resident_name = models.CharField(_("resident's full name"), max_length=200)
    resident_date_of_birth = models.DateField(_("resident's date of birth"))
    resident_street = models.CharField(_("street address"), max_length=200)
    resident_unit = models.CharField(_("apartment, unit or floor"), max_length=50, blank=True)
    resident_city = models.CharField(_("town or city"), max_length=100)
    resident_state = models.CharField(_("state"), max_length=2)
    resident_postal_code = models.CharField(_("ZIP code"), max_length=10)
    resident_email = models.EmailField(_("resident's email address"), blank=True)
    explanation = models.TextField(_("explanation"))
    proof = models.ForeignKey(
        "files.StoredFile",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proof of authority"),
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants_received",
        verbose_name=_("resident's account"),
        help_text=_("Linked by the clerk who accepted the grant, when the resident has one."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=GrantStatus.choices,
        default=GrantStatus.PENDING,
        db_index=True,
    )
    scope = models.JSONField(_("request types allowed"), default=list, blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants_decided",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    refusal_reason = models.TextField(_("why it was not accepted"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants_revoked",
        verbose_name=_("stopped by"),
    )
    revoked_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    revoke_reason = models.TextField(_("why it was stopped"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The privacy policy version in force when this was collected (portal/policies/stamp.py).
    policy_version = models.ForeignKey(
        "policies.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
        default=policy_version_in_force_id,
        verbose_name=_("privacy policy version"),
    )

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["representative", "status"]),
            models.Index(fields=["resident", "status", "expires_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="accepted")
                | models.Q(expires_on__isnull=False, decided_at__isnull=False),
                name="representatives_accepted_grant_has_expiry",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | models.Q(revoked_at__isnull=False),
                name="representatives_revoked_grant_has_time",
            ),
        ]
        verbose_name = _("representative grant")
        verbose_name_plural = _("representative grants")

    def __str__(self) -> str:
        return f"{self.reference}: {self.representative} for {self.resident_name}"

    @property
    def reference(self) -> str:
        return f"REP-{self.pk:06d}" if self.pk else "REP-new"

    @property
    def relationship_phrase(self) -> str:
        return str(RELATIONSHIP_PHRASES[Relationship(self.relationship)])

    @property
    def scope_labels(self) -> list[str]:
        return [str(GrantScope(value).label) for value in GrantScope.values if value in self.scope]

    def is_active_on(self, day: dt.date) -> bool:
        return (
            self.status == GrantStatus.ACCEPTED
            and self.expires_on is not None
            and self.expires_on >= day
        )

    def state_on(self, day: dt.date) -> GrantState:
        if self.status == GrantStatus.ACCEPTED:
            return GrantState.ACTIVE if self.is_active_on(day) else GrantState.EXPIRED
        return GrantState(self.status)


class NoticeKind(models.TextChoices):
    DECISION = "decision", _("Decision, to the representative")
    RESIDENT_ACCEPTED = "resident_accepted", _("Acceptance, to the resident")
    REVOKED_REPRESENTATIVE = "revoked_representative", _("Stopped, to the representative")
    REVOKED_RESIDENT = "revoked_resident", _("Stopped, to the resident")


class GrantNotice(models.Model):
    """An email sent about a grant: the record that the person was told, and what keeps a
    retried task from sending it twice."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=30, choices=NoticeKind.choices)
    recipient = models.EmailField(_("sent to"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "kind"], name="representatives_notice_once")
        ]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient}"
