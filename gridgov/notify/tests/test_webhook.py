"""Webhooks against a real HTTP receiver: signatures, back-off with frozen time, dead letters, retry."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from gridgov.cases.tests.case_flow import dispatched
from gridgov.notify.actions import DEFAULT_BACKOFF_SECONDS
from gridgov.notify.models import Delivery, DeliveryStatus
from gridgov.notify.tests.conftest import WEBHOOK_SECRET

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in the county


def valid_signature(received, secret: str = WEBHOOK_SECRET) -> bool:
    """What a receiver does: recompute over the raw body, compare in constant time."""
    expected = "sha256=" + hmac.new(secret.encode(), received.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received.headers["X-Gridgov-Signature"])


def test_two_failures_are_retried_with_back_off_and_the_message_arrives_once(
    world, endpoint, receiver, run_worker
):
    receiver.statuses = [500, 500]
    with time_machine.travel(T0, tick=False) as traveller:
        case = dispatched(world)
        delivery = Delivery.objects.get()

        assert run_worker().failed == 1
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
        assert delivery.next_attempt_at == T0 + timedelta(seconds=30)
        assert "HTTP 500" in delivery.last_error

        traveller.shift(timedelta(seconds=29))
        assert run_worker().handled == 0  # not due yet
        traveller.shift(timedelta(seconds=1))
        assert run_worker().failed == 1
        delivery.refresh_from_db()
        assert delivery.next_attempt_at == T0 + timedelta(seconds=30 + 120)

        traveller.shift(timedelta(seconds=119))
        assert run_worker().handled == 0
        traveller.shift(timedelta(seconds=1))
        assert run_worker().sent == 1
        assert run_worker().handled == 0

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 3, "")
    assert delivery.sent_at == T0 + timedelta(seconds=150)
    assert [r.status for r in receiver.requests] == [500, 500, 200]
    assert {r.delivery_id for r in receiver.requests} == {str(delivery.pk)}
    (arrived,) = receiver.accepted
    assert valid_signature(arrived)
    assert not valid_signature(arrived, secret="another-secret-xxxxxxxx")
    payload = arrived.json
    assert payload["delivery_id"] == delivery.pk and payload["attempt"] == 3
    assert payload["kind"] == "case.dispatched"
    assert payload["case"] == {"id": case.pk, "tracking_no": case.tracking_no}
    assert payload["subject"] == {
        "type": "cases.case",
        "id": case.pk,
        "title": case.tracking_no,
        "link": f"/cases/{case.pk}/",
    }
    assert payload["recipient"]["username"] == "worker_a"


def test_after_the_last_attempt_the_delivery_is_dead_and_an_admin_retry_resends_it(
    world, endpoint, receiver, run_worker, client
):
    receiver.statuses = [503] * (len(DEFAULT_BACKOFF_SECONDS) + 1)
    with time_machine.travel(T0, tick=False) as traveller:
        dispatched(world)
        delivery = Delivery.objects.get()
        for wait in (*DEFAULT_BACKOFF_SECONDS, None):
            run_worker()
            if wait is not None:
                traveller.shift(timedelta(seconds=wait))
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.DEAD, 6)
        traveller.shift(timedelta(days=30))
        assert run_worker().handled == 0  # the dead stay dead

        client.force_login(world.admin)
        page = client.get("/notifications/dead/")
        assert page.status_code == 200 and f'id="delivery-{delivery.pk}"' in page.content.decode()
        response = client.post(
            "/admin/notify/delivery/", {"action": "retry_selected", "_selected_action": [delivery.pk]}
        )
        assert response.status_code == 302
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)

        assert run_worker().sent == 1
    assert len(receiver.requests) == 7 and len(receiver.accepted) == 1
    assert valid_signature(receiver.accepted[0])


def test_the_dead_letter_page_retries_and_is_for_staff_only(
    world, endpoint, receiver, run_worker, client, settings
):
    settings.GRIDGOV_NOTIFY_BACKOFF_SECONDS = ()  # one attempt, then dead
    receiver.statuses = [500]
    dispatched(world)
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DEAD

    client.force_login(world.dispatcher)
    assert client.get("/notifications/dead/").status_code == 404
    assert client.post(f"/notifications/dead/{delivery.pk}/retry/").status_code == 404

    client.force_login(world.admin)
    assert client.post(f"/notifications/dead/{delivery.pk}/retry/").status_code == 302
    assert run_worker().sent == 1
    assert "没有发送失败的消息" in client.get("/notifications/dead/").content.decode()


def test_an_unreachable_receiver_is_a_failed_attempt_not_a_crash(world, db, run_worker):
    from gridgov.notify.models import WebhookEndpoint
    from gridgov.notify.tests.conftest import free_port

    WebhookEndpoint.objects.create(name="down", url=f"http://127.0.0.1:{free_port()}/", secret="s" * 20)
    dispatched(world)
    assert run_worker().failed == 1
    assert "127.0.0.1" in Delivery.objects.get().last_error
