"""How allauth behaves here: where people land after signing in, and messages in plain words."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.accounts.selectors import SECOND_FACTOR_TYPES


def landing_url(user: User) -> str:
    """Staff start at the staff pages; residents at their account page once it exists."""
    if user.is_authenticated and user.is_portal_staff:
        return reverse("staff_home")
    try:
        return reverse("identity:dashboard")
    except NoReverseMatch:
        return reverse("home")


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": format_lazy(
            _(
                "There have been too many wrong tries. Wait {minutes} minutes, then sign in "
                "again. If you have forgotten your password, you can reset it."
            ),
            minutes=settings.LOGIN_FAILURE_WINDOW_SECONDS // 60,
        ),
        "rate_limited": _("You have tried this too many times. Wait a few minutes and try again."),
        "incorrect_code": _("That code is not right. Check the code and try again."),
        "email_password_mismatch": _(
            "The email address or password is not right. Check them and try again."
        ),
    }

    # Refusals allauth makes before any password is checked: no sign-in signal fires for them,
    # so the audit trail hears of them here. Codes only; never the address that was typed.
    AUDITED_REFUSALS = frozenset({"too_many_login_attempts", "rate_limited"})

    def validation_error(self, code: str, *args: object) -> Any:
        if code in self.AUDITED_REFUSALS:
            from portal.audit.models import AuditCategory
            from portal.audit.services import audit_record

            audit_record(
                action="account.sign_in_refused",
                category=AuditCategory.SECURITY,
                details={"reason": code},
            )
        return super().validation_error(code, *args)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return landing_url(request.user)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return landing_url(request.user)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _("That code is not right. Check the code and try again."),
        "cannot_delete_authenticator": _(
            "Staff accounts must keep two-step sign-in. Add a security key before you turn off "
            "the authenticator app."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Staff may not remove their last second factor (c. 66A §2(d): staff use MFA)."""
        user = authenticator.user
        if not user.is_portal_staff:
            return True
        others = Authenticator.objects.filter(user=user, type__in=SECOND_FACTOR_TYPES).exclude(
            pk=authenticator.pk
        )
        return others.exists()
