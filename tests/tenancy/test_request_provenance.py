"""Audit provenance: forwarded headers are believed only from configured proxies."""

import uuid

from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from tenancy import context
from tenancy.middleware import RequestContextMiddleware


def _seen(**meta):  # type: ignore[no-untyped-def]
    seen = {}

    def view(request):  # type: ignore[no-untyped-def]
        seen["ctx"] = context.current()
        return HttpResponse("ok")

    response = RequestContextMiddleware(view)(RequestFactory().get("/o/x/", **meta))
    return seen["ctx"], response


def test_without_trusted_proxies_forwarded_headers_are_ignored():
    ctx, response = _seen(
        REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4", HTTP_X_REQUEST_ID="forged-id"
    )
    assert ctx.ip_address == "203.0.113.9"
    assert ctx.request_id != "forged-id"
    uuid.UUID(ctx.request_id)
    assert response["X-Request-ID"] == ctx.request_id


@override_settings(PODIUM_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client():
    # The client typed "1.2.3.4"; the proxy chain appended the real peer 198.51.100.7 and itself.
    ctx, _ = _seen(
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7, 10.0.0.5",
        HTTP_X_REQUEST_ID="from-proxy-42",
    )
    assert ctx.ip_address == "198.51.100.7"
    assert ctx.request_id == "from-proxy-42"


@override_settings(PODIUM_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_an_untrusted_peer_cannot_forward_or_name_the_request():
    ctx, _ = _seen(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.1", HTTP_X_REQUEST_ID="forged-id")
    assert ctx.ip_address == "203.0.113.9"
    assert ctx.request_id != "forged-id"


def test_audit_event_records_the_peer_not_the_forged_header(admin_client, org):
    from tenancy.models import AuditEvent
    from tenancy.services import ORG_SETTINGS_FIELDS

    data = {field: getattr(org, field) for field in ORG_SETTINGS_FIELDS}
    data["name"] = "Renamed"
    admin_client.post(
        f"/o/{org.slug}/settings/",
        data,
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
        HTTP_X_REQUEST_ID="forged-id",
    )
    events = list(AuditEvent.objects.for_org(org))
    assert events, "the settings change should be audited"
    assert all(e.ip_address != "6.6.6.6" and e.request_id != "forged-id" for e in events)
