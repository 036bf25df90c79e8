from django.db import migrations

from portal.audit.append_only import append_only_operation


class Migration(migrations.Migration):
    dependencies = [("access", "0002_initial")]

    operations = [append_only_operation("access_accesslogentry")]
