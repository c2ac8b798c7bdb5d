"""The registry: higher apps contribute; the lower pages loop over what is registered."""

import pytest

from tenancy.registry import HealthCheck, NavEntry, Panel, Registry, SearchKind, registry
from tests.factories import member, pod_lead


def test_stores_are_typed_and_keyed():
    r = Registry()
    r.nav.register(NavEntry(label="B", url_name="b:home", order=2))
    r.nav.register(NavEntry(label="A", url_name="a:home", order=1))
    r.nav.register(NavEntry(label="A again", url_name="a:home", order=1))  # same key replaces
    assert [e.label for e in r.nav.all()] == ["A again", "B"]
    with pytest.raises(TypeError):
        r.nav.register(SearchKind(kind="x", label="X"))  # type: ignore[arg-type]


def test_installed_apps_register_their_contributions():
    assert {"governance:home", "knowledge:home", "strategy:home"} <= {e.url_name for e in registry.nav.all()}
    assert {p.url_name for p in registry.panels_for("pods.pod_detail")} >= {
        "governance:pod_panel", "knowledge:pod_panel", "strategy:pod_panel"}
    assert "escalations" in registry.health_checks
    assert "lesson" in registry.search_kinds


def test_pages_render_registered_nav_and_panels(client, org):
    lead, _person, pod = pod_lead(org)
    client.force_login(lead.user)
    body = client.get(f"/o/{org.slug}/pods/{pod.pk}/").content.decode()
    assert f'href="/o/{org.slug}/governance/"' in body
    assert f'hx-get="/o/{org.slug}/governance/pods/{pod.pk}/panel/"' in body
    assert f'hx-get="/o/{org.slug}/knowledge/pods/{pod.pk}/panel/"' in body


def test_a_registered_panel_appears_on_the_host_page(client, org):
    viewer = member(org)
    _, _, pod = pod_lead(org)
    panel = Panel(page="pods.pod_detail", url_name="pods:pod_health", html_id="extra-panel",
                  loading="Loading extra…")
    registry.panels.register(panel)
    try:
        client.force_login(viewer.user)
        body = client.get(f"/o/{org.slug}/pods/{pod.pk}/").content.decode()
    finally:
        registry.panels.unregister((panel.page, panel.url_name))
    assert 'id="extra-panel"' in body and "Loading extra…" in body


def test_health_check_needs_both_forms():
    with pytest.raises(TypeError):
        Registry().register_health_check(
            HealthCheck(name="x", batch=lambda o, p, t: {}, sql=None))  # type: ignore[arg-type]
