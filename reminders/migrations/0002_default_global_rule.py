"""Create the global reminder rule with the default values, so the admin has a row to edit.

The code does not depend on it: without a global rule the built-in defaults apply.
"""

from django.db import migrations


def create_global_rule(apps, schema_editor):
    ReminderRule = apps.get_model("reminders", "ReminderRule")
    if not ReminderRule.objects.filter(document__isnull=True).exists():
        ReminderRule.objects.create(name="默认提醒规则")


class Migration(migrations.Migration):

    dependencies = [
        ("reminders", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_global_rule, migrations.RunPython.noop),
    ]
