"""Benchmarks, run apart (`make benchmark`): gathering through real Celery workers on the
configured database and broker. Figures are printed, never asserted.

(a) Eight department web services each answering in 200 ms: a request gathered end to end (from
filing to review) with only one of them, with all eight in parallel, and with all eight one after
another. The aim: all eight within 1.5 times the one.

(b) A thousand requests across the demo City's sources: finished source runs per second, beside
the rate at which the same worker drains tasks that do nothing. The aim: at least a fifth of it.
"""

import os
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from portal.demo.population import generate_population
from portal.demo.setup import departments_ensure
from portal.demo.sources import demo_sources_ensure
from portal.demo.stores import write_stores
from portal.demo.water_service import PORT_ENV, TOKEN_ENV, water_server_in_thread
from requests.gathering.models import GatheredRecord, RunStatus, SourceRun
from requests.models import ConnectorKind, DataSource, Request, RequestEvent
from requests.services import request_submit
from requests.states import RequestStatus
from tasks.gathering import run_source
from tasks.health import noop
from tests.perf.gathering_load import (
    demo_residents,
    finished_count,
    slow_http_sources,
    slow_service,
    task_seconds,
    task_window,
    verified_resident,
)
from tests.processes import WorkerProcess, start_celery_worker, stop, wait_for_idle_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RUN_ID = os.environ["PORTAL_TEST_RUN_ID"]

# (a)
SOURCE_DELAY_SECONDS = 0.2
SOURCES = 8
ROUNDS = 5
PARALLEL_CONCURRENCY = 8

# (b)
# Fewer on a slow setup: PORTAL_BENCHMARK_REQUESTS=100 PORTAL_BENCHMARK_NOOPS=300 make benchmark
REQUESTS = int(os.environ.get("PORTAL_BENCHMARK_REQUESTS", "1000"))
NOOPS = int(os.environ.get("PORTAL_BENCHMARK_NOOPS", "1000"))
THROUGHPUT_CONCURRENCY = 4
POPULATION = max(2_000, REQUESTS * 2)  # people, of whom the first REQUESTS adults file
WATER_TOKEN = "benchmark-water-token"  # a loopback test service's


def _machine() -> str:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    return f"{connection.vendor} + {broker} broker, {os.cpu_count()} CPUs, load average {load}"


@contextmanager
def _worker(name: str, *, concurrency: int, env: dict[str, str] | None = None) -> Iterator:
    worker = start_celery_worker(
        log=Path(settings.VAR_DIR) / f"benchmark-{name}.log",
        hostname=f"benchmark-{name}-{RUN_ID}@localhost",
        concurrency=concurrency,
        env=env,
    )
    try:
        yield worker
    finally:
        stop(worker.process)
        _purge_queue()  # what the worker left (the last requests' emails) goes with it


def _purge_queue() -> int:
    from portal.celery import app

    with app.connection_for_write() as broker:
        return broker.default_channel.queue_purge(settings.CELERY_TASK_DEFAULT_QUEUE) or 0


def _median_ms(log: str, task_name: str) -> float:
    seconds = task_seconds(log, task_name)
    return statistics.median(seconds) * 1000 if seconds else 0.0


def _report(capsys: pytest.CaptureFixture, lines: list[str]) -> None:
    """Printed past pytest's capture, so `make benchmark` shows the figures without -s."""
    with capsys.disabled():
        print("\n".join(lines), flush=True)


# --- (a) eight slow sources ---------------------------------------------------------------


def _gathered_in(resident, worker: WorkerProcess) -> tuple[float, float]:
    """Seconds from filing to the request reaching review, and from the filing's commit (when
    the runs' messages are sent) to review."""
    started = timezone.now()
    request = request_submit(requester=resident, subject=resident, kind="access")
    filed = timezone.now()
    deadline = time.monotonic() + 120
    while not Request.objects.filter(pk=request.pk, status=RequestStatus.IN_REVIEW).exists():
        if time.monotonic() > deadline or worker.process.poll() is not None:
            raise AssertionError(f"request {request.number} never reached review")
        time.sleep(0.01)
    reached = (
        RequestEvent.objects.filter(request=request, to_status=RequestStatus.IN_REVIEW)
        .values_list("created_at", flat=True)
        .get()
    )
    wait_for_idle_worker(worker)  # its email sent, so the next round starts on an idle worker
    return (reached - started).total_seconds(), (reached - filed).total_seconds()


def _rounds(
    worker: WorkerProcess, residents: Iterator, *, warm_up: int = 1
) -> list[tuple[float, float]]:
    for _ in range(warm_up):
        _gathered_in(next(residents), worker)
    return [_gathered_in(next(residents), worker) for _ in range(ROUNDS)]


def test_eight_sources_gathered_in_parallel_against_the_slowest_alone_and_one_by_one(capsys):
    before = _machine()
    residents = (verified_resident(number) for number in range(10_000))
    with slow_service(delay_seconds=SOURCE_DELAY_SECONDS) as service:
        sources = slow_http_sources(base_url=service.base_url, count=SOURCES)
        with _worker("parallel", concurrency=PARALLEL_CONCURRENCY) as worker:
            # Warm every pool process (its database connection, its imports) first.
            _rounds(worker, residents, warm_up=0)
            DataSource.objects.exclude(pk=sources[0].pk).update(enabled=False)
            alone = _rounds(worker, residents)
            DataSource.objects.update(enabled=True)
            parallel = _rounds(worker, residents)
        with _worker("sequential", concurrency=1) as worker:
            one_by_one = _rounds(worker, residents)
    runs = Counter(SourceRun.objects.values_list("status", flat=True))
    assert set(runs) == {RunStatus.SUCCEEDED}, runs

    slowest = statistics.median(total for total, _gathering in alone)
    rows = [
        ("the slowest source alone", alone, "the limit"),
        (f"all {SOURCES} in parallel", parallel, "aim: within 1.5x"),
        (f"all {SOURCES} one after another", one_by_one, f"{SOURCES} x 200 ms at least"),
    ]
    lines = [
        f"\nBENCHMARK gathering {SOURCES} http sources each answering in "
        f"{SOURCE_DELAY_SECONDS * 1000:.0f} ms, filing to review, median of {ROUNDS} (min, max)",
        f"  prefork worker, concurrency {PARALLEL_CONCURRENCY} (one after another: concurrency 1)",
        f"  before: {before}",
        f"  after:  {_machine()}",
    ]
    lines.append(f"  {'':<30} {'filing to review':>24} {'ratio':>6}  {'after filing':>12}")
    for name, samples, note in rows:
        totals = [total for total, _gathering in samples]
        median = statistics.median(totals)
        after_filing = statistics.median(gathering for _total, gathering in samples)
        lines.append(
            f"  {name:<30} {median:6.3f} s ({min(totals):.3f}-{max(totals):.3f}) "
            f"{median / slowest:5.2f}x  {after_filing:10.3f} s  [{note}]"
        )
    _report(capsys, lines)


# --- (b) a thousand requests across the demo sources ---------------------------------------


def test_source_runs_per_second_beside_noop_tasks_per_second(tmp_path, monkeypatch, capsys):
    before = _machine()
    directory = tmp_path / "demo"
    people = generate_population(seed=2026, count=POPULATION)
    stores = write_stores(people, directory, seed=2026)
    water, water_thread = water_server_in_thread(database=stores["water_sewer"], token=WATER_TOKEN)
    try:
        monkeypatch.setenv(PORT_ENV, str(water.server_address[1]))
        departments_ensure()
        sources = demo_sources_ensure(directory=directory)
        manual = [source for source in sources if source.kind == ConnectorKind.MANUAL]
        DataSource.objects.filter(pk__in=[source.pk for source in manual]).update(enabled=False)
        asked = [source for source in sources if source.kind != ConnectorKind.MANUAL]
        residents = demo_residents(people=people, stores=stores, count=REQUESTS, sources=asked)

        started = time.perf_counter()
        for user in residents.users:
            request_submit(requester=user, subject=user, kind="access")
        filing = time.perf_counter() - started
        # The queue now holds each request's runs and its filing email. Only the runs are
        # measured: the emails go, the runs are sent again in order (as the reconciler would),
        # then the no-op tasks behind them, all before the worker starts.
        _purge_queue()
        run_ids = list(
            SourceRun.objects.filter(status=RunStatus.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for run_id in run_ids:
            run_source.delay(run_id)
        for _ in range(NOOPS):
            noop.delay()

        with _worker(
            "throughput", concurrency=THROUGHPUT_CONCURRENCY, env={TOKEN_ENV: WATER_TOKEN}
        ) as worker:
            deadline = time.monotonic() + 1800
            while True:
                log = worker.output()
                done_runs = finished_count(log, "tasks.gathering.run_source")
                done_noops = finished_count(log, "tasks.health.noop")
                if done_runs >= len(run_ids) and done_noops >= NOOPS:
                    break
                failed = " raised unexpected" in log or " failed: " in log
                if failed or time.monotonic() > deadline or worker.process.poll() is not None:
                    raise AssertionError(
                        f"{done_runs}/{len(run_ids)} runs and {done_noops}/{NOOPS} no-ops done"
                        + (f"; a task failed, see {worker.log}" if failed else "")
                    )
                time.sleep(1)
            log = worker.output()
    finally:
        water.shutdown()
        water.server_close()
        water_thread.join(5)

    runs_window = task_window(log, "tasks.gathering.run_source")
    noop_window = task_window(log, "tasks.health.noop")
    statuses = Counter(SourceRun.objects.values_list("status", flat=True))
    in_review = Request.objects.filter(status=RequestStatus.IN_REVIEW).count()
    records = GatheredRecord.objects.count()
    run_ms: dict[str, list[float]] = {}
    for slug, began, ended in SourceRun.objects.filter(finished_at__isnull=False).values_list(
        "source__slug", "started_at", "finished_at"
    ):
        run_ms.setdefault(slug, []).append((ended - began).total_seconds() * 1000)
    ratio = runs_window.per_second / noop_window.per_second if noop_window.per_second else 0
    _report(
        capsys,
        [
            f"\nBENCHMARK {REQUESTS} requests across the demo sources through one prefork "
            f"worker, concurrency {THROUGHPUT_CONCURRENCY}",
            f"  before: {before}",
            f"  after:  {_machine()}",
            "  sources asked, with the median ms from a run's claim to its finish:",
            *(
                f"    {slug:<34} {len(times):>5} runs {statistics.median(times):8.1f} ms"
                for slug, times in sorted(run_ms.items())
            ),
            "  manual sources left out (a steward answers those): "
            + (", ".join(source.slug for source in manual) or "none"),
            f"  residents: {len(residents.users)} at level 3; water account proved "
            f"{residents.with_water_account}, tax bill proved {residents.with_tax_bill}",
            f"  filing {REQUESTS} requests (no worker running) took {filing:.1f} s",
            f"  runs: {dict(sorted(statuses.items()))}; records kept {records}; "
            f"requests in review {in_review}/{REQUESTS}",
            f"  {'':<22} {'tasks':>6} {'seconds':>8} {'per second':>11} {'median ms in task':>18}",
            f"  {'source runs finished':<22} {runs_window.finished:>6} "
            f"{runs_window.seconds:>8.1f} {runs_window.per_second:>11.1f} "
            f"{_median_ms(log, 'tasks.gathering.run_source'):>18.1f}",
            f"  {'no-op tasks drained':<22} {noop_window.finished:>6} "
            f"{noop_window.seconds:>8.1f} {noop_window.per_second:>11.1f} "
            f"{_median_ms(log, 'tasks.health.noop'):>18.1f}",
            f"  source runs per second / no-op tasks per second: {ratio:.2f} (aim: at least 0.20)",
        ],
    )
