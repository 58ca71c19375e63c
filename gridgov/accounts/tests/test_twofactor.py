"""Two-factor login (TOTP): enrol with the key the page shows, log in with password then code, recovery
codes, admin reset, and the rule that administrators must use it when the setting says so.

Codes are computed here from the secret with RFC 6238 (HMAC-SHA1, 30 s, 6 digits), as a phone app does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def totp(manual_key: str, at: float | None = None) -> str:
    key = base64.b32decode(manual_key.replace(" ", "") + "=" * (-len(manual_key.replace(" ", "")) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def enrol(user) -> tuple[str, list[str]]:
    """Enrol through the page as the user would; returns the manual key and the recovery codes."""
    client = Client()
    client.force_login(user)
    page = client.get("/account/2fa/").content.decode()
    key = re.search(r'<code id="manual-key">([A-Z2-7 ]+)</code>', page).group(1)
    response = client.post("/account/2fa/", {"action": "confirm", "token": totp(key)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    return key, codes


def password_step(client: Client, username: str, next_url: str = "/inbox/"):
    return client.post(f"/login/?next={next_url}", {"username": username, "password": PASSWORD})


def test_enrolment_shows_a_qr_code_and_a_manual_key_and_needs_a_right_code(world):
    client = Client()
    client.force_login(world.worker_a)
    page = client.get("/account/2fa/").content.decode()
    assert "<svg" in page and 'class="segno"' in page
    key = re.search(r'<code id="manual-key">([A-Z2-7 ]+)</code>', page).group(1)
    assert len(key.replace(" ", "")) == 32  # 160-bit secret

    wrong = client.post(
        "/account/2fa/", {"action": "confirm", "token": "000000" if totp(key) != "000000" else "111111"}
    )
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=world.worker_a, confirmed=True).exists()

    right = client.post("/account/2fa/", {"action": "confirm", "token": totp(key)})
    page = right.content.decode()
    assert right.status_code == 200 and "两步验证已启用" in page
    assert len(re.findall(r"<li><code>[a-z2-7]{8}</code></li>", page)) == 10
    assert TOTPDevice.objects.get(user=world.worker_a).confirmed


def test_login_takes_the_password_then_the_code(world):
    key, _codes = enrol(world.worker_a)
    client = Client()
    response = password_step(client, "worker_a")
    assert response.status_code == 302 and response["Location"] == "/login/verify/"
    assert "_auth_user_id" not in client.session  # the password alone does not log in
    assert client.get("/inbox/").status_code == 302

    with time_machine.travel(time.time(), tick=False) as traveller:
        assert client.post("/login/verify/", {"token": "12345"}).status_code == 400
        # After a wrong code django-otp makes the next try wait (1 s, doubling with each failure).
        traveller.shift(2)
        # The enrolment used this 30-second step's code; the next step's is accepted (one step of drift).
        response = client.post("/login/verify/", {"token": totp(key, time.time() + 30)})
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    assert client.get("/inbox/").status_code == 200


def test_a_code_is_not_accepted_twice(world):
    key, _codes = enrol(world.worker_a)
    code = totp(key, time.time() + 30)
    first = Client()
    password_step(first, "worker_a")
    assert first.post("/login/verify/", {"token": code}).status_code == 302
    second = Client()
    password_step(second, "worker_a")
    assert second.post("/login/verify/", {"token": code}).status_code == 400


def test_a_recovery_code_logs_in_once(world):
    _key, codes = enrol(world.worker_a)
    client = Client()
    password_step(client, "worker_a")
    assert client.post("/login/verify/", {"token": codes[0].upper()}).status_code == 302
    again = Client()
    password_step(again, "worker_a")
    assert again.post("/login/verify/", {"token": codes[0]}).status_code == 400
    assert StaticToken.objects.filter(device__user=world.worker_a).count() == 9


def test_the_second_step_expires(world):
    key, _codes = enrol(world.worker_a)
    client = Client()
    with time_machine.travel(time.time(), tick=False) as traveller:
        password_step(client, "worker_a")
        traveller.shift(301)
        response = client.post("/login/verify/", {"token": totp(key)})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_the_verify_page_without_a_password_step_goes_back_to_login(client, world):
    assert client.get("/login/verify/")["Location"] == "/login/"
    assert client.post("/login/verify/", {"token": "123456"})["Location"] == "/login/"


def test_an_administrator_resets_a_lost_authenticator_in_the_admin(world):
    enrol(world.worker_a)
    admin = Client()
    admin.force_login(world.admin)
    ids = list(TOTPDevice.objects.filter(user=world.worker_a).values_list("pk", flat=True))
    response = admin.post(
        "/admin/otp_totp/totpdevice/", {"action": "reset_two_factor", "_selected_action": ids}, follow=True
    )
    assert "已重置 1 名用户的两步验证" in response.content.decode()
    client = Client()
    assert password_step(client, "worker_a")["Location"] == "/inbox/"  # password only again


def test_the_reset_command(world, capsys):
    enrol(world.worker_a)
    call_command("twofactor_reset", "worker_a")
    assert "removed" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=world.worker_a).exists()


def test_a_user_turns_two_factor_off_with_a_code(world):
    key, _codes = enrol(world.worker_a)
    client = Client()
    client.force_login(world.worker_a)
    with time_machine.travel(time.time(), tick=False) as traveller:
        assert client.post("/account/2fa/", {"action": "disable", "token": "000000"}).status_code == 400
        traveller.shift(2)
        response = client.post("/account/2fa/", {"action": "disable", "token": totp(key, time.time() + 30)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.worker_a).exists()


def test_required_for_administrators_when_the_setting_says_so(world, settings):
    settings.GRIDGOV_REQUIRE_2FA_FOR_ADMINS = True
    admin = Client()
    assert password_step(admin, "admin", "/admin/")["Location"] == "/admin/"
    # Logged in, but nothing works until enrolment.
    response = admin.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/account/2fa/?next=/admin/")
    assert admin.get("/console/")["Location"].startswith("/account/2fa/")
    api = admin.get("/api/cases")
    assert api.status_code == 403 and api.json()["code"] == "two_factor_required"
    page = admin.get("/account/2fa/").content.decode()
    assert "管理员须先启用两步验证" in page

    # Enrolled on that page, the session is verified and the admin opens.
    key = re.search(r'<code id="manual-key">([A-Z2-7 ]+)</code>', page).group(1)
    admin.post("/account/2fa/", {"action": "confirm", "token": totp(key)})
    assert admin.get("/admin/").status_code == 200
    # An administrator cannot turn it off while it is required.
    response = admin.post("/account/2fa/", {"action": "disable", "token": totp(key, time.time() + 30)})
    assert response.status_code == 400 and TOTPDevice.objects.filter(user=world.admin).exists()

    # Other roles are not held back.
    worker = Client()
    worker.force_login(world.worker_a)
    assert worker.get("/inbox/").status_code == 200


def test_without_the_setting_administrators_may_log_in_with_a_password(client, world, settings):
    settings.GRIDGOV_REQUIRE_2FA_FOR_ADMINS = False
    assert password_step(client, "admin", "/admin/")["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
