"""Seed the letters' first wording; the privacy officer changes it in the admin from then on."""

from django.db import migrations


def seed(apps, schema_editor):
    from requests import letter_defaults

    LetterTemplate = apps.get_model("requests", "LetterTemplate")
    for kind, title, body in (
        (
            "written_response",
            letter_defaults.WRITTEN_RESPONSE_TITLE,
            letter_defaults.WRITTEN_RESPONSE_BODY,
        ),
        ("denial", letter_defaults.DENIAL_TITLE, letter_defaults.DENIAL_BODY),
    ):
        LetterTemplate.objects.get_or_create(kind=kind, defaults={"title": title, "body": body})


class Migration(migrations.Migration):
    dependencies = [("requests", "0003_requests")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
