"""The notice of each personal data system (c. 66A §2(e), c. 30 §63) and how a resident's identity
attributes fill a source's lookups. Existing sources get empty notice text (the export shows them
as incomplete until the privacy officer fills them in), and a source that already needed identity
level 3 is marked sensitive."""

from django.db import migrations, models


def mark_level_3_sources_sensitive(apps, schema_editor):
    DataSource = apps.get_model("requests", "DataSource")
    DataSource.objects.filter(required_identity_level=3).update(sensitive=True)


def _text(verbose_name, help_text):
    return models.TextField(default="", help_text=help_text, verbose_name=verbose_name)


class Migration(migrations.Migration):
    dependencies = [
        ("requests", "0007_policy_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="datasource",
            name="attribute_map",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Which of the resident\'s identity attributes fill which lookup parameter, as a JSON object, e.g. {"legal_name": "name", "date_of_birth": "dob"}. Attributes are named as in the resident\'s profile (legal_name, date_of_birth) or by the kind of City number (water_sewer_account, parcel_id).',
                verbose_name="identity attributes to lookup parameters",
            ),
        ),
        migrations.AddField(
            model_name="datasource",
            name="purpose",
            field=_text(
                "purpose", "Why the department keeps this system, and the law or duty it serves."
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="datasource",
            name="categories_of_data",
            field=_text(
                "categories of data",
                "The kinds of personal data held: for example names, addresses, dates of birth, bills, payments, meter readings.",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="datasource",
            name="approximate_number_of_persons",
            field=models.PositiveIntegerField(
                help_text="About how many people the system holds data on.",
                null=True,
                verbose_name="approximate number of persons",
            ),
        ),
        migrations.AddField(
            model_name="datasource",
            name="retention_and_disposal",
            field=_text(
                "retention and disposal",
                "How long records are kept (the retention schedule that applies) and how they are destroyed when that time is up.",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="datasource",
            name="sources_of_data",
            field=_text(
                "where the data comes from",
                "The sources of the data: residents themselves, other City departments, state agencies, vendors.",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="datasource",
            name="uses_and_users",
            field=_text(
                "uses and users",
                "What the data is used for and who uses it: inside the City (departments, roles) and outside it (agencies, vendors), with the basis for each outside use.",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="datasource",
            name="sensitive",
            field=models.BooleanField(
                default=False,
                help_text="Holds a sensitive category (vital records, health, income or hardship, children): residents need identity level 3 for it.",
                verbose_name="sensitive",
            ),
        ),
        migrations.RunPython(mark_level_3_sources_sensitive, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="datasource",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("sensitive", False), ("required_identity_level", 3), _connector="OR"
                ),
                name="requests_datasource_sensitive_needs_level_3",
            ),
        ),
    ]
