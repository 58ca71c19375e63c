"""People, roles, departments and tokens through their actions: the rules, and the audit entry each leaves."""

from __future__ import annotations

import pytest

from gridgov.audit.models import AuditEntry
from gridgov.core.errors import Conflict, InvalidInput
from gridgov.people import actions
from gridgov.people.models import ApiToken, Department, Role, RoleAssignment, User
from gridgov.people.selectors import user_for_token, user_roles


def last_entry() -> AuditEntry:
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    return entry


def nothing_written(count_before: int) -> bool:
    return AuditEntry.objects.count() == count_before


def test_creating_a_user_is_recorded_with_who_did_it(world):
    user = actions.user_create(
        actor=world.admin,
        username="newcomer",
        password="pw-123456",
        display_name="钱新人",
        phone="13700000000",
    )
    entry = last_entry()
    assert (entry.actor, entry.action, entry.object_id) == (world.admin, "people.user_create", str(user.pk))
    assert entry.before is None
    assert entry.after["username"] == "newcomer" and entry.after["display_name"] == "钱新人"
    assert "password" not in entry.after


def test_bad_users_are_refused_and_write_nothing(world):
    entries, users = AuditEntry.objects.count(), User.objects.count()
    for bad in (
        {"username": "", "password": "pw-123456"},
        {"username": "有 空格", "password": "pw-123456"},
        {"username": "resident", "password": "pw-123456"},  # taken
        {"username": "ok", "password": ""},
        {"username": "ok", "password": "pw-123456", "phone": "call me"},
        {"username": "ok", "password": "pw-123456", "display_name": "长" * 51},
    ):
        with pytest.raises((InvalidInput, Conflict)):
            actions.user_create(actor=world.admin, **bad)
    assert User.objects.count() == users and nothing_written(entries)


def test_updating_a_user_records_only_what_changed(world):
    actions.user_update(actor=world.admin, user=world.worker_a, phone="13911112222", is_active=False)
    entry = last_entry()
    assert entry.action == "people.user_update" and entry.actor == world.admin
    assert entry.before == {"phone": "13800000000", "is_active": True}
    assert entry.after == {"phone": "13911112222", "is_active": False}
    world.worker_a.refresh_from_db()
    assert not world.worker_a.is_active and world.worker_a.display_name == "王网格"


def test_an_update_that_changes_nothing_records_nothing(world):
    entries = AuditEntry.objects.count()
    actions.user_update(actor=world.admin, user=world.worker_a, display_name="王网格")
    assert nothing_written(entries)


def test_a_grid_has_one_worker_and_the_refusal_writes_nothing(world):
    newcomer = actions.user_create(actor=world.admin, username="w2", password="pw-123456")
    entries = AuditEntry.objects.count()
    with pytest.raises(Conflict) as refused:
        actions.role_assign(actor=world.admin, user=newcomer, role=Role.GRID_WORKER, region=world.grid_a)
    assert refused.value.code == "grid_has_worker" and "一格一专员" in refused.value.message
    assert not RoleAssignment.objects.filter(user=newcomer).exists() and nothing_written(entries)


@pytest.mark.parametrize(
    ("role", "scope", "code"),
    [
        (Role.GRID_WORKER, "community", "worker_needs_grid"),
        (Role.GRID_WORKER, None, "worker_needs_grid"),
        (Role.DEPARTMENT, None, "handler_needs_department"),
        (Role.DISPATCHER, None, "role_needs_region"),
        (Role.RESIDENT, "county", "role_takes_no_region"),
        ("mayor", "county", "invalid_role"),
    ],
)
def test_a_role_needs_the_right_scope(world, role, scope, code):
    entries = AuditEntry.objects.count()
    region = getattr(world, scope) if scope else None
    with pytest.raises(InvalidInput) as refused:
        actions.role_assign(actor=world.admin, user=world.other_resident, role=role, region=region)
    assert refused.value.code == code
    assert nothing_written(entries)


def test_granting_and_revoking_a_role_are_both_recorded(world):
    assignment = actions.role_assign(
        actor=world.admin, user=world.resident, role=Role.COLLECTOR, region=world.community
    )
    assert user_roles(world.resident).has(Role.COLLECTOR)
    granted = last_entry()
    assert (granted.action, granted.after) == (
        "people.role_assign",
        {"user": world.resident.pk, "role": "collector", "region": world.community.pk, "department": None},
    )
    actions.role_revoke(actor=world.admin, assignment=assignment)
    revoked = last_entry()
    assert (revoked.action, revoked.object_id, revoked.after) == (
        "people.role_revoke",
        str(assignment.pk),
        None,
    )
    assert revoked.before["role"] == "collector"
    assert not user_roles(world.resident).has(Role.COLLECTOR)
    with pytest.raises(Conflict):
        actions.role_revoke(actor=world.admin, assignment=assignment)


def test_a_token_is_issued_and_revoked_with_entries_that_never_hold_the_secret(world):
    raw = actions.token_issue(actor=world.admin, user=world.water_handler, name="热线系统")
    assert user_for_token(raw) == world.water_handler
    token = ApiToken.objects.get(token_hash=ApiToken.digest(raw))
    actions.token_revoke(actor=world.admin, token=token)
    assert user_for_token(raw) is None
    issued, revoked = AuditEntry.objects.filter(action__startswith="people.token_").order_by("seq")
    assert issued.after == {"user": world.water_handler.pk, "name": "热线系统"}
    assert revoked.before == {"revoked_at": None} and revoked.after["revoked_at"]
    assert raw not in str((issued.after, revoked.after)) and token.token_hash not in str(issued.after)
    entries = AuditEntry.objects.count()
    actions.token_revoke(actor=world.admin, token=token)  # again: nothing changes
    assert nothing_written(entries)
    with pytest.raises(InvalidInput):
        actions.token_issue(actor=world.admin, user=world.water_handler, name=" ")


def test_departments_are_checked_and_recorded(world):
    entries = AuditEntry.objects.count()
    for code, name in (
        ("", "县林业局"),
        ("L Y", "县林业局"),
        ("LYJ", ""),
        ("ZJJ", "县林业局"),
        ("LYJ", "县住建局"),
    ):
        with pytest.raises((InvalidInput, Conflict)):
            actions.department_create(actor=world.admin, code=code, name=name, region=world.county)
    assert nothing_written(entries) and not Department.objects.filter(code="LYJ").exists()
    forestry = actions.department_create(actor=world.admin, code="LYJ", name="县林业局", region=world.county)
    actions.department_update(
        actor=world.admin, department=forestry, code="LYJ", name="县林业和草原局", region=world.county
    )
    entry = last_entry()
    assert (entry.action, entry.before, entry.after) == (
        "people.department_update",
        {"name": "县林业局"},
        {"name": "县林业和草原局"},
    )
