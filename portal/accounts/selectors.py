"""Reads about accounts: staff safeguards, two-step sign-in, session time limits."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.utils.translation import gettext as _

from portal.accounts import safeguards
from portal.accounts.models import SafeguardsAcknowledgment, User

# A second factor that proves the person holds something: recovery codes only back these up.
SECOND_FACTOR_TYPES = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def user_has_second_factor(*, user: User) -> bool:
    return is_mfa_enabled(user, SECOND_FACTOR_TYPES)


def safeguards_acknowledgment_current(*, user: User) -> SafeguardsAcknowledgment | None:
    """The user's acknowledgment of the text now in force, if they gave one."""
    return SafeguardsAcknowledgment.objects.filter(
        user=user, version=safeguards.SAFEGUARDS_VERSION
    ).first()


def staff_access_missing_step(*, user: User) -> str | None:
    """What a staff member must do before staff pages open: "mfa", then "safeguards"; or None."""
    if not user_has_second_factor(user=user):
        return "mfa"
    if safeguards_acknowledgment_current(user=user) is None:
        return "safeguards"
    return None


def staff_overview(*, user: User) -> dict[str, object]:
    """Who a staff member is here: role, departments, second factor, safeguards."""
    role = user.get_role_display() if user.is_city_staff else _("Administrator")
    return {
        "role": role,
        "departments": list(user.steward_departments.order_by("name")),
        "has_second_factor": user_has_second_factor(user=user),
        "acknowledgment": safeguards_acknowledgment_current(user=user),
        "can_use_admin": user.is_staff,
    }
