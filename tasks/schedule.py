"""The periodic schedule, in one place. Each entry says when it runs and why."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Every 30 seconds: proves a worker is consuming, for /healthz (HEALTH_WORKER_MAX_AGE_SECONDS).
    "worker-heartbeat": {
        "task": "tasks.health.heartbeat",
        "schedule": 30.0,
        # A heartbeat nobody consumed within a minute says nothing about now: drop it.
        "options": {"expires": 60},
    },
    # Nightly at 02:15: delete the bytes of evidence and uploads whose retention has ended.
    "purge-due-files": {
        "task": "tasks.retention.purge_due_files",
        "schedule": crontab(hour=2, minute=15),
    },
    # Nightly at 02:45: walk the audit trail's hash chain and log its head, so a change is
    # reported within a day and the newest hash is kept outside the database.
    "verify-audit-chain": {
        "task": "tasks.audit.verify_chain",
        "schedule": crontab(hour=2, minute=45),
    },
    # Weekdays at 07:00, before City Hall opens: email the clerks the requests overdue or due
    # within REQUESTS_DUE_SOON_BUSINESS_DAYS, so no statutory deadline passes unnoticed.
    "request-deadline-digest": {
        "task": "tasks.deadlines.send_deadline_digest",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon-fri"),
    },
    # Every 2 minutes: level-2 account checks still pending (their broker message was lost)
    # are sent to a worker again, so nobody waits for a page view to revive them.
    "renudge-stalled-identity-checks": {
        "task": "tasks.identity.renudge_stalled_checks",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
    # Every 15 minutes: emails about a new privacy policy version not yet sent (a lost broker
    # message, a worker stopped mid-batch) are queued again; each resident still gets one.
    "renudge-policy-notices": {
        "task": "tasks.policies.renudge_policy_notices",
        "schedule": 900.0,
        "options": {"expires": 840},
    },
    # Every minute: source runs whose broker message was lost, whose retry is due or whose
    # worker died (lease ended) are sent again; runs unfinished for long are logged.
    "reconcile-gathering": {
        "task": "tasks.gathering.reconcile",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Every minute: release packages whose build message was lost or whose worker died.
    "reconcile-release-packages": {
        "task": "tasks.release.reconcile",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Every minute: approved corrections whose write-back message was lost, whose retry is due,
    # whose answer never came (read back before anything is sent again) or whose worker died.
    "reconcile-correction-write-backs": {
        "task": "tasks.corrections.reconcile",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}
