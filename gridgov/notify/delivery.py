"""Sending one delivery on its channel: e-mail over SMTP, or a signed JSON POST to a webhook.

Nothing here touches the database: the worker calls `send()` outside any transaction and records the
outcome itself. Every failure is a `SendError`, whose message goes to `Delivery.last_error`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend

from gridgov.core import clock
from gridgov.notify.models import Delivery, DeliveryChannel
from gridgov.notify.subjects import CASE_SUBJECT

SIGNATURE_HEADER = "X-Gridgov-Signature"
DELIVERY_HEADER = "X-Gridgov-Delivery"
# Well under the worker's lease, so a slow receiver cannot outlive the claim.
SEND_TIMEOUT_SECONDS = 10


class SendError(Exception):
    """A send that did not succeed and should be retried (or buried after the last attempt)."""


def send(delivery: Delivery) -> None:
    if delivery.channel == DeliveryChannel.EMAIL:
        send_email(delivery)
    elif delivery.channel == DeliveryChannel.WEBHOOK:
        send_webhook(delivery)
    else:
        raise SendError(f"unknown channel {delivery.channel!r}")


def send_email(delivery: Delivery) -> None:
    notification = delivery.notification
    if not delivery.address:
        raise SendError("no e-mail address")
    body = notification.body
    if notification.subject_title:
        body += f"\n\n{notification.subject_label}编号：{notification.subject_title}"
    body += "\n\n—— 网格治理平台（本邮件由系统自动发送，请勿直接回复）"
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "gridgov.local"
    message = EmailMessage(
        subject=notification.title,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        # One Message-ID per delivery: a re-sent copy after a lost lease is recognisable as the same mail.
        headers={
            DELIVERY_HEADER: str(delivery.pk),
            "Message-ID": f"<gridgov-delivery-{delivery.pk}@{domain}>",
        },
    )
    # The SMTP backend is named, not taken from EMAIL_BACKEND: tests (and some deployments) swap that
    # for an in-memory backend, but the worker must speak to the configured server.
    backend = EmailBackend(
        host=settings.EMAIL_HOST,
        port=settings.EMAIL_PORT,
        username=settings.EMAIL_HOST_USER or None,
        password=settings.EMAIL_HOST_PASSWORD or None,
        use_tls=settings.EMAIL_USE_TLS,
        use_ssl=settings.EMAIL_USE_SSL,
        timeout=SEND_TIMEOUT_SECONDS,
        fail_silently=False,
    )
    try:
        sent = backend.send_messages([message])
    except (OSError, ValueError) as exc:  # smtplib errors are OSError subclasses
        raise SendError(f"SMTP {settings.EMAIL_HOST}:{settings.EMAIL_PORT}: {exc}") from exc
    if sent != 1:
        raise SendError("SMTP server did not accept the message")


def webhook_payload(delivery: Delivery) -> dict:
    notification = delivery.notification
    recipient = notification.recipient
    about_case = notification.subject_type == CASE_SUBJECT
    return {
        "delivery_id": delivery.pk,
        "notification_id": notification.pk,
        "attempt": delivery.attempts,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "created_at": notification.created_at.isoformat(),
        "sent_at": clock.now().isoformat(),
        # The gateway needs a phone number to text; it is the county's own system.
        "recipient": {
            "id": recipient.pk,
            "username": recipient.username,
            "name": str(recipient),
            "phone": recipient.phone,
        },
        "subject": {
            "type": notification.subject_type,
            "id": notification.subject_id,
            "title": notification.subject_title,
            "link": notification.link,
        }
        if notification.subject_type
        else None,
        # Kept for gateways written before subjects: the same facts for a notice about a case.
        "case": {"id": notification.subject_id, "tracking_no": notification.subject_title}
        if about_case
        else None,
    }


def sign(secret: str, body: bytes) -> str:
    """The `X-Gridgov-Signature` value: sha256=<hex HMAC-SHA256 of the exact body bytes>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_webhook(delivery: Delivery) -> None:
    endpoint = delivery.endpoint
    if endpoint is None:
        raise SendError("no webhook endpoint")
    body = json.dumps(webhook_payload(delivery), ensure_ascii=False, separators=(",", ":")).encode()
    request = urllib.request.Request(
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "gridgov-worker",
            SIGNATURE_HEADER: sign(endpoint.secret, body),
            DELIVERY_HEADER: str(delivery.pk),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=SEND_TIMEOUT_SECONDS) as response:
            response.read(1024)
    except urllib.error.HTTPError as exc:
        raise SendError(f"HTTP {exc.code} from {endpoint.url}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise SendError(f"{endpoint.url}: {getattr(exc, 'reason', exc)}") from exc
