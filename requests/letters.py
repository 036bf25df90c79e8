"""Letters from their templates: HTML first, then a tagged PDF (PDF/UA-1) of the same HTML.

A letter's wording is a `LetterTemplate` the privacy officer edits. It is rendered by a Django
template engine of its own that knows only a safe subset of tags and filters (no `load`,
`include`, `extends`, `debug`, `safe`…) and receives only the plain values listed in
LETTER_VARIABLES, never a model object, so a template can neither reach into the database nor
turn escaping off.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import (
    Context,
    Engine,
    Library,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The variables a letter template may use, with what each holds (shown to the privacy officer).
LETTER_VARIABLES = {
    "requester_name": gettext_lazy("the requester's name"),
    "number": gettext_lazy("the request number, e.g. FIPA-2026-000123"),
    "kind": gettext_lazy("the type of request, in words"),
    "description": gettext_lazy("what the requester asked about, in their words"),
    "departments": gettext_lazy("the departments the requester named (a list)"),
    "received_date": gettext_lazy("the day the request counts as received (a date)"),
    "letter_date": gettext_lazy("today (a date)"),
    "response_due": gettext_lazy("the written response's due date (a date, or empty)"),
    "production_due": gettext_lazy("when the records or the decision are due (a date)"),
    "records_not_held": gettext_lazy("records the City does not hold, and who may hold them"),
    "withheld": gettext_lazy("records or parts held back, each with its exemption"),
    "exemptions": gettext_lazy("the exemptions cited (a list)"),
    "production_timeframe": gettext_lazy("when the records will be given, in words"),
    "fee_estimate": gettext_lazy("the itemised fee estimate"),
    "denial_reason": gettext_lazy("why the request was denied"),
    "city_name": gettext_lazy("the City's name"),
    "rao_email": gettext_lazy("the Records Access Officer's email address"),
    "rao_phone": gettext_lazy("the Records Access Officer's phone number"),
}

register = Library()
register.tag("if", defaulttags.do_if)
register.tag("for", defaulttags.do_for)
register.tag("with", defaulttags.do_with)
register.tag("firstof", defaulttags.firstof)
register.tag("comment", defaulttags.comment)
register.tag("spaceless", defaulttags.spaceless)
for _filter_name in (
    "capfirst",
    "date",
    "default",
    "default_if_none",
    "first",
    "join",
    "last",
    "length",
    "linebreaks",
    "linebreaksbr",
    "lower",
    "pluralize",
    "title",
    "upper",
    "yesno",
):
    # The filter as Django's template library registers it (e.g. "linebreaks" is
    # `linebreaks_filter`, marked safe and autoescape-aware), not a same-named helper.
    register.filter(_filter_name, defaultfilters.register.filters[_filter_name])


class _LetterEngine(Engine):
    # Only this module's library, instead of Django's built-in tags and filters.
    default_builtins = ["requests.letters"]


_ENGINE = _LetterEngine(debug=False, loaders=[], libraries={}, autoescape=True)


def letter_template_check(body: str) -> None:
    """Raise ValidationError with a readable message if the wording is not a valid template."""
    try:
        _ENGINE.from_string(body)
    except TemplateSyntaxError as error:
        raise ValidationError(
            _("The wording has a mistake in its template code: %(error)s"),
            params={"error": error},
            code="template",
        ) from None


def render_sandboxed(body: str, context: dict[str, Any], *, autoescape: bool = True) -> str:
    """Render a template the privacy officer wrote, with plain values only. With `autoescape`
    (letters) the result is escaped HTML, marked safe; without it (plain-text messages) it is
    plain text, never to be put into HTML unescaped."""
    for name, value in context.items():
        if not isinstance(value, str | int | date | list | type(None)):
            raise TypeError(f"letter variable {name} must be a plain value, not {type(value)}")
    rendered = _ENGINE.from_string(body).render(Context(context, autoescape=autoescape))
    if not autoescape:
        return str(rendered)
    # Safe to mark: the engine escaped every value and offers no way to turn escaping off.
    return mark_safe(rendered)  # noqa: S308


def letter_context(*, request: Any, **fields: Any) -> dict[str, Any]:
    """The documented variables for one request; `fields` are what the clerk wrote."""
    requester = request.requester
    context = {
        "requester_name": requester.get_full_name() or requester.email,
        "number": request.number,
        "kind": str(request.get_kind_display()),
        "description": request.description,
        "departments": [department.name for department in request.departments.all()],
        "received_date": request.received_on,
        "letter_date": timezone.localdate(),
        "response_due": request.response_due_on,
        "production_due": request.final_due_on,
        "records_not_held": "",
        "withheld": "",
        "exemptions": [],
        "production_timeframe": "",
        "fee_estimate": "",
        "denial_reason": request.denial_reason,
        "city_name": settings.CITY_NAME,
        "rao_email": settings.RECORDS_ACCESS_OFFICER_EMAIL,
        "rao_phone": settings.RECORDS_ACCESS_OFFICER_PHONE,
    }
    unknown = set(fields) - set(LETTER_VARIABLES)
    if unknown:
        raise ValueError(f"not letter variables: {sorted(unknown)}")
    context.update(fields)
    return context


def letter_fragment(*, title: str, body: SafeString, context: dict[str, Any]) -> str:
    """The letter as an HTML fragment: letterhead, date, title and the rendered wording."""
    return render_to_string(
        "letters/fragment.html", {"title": title, "body": body, "letter": context}
    )


def letter_document(*, title: str, fragment: str) -> str:
    """A whole HTML document around a stored fragment (the HTML download and the PDF)."""
    # The fragment is this module's own output, stored encrypted since it was rendered.
    trusted = mark_safe(fragment)  # noqa: S308
    return render_to_string(
        "letters/document.html",
        {"title": title, "fragment": trusted, "city_name": settings.CITY_NAME},
    )


def letter_pdf(*, document: str) -> bytes:
    """A tagged, accessible PDF of the letter document (PDF/UA-1)."""
    from weasyprint import CSS, HTML

    stylesheet = CSS(string=render_to_string("letters/letter.css"))
    return HTML(string=document, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[stylesheet], pdf_variant="pdf/ua-1"
    )


def letter_template_for(kind: str) -> Any:
    """The wording of a letter; the first wording again if someone deleted it, so a letter the
    law requires can always be written."""
    from requests import letter_defaults
    from requests.models import LetterKind, LetterTemplate

    defaults = {
        LetterKind.WRITTEN_RESPONSE: (
            letter_defaults.WRITTEN_RESPONSE_TITLE,
            letter_defaults.WRITTEN_RESPONSE_BODY,
        ),
        LetterKind.DENIAL: (letter_defaults.DENIAL_TITLE, letter_defaults.DENIAL_BODY),
        LetterKind.LEGAL_PROCESS_NOTICE: (
            letter_defaults.LEGAL_PROCESS_NOTICE_TITLE,
            letter_defaults.LEGAL_PROCESS_NOTICE_BODY,
        ),
    }
    title, body = defaults[LetterKind(kind)]
    template, _created = LetterTemplate.objects.get_or_create(
        kind=kind, defaults={"title": title, "body": body}
    )
    return template


def letter_preview(*, request: Any, kind: str, fields: dict[str, Any]) -> SafeString:
    """The letter exactly as it would be sent, without keeping or sending it."""
    template = letter_template_for(kind)
    context = letter_context(request=request, **fields)
    body = render_sandboxed(template.body, context)
    # The fragment template escapes its own values; `body` is the engine's escaped output.
    return mark_safe(letter_fragment(title=template.title, body=body, context=context))  # noqa: S308
