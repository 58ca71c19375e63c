"""Notifications about any subject (1/3): subject_type, subject_id and subject_title beside `case`.

Three migrations, not one, so that on PostgreSQL no ALTER TABLE runs in the transaction that updated
the rows (forwards or backwards): 0003 adds the fields, 0004 copies, 0005 drops `case`.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0002_tickrun_to_core_jobrun"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="subject_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="对象编号"),
        ),
        migrations.AddField(
            model_name="notification",
            name="subject_title",
            field=models.CharField(blank=True, max_length=100, verbose_name="对象"),
        ),
        migrations.AddField(
            model_name="notification",
            name="subject_type",
            field=models.CharField(blank=True, max_length=100, verbose_name="对象类型"),
        ),
    ]
