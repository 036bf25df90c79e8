"""Version 1 of the privacy policy, effective 1 March 2012 (portal/policies/first_version.py)."""

from django.db import migrations

from portal.policies.first_version import first_version_ensure


def create_first_version(apps, schema_editor):
    first_version_ensure(apps.get_model("policies", "PolicyVersion"))


def remove_first_version(apps, schema_editor):
    apps.get_model("policies", "PolicyVersion").objects.filter(number=1).delete()


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]

    operations = [migrations.RunPython(create_first_version, remove_first_version)]
