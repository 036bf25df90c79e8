from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.policies.stamp import policy_version_in_force_id
from requests.states import FINISHED_STATUSES, RequestStatus


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
    attribute_map = models.JSONField(
        _("identity attributes to lookup parameters"),
        default=dict,
        blank=True,
        help_text=_(
            "Which of the resident's identity attributes fill which lookup parameter, as a JSON "
            'object, e.g. {"legal_name": "name", "date_of_birth": "dob"}. Attributes are '
            "named as in the resident's profile (legal_name, date_of_birth) or by the kind of "
            "City number (water_sewer_account, parcel_id)."
        ),
    )

    # The notice of this personal data system (c. 66A §2(e), c. 30 §63), exported for filing by
    # requests/sources.py. Required in forms; rows made before these fields existed show as
    # incomplete in the export until the privacy officer fills them in.
    purpose = models.TextField(
        _("purpose"),
        help_text=_("Why the department keeps this system, and the law or duty it serves."),
    )
    categories_of_data = models.TextField(
        _("categories of data"),
        help_text=_(
            "The kinds of personal data held: for example names, addresses, dates of birth, "
            "bills, payments, meter readings."
        ),
    )
    approximate_number_of_persons = models.PositiveIntegerField(
        _("approximate number of persons"),
        null=True,
        help_text=_("About how many people the system holds data on."),
    )
    retention_and_disposal = models.TextField(
        _("retention and disposal"),
        help_text=_(
            "How long records are kept (the retention schedule that applies) and how they are "
            "destroyed when that time is up."
        ),
    )
    sources_of_data = models.TextField(
        _("where the data comes from"),
        help_text=_(
            "The sources of the data: residents themselves, other City departments, state "
            "agencies, vendors."
        ),
    )
    uses_and_users = models.TextField(
        _("uses and users"),
        help_text=_(
            "What the data is used for and who uses it: inside the City (departments, roles) "
            "and outside it (agencies, vendors), with the basis for each outside use."
        ),
    )
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_(
            "Holds a sensitive category (vital records, health, income or hardship, children): "
            "residents need identity level 3 for it, and a release needs a second clerk."
        ),
    )
    never_released_fields = models.JSONField(
        _("fields never released"),
        default=list,
        blank=True,
        help_text=_(
            "Fields of this system's records that are removed before any release, as a JSON "
            'list of field names, e.g. ["internal_risk_score", "inspector_notes"].'
        ),
    )

    class Meta:
        ordering = ["department__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(responsible_officer=""),
                name="requests_datasource_responsible_officer_required",
            ),
            models.CheckConstraint(
                condition=models.Q(sensitive=False) | models.Q(required_identity_level=3),
                name="requests_datasource_sensitive_needs_level_3",
            ),
        ]
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")

    def __str__(self) -> str:
        return f"{self.department}: {self.name}"

    def clean(self) -> None:
        # The rules live with the connectors and the notice (requests/sources.py).
        from requests.sources import data_source_problems

        if problems := data_source_problems(source=self):
            raise ValidationError(problems)


# --- Requests -------------------------------------------------------------------------------


class RequestKind(models.TextChoices):
    INQUIRY = "inquiry", _("Do you hold information about me?")
    ACCESS = "access", _("A copy of my information")
    CORRECTION = "correction", _("Correct my information")
    CONTEST = "contest", _("Challenge how my information is kept or shared")
    ACCESS_LOG = "access_log", _("Who has seen my information")


class Channel(models.TextChoices):
    WEB = "web", _("This website")
    EMAIL = "email", _("Email")
    MAIL = "mail", _("Mail")
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")


class Delivery(models.TextChoices):
    PORTAL = "portal", _("Download from this website")
    PAPER = "paper", _("A paper copy by mail")


class RequestNumberCounter(models.Model):
    """The last request number given out in a year (FIPA-<year>-<number>)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Request(models.Model):
    """One request by a resident (or made for one) under c. 66A and the Public Records Law.

    `status` changes only through `requests.states.request_transition`. Due dates are stored,
    so the queue can sort and filter on them, and move when the clock stops or is extended.
    """

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=20, choices=RequestKind.choices)
    channel = models.CharField(
        _("received by"), max_length=20, choices=Channel.choices, default=Channel.WEB
    )
    status = models.CharField(
        _("state"),
        max_length=20,
        choices=RequestStatus.choices,
        default=RequestStatus.SUBMITTED,
        editable=False,
        db_index=True,
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="requests_made",
        verbose_name=_("requester"),
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="requests_about",
        verbose_name=_("the person the records are about"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests_filed",
        verbose_name=_("filed by staff member"),
    )
    representation_grant = models.ForeignKey(
        "representatives.Grant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("filed under the authority of"),
        help_text=_("The accepted grant under which a representative filed for the resident."),
    )
    description = models.TextField(_("what the request is about"), blank=True)
    # A contest of a denial of access names the denied request (requests/corrections/contest.py).
    contested_request = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contests",
        verbose_name=_("denial contested"),
    )
    departments = models.ManyToManyField(
        Department, blank=True, related_name="requests", verbose_name=_("departments named")
    )
    delivery = models.CharField(
        _("how to receive it"), max_length=10, choices=Delivery.choices, default=Delivery.PORTAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
        verbose_name=_("assigned to"),
    )
    received_at = models.DateTimeField(_("received"))
    received_on = models.DateField(_("counts as received on"))
    response_due_on = models.DateField(_("written response due"), null=True, blank=True)
    final_due_on = models.DateField(_("due"))
    responded_at = models.DateTimeField(_("written response sent"), null=True, blank=True)
    # When the request last moved into a finished state from an unfinished one (the answer, or
    # the end); kept by the state machine so statistics need not search the history.
    finished_at = models.DateTimeField(
        _("answered or ended"), null=True, blank=True, editable=False, db_index=True
    )
    paused_at = models.DateTimeField(_("clock stopped"), null=True, blank=True)
    paused_from_status = models.CharField(max_length=20, blank=True, editable=False)
    paused_business_days = models.PositiveIntegerField(_("business days paused"), default=0)
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("extended by"),
    )
    extension_reason = models.TextField(_("why it was extended"), blank=True)
    due_before_extension = models.DateField(_("due before the extension"), null=True, blank=True)
    denial_reason = models.TextField(_("why it was denied"), blank=True)
    denial_exemptions = models.JSONField(_("exemptions cited"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)
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
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["requester", "created_at"]),
            models.Index(fields=["status", "final_due_on"]),
            models.Index(fields=["assignee", "status"]),
            # Statistics (portal/reports/figures.py): the span of days received and answered.
            models.Index(fields=["received_on"], name="reports_request_received_on"),
            models.Index(fields=["responded_at"], name="reports_request_responded_at"),
        ]
        verbose_name = _("request")
        verbose_name_plural = _("requests")

    def __str__(self) -> str:
        return self.number

    @property
    def is_paused(self) -> bool:
        return self.status == RequestStatus.AWAITING_REQUESTER

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def next_due_on(self) -> date:
        """The next deadline: the written response until it is sent, then the final one."""
        if self.response_due_on and self.responded_at is None:
            return self.response_due_on
        return self.final_due_on

    @property
    def is_overdue(self) -> bool:
        return not self.is_finished and self.next_due_on < timezone.localdate()

    @property
    def exemption_labels(self) -> list[str]:
        return [
            str(settings.REQUESTS_EXEMPTIONS.get(code, code)) for code in self.denial_exemptions
        ]


class RequestEventKind(models.TextChoices):
    FILED = "filed", _("Request received")
    STATUS_CHANGED = "status_changed", _("State changed")
    ASSIGNED = "assigned", _("Assigned")
    MESSAGE_TO_REQUESTER = "message_to_requester", _("Message to the requester")
    MESSAGE_FROM_REQUESTER = "message_from_requester", _("Message from the requester")
    NOTE = "note", _("Internal note")
    EXTENDED = "extended", _("Deadline extended")
    LETTER_SENT = "letter_sent", _("Letter sent")
    PACKAGE_READY = "package_ready", _("Records ready to download")
    PACKAGE_DOWNLOADED = "package_downloaded", _("Records downloaded")
    CORRECTION_DECIDED = "correction_decided", _("Correction decided")
    CORRECTION_APPLIED = "correction_applied", _("Correction made")
    APPEAL_FILED = "appeal_filed", _("Appeal filed")
    APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
    STATEMENT_FILED = "statement_filed", _("Statement of disagreement filed")


class RequestEvent(models.Model):
    """One thing that happened to a request: its history and its timeline. Never changed after it
    is written, except to record that the requester was emailed about it."""

    request = models.ForeignKey(
        Request, on_delete=models.PROTECT, related_name="events", verbose_name=_("request")
    )
    kind = models.CharField(_("what happened"), max_length=30, choices=RequestEventKind.choices)
    from_status = models.CharField(max_length=20, blank=True, choices=RequestStatus.choices)
    to_status = models.CharField(max_length=20, blank=True, choices=RequestStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    text = models.TextField(_("reason or note"), blank=True)
    details = models.JSONField(default=dict, blank=True)
    visible_to_requester = models.BooleanField(_("shown to the requester"), default=False)
    message = models.ForeignKey(
        "RequestMessage", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    letter = models.ForeignKey(
        "RequestLetter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    notified_at = models.DateTimeField(_("requester emailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("request event")
        verbose_name_plural = _("request events")

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class MessageDirection(models.TextChoices):
    TO_REQUESTER = "to_requester", _("To the requester")
    FROM_REQUESTER = "from_requester", _("From the requester")


class RequestMessage(models.Model):
    """Correspondence between the Records Access Officer's team and the requester."""

    request = models.ForeignKey(
        Request, on_delete=models.PROTECT, related_name="messages", verbose_name=_("request")
    )
    direction = models.CharField(_("direction"), max_length=20, choices=MessageDirection.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
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
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.request_id} {self.direction} {self.created_at:%Y-%m-%d %H:%M}"


class RequestDocument(models.Model):
    """A document the requester (or staff for them) attached to a request; bytes encrypted in
    the private files store."""

    request = models.ForeignKey(
        Request, on_delete=models.PROTECT, related_name="documents", verbose_name=_("request")
    )
    stored_file = models.OneToOneField(
        "files.StoredFile", on_delete=models.PROTECT, related_name="+", verbose_name=_("file")
    )
    message = models.ForeignKey(
        RequestMessage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("sent with"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)
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
        ordering = ["-created_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.stored_file_id}"


class LetterKind(models.TextChoices):
    WRITTEN_RESPONSE = "written_response", _("Written response (c. 66 §10(b))")
    DENIAL = "denial", _("Denial")
    LEGAL_PROCESS_NOTICE = (
        "legal_process_notice",
        _("Notice of a subpoena or court order (c. 66A §2(k))"),
    )


class LetterTemplate(models.Model):
    """The wording of a letter, kept here so the privacy officer and the City Solicitor can change
    it without a code change. The body is a Django template with only the variables listed in
    `requests.letters.LETTER_VARIABLES` and a safe subset of tags and filters."""

    kind = models.CharField(_("letter"), max_length=30, choices=LetterKind.choices, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("wording"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        ordering = ["kind"]
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")

    def __str__(self) -> str:
        return self.get_kind_display()


class RequestLetter(models.Model):
    """A letter as it was sent: its HTML encrypted here, its PDF encrypted in the private files
    store. Both hold personal data."""

    request = models.ForeignKey(
        Request, on_delete=models.PROTECT, related_name="letters", verbose_name=_("request")
    )
    kind = models.CharField(_("letter"), max_length=30, choices=LetterKind.choices)
    title = models.CharField(_("title"), max_length=200)
    html_encrypted = models.BinaryField(editable=False)
    pdf = models.OneToOneField(
        "files.StoredFile", on_delete=models.PROTECT, related_name="+", verbose_name=_("PDF")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.title}"


class ReplyTemplate(models.Model):
    """A standard message clerks start from; the privacy officer keeps them."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    body = models.TextField(
        _("message"),
        help_text=_(
            "You can use {{ number }}, {{ requester_name }}, {{ due_date }} and {{ city_name }}."
        ),
    )
    active = models.BooleanField(_("offered to clerks"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")

    def __str__(self) -> str:
        return self.name


class ClosureDay(models.Model):
    """A day City Hall was closed (a storm, an extra holiday): not a business day for the clock."""

    date = models.DateField(_("date"), unique=True)
    reason = models.CharField(_("why City Hall is closed"), max_length=200)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("City closure day")
        verbose_name_plural = _("City closure days")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}: {self.reason}"
