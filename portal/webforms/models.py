from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.policies.stamp import policy_version_in_force_id


class FormSubmission(models.Model):
    """One submission of a City web form or survey, as the resident entered it."""

    form_name = models.CharField(_("form"), max_length=200)
    submitted_at = models.DateTimeField(_("submitted"), db_index=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    message = models.TextField(_("message"), blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
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

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.form_name} ({self.submitted_at:%Y-%m-%d})"
