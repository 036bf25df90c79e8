from django.utils import timezone

from portal.health.models import WorkerHeartbeat


def heartbeat_record(*, worker: str) -> WorkerHeartbeat:
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(
        worker=worker[:255], defaults={"last_seen": timezone.now()}
    )
    return heartbeat
