"""Disclosures of a resident's personal data outside the City (c. 66A §2(c), (f)) and compulsory
legal process served on the City for it (§2(k))."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RecipientKind(models.TextChoices):
    AGENCY = "agency", _("Another government agency")
    PUBLIC_RECORDS = "public_records", _("A public records response")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement, on a written request")
    LEGAL_PROCESS = "legal_process", _("The issuer of a subpoena or court order")


class DisclosureBasis(models.TextChoices):
    LAW = "law", _("A law or regulation allows it")
    CONSENT = "consent", _("The resident's written consent")
    LEGAL_PROCESS = "legal_process", _("A subpoena or court order")


class LegalProcessKind(models.TextChoices):
    SUBPOENA = "subpoena", _("Subpoena")
    COURT_ORDER = "court_order", _("Court order")
    OTHER = "other", _("Other compulsory legal process")


class WithdrawalKind(models.TextChoices):
    QUASHED = "quashed", _("A court quashed it")
    WITHDRAWN = "withdrawn", _("The issuer withdrew it")


class LegalProcess(models.Model):
    """A subpoena or order served on the City for a resident's data. Nothing it seeks is released
    until the resident was notified and the notice period passed, or a court order dispensing
    with notice is recorded."""

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="legal_processes",
        verbose_name=_("whose data it seeks"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LegalProcessKind.choices)
    issuer = models.CharField(_("issued by"), max_length=200)
    issuer_reference = models.CharField(_("docket or reference"), max_length=100, blank=True)
    served_on = models.DateField(_("served on the City"))
    data_sought = models.TextField(_("data it seeks"))
    departments = models.ManyToManyField(
        "requests.Department", blank=True, related_name="+", verbose_name=_("departments")
    )
    notice_period_business_days = models.PositiveSmallIntegerField(
        _("notice period in business days")
    )
    notice_sent_at = models.DateTimeField(_("resident notified"), null=True, blank=True)
    # The letter's HTML, encrypted: the version staff read on the page (the PDF is its twin).
    notice_html_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    # Set by the worker once the email went out, so a retried task never sends it twice.
    notice_emailed_at = models.DateTimeField(_("notice emailed"), null=True, blank=True)
    notice_letter = models.OneToOneField(
        "files.StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("notice letter"),
    )
    release_not_before = models.DateField(_("release allowed from"), null=True, blank=True)
    notice_dispensed_at = models.DateTimeField(
        _("court order dispensing with notice recorded"), null=True, blank=True
    )
    dispensing_order_reference = models.CharField(
        _("order dispensing with notice"), max_length=200, blank=True
    )
    dispensing_order_document = models.OneToOneField(
        "files.StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copy of the order"),
    )
    dispensing_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn or quashed"), null=True, blank=True)
    withdrawal_kind = models.CharField(
        _("how it ended"), max_length=20, choices=WithdrawalKind.choices, blank=True
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-served_on", "-id"]
        verbose_name = _("legal process")
        verbose_name_plural = _("legal process")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.issuer} ({self.served_on:%Y-%m-%d})"


class Disclosure(models.Model):
    """A resident's data given to someone outside the City, with its legal basis or the
    resident's consent. Statements of disagreement on the data go with it."""

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="disclosures",
        verbose_name=_("whose data"),
    )
    recipient_name = models.CharField(_("given to"), max_length=200)
    recipient_kind = models.CharField(
        _("kind of recipient"), max_length=20, choices=RecipientKind.choices
    )
    basis = models.CharField(_("basis"), max_length=20, choices=DisclosureBasis.choices)
    legal_basis = models.CharField(
        _("law or order relied on"),
        max_length=300,
        blank=True,
        help_text=_("The statute, regulation or order, e.g. M.G.L. c. 66 §10."),
    )
    consent_document = models.OneToOneField(
        "files.StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("the resident's written consent"),
    )
    written_request_reference = models.CharField(_("written request"), max_length=200, blank=True)
    intended_use = models.TextField(_("what the recipient will use it for"))
    data_disclosed = models.TextField(_("which data"))
    departments = models.ManyToManyField(
        "requests.Department", blank=True, related_name="+", verbose_name=_("departments")
    )
    legal_process = models.ForeignKey(
        LegalProcess,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosures",
        verbose_name=_("in answer to"),
    )
    # Statements of disagreement sent with the data (their ids), so each later disclosure
    # shows it carried them (c. 66A §2(j)).
    statements_sent = models.JSONField(_("statements of disagreement sent"), default=list)
    disclosed_on = models.DateField(_("disclosed on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-disclosed_on", "-id"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")

    def __str__(self) -> str:
        return f"{self.recipient_name} ({self.disclosed_on:%Y-%m-%d})"
