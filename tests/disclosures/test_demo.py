"""The demo has a recorded disclosure and a subpoena served a few days ago, made once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.demo.setup import demo_setup
from portal.disclosures.models import Disclosure, LegalProcess

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_disclosure_and_a_subpoena_waiting_its_notice_period(settings, tmp_path):
    settings.DEMO_DATA_DIR = tmp_path / "demo"

    demo_setup(seed=7, residents=200, log=lambda line: None)
    demo_setup(seed=7, residents=200, log=lambda line: None)

    disclosure = Disclosure.objects.get()
    legal_process = LegalProcess.objects.get()
    assert disclosure.subject == legal_process.subject
    assert disclosure.basis == "law"
    assert legal_process.served_on == timezone.localdate() - timedelta(days=3)
    assert legal_process.notice_letter is not None
    assert legal_process.release_not_before > timezone.localdate()
