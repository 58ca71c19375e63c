"""E-mail goes through a real SMTP server (aiosmtpd on 127.0.0.1) and arrives exactly once."""

from __future__ import annotations

import pytest

from gridgov.cases import actions as cases
from gridgov.cases.tests.case_flow import dispatched, resolved
from gridgov.notify.models import Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_emails(world):
    for user, address in ((world.worker_a, "wang@example.org"), (world.resident, "zhang@example.org")):
        user.email = address
        user.save()
    return world


def test_each_notification_arrives_once_by_email(with_emails, smtp_server, run_worker):
    world = with_emails
    case = resolved(world)  # dispatch → worker A, resolve → resident
    second = dispatched(world)

    first_pass = run_worker()
    again = run_worker()

    assert (first_pass.sent, again.sent) == (3, 0)
    to_worker = smtp_server.to("wang@example.org")
    to_resident = smtp_server.to("zhang@example.org")
    assert len(to_worker) == 2 and len(to_resident) == 1
    assert to_resident[0]["Subject"] == "您的诉求已办结，请评价"
    assert case.tracking_no in to_resident[0].get_content()
    # (A long encoded subject is folded onto a continuation line; mail readers drop the fold's space.)
    assert sorted(m["Subject"].strip() for m in to_worker) == [
        f"新派单：{case.title}",
        f"新派单：{second.title}",
    ]
    ids = [m["X-Gridgov-Delivery"] for m in smtp_server.messages]
    assert len(set(ids)) == 3
    assert all(m["Message-ID"].startswith("<gridgov-delivery-") for m in smtp_server.messages)
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_a_person_without_an_email_gets_the_inbox_row_only(world, smtp_server, run_worker):
    case = dispatched(world)
    cases.case_accept(actor=world.worker_a, case_id=case.pk)
    assert not Delivery.objects.exists()
    assert run_worker().sent == 0
    assert smtp_server.messages == []


def test_an_unreachable_smtp_server_is_retried_later(with_emails, settings, run_worker):
    from gridgov.notify.tests.conftest import free_port

    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    dispatched(with_emails)
    stats = run_worker()
    delivery = Delivery.objects.get()
    assert (stats.failed, delivery.status, delivery.attempts) == (1, DeliveryStatus.FAILED, 1)
    assert "SMTP" in delivery.last_error
