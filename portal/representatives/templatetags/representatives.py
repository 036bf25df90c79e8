from django import template

from portal.representatives import labels
from portal.representatives.models import Grant

register = template.Library()


@register.filter
def on_behalf_label(grant: Grant) -> str:
    """`{{ grant|on_behalf_label }}`: see portal.representatives.labels.on_behalf_label."""
    return labels.on_behalf_label(grant)
