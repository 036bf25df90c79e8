"""Celery tasks and department connectors.

Tasks are thin: they take ids, load rows and call services. Every module that defines tasks is
listed in TASK_MODULES, and the Celery app imports exactly those (no autodiscovery).
"""

TASK_MODULES = (
    "tasks.health",
    "tasks.retention",
    "tasks.postal",
    "tasks.identity",
    "tasks.representatives",
    "tasks.notifications",
    "tasks.deadlines",
    "tasks.policies",
    "tasks.disclosures",
    "tasks.audit",
    "tasks.gathering",
    "tasks.release",
    "tasks.corrections",
)
