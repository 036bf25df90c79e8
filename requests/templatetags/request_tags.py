"""Small helpers for the request pages."""

from django import template

from requests.states import RequestStatus

register = template.Library()

# Colour only repeats the words of the badge (site.css, "Tags and badges").
_STATUS_COLOURS = {
    RequestStatus.SUBMITTED: "blue",
    RequestStatus.AWAITING_IDENTITY: "yellow",
    RequestStatus.GATHERING: "blue",
    RequestStatus.IN_REVIEW: "blue",
    RequestStatus.AWAITING_REQUESTER: "yellow",
    RequestStatus.RELEASED: "green",
    RequestStatus.DECIDED: "green",
    RequestStatus.DENIED: "red",
    RequestStatus.CLOSED: "grey",
    RequestStatus.WITHDRAWN: "grey",
}


@register.filter
def status_colour(status: str) -> str:
    return _STATUS_COLOURS.get(status, "grey")


@register.filter
def lookup(mapping: dict, key: object) -> object:
    """mapping[key] in a template, or "" when absent."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
