"""Write one synthetic data store per City department, and a manifest of what was written.

Each store draws from its own `random.Random(seed + offset)`, so changing one store's code never
shifts another's data; the parcels and their owners, which several stores share, come from one
more generator of their own.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
from collections.abc import Sequence

from portal.demo.model import REFERENCE_DATE, Person
from portal.demo.stores import (
    assessors,
    building,
    city_clerk,
    parks_recreation,
    portal_webforms,
    treasurer,
    water_sewer,
)
from portal.demo.stores._city import build_city
from portal.demo.stores._common import StoreResult, atomic_target

# Bump when the shape or content of any store changes, so callers rebuild stale stores.
GENERATOR_VERSION = 1
MANIFEST_NAME = "MANIFEST.json"
STORE_MODULES = (
    assessors,
    treasurer,
    city_clerk,
    water_sewer,
    parks_recreation,
    building,
    portal_webforms,
)
DEPARTMENT_SLUGS = tuple(module.SLUG for module in STORE_MODULES)

__all__ = [
    "DEPARTMENT_SLUGS",
    "GENERATOR_VERSION",
    "MANIFEST_NAME",
    "population_fingerprint",
    "read_manifest",
    "stores_are_current",
    "write_stores",
]


def write_stores(
    people: Sequence[Person], directory: pathlib.Path, *, seed: int = 2026
) -> dict[str, pathlib.Path]:
    """Write every department's store into `directory`; return department slug → path.

    Files are replaced atomically, and MANIFEST.json is written last, so a reader that finds a
    manifest finds the stores it describes.
    """
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    people = list(people)
    city = build_city(people, seed=seed)
    results = [module.write(city, directory, seed=seed) for module in STORE_MODULES]
    _write_manifest(directory, results, seed=seed, people=people)
    return {result.slug: result.path for result in results}


def read_manifest(directory: pathlib.Path) -> dict[str, object] | None:
    """The manifest of a store directory, or None when there is none or it is unreadable."""
    try:
        manifest = json.loads((pathlib.Path(directory) / MANIFEST_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def stores_are_current(directory: pathlib.Path, *, seed: int, count: int) -> bool:
    """Whether `directory` holds stores built by this generator version for this seed and count."""
    manifest = read_manifest(directory)
    if manifest is None:
        return False
    if (manifest.get("generator_version"), manifest.get("seed"), manifest.get("count")) != (
        GENERATOR_VERSION,
        seed,
        count,
    ):
        return False
    stores = manifest.get("stores")
    if not isinstance(stores, dict) or set(stores) != set(DEPARTMENT_SLUGS):
        return False
    return all(
        (pathlib.Path(directory) / file).is_file()
        for store in stores.values()
        for file in store.get("files", [])
    )


def population_fingerprint(people: Sequence[Person]) -> str:
    """A digest of the population, so a manifest can tell which people its stores describe."""
    digest = hashlib.sha256()
    for person in people:
        digest.update(repr(person).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _write_manifest(
    directory: pathlib.Path, results: list[StoreResult], *, seed: int, people: list[Person]
) -> None:
    stores = {}
    for result in results:
        files = result.files or (result.path,)
        stores[result.slug] = {
            "path": _relative(result.path, directory),
            "format": _format_of(files[0]),
            "files": [_relative(file, directory) for file in files],
            "sha256": {_relative(file, directory): _sha256(file) for file in files},
            "tables": result.tables,
        }
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "count": len(people),
        "reference_date": REFERENCE_DATE.isoformat(),
        "population_sha256": population_fingerprint(people),
        "stores": stores,
    }
    with atomic_target(directory / MANIFEST_NAME) as temporary:
        temporary.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _relative(path: pathlib.Path, directory: pathlib.Path) -> str:
    return pathlib.Path(os.path.relpath(path, directory)).as_posix()


def _format_of(path: pathlib.Path) -> str:
    return {".sqlite3": "sqlite", ".csv": "csv", ".json": "json"}[path.suffix]


def _sha256(path: pathlib.Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
