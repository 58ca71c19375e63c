"""The outbox: who is told about which case event, in the event's own transaction, once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction

from gridgov.audit.models import AuditEntry
from gridgov.cases import actions as cases
from gridgov.cases.models import Case, CaseStatus
from gridgov.cases.tests.case_flow import accepted, dispatched, resolved, submitted
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridgov.notify import actions
from gridgov.notify.models import Delivery, DeliveryChannel, DeliveryStatus, Notification, WebhookEndpoint
from gridgov.notify.subjects import Subject
from gridgov.people.models import Department

pytestmark = pytest.mark.django_db


def titles_for(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("title", flat=True))


def kinds_for(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True))


def test_a_rolled_back_dispatch_leaves_no_notification(world):
    case = submitted(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        cases.case_dispatch(
            actor=world.dispatcher, case_id=case.pk, item=world.item_litter, to_worker=world.worker_a
        )
        assert Notification.objects.filter(recipient=world.worker_a).count() == 1  # written with the event…
        raise RuntimeError("the request failed after the dispatch")
    # …and gone with it.
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_a_failing_outbox_write_fails_the_event_too(world, monkeypatch):
    case = submitted(world)

    def broken(**kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr("gridgov.notify.case_notices.notifications_create", broken)
    with pytest.raises(RuntimeError):
        cases.case_dispatch(
            actor=world.dispatcher, case_id=case.pk, item=world.item_litter, to_worker=world.worker_a
        )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_dispatch_to_a_worker_tells_that_worker_only(world):
    case = dispatched(world)
    assert kinds_for(world.worker_a) == ["case.dispatched"]
    notification = Notification.objects.get(recipient=world.worker_a)
    assert (notification.subject_type, notification.subject_id) == ("cases.case", case.pk)
    assert notification.subject_title == case.tracking_no and notification.subject_label == "工单"
    assert notification.link == f"/cases/{case.pk}/"
    assert case.tracking_no in notification.body and "办理时限" in notification.body
    assert Notification.objects.count() == 1  # not the dispatcher, not worker B, not the resident


def test_dispatch_to_a_department_tells_every_handler_of_it(world):
    from gridgov.people.actions import role_assign, user_create
    from gridgov.people.models import Role

    second = user_create(actor=None, username="water2", password="x" * 10, display_name="钱水务")
    role_assign(actor=None, user=second, role=Role.DEPARTMENT, department=world.water)
    dispatched(world, to_department=True)
    assert kinds_for(world.water_handler) == ["case.dispatched"]
    assert kinds_for(second) == ["case.dispatched"]
    assert kinds_for(world.housing_handler) == []


def test_a_return_tells_the_dispatchers_of_the_region(world):
    case = dispatched(world)
    cases.case_return(actor=world.worker_a, case_id=case.pk, reason="不属于本网格")
    assert kinds_for(world.dispatcher) == ["case.returned"]
    body = Notification.objects.get(recipient=world.dispatcher).body
    assert "不属于本网格" in body and "王网格" in body
    assert kinds_for(world.worker_a) == ["case.dispatched"]  # not told about their own return


def test_resolved_asks_the_resident_to_rate(world):
    resolved(world)
    notification = Notification.objects.get(recipient=world.resident)
    assert notification.title == "您的诉求已办结，请评价"
    assert notification.kind == "case.resolved"
    assert "已更换灯泡" in notification.body


def test_an_unsatisfied_rating_sends_rework_to_the_handler(world):
    case = resolved(world)
    cases.case_rate(actor=world.resident, case_id=case.pk, score="unsatisfied", comment="灯还是不亮")
    assert kinds_for(world.worker_a) == ["case.dispatched", "case.rework"]
    assert "灯还是不亮" in Notification.objects.get(recipient=world.worker_a, kind="case.rework").body


def test_a_rating_reaches_the_department_handler_who_accepted(world):
    case = resolved(world, to_department=True)
    cases.case_rate(actor=world.resident, case_id=case.pk, score="satisfied")
    assert kinds_for(world.water_handler) == ["case.dispatched", "case.rated"]
    assert "满意" in Notification.objects.get(recipient=world.water_handler, kind="case.rated").body


def test_a_merge_tells_the_duplicates_resident(world):
    original = submitted(world)
    duplicate, _ = cases.case_submit(
        actor=world.other_resident,
        channel="web",
        description="小区门口的路灯坏了",
        contact_phone="13999998888",
        lon=108.305,
        lat=22.805,
    )
    cases.case_merge(actor=world.dispatcher, case_id=duplicate.pk, into_id=original.pk)
    notification = Notification.objects.get(recipient=world.other_resident)
    assert notification.kind == "case.merged"
    assert original.tracking_no in notification.body
    assert kinds_for(world.resident) == []


def test_events_nobody_must_know_about_write_nothing(world):
    accepted(world)  # submit, dispatch, accept
    assert Notification.objects.count() == 1  # only the dispatch


def test_email_and_webhook_outbox_rows_follow_the_recipient_and_the_endpoints(world):
    world.worker_a.email = "wang@example.org"
    world.worker_a.save()
    sms = WebhookEndpoint.objects.create(name="短信", url="http://127.0.0.1:9/sms", secret="s" * 20)
    WebhookEndpoint.objects.create(name="停用", url="http://127.0.0.1:9/off", secret="s" * 20, active=False)
    WebhookEndpoint.objects.create(
        name="只收办结", url="http://127.0.0.1:9/r", secret="s" * 20, kinds=["case.resolved"]
    )
    dispatched(world)
    rows = Delivery.objects.order_by("channel")
    assert [(d.channel, d.address, d.endpoint) for d in rows] == [
        (DeliveryChannel.EMAIL, "wang@example.org", None),
        (DeliveryChannel.WEBHOOK, "", sms),
    ]
    assert {d.status for d in rows} == {DeliveryStatus.PENDING}


def test_the_same_event_is_notified_once_per_recipient_and_channel(world):
    world.resident.email = "zhang@example.org"
    world.resident.save()
    WebhookEndpoint.objects.create(name="短信", url="http://127.0.0.1:9/sms", secret="s" * 20)
    with transaction.atomic():
        first = actions.notification_create(
            recipient=world.resident,
            kind="case.yellow",
            title="临期提醒",
            body="…",
            dedupe_key="case:1:yellow",
        )
        again = actions.notification_create(
            recipient=world.resident,
            kind="case.yellow",
            title="临期提醒",
            body="…",
            dedupe_key="case:1:yellow",
        )
        both = actions.notifications_create(
            recipients=[world.resident, world.resident, world.worker_a],
            kind="case.yellow",
            title="临期提醒",
            dedupe_key="case:1:yellow",
        )
    assert first.pk == again.pk == both[0].pk
    assert Notification.objects.filter(recipient=world.resident).count() == 1
    assert Delivery.objects.filter(notification=first).count() == 2  # one e-mail, one webhook
    assert Notification.objects.filter(recipient=world.worker_a).count() == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "Case Dispatched"}, "invalid_notification_kind"),
        ({"dedupe_key": " "}, "invalid_dedupe_key"),
        ({"title": ""}, "invalid_notification_title"),
        ({"link": "https://evil.example/"}, "invalid_notification_link"),
        ({"link": "/" + "x" * 200}, "invalid_notification_link"),
        ({"subject": Subject("Cases Case", 1, "GG1")}, "invalid_notification_subject"),
        ({"subject": Subject("cases.case", 2**63, "GG1")}, "invalid_notification_subject"),
        ({"subject": Subject("cases.case", 0, "GG1")}, "invalid_notification_subject"),
    ],
)
def test_notification_create_refuses_bad_input(world, kwargs, code):
    args = {"recipient": world.resident, "kind": "case.x", "title": "t", "dedupe_key": "k"} | kwargs
    with pytest.raises(InvalidInput) as exc:
        actions.notification_create(**args)
    assert exc.value.code == code
    assert not Notification.objects.exists()


def test_a_notification_can_be_about_any_record_without_notify_knowing_its_domain(world):
    # A department stands in for a domain notify has never heard of (a dispute, a sensor, points…).
    notification = actions.notification_create(
        recipient=world.worker_a,
        kind="dept.changed",
        title="部门调整",
        subject=Subject.of(world.water, title="水务局" * 40, link="/departments/7/"),
        dedupe_key="dept:7:changed",
    )
    notification.refresh_from_db()
    assert (notification.subject_type, notification.subject_id) == ("people.department", world.water.pk)
    assert len(notification.subject_title) == 100 and notification.subject_title.endswith("…")
    assert notification.link == "/departments/7/"
    assert notification.subject_label == str(Department._meta.verbose_name)
    assert list(Notification.objects.about(world.water)) == [notification]


def test_marking_read_is_for_the_recipient_only(world):
    case = dispatched(world)
    notification = Notification.objects.about(case).get(recipient=world.worker_a)
    with pytest.raises(NotFound):
        actions.notification_mark_read(actor=world.worker_b, notification_id=notification.pk)
    marked = actions.notification_mark_read(actor=world.worker_a, notification_id=notification.pk)
    assert marked.read_at is not None
    first_read = marked.read_at
    assert (
        actions.notification_mark_read(actor=world.worker_a, notification_id=notification.pk).read_at
        == first_read
    )


def test_mark_all_read_counts_what_changed(world):
    dispatched(world)
    dispatched(world)
    assert actions.notifications_mark_all_read(actor=world.worker_a) == 2
    assert actions.notifications_mark_all_read(actor=world.worker_a) == 0


def test_only_staff_may_retry_a_delivery_and_only_a_failed_one(world):
    world.worker_a.email = "wang@example.org"
    world.worker_a.save()
    dispatched(world)
    delivery = Delivery.objects.get()
    with pytest.raises(NotFound):
        actions.delivery_retry(actor=world.dispatcher, delivery_id=delivery.pk)
    with pytest.raises(Conflict):
        actions.delivery_retry(actor=world.admin, delivery_id=delivery.pk)


def test_webhook_endpoints_are_checked_before_saving(world):
    with pytest.raises(InvalidInput):
        actions.webhook_endpoint_create(actor=world.admin, name="x", url="ftp://gateway", secret="s" * 20)
    with pytest.raises(InvalidInput):
        actions.webhook_endpoint_create(
            actor=world.admin, name="x", url="https://gateway.example/hook", secret="short"
        )
    with pytest.raises(PermissionDenied):
        actions.webhook_endpoint_create(
            actor=world.dispatcher, name="x", url="https://gateway.example/hook", secret="s" * 20
        )
    assert not WebhookEndpoint.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="notify.").exists()


def test_webhook_endpoint_changes_are_audited_without_the_secret(world):
    endpoint = actions.webhook_endpoint_create(
        actor=world.admin, name="短信", url="https://sms.example/hook", secret="s" * 20
    )
    actions.webhook_endpoint_update(
        actor=world.admin,
        endpoint=endpoint,
        name="短信网关",
        url="https://sms.example/hook",
        secret="t" * 20,
        kinds=["case.dispatched"],
    )
    actions.webhook_endpoint_deactivate(actor=world.admin, endpoint=endpoint)
    entries = list(AuditEntry.objects.filter(action__startswith="notify.").order_by("seq"))
    assert [e.action for e in entries] == [
        "notify.webhook_endpoint_create",
        "notify.webhook_endpoint_update",
        "notify.webhook_endpoint_deactivate",
    ]
    assert all(e.actor == world.admin for e in entries)
    assert entries[1].before == {"name": "短信", "kinds": [], "secret": "（旧密钥）"}
    assert entries[1].after == {"name": "短信网关", "kinds": ["case.dispatched"], "secret": "（新密钥）"}
    assert "s" * 20 not in str([(e.before, e.after) for e in entries])
    assert entries[2].after == {"active": False}


def test_no_missing_migrations():
    call_command("makemigrations", "notify", "--check", "--dry-run", verbosity=0)
