"""The Celery app's configuration: the robustness rules of DESIGN.md."""

from portal.celery import app
from tasks import TASK_MODULES
from tasks.schedule import BEAT_SCHEDULE


def test_json_only_acks_late_prefetch_one_results_ignored():
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_ignore_result is True
    assert conf.result_backend is None
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit


def test_tasks_are_registered_explicitly_from_the_tasks_package():
    app.loader.import_default_modules()
    assert tuple(app.conf.imports) == TASK_MODULES
    registered = {name for name in app.tasks if not name.startswith("celery.")}
    assert "tasks.health.heartbeat" in registered
    assert all(name.startswith("tasks.") for name in registered)


def test_every_scheduled_task_exists():
    app.loader.import_default_modules()
    for entry in BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def test_redis_visibility_timeout_outlasts_the_hard_time_limit(settings):
    from django.conf import settings as django_settings

    if "visibility_timeout" in django_settings.CELERY_BROKER_TRANSPORT_OPTIONS:
        visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        assert visibility > django_settings.CELERY_TASK_TIME_LIMIT
