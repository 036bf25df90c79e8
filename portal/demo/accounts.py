"""Demo accounts: residents drawn from the synthetic population, and one account per staff role.

Passwords are random per installation, stored hashed in the database and in plain text only in
var/demo/logins.json (readable by its owner alone), so the run command can print them. The demo
refuses to run in production (portal.E014 and the demo_setup command).
"""

import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction

from portal.accounts.models import Role, User
from requests.models import Department


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    name: str


@dataclass(frozen=True)
class DemoAccount:
    role: Role
    email: str
    first_name: str
    last_name: str
    steward_of: str = ""


STAFF_ACCOUNTS = (
    DemoAccount(Role.CLERK, "clerk@demo.example.org", "Casey", "Clerk"),
    DemoAccount(Role.STEWARD, "steward.assessors@demo.example.org", "Sam", "Assessor", "assessors"),
    DemoAccount(
        Role.STEWARD, "steward.water@demo.example.org", "Wren", "Waterworks", "water_sewer"
    ),
    # The Building Department's paper archive is searched by hand: its steward answers the
    # work item a request makes for it.
    DemoAccount(Role.STEWARD, "steward.building@demo.example.org", "Blake", "Builder", "building"),
    DemoAccount(Role.PRIVACY_OFFICER, "privacy.officer@demo.example.org", "Priya", "Officer"),
    DemoAccount(Role.AUDITOR, "auditor@demo.example.org", "Avery", "Auditor"),
)


def logins_path() -> Path:
    return Path(settings.DEMO_DATA_DIR) / "logins.json"


def read_demo_logins() -> list[DemoLogin]:
    path = logins_path()
    if not path.exists():
        return []
    return [DemoLogin(**row) for row in json.loads(path.read_text())]


def _write_demo_logins(logins: list[DemoLogin]) -> None:
    path = logins_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.touch(mode=0o600)
    temporary.write_text(json.dumps([asdict(login) for login in logins], indent=2))
    temporary.replace(path)


@transaction.atomic
def demo_accounts_ensure(*, residents: list[DemoAccount]) -> list[DemoLogin]:
    """Create the demo accounts that are missing; keep existing ones and their passwords."""
    known = {login.email: login for login in read_demo_logins()}
    logins = []
    for account in [*residents, *STAFF_ACCOUNTS]:
        login = known.get(account.email)
        user = User.objects.filter(email=account.email).first()
        if user is None or login is None:
            password = secrets.token_urlsafe(12)
            user = user or User(email=account.email)
            user.set_password(password)
            login = DemoLogin(
                role=str(account.role.label),
                email=account.email,
                password=password,
                name=f"{account.first_name} {account.last_name}",
            )
        user.first_name = account.first_name
        user.last_name = account.last_name
        user.role = account.role
        user.is_staff = user.is_superuser = account.role == Role.PRIVACY_OFFICER
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        if account.steward_of:
            Department.objects.get(slug=account.steward_of).stewards.add(user)
        logins.append(login)
    _write_demo_logins(logins)
    return logins
