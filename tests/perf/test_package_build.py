"""Benchmark, run apart (`make benchmark`): building the release package for a resident with
100,000 records (12 fields each, 6 departments), streamed into the encrypted store on disk.
Time and peak memory are printed, never asserted; the package is checked to be whole."""

import hashlib
import json
import resource
import tempfile
import time
import tracemalloc
import zipfile

from portal.crypto_stream import StreamEncryptor, stream_decrypt
from requests.release.package import package_write
from tests.release.test_package import make_meta, make_records

RECORDS = 100_000
FIELDS = 12


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _build(stored) -> object:
    with StreamEncryptor(stored) as writer:
        return package_write(
            meta=make_meta(), records=make_records(RECORDS, fields=FIELDS), out=writer
        )


def _check_whole(stored) -> None:
    """Decrypt the stored package and verify every manifest hash."""
    stored.seek(0)
    with tempfile.TemporaryFile() as plain:
        for chunk in stream_decrypt(stored):
            plain.write(chunk)
        with zipfile.ZipFile(plain) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            for name, entry in manifest["files"].items():
                digest = hashlib.sha256()
                with archive.open(name) as member:
                    while chunk := member.read(1024 * 1024):
                        digest.update(chunk)
                assert digest.hexdigest() == entry["sha256"], name


def test_package_build_time_and_memory_for_100000_records():
    rss_before = _max_rss_mib()
    with tempfile.TemporaryFile() as stored:
        started = time.perf_counter()
        summary = _build(stored)
        elapsed = time.perf_counter() - started
        rss_after = _max_rss_mib()
        stored_size = stored.tell()
        _check_whole(stored)

    with tempfile.TemporaryFile() as stored:
        tracemalloc.start()
        try:
            _build(stored)
            traced_peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    assert summary.records == RECORDS
    index = summary.files["index.html"]
    print(
        f"\nBENCHMARK release package: {RECORDS:,} records x {FIELDS} fields, "
        f"{summary.departments} departments, built and stored encrypted in {elapsed:.1f} s "
        f"({RECORDS / elapsed:,.0f} records/s); ZIP {summary.zip_size / 2**20:.1f} MiB "
        f"(index.html {index.size / 2**20:.1f} MiB, data.json "
        f"{summary.files['data.json'].size / 2**20:.1f} MiB uncompressed), stored "
        f"{stored_size / 2**20:.1f} MiB; peak Python memory (tracemalloc) "
        f"{traced_peak / 2**20:.1f} MiB; process max RSS {rss_after:.0f} MiB "
        f"(+{rss_after - rss_before:.0f} MiB during the build)"
    )
