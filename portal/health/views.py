from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal.health.probes import run_probes


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the broker and a worker are fine; 503 naming what is down."""
    results = run_probes()
    down = [name for name, result in results.items() if not result.ok]
    body = {
        "status": "down" if down else "ok",
        "down": down,
        "checks": {name: result.as_dict() for name, result in results.items()},
    }
    return JsonResponse(body, status=503 if down else 200)
