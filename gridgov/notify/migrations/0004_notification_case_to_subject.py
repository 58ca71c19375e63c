"""Notifications about any subject (2/3): the `case` foreign key's data moves into the subject fields.

Every row that named a case now names it as its subject ("cases.case", the case id, its tracking
number), and gets the case page as its link when it had none, as new case notices do. Reversible: going
back puts the case id into `case` again.
"""

from django.db import migrations
from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat

CASE_SUBJECT = "cases.case"


def case_to_subject(apps, schema_editor):
    Notification = apps.get_model("notify", "Notification")
    Case = apps.get_model("cases", "Case")
    about_cases = Notification.objects.filter(case__isnull=False)
    about_cases.update(
        subject_type=CASE_SUBJECT,
        subject_id=F("case_id"),
        subject_title=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("tracking_no")[:1]),
    )
    about_cases.filter(link="").update(
        link=Concat(Value("/cases/"), Cast("case_id", output_field=CharField()), Value("/"))
    )


def subject_to_case(apps, schema_editor):
    Notification = apps.get_model("notify", "Notification")
    Notification.objects.filter(subject_type=CASE_SUBJECT).update(case_id=F("subject_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0003_notification_subject"),
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(case_to_subject, subject_to_case, elidable=False),
    ]
