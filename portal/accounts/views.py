"""Staff landing page, the safeguards, the session clock and the list of sessions."""

from allauth.usersessions.views import list_usersessions
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from portal.accounts import safeguards as safeguards_text
from portal.accounts.decorators import sensitive_action, staff_required
from portal.accounts.forms import SafeguardsAcknowledgmentForm
from portal.accounts.selectors import (
    safeguards_acknowledgment_current,
    staff_overview,
)
from portal.accounts.services import safeguards_acknowledge, user_sessions_end_expired
from portal.accounts.session_timeout import now_timestamp, session_seconds_left
from portal.accounts.staff_links import staff_links


def _safe_next(request: HttpRequest, candidate: str | None, default: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@staff_required
def staff_home(request: HttpRequest) -> HttpResponse:
    context = staff_overview(user=request.user)
    context["links"] = staff_links(user=request.user)
    return render(request, "staff/home.html", context)


@staff_required
def safeguards(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(
        request, request.POST.get("next") or request.GET.get("next"), reverse("staff_home")
    )
    if request.method == "POST":
        form = SafeguardsAcknowledgmentForm(request.POST)
        if form.is_valid():
            safeguards_acknowledge(user=request.user)
            return HttpResponseRedirect(next_url)
    else:
        form = SafeguardsAcknowledgmentForm()
    return render(
        request,
        "accounts/safeguards.html",
        {
            "form": form,
            "next_url": next_url,
            "acknowledgment": safeguards_acknowledgment_current(user=request.user),
            "safeguards_text_template": safeguards_text.SAFEGUARDS_TEXT_TEMPLATE,
            "safeguards_version": safeguards_text.SAFEGUARDS_VERSION,
        },
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def session_extend(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in": the session middleware has already restarted the idle clock for this
    request; answer with the time now left (JSON for the page script, a redirect without it)."""
    if not request.user.is_authenticated:
        if _wants_json(request):
            return JsonResponse({"signed_in": False}, status=401)
        return redirect_to_login(reverse("home"))
    if _wants_json(request):
        idle_left, absolute_left = session_seconds_left(request.session, now=now_timestamp())
        return JsonResponse(
            {
                "signed_in": True,
                "idle_seconds_left": idle_left,
                "absolute_seconds_left": absolute_left,
            }
        )
    return HttpResponseRedirect(_safe_next(request, request.POST.get("next"), reverse("home")))


@sensitive_action
def sessions(request: HttpRequest) -> HttpResponse:
    """allauth's list of the person's sessions, without the ones already past a time limit.
    Ending sessions asks the person to confirm who they are first."""
    user_sessions_end_expired(user=request.user)
    return list_usersessions(request)
