"""The demo county: a tiny one (scale 0.05) built once for the module through the real actions."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.db import transaction
from django.db.models import Count, F
from django.test import override_settings
from shapely.geometry import Point, shape
from shapely.ops import unary_union

from gridgov.cases.models import Case, CaseStatus, Rating, TimelineEntry
from gridgov.catalog.models import Category, MatterItem
from gridgov.core.chain import verify_all
from gridgov.demo import identities
from gridgov.demo.build import demo_build
from gridgov.demo.bulk import bulk_cases
from gridgov.demo.logins import demo_logins, logins_table
from gridgov.demo.tests.checks import timeline_problems
from gridgov.people.models import Role, RoleAssignment, User
from gridgov.territory.models import (
    Household,
    HouseholdGroup,
    PartyMember,
    PartyOrganization,
    Region,
    Resident,
)

TAXONOMY = Path(__file__).resolve().parents[4] / "shared" / "datasets" / "citizen-messages-taxonomy.csv"
DATASET_FIRST_LEVEL = [
    "城乡建设",
    "劳动和社会保障",
    "教育文体",
    "商贸旅游",
    "环境保护",
    "卫生计生",
    "交通运输",
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Build once, share across the module's tests, roll everything back at the end."""
    fast_hash = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as the root conftest sets per test
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast_hash):
        with transaction.atomic():
            counts = demo_build(seed=7, scale=0.05, log=lambda _: None)
            yield counts
            transaction.set_rollback(True)


def test_sizes_are_in_range(demo, db):
    assert Region.objects.filter(level="township").count() == 2
    assert Region.objects.filter(level="township", kind="镇").exists()
    assert 2 <= Region.objects.filter(level="village").count() <= 4
    assert 4 <= Region.objects.filter(level="grid").count() <= 10
    assert 450 <= Household.objects.count() <= 600
    assert 2 * Household.objects.count() <= Resident.objects.count() <= 4 * Household.objects.count()
    assert HouseholdGroup.objects.filter(head__isnull=True).count() == 0
    assert Household.objects.filter(group__isnull=True).count() == 0
    assert PartyMember.objects.count() > 10
    assert (
        PartyOrganization.objects.filter(kind="grid_group").count()
        == Region.objects.filter(level="grid").count()
    )
    assert 45 <= Case.objects.count() <= 60


def test_grid_codes_extend_the_division_code(demo, db):
    for grid in Region.objects.filter(level="grid").select_related("parent"):
        assert len(grid.code) == 15 and grid.code.startswith(grid.parent.code) and len(grid.parent.code) == 12


def test_every_grid_has_exactly_one_worker(demo, db):
    workers = dict(
        RoleAssignment.objects.filter(role=Role.GRID_WORKER).values_list("region_id").annotate(n=Count("id"))
    )
    grids = list(Region.objects.filter(level="grid").values_list("id", flat=True))
    assert sorted(workers) == sorted(grids)
    assert set(workers.values()) == {1}


def test_children_tile_their_parent_without_gaps_or_overlaps(demo, db):
    for parent in Region.objects.exclude(level="grid"):
        children = [shape(c.boundary) for c in parent.children.all()]
        outline = shape(parent.boundary)
        assert children, parent
        assert sum(c.area for c in children) == pytest.approx(outline.area, rel=1e-6)  # no overlap…
        assert unary_union(children).symmetric_difference(outline).area < outline.area * 1e-6  # …no gap
        assert all(c.is_valid and c.geom_type == "Polygon" for c in children)


def test_every_status_is_present_and_cases_sit_in_their_grid(demo, db):
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    for case in Case.objects.select_related("grid"):
        assert shape(case.grid.boundary).contains(Point(case.lon, case.lat))
        assert case.region_path == case.grid.path


def test_timelines_replay_through_the_state_machine(demo, db):
    assert timeline_problems(Case.objects.all()) == []


def test_history_has_late_reworked_returned_and_rated_cases(demo, db):
    assert Case.objects.filter(resolved_at__gt=F("deadline_at")).exists()
    assert Case.objects.filter(rework_count__gt=0).exists()
    assert Case.objects.filter(return_count__gt=0).exists()
    assert Rating.objects.filter(score="unsatisfied").exists()
    assert (
        Case.objects.filter(status="merged", merged_into__isnull=False).count()
        == Case.objects.filter(status="merged").count()
    )
    assert not TimelineEntry.objects.filter(created_at__lt=F("case__created_at")).exists()


def test_catalogue_has_eight_categories_with_the_dataset_names_first(demo, db):
    names = list(Category.objects.order_by("order").values_list("name", flat=True))
    assert len(names) == 8 and names[:7] == DATASET_FIRST_LEVEL
    if TAXONOMY.exists():
        with TAXONOMY.open(encoding="utf-8") as f:
            first_level = {row["一级分类"] for row in csv.DictReader(f)}
        assert set(DATASET_FIRST_LEVEL) <= first_level
    assert MatterItem.objects.count() == 112
    assert not MatterItem.objects.filter(responsible_level="department", department__isnull=True).exists()
    assert set(MatterItem.objects.values_list("time_unit", flat=True)) == {
        "working_days",
        "working_hours",
        "calendar_hours",
    }


def test_ledger_identities_are_well_formed(demo, db):
    for id_number, phone in Resident.objects.values_list("id_number", "phone")[:300]:
        assert identities.id_number_valid(id_number)
        assert phone == "" or (len(phone) == 11 and phone[:2] in ("13", "15", "18"))


def test_logins_cover_every_role_and_work(demo, db, client):
    usernames = {row[1] for row in demo_logins()}
    assert {"admin", "dispatcher", "leader", "collector", "resident1", "lianhu1", "zjj"} <= usernames
    assert any(name.startswith("w") and name[1:].isdigit() for name in usernames)
    assert "gridgov-admin" in logins_table()
    assert User.objects.get(
        username="w" + Region.objects.filter(level="grid").first().code[6:]
    ).check_password("gridgov-demo")


def test_bulk_adds_exactly_n_consistent_cases(demo, db):
    before = Case.objects.count()
    result = bulk_cases(2000, seed=3, batch=700, log=lambda _: None)
    added = Case.objects.filter(tracking_no__startswith="GB")
    assert result["cases"] == 2000 and Case.objects.count() == before + 2000 == before + added.count()
    assert timeline_problems(added) == []
    # Bulk-written timelines are sealed into their hash chains like those the gateway writes.
    assert [str(b) for b in verify_all()] == []
    # The bulk loader makes the nine statuses of the core loop; clock pauses need pause rows it does not write.
    core = {
        "submitted",
        "dispatched",
        "returned",
        "accepted",
        "resolved",
        "rework",
        "closed",
        "cancelled",
        "merged",
    }
    assert set(added.values_list("status", flat=True)) == core
    assert added.filter(status="closed", closed_at__isnull=True).count() == 0
    assert added.filter(grid__isnull=True).count() == 0
    assert added.exclude(region_path=F("grid__path")).count() == 0
    assert Rating.objects.filter(case__in=added).count() >= added.filter(status="closed").count() * 0.8
