"""The HTTP side of a delivery, with SSRF protection on the resolved address.

The host name is resolved once; every address it resolves to must be public (not loopback,
private, link-local, multicast, reserved or unspecified) unless PODIUM_WEBHOOKS_ALLOW_PRIVATE is
on. The request then goes to that checked IP (no second look-up a DNS rebinding could change),
with the name in the Host header and, for HTTPS, as SNI and for certificate verification.
Redirects are never followed; the timeout is 15 s (spec: 15–30 s).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

TIMEOUT_SECONDS = 15
EXCERPT_BYTES = 500


class UnsafeDestination(Exception):
    """The URL may not be called (bad scheme, unresolvable, or a non-public address)."""


@dataclass
class Response:
    status_code: int | None
    excerpt: str
    retry_after: str | None
    duration_ms: int
    error: str = ""


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        not (
            ip.is_loopback
            or ip.is_private
            or ip.is_link_local
            or ip.is_multicast
            or ip.is_reserved
            or ip.is_unspecified
        )
        and ip.is_global
    )


def resolve(url: str) -> tuple[str, str]:
    """(checked IP to connect to, host name) for `url`; raises UnsafeDestination."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeDestination("Only http and https URLs with a host can receive webhooks.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeDestination(f"Cannot resolve {parts.hostname}.") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise UnsafeDestination(f"Cannot resolve {parts.hostname}.")
    allow_private = getattr(settings, "PODIUM_WEBHOOKS_ALLOW_PRIVATE", False)
    if not allow_private:
        bad = [str(a) for a in addresses if not _is_public(a)]
        if bad:
            raise UnsafeDestination(f"{parts.hostname} resolves to a non-public address ({bad[0]}).")
    return str(addresses[0]), parts.hostname


class _PinnedHostAdapter(HTTPAdapter):
    """Connects to an IP literal while TLS uses the real host name (SNI and certificate check)."""

    def __init__(self, hostname: str) -> None:
        self._hostname = hostname
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["server_hostname"] = self._hostname
        kwargs["assert_hostname"] = self._hostname
        return super().init_poolmanager(*args, **kwargs)


def post(url: str, *, body: bytes, headers: dict[str, str]) -> Response:
    started = time.monotonic()
    try:
        ip, hostname = resolve(url)
    except UnsafeDestination as exc:
        return Response(None, "", None, 0, error=str(exc))
    parts = urlsplit(url)
    host_literal = f"[{ip}]" if ":" in ip else ip
    netloc = f"{host_literal}:{parts.port}" if parts.port else host_literal
    target = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    host_header = parts.netloc.rsplit("@", 1)[-1]
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment can bypass the address check
    session.mount(f"{parts.scheme}://", _PinnedHostAdapter(hostname))
    try:
        with session.post(
            target,
            data=body,
            headers={**headers, "Host": host_header},
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
            stream=True,
        ) as resp:
            raw = resp.raw.read(EXCERPT_BYTES, decode_content=True) or b""
            excerpt = raw.decode("utf-8", "replace")
            return Response(
                resp.status_code,
                excerpt,
                resp.headers.get("Retry-After"),
                int((time.monotonic() - started) * 1000),
            )
    except requests.RequestException as exc:
        return Response(
            None,
            "",
            None,
            int((time.monotonic() - started) * 1000),
            error=f"{exc.__class__.__name__}: {exc}"[:300],
        )
    finally:
        session.close()
