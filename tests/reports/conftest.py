import pytest

from tests.factories import StaffFactory
from tests.reports.dataset import build


@pytest.fixture
def dataset(department_a, department_b, resident, other_resident):
    return build(
        department_a=department_a,
        department_b=department_b,
        resident=resident,
        other_resident=other_resident,
    )


@pytest.fixture
def auditor(db):
    return StaffFactory(
        email="avery.auditor@example.org", first_name="Avery", last_name="Aud", role="auditor"
    )
