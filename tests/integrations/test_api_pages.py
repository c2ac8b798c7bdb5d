"""The webhooks API and pages: admins only, secret shown once, delivery log with constant queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from integrations import services
from integrations.models import WebhookEndpoint
from tests.api.helpers import client_for, error_fields, ids, url
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role,allowed", [("owner", True), ("admin", True), ("leader", False), ("member", False)]
)
def test_only_admins_manage_webhooks(org, role, allowed, client):
    m = member(org, role)
    api = client_for(m)
    resp = api.post(
        url(org, "integrations_api:webhook-list"), {"url": "https://hooks.example.com/in"}, format="json"
    )
    assert resp.status_code == (201 if allowed else 403)
    assert api.get(url(org, "integrations_api:webhook-list")).status_code == (200 if allowed else 403)
    client.force_login(m.user)
    page = client.get(reverse("integrations:endpoints", kwargs={"org_slug": org.slug}))
    assert page.status_code == (200 if allowed else 403)


def test_api_create_shows_the_secret_once_then_a_hint(org):
    api = client_for(member(org, "admin"))
    resp = api.post(
        url(org, "integrations_api:webhook-list"),
        {"url": "https://hooks.example.com/in", "event_types": ["lesson.published"]},
        format="json",
    )
    body = resp.json()
    assert body["secret"].startswith("whsec_") and body["event_types"] == ["lesson.published"]
    detail = api.get(url(org, "integrations_api:webhook-detail", pk=body["id"])).json()
    assert "secret" not in detail and detail["secret_hint"] == body["secret"][:10] + "…"
    rotated = api.post(url(org, "integrations_api:webhook-rotate-secret", pk=body["id"])).json()
    assert rotated["secret"] != body["secret"]
    patched = api.patch(
        url(org, "integrations_api:webhook-detail", pk=body["id"]),
        {"enabled": False, "event_types": []},
        format="json",
    ).json()
    assert patched["enabled"] is False and patched["event_types"] == []
    assert api.delete(url(org, "integrations_api:webhook-detail", pk=body["id"])).status_code == 204
    assert not WebhookEndpoint.objects.for_org(org).exists()


def test_api_bad_input_is_a_400_naming_the_field(org):
    api = client_for(member(org, "admin"))
    resp = api.post(url(org, "integrations_api:webhook-list"), {"url": "http://127.0.0.1:9/x"}, format="json")
    assert resp.status_code == 400 and error_fields(resp) == {"url"}
    resp = api.post(
        url(org, "integrations_api:webhook-list"),
        {"url": "https://ok.example.com/", "event_types": ["nope.x"]},
        format="json",
    )
    assert resp.status_code == 400 and error_fields(resp) == {"event_types[0]"}
    ep = services.endpoint_create(
        organization=org, actor=member(org, "admin").user, url="https://ok.example.com/"
    )
    resp = api.post(
        url(org, "integrations_api:webhook-replay", pk=ep.pk), {"since": "yesterday"}, format="json"
    )
    assert resp.status_code == 400 and error_fields(resp) == {"since"}


def test_delivery_log_and_list_keep_constant_queries(org, django_assert_max_num_queries, client):
    admin = member(org, "admin")
    for i in range(6):
        services.endpoint_create(organization=org, actor=admin.user, url=f"https://h{i}.example.com/")
    ep = WebhookEndpoint.objects.for_org(org).first()
    for i in range(8):
        services.event_emit(organization=org, type="incident.opened", data={"id": i})
    api = client_for(admin)
    with django_assert_max_num_queries(6):
        assert len(ids(api.get(url(org, "integrations_api:webhook-list")))) == 6
    with django_assert_max_num_queries(7):
        assert len(ids(api.get(url(org, "integrations_api:webhook-deliveries", pk=ep.pk)))) == 8
    client.force_login(admin.user)
    page_url = reverse("integrations:endpoint_detail", kwargs={"org_slug": org.slug, "pk": ep.pk})
    client.get(page_url)
    with django_assert_max_num_queries(14):
        resp = client.get(page_url)
    assert resp.status_code == 200 and resp.content.count(b"Redeliver</button>") == 8


def test_page_create_shows_secret_once_and_rotation_replay_work(org, client):
    admin = member(org, "admin")
    client.force_login(admin.user)
    base = reverse("integrations:endpoints", kwargs={"org_slug": org.slug})
    resp = client.post(
        base, {"url": "https://hooks.example.com/in", "event_types": ["incident.opened"], "enabled": "on"}
    )
    assert resp.status_code == 201
    ep = WebhookEndpoint.objects.for_org(org).get()
    assert ep.secret in resp.content.decode() and ep.event_types == ["incident.opened"]
    detail = reverse("integrations:endpoint_detail", kwargs={"org_slug": org.slug, "pk": ep.pk})
    assert ep.secret not in client.get(detail).content.decode()
    resp = client.post(reverse("integrations:endpoint_rotate", kwargs={"org_slug": org.slug, "pk": ep.pk}))
    ep.refresh_from_db()
    assert ep.secret in resp.content.decode() and ep.previous_secret
    bad = client.post(base, {"url": "http://10.0.0.1/x"})
    assert bad.status_code == 400 and b"non-public" in bad.content
    resp = client.post(detail, {"url": "https://hooks.example.com/in", "description": "x"})
    ep.refresh_from_db()
    assert resp.status_code == 302 and not ep.enabled and ep.event_types == []
