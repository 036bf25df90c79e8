"""The periodic schedule, in one place. Each entry says when it runs and why."""

BEAT_SCHEDULE = {
    # Every 30 seconds: proves a worker is consuming, for /healthz (HEALTH_WORKER_MAX_AGE_SECONDS).
    "worker-heartbeat": {
        "task": "tasks.health.heartbeat",
        "schedule": 30.0,
        # A heartbeat nobody consumed within a minute says nothing about now: drop it.
        "options": {"expires": 60},
    },
}
