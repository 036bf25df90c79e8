from allauth.account.models import EmailAddress
from django.db.models import Max

from portal.identity.models import IdentityLevel, IdentityVerification


def identity_level(*, user: object) -> IdentityLevel:
    """The highest level the account holds now: 2 or 3 from a standing verification, 1 for a
    confirmed email address, otherwise none."""
    if not getattr(user, "is_authenticated", False):
        return IdentityLevel.NONE
    highest = IdentityVerification.objects.filter(user=user, revoked_at__isnull=True).aggregate(
        highest=Max("level")
    )["highest"]
    if highest:
        return IdentityLevel(highest)
    if EmailAddress.objects.filter(user=user, verified=True).exists():
        return IdentityLevel.EMAIL
    return IdentityLevel.NONE
