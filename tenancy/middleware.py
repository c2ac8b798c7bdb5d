"""Where a request came from, for the audit trail.

The client address and the request id end up in the append-only audit table, so neither may be
taken from what the client says. `X-Forwarded-For` is read only when the connecting peer is one
of the proxies in `PODIUM_TRUSTED_PROXIES` (none by default: the embedded setup has no proxy),
and then the right-most address that is not itself a trusted proxy is the client: everything to
its left was written by the client and can be anything. `X-Request-ID` is kept only when a
trusted proxy set it; otherwise the id is generated here.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from tenancy import context

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,36}$")


def trusted_networks(entries: Iterable[str]) -> tuple[_Network, ...]:
    """Parse proxy addresses or CIDR ranges (`10.0.0.1`, `10.0.0.0/8`)."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _is_trusted(address: str, networks: tuple[_Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: HttpRequest, networks: tuple[_Network, ...]) -> str | None:
    """The peer's address, or the right-most untrusted hop when the peer is a trusted proxy."""
    peer: str | None = request.META.get("REMOTE_ADDR") or None
    if peer is None or not _is_trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a proxy we trust wrote garbage: fall back to what we saw
    return peer


class RequestContextMiddleware:
    """Binds the request's id, path and client address so audit events can say where they came from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.networks = trusted_networks(getattr(settings, "PODIUM_TRUSTED_PROXIES", []))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        peer = request.META.get("REMOTE_ADDR") or ""
        from_proxy = _is_trusted(peer, self.networks)
        ip = client_address(request, self.networks)
        source = "api" if request.path.startswith("/api/") else "web"
        sent_id = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = sent_id if from_proxy and _REQUEST_ID.match(sent_id) else context.new_request_id()
        token = context.bind(
            context.RequestContext(
                request_id=request_id, path=request.path[:300], ip_address=ip, source=source
            )
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response
