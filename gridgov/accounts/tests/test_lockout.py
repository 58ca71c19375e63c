"""Login throttling and lockout: by account and by client, on the site login and /admin/, with an unlock."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def post_login(client: Client, username: str, password: str, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_sixty_wrong_passwords_then_the_right_one_is_refused_while_locked(client, world):
    for _ in range(60):
        response = post_login(client, "dispatcher", "wrong-password")
        assert response.status_code in (200, 429)
    response = post_login(client, "dispatcher", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)


def test_the_lockout_page_says_what_happened_in_chinese(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = post_login(client, "dispatcher", "wrong-password")
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录已暂时锁定" in page
    assert f"锁定 {settings.AXES_COOLOFF_TIME.seconds // 60} 分钟" in page
    assert "联系系统管理员解锁" in page
    assert response["Retry-After"] == str(settings.AXES_COOLOFF_TIME.seconds)


def test_below_the_limit_the_login_form_just_says_the_password_is_wrong(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = post_login(client, "dispatcher", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert post_login(client, "dispatcher", PASSWORD).status_code == 302
    assert logged_in(client)


def test_an_account_is_locked_whichever_client_guesses(world, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        post_login(Client(REMOTE_ADDR=f"10.0.0.{i + 1}"), "dispatcher", "wrong-password")
    elsewhere = Client(REMOTE_ADDR="10.9.9.9")
    assert post_login(elsewhere, "dispatcher", PASSWORD).status_code == 429
    # Another account from that client still logs in.
    assert post_login(elsewhere, "leader", PASSWORD).status_code == 302


def test_a_client_spraying_many_accounts_is_locked(world, settings):
    client = Client(REMOTE_ADDR="10.1.1.1")
    for i in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, f"nobody{i}", "wrong-password")
    assert post_login(client, "leader", PASSWORD).status_code == 429
    assert post_login(Client(REMOTE_ADDR="10.1.1.2"), "leader", PASSWORD).status_code == 302


def test_a_forged_x_forwarded_for_from_an_untrusted_peer_does_not_reset_the_counter(world, settings):
    settings.GRIDGOV_TRUSTED_PROXIES = ["192.0.2.1"]  # a proxy exists, but this client is not it
    client = Client(REMOTE_ADDR="10.2.2.2")
    for i in range(settings.AXES_FAILURE_LIMIT):
        # A new account each time (so only the client key can lock) and a new forged address each time.
        post_login(client, f"guess{i}", "wrong-password", HTTP_X_FORWARDED_FOR=f"203.0.113.{i + 1}")
    response = post_login(client, "leader", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.77")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.2.2.2"}


def test_behind_a_trusted_proxy_each_forwarded_client_is_counted_apart(world, settings):
    settings.GRIDGOV_TRUSTED_PROXIES = ["192.0.2.0/24"]
    proxy = Client(REMOTE_ADDR="192.0.2.1")
    for i in range(settings.AXES_FAILURE_LIMIT):
        post_login(proxy, f"guess{i}", "wrong-password", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert post_login(proxy, "leader", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert post_login(proxy, "leader", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302


def test_the_admin_login_is_the_same_throttled_login(client, world, settings):
    response = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/login/?next=/admin/"
    assert not logged_in(client)  # /admin/ takes no password of its own
    for _ in range(60):
        client.post("/login/?next=/admin/", {"username": "admin", "password": "wrong-password"})
    response = client.post("/login/?next=/admin/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 429 and not logged_in(client)
    assert client.get("/admin/").status_code == 302


def test_an_administrator_unlocks_an_account_in_the_admin(world, settings):
    locked = Client(REMOTE_ADDR="10.3.3.3")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(locked, "dispatcher", "wrong-password")
    assert post_login(locked, "dispatcher", PASSWORD).status_code == 429

    admin = Client()
    admin.force_login(world.admin)
    changelist = "/admin/axes/accessattempt/"
    page = admin.get(changelist)
    assert page.status_code == 200 and "解锁所选的账号和 IP" in page.content.decode()
    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = admin.post(changelist, {"action": "unlock", "_selected_action": ids}, follow=True)
    assert "已解锁" in response.content.decode()
    assert not AccessAttempt.objects.exists()
    assert post_login(locked, "dispatcher", PASSWORD).status_code == 302


def test_the_unlock_command_clears_an_account(world, settings, capsys):
    client = Client(REMOTE_ADDR="10.4.4.4")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "dispatcher", "wrong-password")
    call_command("unlock", username="dispatcher")
    assert "cleared" in capsys.readouterr().out
    # The client key still counts its failures: unlock it too, by address.
    call_command("unlock", ip="10.4.4.4")
    assert post_login(client, "dispatcher", PASSWORD).status_code == 302


def test_the_unlock_command_needs_a_target(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="请指定"):
        call_command("unlock")


def test_a_huge_username_is_counted_without_an_error(client, world):
    response = post_login(client, "x" * 5000, "wrong-password")
    assert response.status_code == 200
    assert len(AccessAttempt.objects.get().username) <= 150
