from django.db import migrations
from django.db.models import Max, OuterRef, Q, Subquery

# The finished states as they were when this migration was written (requests/states.py).
FINISHED_STATUSES = ("closed", "decided", "denied", "released", "withdrawn")


def finished_at_fill(apps, schema_editor):
    """Each request's last move into a finished state from an unfinished one, as the state
    machine records it from now on."""
    Request = apps.get_model("requests", "Request")
    RequestEvent = apps.get_model("requests", "RequestEvent")
    last_finish = (
        RequestEvent.objects.filter(
            request=OuterRef("pk"),
            kind="status_changed",
            to_status__in=FINISHED_STATUSES,
        )
        .filter(~Q(from_status__in=FINISHED_STATUSES))
        .order_by()
        .values("request")
        .annotate(last=Max("created_at"))
        .values("last")
    )
    Request.objects.filter(finished_at__isnull=True).update(finished_at=Subquery(last_finish))


class Migration(migrations.Migration):
    dependencies = [
        ("requests", "0013_reports_request_finished_at"),
    ]

    operations = [
        migrations.RunPython(finished_at_fill, migrations.RunPython.noop),
    ]
