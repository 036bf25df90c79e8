"""The notice of every data source (c. 66A §2(e), c. 30 §63) as a CSV file, for the privacy
officer and auditors; anyone else signed in gets 404. The notices describe systems, not people,
so the export is recorded in the audit trail rather than the access log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.access.scope import may_read_audit
from requests.sources import source_notices_export


@login_required
@require_GET
def notices_csv(request: HttpRequest) -> HttpResponse:
    if not may_read_audit(request.user):
        raise Http404
    text = source_notices_export(actor=request.user, channel="web")
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="source-notices-{stamp}.csv"'
    return response
