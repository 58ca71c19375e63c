"""The case foreign key became a subject without losing what a notification was about, both ways."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gridgov.cases.tests.case_flow import dispatched
from gridgov.notify.models import Notification

BEFORE_SUBJECTS = [("notify", "0002_tickrun_to_core_jobrun")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_case_notifications_keep_their_case_as_subject_across_the_migration(world):
    case = dispatched(world)
    notification = Notification.objects.about(case).get()
    try:
        executor = _migrate(BEFORE_SUBJECTS)
        old = executor.loader.project_state(BEFORE_SUBJECTS).apps.get_model("notify", "Notification")
        assert old.objects.get(pk=notification.pk).case_id == case.pk  # backwards: the FK is back
        old.objects.filter(pk=notification.pk).update(link="")  # as every case notice was before
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    migrated = Notification.objects.get(pk=notification.pk)
    assert (migrated.subject_type, migrated.subject_id, migrated.subject_title) == (
        "cases.case",
        case.pk,
        case.tracking_no,
    )
    assert migrated.link == f"/cases/{case.pk}/"
