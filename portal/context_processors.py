from django.conf import settings
from django.http import HttpRequest


def city(request: HttpRequest) -> dict[str, object]:
    """Names and contacts every page shows."""
    return {
        "CITY_NAME": settings.CITY_NAME,
        "RECORDS_ACCESS_OFFICER_EMAIL": settings.RECORDS_ACCESS_OFFICER_EMAIL,
        "RECORDS_ACCESS_OFFICER_PHONE": settings.RECORDS_ACCESS_OFFICER_PHONE,
    }
