"""Model factories for tests (factory_boy). Values are synthetic."""

import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.utils import decrypt
from django.utils import timezone
from factory.django import DjangoModelFactory, Password

from portal.accounts.models import Role, User
from portal.accounts.services import safeguards_acknowledge
from requests.models import ConnectorKind, DataSource, Department

TEST_PASSWORD = "correct horse battery staple 42"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.RESIDENT
    password = Password(TEST_PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """allauth's verified primary address, as after the resident confirmed it."""
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class StaffFactory(UserFactory):
    """Staff ready to open staff pages: a TOTP authenticator and the current safeguards
    acknowledged. `StaffFactory(mfa=False)` and `StaffFactory(acknowledged=False)` leave either out.
    The TOTP secret is kept on the instance as `totp_secret` (see `totp_code`)."""

    role = Role.CLERK

    @factory.post_generation
    def mfa(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """A TOTP authenticator, made as allauth makes one when someone sets up the app."""
        if not create or extracted is False:
            return
        existing = Authenticator.objects.filter(user=self, type=Authenticator.Type.TOTP).first()
        if existing is not None:
            self.totp_secret = decrypt(existing.data["secret"])
            return
        self.totp_secret = generate_totp_secret()
        TOTP.activate(self, self.totp_secret)

    @factory.post_generation
    def acknowledged(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """The safeguards text now in force, acknowledged (M.G.L. c. 66A §2(b))."""
        if create and extracted is not False:
            safeguards_acknowledge(user=self)


def totp_code(user: User, *, at: float | None = None) -> str:
    """The code a staff member's authenticator app shows now (or at POSIX time `at`)."""
    return totp_code_for_secret(user.totp_secret, at=at)


def totp_code_for_secret(secret: str, *, at: float | None = None) -> str:
    """A TOTP code for `secret`. Without `at`, a code that stays valid for at least two more
    seconds: near the end of a period it waits for the next one, so the server, which accepts
    only the current period, still accepts the code when it arrives."""
    period = mfa_settings.TOTP_PERIOD
    if at is None:
        left = period - time.time() % period
        if left < 2:
            time.sleep(left + 0.05)
        at = time.time()
    return format_hotp_value(hotp_value(secret, int(at) // period))


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Department {n}")
    slug = factory.Sequence(lambda n: f"department-{n}")


# --- Codes by post (portal.postal) ----------------------------------------------------------


class MailedCodeFactory(DjangoModelFactory):
    """A request for a code by post, waiting for its lookup. `MailedCodeFactory(ready=True)`: its
    address of record settled, waiting for a print batch."""

    class Meta:
        model = "postal.MailedCode"

    user = factory.SubFactory(UserFactory)
    first_name = "Alice"
    last_name = "Archer"
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=90)

    class Params:
        ready = factory.Trait(
            status="ready",
            address_line1=factory.Sequence(lambda n: f"{n + 1} Elm Street"),
            address_city="Westfield",
            address_state="MA",
            address_postal_code="01085",
            address_origin="record",
            address_source="city-clerk-addresses",
            address_record_key=factory.Sequence(lambda n: f"2026-WF{n:07d}"),
        )


# --- Profiles and representatives (portal.profiles, portal.representatives) -----------------

# The smallest whole PDF the upload check accepts: a header and an end-of-file marker.
PROOF_PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _date(year: int, month: int, day: int):
    import datetime

    return datetime.date(year, month, day)


def _now():
    from django.utils import timezone

    return timezone.now()


def _a_year_from_today():
    import datetime

    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=365)


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = "profiles.Profile"
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    legal_first_name = "Alice"
    legal_last_name = "Archer"
    date_of_birth = factory.LazyFunction(lambda: _date(1980, 3, 27))


class ProfileAddressFactory(DjangoModelFactory):
    class Meta:
        model = "profiles.ProfileAddress"

    profile = factory.SubFactory(ProfileFactory)
    kind = "previous"
    street = factory.Sequence(lambda n: f"{n + 1} Elm Street")
    city = "Westfield"
    state = "MA"
    postal_code = "01085"


class ResidentIdentifierFactory(DjangoModelFactory):
    class Meta:
        model = "profiles.ResidentIdentifier"

    profile = factory.SubFactory(ProfileFactory)
    kind = "water_sewer_account"
    value = factory.Sequence(lambda n: f"WS-{10_000 + n * 7:07d}")


def stored_proof(*, uploaded_by: object, data: bytes = PROOF_PDF_BYTES, name: str = "proof.pdf"):
    """A proof of authority kept the way the portal keeps every upload: checked and encrypted."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.files.models import DOCUMENT_KINDS
    from portal.files.services import stored_file_create

    return stored_file_create(
        upload=SimpleUploadedFile(name, data),
        purpose="proof_of_authority",
        uploaded_by=uploaded_by,
        allowed=DOCUMENT_KINDS,
    )


class GrantFactory(DjangoModelFactory):
    """A request to act for a resident, waiting for a clerk. Traits: `accepted=True` (every
    request type, for a year), `refused=True`, `revoked=True`."""

    class Meta:
        model = "representatives.Grant"

    representative = factory.SubFactory(UserFactory)
    relationship = "power_of_attorney"
    resident_name = "Alice Archer"
    resident_date_of_birth = factory.LazyFunction(lambda: _date(1950, 3, 27))
    resident_street = "12 Elm Street"
    resident_city = "Westfield"
    resident_state = "MA"
    resident_postal_code = "01085"
    explanation = "I hold her power of attorney since March 2024."
    proof = factory.LazyAttribute(lambda grant: stored_proof(uploaded_by=grant.representative))

    class Params:
        accepted = factory.Trait(
            status="accepted",
            scope=["inquiry", "access", "correction", "contest", "access_log"],
            expires_on=factory.LazyFunction(_a_year_from_today),
            decided_by=factory.SubFactory(StaffFactory),
            decided_at=factory.LazyFunction(_now),
        )
        refused = factory.Trait(
            status="refused",
            refusal_reason="The power of attorney is not signed.",
            decided_by=factory.SubFactory(StaffFactory),
            decided_at=factory.LazyFunction(_now),
        )
        revoked = factory.Trait(
            accepted=True,
            status="revoked",
            revoked_at=factory.LazyFunction(_now),
            revoke_reason="The resident asked.",
        )


# --- Requests -------------------------------------------------------------------------------------


def _closure_date(n: int):
    import datetime

    return datetime.date(2031, 1, 1) + datetime.timedelta(days=n)


class ClosureDayFactory(DjangoModelFactory):
    class Meta:
        model = "requests.ClosureDay"
        django_get_or_create = ("date",)

    date = factory.Sequence(_closure_date)
    reason = "City Hall closed for a snowstorm"


class ReplyTemplateFactory(DjangoModelFactory):
    class Meta:
        model = "requests.ReplyTemplate"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Reply {n}")
    body = "Hello {{ requester_name }}, about {{ number }}: we will answer by {{ due_date }}."


# --- Identity assurance (portal.identity) ---------------------------------------------------

# The smallest PNG the upload check accepts (a whole 1x1 image).
ID_IMAGE_PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c49444154789c63f8ffff3f0005fe02fe0def46b80000000049454e44ae426082"
)


class IdentityVerificationFactory(DjangoModelFactory):
    """A standing level-2 check by account knowledge; `level=3, method="in_person_id"` for 3."""

    class Meta:
        model = "identity.IdentityVerification"

    user = factory.SubFactory(UserFactory)
    level = 2
    method = "account_knowledge"
    evidence = factory.LazyFunction(lambda: {"source": "water-sewer-billing"})


class IdentityOverrideFactory(DjangoModelFactory):
    """An override waiting for a second staff member."""

    class Meta:
        model = "identity.IdentityOverride"

    user = factory.SubFactory(UserFactory)
    level = 2
    reason = "Known to the clerk from years of counter visits; no City bill in her name."
    requested_by = factory.SubFactory(StaffFactory)


def identity_document(*, user: object, status: str = "pending", data: bytes | None = None):
    """An uploaded photo ID, stored the way the portal stores it (checked and encrypted)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from portal.files.models import IMAGE_KINDS
    from portal.files.services import stored_file_create
    from portal.identity.models import IdentityDocument

    stored = stored_file_create(
        upload=SimpleUploadedFile("licence.png", data or ID_IMAGE_PNG_BYTES),
        purpose="identity_document",
        uploaded_by=user,
        allowed=IMAGE_KINDS,
    )
    return IdentityDocument.objects.create(
        user=user,
        document_type="drivers_licence",
        stored_file=stored,
        status=status,
        submitted_at=None if status == "draft" else timezone.now(),
    )


def search_by_hand_source(*, slug: str = "archive-search-by-hand") -> DataSource:
    """A `manual` source: a request entering gathering waits there for the department's steward,
    as it does in a City with one paper archive, instead of going straight on to review."""
    department = DepartmentFactory(slug="records-archive", name="Records Archive")
    source, _created = DataSource.objects.get_or_create(
        slug=slug,
        defaults={
            "department": department,
            "name": "Paper records archive",
            "kind": ConnectorKind.MANUAL,
            "responsible_officer": "Archivist",
            "configuration": {},
            "attribute_map": {},
        },
    )
    return source


def searches_finished(request) -> None:
    """Every source run of the request finished without the request moving on, the state in
    which a clerk starts the review by hand."""
    from requests.gathering.models import RunStatus, SourceRun, WorkItem, WorkItemStatus
    from requests.gathering.states import run_move, work_item_move

    for item in WorkItem.objects.filter(run__request=request):
        work_item_move(item_id=item.pk, to=WorkItemStatus.CANCELLED, completed_at=timezone.now())
    for run in SourceRun.objects.filter(request=request):
        run_move(run_id=run.pk, to=RunStatus.SKIPPED, skipped_reason="Searched by hand")
