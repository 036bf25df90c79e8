"""Fixtures for the codes-by-post tests."""

import pytest

from portal.demo.stores import city_clerk
from portal.postal.demo import postal_demo_sources_ensure
from tasks.connectors.sql import dispose_engines
from tests.postal.helpers import StreetListing


@pytest.fixture
def street_listing(db, tmp_path):
    """The address-of-record source as the demo configures it, over an empty listing."""
    listing = StreetListing(tmp_path / city_clerk.FILENAME)
    listing.source = postal_demo_sources_ensure(directory=tmp_path)
    yield listing
    dispose_engines()
