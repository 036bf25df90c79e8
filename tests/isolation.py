"""Loaded before Django's settings (`-p tests.isolation`): gives this test run its own names.

The machine's PostgreSQL and Redis are shared with other runs, so every run gets its own var/
folder, test database name, broker key prefix, queue and cache key prefix. The values go into the
environment so the worker and server processes that tests start inherit them.
"""

import os
import shutil
import tempfile
import uuid

RUN_ID = os.environ.setdefault("PORTAL_TEST_RUN_ID", uuid.uuid4().hex[:10])

_OWN_VAR_DIR = None
if not os.environ.get("PORTAL_VAR_DIR"):
    _OWN_VAR_DIR = tempfile.mkdtemp(prefix=f"portal-tests-{RUN_ID}-")
    os.environ["PORTAL_VAR_DIR"] = _OWN_VAR_DIR
os.environ.setdefault("CELERY_BROKER_KEY_PREFIX", f"portal-test-{RUN_ID}:")
os.environ.setdefault("CELERY_TASK_DEFAULT_QUEUE", f"portal-test-{RUN_ID}")
os.environ.setdefault("CACHE_KEY_PREFIX", f"portal-test-{RUN_ID}")
# Settings under test are the defaults, whatever the developer's shell exports.
for name in ("PORTAL_PRODUCTION", "PORTAL_DEMO", "DJANGO_DEBUG", "SECRET_KEY"):
    os.environ.pop(name, None)
# Playwright's sync API keeps an event loop in the test thread; the ORM calls in browser tests
# are still plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def pytest_unconfigure(config: object) -> None:
    if _OWN_VAR_DIR:
        shutil.rmtree(_OWN_VAR_DIR, ignore_errors=True)
