"""Forgetting the figures the report pages keep, so a page works them out again. On a shared
Redis only this run's report keys go (emptying the whole database would take other runs' keys and
the broker's with it)."""

from django.conf import settings
from django.core.cache import cache


def forget_kept_figures() -> None:
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=cache.make_key("reports:*")))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
