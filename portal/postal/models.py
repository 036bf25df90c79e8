import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.policies.stamp import policy_version_in_force_id


class MailedCodeStatus(models.TextChoices):
    """Where one request for a code by post stands. Only portal.postal.services changes it."""

    FINDING = "finding", _("Looking for the address of record")
    NEEDS_REVIEW = "needs_review", _("Needs a clerk")
    READY = "ready", _("Ready to print")
    MAILED = "mailed", _("Letter mailed")
    VERIFIED = "verified", _("Code used")
    EXPIRED = "expired", _("Code expired")
    VOID = "void", _("Too many wrong codes")
    REFUSED = "refused", _("Closed by a clerk")


# A resident has at most one of these at a time (a mailed letter counts until its code expires).
OPEN_STATUSES = (
    MailedCodeStatus.FINDING,
    MailedCodeStatus.NEEDS_REVIEW,
    MailedCodeStatus.READY,
    MailedCodeStatus.MAILED,
)


class ReviewReason(models.TextChoices):
    NO_MATCH = "no_match", _("No one found")
    SEVERAL_MATCHES = "several_matches", _("Several people found")
    TYPED_ADDRESS = "typed_address", _("Address typed by the resident")
    LOOKUP_FAILED = "lookup_failed", _("The lookup failed")


class AddressOrigin(models.TextChoices):
    RECORD = "record", _("The only matching City record")
    CHOSEN_RECORD = "chosen_record", _("A City record chosen by a clerk")
    APPROVED_TYPED = "approved_typed", _("Typed by the resident, approved by a clerk")


class MatchStrength(models.TextChoices):
    FULL = "full", _("Name and date of birth match")
    PARTIAL = "partial", _("Date of birth and part of the name match")


class MailedCode(models.Model):
    """One resident's request for a code by post, from the ask to the use of the code.

    The code itself is never stored: only its keyed hash and its last two characters (so a clerk
    on the phone can tell which letter the resident holds). The plaintext exists only inside the
    encrypted print batch PDF.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mailed_codes",
        verbose_name=_("account"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MailedCodeStatus.choices,
        default=MailedCodeStatus.FINDING,
        db_index=True,
    )
    review_reason = models.CharField(
        _("why a clerk must look"), max_length=20, choices=ReviewReason.choices, blank=True
    )
    lookup_error = models.TextField(_("what went wrong in the lookup"), blank=True)
    created_at = models.DateTimeField(_("asked"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Who the resident said they are, copied from the profile when they asked (Check your answers).
    first_name = models.CharField(_("first name"), max_length=100)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    suffix = models.CharField(_("suffix"), max_length=20, blank=True)
    date_of_birth = models.DateField(_("date of birth"))

    # An address the resident typed: never used unless a clerk approves it with a reason.
    typed_line1 = models.CharField(_("street address"), max_length=200, blank=True)
    typed_line2 = models.CharField(_("apartment, unit or floor"), max_length=100, blank=True)
    typed_city = models.CharField(_("town or city"), max_length=100, blank=True)
    typed_state = models.CharField(_("state"), max_length=2, blank=True)
    typed_postal_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    typed_at = models.DateTimeField(_("address typed"), null=True, blank=True)

    # Where the letter goes, and the evidence for it.
    address_line1 = models.CharField(_("street address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("apartment, unit or floor"), max_length=100, blank=True)
    address_city = models.CharField(_("town or city"), max_length=100, blank=True)
    address_state = models.CharField(_("state"), max_length=20, blank=True)
    address_postal_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    address_origin = models.CharField(
        _("where the address came from"), max_length=20, choices=AddressOrigin.choices, blank=True
    )
    address_source = models.CharField(
        _("data source"), max_length=60, blank=True, help_text=_("The data source's short name.")
    )
    address_record_key = models.CharField(_("record key in the source"), max_length=200, blank=True)
    address_found_at = models.DateTimeField(_("address settled"), null=True, blank=True)

    # A clerk's decision on a request in the review queue.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mailed_code_decisions",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    # The letter and its code.
    batch = models.ForeignKey(
        "postal.PrintBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("print batch"),
    )
    mailed_on = models.DateField(_("mailed on"), null=True, blank=True)
    valid_until = models.DateField(_("code works until"), null=True, blank=True)
    code_hash = models.CharField(_("keyed hash of the code"), max_length=128, blank=True)
    code_last_characters = models.CharField(
        _("last two characters of the code"), max_length=2, blank=True
    )
    wrong_entries = models.PositiveSmallIntegerField(_("wrong codes entered"), default=0)
    used_at = models.DateTimeField(_("code used"), null=True, blank=True)
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
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "status"])]
        verbose_name = _("code by post")
        verbose_name_plural = _("codes by post")

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.get_status_display()})"

    @property
    def legal_name(self) -> str:
        name = " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)
        return f"{name} {self.suffix}".strip() if self.suffix else name

    @property
    def reference(self) -> str:
        """A short reference printed on the letter, for phone calls."""
        return self.id.hex[:8].upper()

    @property
    def address_lines(self) -> list[str]:
        return _lines(
            self.address_line1,
            self.address_line2,
            self.address_city,
            self.address_state,
            self.address_postal_code,
        )

    @property
    def typed_address_lines(self) -> list[str]:
        return _lines(
            self.typed_line1,
            self.typed_line2,
            self.typed_city,
            self.typed_state,
            self.typed_postal_code,
        )

    @property
    def has_typed_address(self) -> bool:
        return bool(self.typed_line1)


def _lines(line1: str, line2: str, city: str, state: str, postal_code: str) -> list[str]:
    if not line1:
        return []
    place = f"{city}, {state} {postal_code}".strip(" ,")
    return [line for line in (line1, line2, place) if line]


class AddressCandidate(models.Model):
    """A person in an address source who might be the resident, shown to the clerk who decides.

    One row per person: their most recent record in that source.
    """

    mailed_code = models.ForeignKey(MailedCode, on_delete=models.CASCADE, related_name="candidates")
    source = models.CharField(_("data source"), max_length=60)
    record_key = models.CharField(_("record key"), max_length=200)
    person_key = models.CharField(_("person key"), max_length=200)
    match = models.CharField(_("match"), max_length=10, choices=MatchStrength.choices)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    suffix = models.CharField(_("suffix"), max_length=20, blank=True)
    date_of_birth = models.CharField(_("date of birth"), max_length=20, blank=True)
    address_line1 = models.CharField(_("street address"), max_length=200)
    address_line2 = models.CharField(_("apartment, unit or floor"), max_length=100, blank=True)
    address_city = models.CharField(_("town or city"), max_length=100, blank=True)
    address_state = models.CharField(_("state"), max_length=20, blank=True)
    address_postal_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    as_of = models.CharField(_("record as of"), max_length=20, blank=True)

    class Meta:
        ordering = ["match", "last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailed_code", "source", "record_key"], name="postal_candidate_unique"
            )
        ]
        verbose_name = _("address candidate")
        verbose_name_plural = _("address candidates")

    def __str__(self) -> str:
        return f"{self.name} ({self.source} {self.record_key})"

    @property
    def name(self) -> str:
        name = " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)
        return f"{name} {self.suffix}".strip() if self.suffix else name

    @property
    def address_lines(self) -> list[str]:
        return _lines(
            self.address_line1,
            self.address_line2,
            self.address_city,
            self.address_state,
            self.address_postal_code,
        )


class PrintBatch(models.Model):
    """One PDF of letters, made by a clerk, printed and mailed that day."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made"), default=timezone.now)
    mailed_on = models.DateField(_("mailed on"))
    valid_until = models.DateField(_("codes work until"))
    letter_count = models.PositiveIntegerField(_("letters"))
    pdf = models.OneToOneField(
        "files.StoredFile",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("PDF of the letters"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("print batch")
        verbose_name_plural = _("print batches")

    def __str__(self) -> str:
        return f"{self.mailed_on:%Y-%m-%d}: {self.letter_count} letters"

    @property
    def reference(self) -> str:
        return self.id.hex[:8].upper()


class PrintBatchDownload(models.Model):
    """Who downloaded a batch's PDF, and when: it holds names, addresses and live codes."""

    batch = models.ForeignKey(PrintBatch, on_delete=models.CASCADE, related_name="downloads")
    downloaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("downloaded by"),
    )
    downloaded_at = models.DateTimeField(_("downloaded"), default=timezone.now)

    class Meta:
        ordering = ["-downloaded_at"]
        verbose_name = _("print batch download")
        verbose_name_plural = _("print batch downloads")

    def __str__(self) -> str:
        return f"{self.batch} by {self.downloaded_by} at {self.downloaded_at:%Y-%m-%d %H:%M}"
