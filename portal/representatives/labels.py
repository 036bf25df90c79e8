"""Words that mark what a representative does as done on a resident's behalf."""

from django.utils.translation import gettext as _

from portal.representatives.models import Grant


def representative_display_name(user: object) -> str:
    full_name = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return full_name or getattr(user, "email", "")


def on_behalf_label(grant: Grant) -> str:
    """For example "Bob Booker, their attorney, on behalf of Alice Archer": put it beside any
    action a representative takes for a resident (a request filed, a message, a download)."""
    return _("%(representative)s, %(relationship)s, on behalf of %(resident)s") % {
        "representative": representative_display_name(grant.representative),
        "relationship": grant.relationship_phrase,
        "resident": grant.resident_name,
    }
