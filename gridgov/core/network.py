"""Who the client is: the peer address, or what a trusted reverse proxy says the client was.

Anyone can send `X-Forwarded-For`, so believing it lets a client pick a new identity per request and
walk past every per-client throttle (the login lockout, the anonymous look-up). The header is read only
when the peer (`REMOTE_ADDR`) is one of `settings.GRIDGOV_TRUSTED_PROXIES`; then the client is the
right-most address in it that is not itself a trusted proxy (each proxy appends the peer it saw, so
entries left of the first untrusted one were written by the client and prove nothing).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    ip = _parse(address)
    if ip is None:
        return False
    return any(ip in net for net in _networks(tuple(settings.GRIDGOV_TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str:
    peer = request.META.get("REMOTE_ADDR", "") or ""
    if not is_trusted_proxy(peer):
        return peer
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for address in reversed(forwarded):
        if _parse(address) is None:
            # Garbage from somewhere up the chain: stop at the last address we could vouch for.
            break
        if not is_trusted_proxy(address):
            return address
        peer = address
    return peer
