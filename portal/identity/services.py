from typing import Any

from portal.identity.models import IdentityLevel, IdentityVerification, VerificationMethod


def identity_verification_record(
    *,
    user: Any,
    level: IdentityLevel,
    method: VerificationMethod,
    evidence: dict[str, Any],
    verified_by: Any | None = None,
) -> IdentityVerification:
    """Record a successful check. Every path that raises a level calls this, and nothing else."""
    if level not in (IdentityLevel.REMOTE, IdentityLevel.ATTENDED):
        raise ValueError("only levels 2 and 3 are recorded as verifications")
    return IdentityVerification.objects.create(
        user=user, level=level, method=method, evidence=evidence, verified_by=verified_by
    )
