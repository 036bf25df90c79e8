"""Benchmarks, run apart (`make benchmark`): time to answer the pages every visitor and every
load balancer hits. Figures are printed, never asserted."""

import statistics
import time
from collections.abc import Callable

import pytest
from django.utils import timezone

from portal.health.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

ROUNDS = 300


def _measure(call: Callable[[], object]) -> dict[str, float]:
    for _ in range(20):
        call()
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "median_ms": statistics.median(samples),
        "p95_ms": samples[int(len(samples) * 0.95)],
        "max_ms": samples[-1],
    }


def _report(name: str, figures: dict[str, float]) -> None:
    line = ", ".join(f"{key} {value:.2f}" for key, value in figures.items())
    print(f"\nBENCHMARK {name}: {line} over {ROUNDS} requests")


def test_home_page_render_time(client):
    _report("GET /", _measure(lambda: client.get("/")))


def test_healthz_time(client):
    WorkerHeartbeat.objects.create(worker="benchmark@localhost", last_seen=timezone.now())
    _report("GET /healthz", _measure(lambda: client.get("/healthz")))
