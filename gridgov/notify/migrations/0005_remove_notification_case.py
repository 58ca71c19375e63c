"""Notifications about any subject (3/3): drop the `case` foreign key, now held by the subject fields."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0004_notification_case_to_subject"),
    ]

    operations = [
        migrations.RemoveField(model_name="notification", name="case"),
    ]
