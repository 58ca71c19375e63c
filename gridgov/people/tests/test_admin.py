"""The people admin writes only through the actions: the same rules, the same audit entries."""

from __future__ import annotations

from django.test import Client

from conftest import PASSWORD
from gridgov.audit.models import AuditEntry
from gridgov.people import actions
from gridgov.people.models import ApiToken, RoleAssignment, User


def _admin() -> Client:
    client = Client()
    assert client.login(username="admin", password=PASSWORD)
    return client


def _change_user(client: Client, user: User, *, roles: list[dict] | None = None, **fields):
    roles = roles or []
    data = {
        "display_name": user.display_name,
        "phone": user.phone,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "roles-TOTAL_FORMS": str(len(roles)),
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for n, role in enumerate(roles):
        data.update({f"roles-{n}-{key}": value for key, value in role.items()})
    return client.post(f"/admin/people/user/{user.pk}/change/", data)


def test_a_second_worker_for_a_grid_is_refused_on_the_page_and_nothing_is_written(world):
    newcomer = actions.user_create(actor=world.admin, username="w2", password="pw-123456")
    entries = AuditEntry.objects.count()
    response = _change_user(
        _admin(),
        newcomer,
        display_name="新网格员",
        roles=[{"role": "grid_worker", "region": world.grid_a.pk, "department": ""}],
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "一格一专员" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=newcomer).exists()
    newcomer.refresh_from_db()
    assert newcomer.display_name == ""  # the user's own change was not saved either
    assert AuditEntry.objects.count() == entries


def test_a_worker_on_a_community_is_refused_on_the_page(world):
    response = _change_user(
        _admin(), world.other_resident, roles=[{"role": "grid_worker", "region": world.community.pk}]
    )
    assert response.status_code == 200 and "网格员必须分配到一个网格" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=world.other_resident, role="grid_worker").exists()


def test_editing_a_user_and_granting_a_role_go_through_the_actions(world):
    response = _change_user(
        _admin(),
        world.other_resident,
        phone="13900001111",
        roles=[{"role": "collector", "region": world.community.pk}],
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert RoleAssignment.objects.filter(user=world.other_resident, role="collector").exists()
    update, grant = AuditEntry.objects.filter(actor=world.admin).order_by("seq")
    assert (update.action, update.after) == ("people.user_update", {"phone": "13900001111"})
    assert grant.action == "people.role_assign" and grant.after["region"] == world.community.pk


def test_revoking_a_role_in_the_inline_goes_through_role_revoke(world):
    assignment = RoleAssignment.objects.get(user=world.leader)
    response = _change_user(
        _admin(),
        world.leader,
        **{
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "1",
            "roles-0-id": str(assignment.pk),
            "roles-0-user": str(world.leader.pk),
            "roles-0-DELETE": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    entry = AuditEntry.objects.filter(actor=world.admin).get()
    assert (entry.action, entry.object_id) == ("people.role_revoke", str(assignment.pk))


def test_adding_a_user_in_the_admin_is_recorded(world):
    response = _admin().post(
        "/admin/people/user/add/",
        {
            "username": "clerk",
            "usable_password": "true",
            "password1": "Clerk-pass-789",
            "password2": "Clerk-pass-789",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    clerk = User.objects.get(username="clerk")
    assert clerk.check_password("Clerk-pass-789")
    entry = AuditEntry.objects.filter(actor=world.admin).get()
    assert (entry.action, entry.object_id) == ("people.user_create", str(clerk.pk))


def test_deleting_a_user_is_refused_with_a_message(world):
    client = _admin()
    response = client.post(f"/admin/people/user/{world.worker_b.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert "不能删除" in response.content.decode()
    assert User.objects.filter(pk=world.worker_b.pk).exists()


def test_a_token_issued_in_the_admin_is_shown_once_and_recorded(world):
    response = _admin().post(
        "/admin/people/apitoken/add/", {"user": world.water_handler.pk, "name": "热线"}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "只显示这一次" in page
    token = ApiToken.objects.get(name="热线")
    raw = page.split("只显示这一次，请立即复制）：")[1].split("<")[0].strip()
    assert ApiToken.digest(raw) == token.token_hash
    assert AuditEntry.objects.filter(actor=world.admin, action="people.token_issue").count() == 1
    assert ApiToken.objects.filter(name="热线").count() == 1  # the form's rehearsal left nothing behind
