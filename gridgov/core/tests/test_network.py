"""The client address: REMOTE_ADDR unless the peer is a trusted proxy."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from gridgov.core.network import client_ip


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    "proxies, remote, forwarded, expected",
    [
        ([], "10.0.0.1", "1.2.3.4", "10.0.0.1"),  # nobody trusted: the header is ignored
        (["192.0.2.1"], "10.0.0.1", "1.2.3.4", "10.0.0.1"),  # a forged header from an ordinary client
        (["192.0.2.1"], "192.0.2.1", "1.2.3.4", "1.2.3.4"),
        (["192.0.2.1"], "192.0.2.1", "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the client wrote 6.6.6.6 itself
        (["192.0.2.0/24", "10.8.0.0/16"], "192.0.2.9", "6.6.6.6, 1.2.3.4, 10.8.1.1", "1.2.3.4"),
        (["192.0.2.1"], "192.0.2.1", "", "192.0.2.1"),
        (["192.0.2.1"], "192.0.2.1", "not-an-ip", "192.0.2.1"),
        (["2001:db8::/32"], "2001:db8::1", "2001:db8:ffff::2, 2400:cb00::1", "2400:cb00::1"),
    ],
)
def test_client_ip(settings, proxies, remote, forwarded, expected):
    settings.GRIDGOV_TRUSTED_PROXIES = proxies
    assert client_ip(request(remote, forwarded)) == expected
