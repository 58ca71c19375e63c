"""Periodic jobs moved to core: copy every notify.TickRun row into the new core.JobRun, then drop TickRun.

A new table plus a copy (rather than renaming the table) keeps core's migrations free of any dependency
on a domain app. The copy keeps every row, so a job that already ran for the current period before the
upgrade does not run again after it (the unique (name, period_start) still holds). Ids are not kept:
nothing refers to a run by id.
"""

from django.db import migrations

COLUMNS = "name, period_start, worker, started_at, finished_at, error"


def _copy(schema_editor, source, target) -> None:
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"INSERT INTO {quote(target)} ({COLUMNS}) SELECT {COLUMNS} FROM {quote(source)} ORDER BY id"
    )


def tickrun_to_jobrun(apps, schema_editor):
    _copy(
        schema_editor,
        apps.get_model("notify", "TickRun")._meta.db_table,
        apps.get_model("core", "JobRun")._meta.db_table,
    )


def jobrun_to_tickrun(apps, schema_editor):
    _copy(
        schema_editor,
        apps.get_model("core", "JobRun")._meta.db_table,
        apps.get_model("notify", "TickRun")._meta.db_table,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(tickrun_to_jobrun, jobrun_to_tickrun, elidable=False),
        migrations.DeleteModel(name="TickRun"),
    ]
