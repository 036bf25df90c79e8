"""The clerks' pages: letters ready to print, the review queue, and the print batches.

Only clerks and the privacy officer reach them; anyone else signed in gets "Page not found"."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portal.access.models import AccessAction
from portal.access.services import access_record, access_record_many
from portal.postal.forms import Decision, ReviewForm
from portal.postal.models import MailedCodeStatus
from portal.postal.selectors import (
    mailed_code_for_staff,
    mailed_codes_for_review,
    mailed_codes_ready,
    postal_staff_may_manage,
    print_batch_for_staff,
    print_batches_recent,
)
from portal.postal.services import (
    PostalError,
    mailed_code_approve_typed_address,
    mailed_code_look_again,
    mailed_code_refuse,
    mailed_code_use_candidate,
    print_batch_create,
    print_batch_download,
)

View = Callable[..., HttpResponse]


def postal_staff_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not postal_staff_may_manage(user=request.user):
            raise Http404("not a page for this account")
        return view(request, *args, **kwargs)

    return never_cache(login_required(wrapper))


@postal_staff_required
def staff_batches(request: HttpRequest) -> HttpResponse:
    ready = list(mailed_codes_ready(user=request.user))
    return render(
        request,
        "postal/staff_batches.html",
        {
            "ready": ready,
            "printable_count": sum(1 for letter in ready if letter.user_id != request.user.pk),
            "review": list(mailed_codes_for_review(user=request.user)),
            "batches": list(print_batches_recent(user=request.user)),
            "finding": MailedCodeStatus.FINDING,
        },
    )


@postal_staff_required
def staff_batch_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            batch = print_batch_create(
                clerk=request.user,
                enter_url=request.build_absolute_uri(reverse("postal:enter_code")),
            )
        except PostalError as error:
            messages.error(request, error.message)
            return redirect("postal:staff_batches")
        messages.success(
            request,
            _("The print batch is ready. Download it, print the letters and mail them today."),
        )
        return redirect("postal:staff_batch_detail", pk=batch.pk)
    ready = list(mailed_codes_ready(user=request.user).exclude(user=request.user))
    in_batch = ready[: settings.POSTAL_BATCH_MAX_LETTERS]
    return render(
        request,
        "postal/staff_batch_confirm.html",
        {
            "ready": in_batch,
            "left_over": len(ready) - len(in_batch),
            "today": timezone.localdate(),
            "back_url": reverse("postal:staff_batches"),
        },
    )


@postal_staff_required
def staff_batch_detail(request: HttpRequest, pk: object) -> HttpResponse:
    batch = print_batch_for_staff(user=request.user, pk=pk)
    letters = list(batch.letters.select_related("user").order_by("created_at"))
    # One entry in each resident's log: the page lists their name and address.
    access_record_many(
        actor=request.user,
        subjects=[letter.user for letter in letters],
        item="mailed_code_batch",
        obj=batch,
    )
    return render(
        request,
        "postal/staff_batch_detail.html",
        {
            "batch": batch,
            "letters": letters,
            "downloads": list(batch.downloads.select_related("downloaded_by")),
            "back_url": reverse("postal:staff_batches"),
        },
    )


@postal_staff_required
def staff_batch_download(request: HttpRequest, pk: object) -> HttpResponse:
    batch = print_batch_for_staff(user=request.user, pk=pk)
    try:
        data = print_batch_download(batch=batch, clerk=request.user)
    except PostalError as error:
        messages.error(request, error.message)
        return redirect("postal:staff_batch_detail", pk=batch.pk)
    access_record_many(
        actor=request.user,
        subjects=[letter.user for letter in batch.letters.select_related("user")],
        item="mailed_code_batch",
        action=AccessAction.DOWNLOAD,
        obj=batch,
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="mailed-codes-{batch.mailed_on:%Y-%m-%d}-{batch.reference}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


def _decide(request: HttpRequest, form: ReviewForm) -> str:
    """Carry out the confirmed decision; returns the message for the clerk."""
    mailed_code = form.mailed_code
    reason = form.cleaned_data.get("reason", "")
    if form.action == Decision.USE_CANDIDATE:
        mailed_code_use_candidate(
            mailed_code=mailed_code,
            candidate_id=form.candidate_id,
            clerk=request.user,
            reason=reason,
        )
        return _("The letter will go to the address in the City record you chose.")
    if form.action == Decision.APPROVE_TYPED:
        mailed_code_approve_typed_address(
            mailed_code=mailed_code, clerk=request.user, reason=reason
        )
        return _("The letter will go to the address the resident gave.")
    if form.action == Decision.REFUSE:
        mailed_code_refuse(mailed_code=mailed_code, clerk=request.user, reason=reason)
        return _("The request is closed. No letter will be sent.")
    mailed_code_look_again(mailed_code=mailed_code, clerk=request.user)
    return _("We are looking the resident up again.")


@postal_staff_required
def staff_review(request: HttpRequest, pk: object) -> HttpResponse:
    mailed_code = mailed_code_for_staff(user=request.user, pk=pk)
    open_for_decision = mailed_code.status in (
        MailedCodeStatus.NEEDS_REVIEW,
        MailedCodeStatus.FINDING,
    )
    form = ReviewForm(
        request.POST if request.method == "POST" and open_for_decision else None,
        mailed_code=mailed_code,
    )
    context = {
        "mailed_code": mailed_code,
        "candidates": list(mailed_code.candidates.all()),
        "open_for_decision": open_for_decision,
        "form": form,
        "back_url": reverse("postal:staff_batches"),
    }
    if form.is_bound and form.is_valid():
        confirmed = request.POST.get("confirmed")
        if confirmed == "yes":
            try:
                message = _decide(request, form)
            except PostalError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, message)
                return redirect("postal:staff_batches")
        elif confirmed != "no":
            return render(request, "postal/staff_review_confirm.html", context)
    access_record(
        actor=request.user,
        subject=mailed_code.user,
        item="mailed_code_review",
        obj=mailed_code,
    )
    return render(request, "postal/staff_review.html", context)
