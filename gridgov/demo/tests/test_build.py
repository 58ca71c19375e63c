"""Building the demo: deterministic for a seed, and `--if-empty` does nothing the second time."""

from __future__ import annotations

from django.db import transaction

from gridgov.cases.models import Case
from gridgov.core.tests.commands import exit_code
from gridgov.demo.build import demo_build
from gridgov.people.models import User
from gridgov.territory.models import Region, Resident


def _fingerprint() -> dict:
    return {
        "regions": list(Region.objects.order_by("code").values_list("code", "name", "boundary")),
        "users": list(User.objects.order_by("username").values_list("username", "display_name")),
        "residents": list(
            Resident.objects.order_by("household__number", "id").values_list("name", "id_number")[:200]
        ),
        "cases": list(Case.objects.order_by("id").values_list("status", "title", "channel", "created_at")),
    }


def _build_and_forget(seed: int) -> dict:
    with transaction.atomic():
        demo_build(seed=seed, scale=0.05, cases=20, log=lambda _: None)
        fingerprint = _fingerprint()
        transaction.set_rollback(True)
    return fingerprint


def test_same_seed_same_county(db, settings):
    from datetime import UTC, datetime

    from gridgov.core import clock

    with clock.at(datetime(2026, 6, 1, 4, tzinfo=UTC)):
        first = _build_and_forget(5)
        second = _build_and_forget(5)
    assert first["regions"] and first["cases"] and first == second


def test_if_empty_is_a_no_op_the_second_time(db, capsys):
    assert exit_code("demo", "--seed", "2", "--scale", "0.05", "--history", "10", "--if-empty") == 0
    counts = (Region.objects.count(), User.objects.count(), Case.objects.count())
    assert exit_code("demo", "--seed", "2", "--scale", "0.05", "--if-empty") == 0
    assert (Region.objects.count(), User.objects.count(), Case.objects.count()) == counts
    assert "nothing to do" in capsys.readouterr().out
    assert (
        exit_code("demo", "--seed", "2", "--scale", "0.05") == 1
    )  # without --if-empty it refuses, never duplicates
