"""An API that can do everything the pages do (issue: "A test lists every page action and fails
when one has no API counterpart").

Every organization page that accepts a write (a form POST or an htmx write) is listed here with
the API route and method that does the same, or in PAGE_ONLY with the reason it has none. A new
page action that is in neither fails `test_every_page_action_is_known`; a counterpart that does
not exist (or does not take that method) fails `test_every_counterpart_exists`.

NOT_YET lists the page actions whose API counterpart is still to be written: the gap, named
one by one, so it shrinks visibly; an action moves to COUNTERPARTS when its endpoint lands.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

ORG_PREFIX = "o/<slug:org_slug>/"
API_PREFIX = "api/v1/o/<slug:org_slug>/"

# page url name → [(API route name, method), …]
COUNTERPARTS: dict[str, list[tuple[str, str]]] = {
    "pods:pods_import": [("pods_api:pod-import", "post")],
    "pods:assignments_import": [("pods_api:assignment-import", "post")],
    "tenancy:people_import": [("pods_api:person-import", "post")],
    "pods:pod_create": [("pods_api:pod-list", "post")],
    "pods:pod_edit": [("pods_api:pod-detail", "patch")],
    "pods:assignment_create": [("pods_api:assignment-list", "post")],
    "pods:assignment_edit": [("pods_api:assignment-detail", "patch"), ("pods_api:assignment-end", "post")],
    "pods:charter_edit": [("pods_api:pod-charter-list", "post")],
    "pods:team_api": [("pods_api:pod-detail", "patch")],
    "pods:interaction_create": [("pods_api:interaction-list", "post")],
    "pods:interaction_edit": [("pods_api:interaction-detail", "patch"), ("pods_api:interaction-detail", "delete")],
    "pods:person_create": [("pods_api:person-list", "post")],
    "pods:person_edit": [("pods_api:person-detail", "patch")],
    "pods:roles": [("pods_api:role-list", "post")],
    "pods:skills": [("tenancy_api:skill-list", "post")],
    "governance:escalation_create": [("governance_api:escalation-list", "post")],
    "governance:escalation_action": [("governance_api:escalation-decide", "post"),
                                     ("governance_api:escalation-comments", "post")],
    "governance:matrix_cell": [("governance_api:matrix-cells", "put")],
    "governance:decision_tier_edit": [("governance_api:decision-tier-detail", "patch")],
    "governance:decision_type_edit": [("governance_api:decision-type-detail", "patch")],
    "governance:decision_type_create": [("governance_api:decision-type-list", "post")],
    "governance:risk_tier_edit": [("governance_api:risk-tier-detail", "patch")],
    "governance:risk_tier_create": [("governance_api:risk-tier-list", "post")],
    "governance:matrix_publish": [("governance_api:matrix-publish", "post")],
    "governance:matrix_review": [("governance_api:matrix-reviews", "post")],
    "governance:guardrails": [("governance_api:guardrail-policy-list", "post")],
    "governance:dashboard": [("governance_api:cycle-time-recompute", "post")],
    "governance:exception_resolve": [("governance_api:monitoring-exception-resolve", "post")],
    "knowledge:guild_create": [("knowledge_api:guild-list", "post")],
    "knowledge:guild_edit": [("knowledge_api:guild-detail", "patch")],
    "knowledge:guild_membership": [("knowledge_api:guild-join", "post"), ("knowledge_api:guild-leave", "post"),
                                   ("knowledge_api:guild-stewards", "post")],
    "knowledge:lesson_vote": [("knowledge_api:lesson-vote", "post")],
    "knowledge:lesson_comment": [("knowledge_api:lesson-comments", "post")],
    "knowledge:lesson_comment_remove": [("knowledge_api:lesson-comment-remove", "post")],
    "knowledge:lesson_create": [("knowledge_api:lesson-list", "post")],
    "knowledge:lesson_edit": [("knowledge_api:lesson-detail", "patch")],
    "knowledge:showcase_create": [("knowledge_api:showcase-list", "post")],
    "knowledge:showcase_edit": [("knowledge_api:showcase-detail", "patch")],
    "knowledge:presentation_create": [("knowledge_api:showcase-presentations", "post")],
    "knowledge:presentation_edit": [("knowledge_api:presentation-detail", "patch")],
    "knowledge:presentation_cite": [("knowledge_api:presentation-cite", "post")],
    "knowledge:talk_list": [("knowledge_api:talk-list", "post")],
    "knowledge:talk_edit": [("knowledge_api:talk-detail", "patch")],
    "knowledge:rotation_list": [("knowledge_api:rotation-list", "post")],
    "knowledge:rotation_edit": [("knowledge_api:rotation-detail", "patch")],
    "knowledge:incident_create": [("knowledge_api:incident-list", "post")],
    "knowledge:incident_edit": [("knowledge_api:incident-detail", "patch")],
    "knowledge:postmortem_edit": [("knowledge_api:incident-postmortem", "put")],
    "knowledge:action_item_create": [("knowledge_api:incident-actions", "post")],
    "knowledge:action_item_status": [("knowledge_api:incident-action-status", "patch")],
    "knowledge:postmortem_to_lesson": [("knowledge_api:incident-lesson", "post")],
    "tenancy:settings": [("tenancy_api:organization", "patch")],
    "tenancy:members": [("tenancy_api:invitation-list", "post")],
    "tenancy:membership_change": [("tenancy_api:member-detail", "patch"), ("tenancy_api:member-detail", "delete")],
    "tenancy:invitation_revoke": [("tenancy_api:invitation-detail", "delete")],
    "tenancy:notifications": [("tenancy_api:notification-read", "post")],
    "integrations:endpoints": [("integrations_api:webhook-list", "post")],
    "integrations:endpoint_detail": [("integrations_api:webhook-detail", "patch")],
    "integrations:endpoint_rotate": [("integrations_api:webhook-rotate-secret", "post")],
    "integrations:endpoint_delete": [("integrations_api:webhook-detail", "delete")],
    "integrations:endpoint_replay": [("integrations_api:webhook-replay", "post")],
    "integrations:delivery_redeliver": [("integrations_api:webhook-redeliver", "post")],
    "dashboards:recompute": [("dashboards_api:overview-recompute", "post")],
    "dashboards:checks": [("dashboards_api:scorecard-check-list", "post")],
    "dashboards:check_detail": [("dashboards_api:scorecard-check-detail", "patch")],
    "dashboards:check_delete": [("dashboards_api:scorecard-check-detail", "delete")],
    "dashboards:level_create": [("dashboards_api:scorecard-level-list", "post")],
    "dashboards:level_edit": [("dashboards_api:scorecard-level-detail", "patch"),
                              ("dashboards_api:scorecard-level-detail", "delete")],
    "resources:pool_create": [("resources_api:pool-list", "post")],
    "resources:pool_edit": [("resources_api:pool-detail", "patch")],
    "resources:quota_edit": [("resources_api:quota-list", "post")],
    "resources:allocation_request": [("resources_api:allocation-list", "post")],
    "resources:allocation_action": [("resources_api:allocation-release", "post"),
                                    ("resources_api:allocation-cancel", "post")],
    "resources:budgets": [("resources_api:budget-list", "post")],
    "experts:home": [("experts_api:expert-list", "post")],
    "experts:book": [("experts_api:booking-list", "post")],
    "experts:office_hours_add": [("experts_api:office-hours-list", "post")],
    "experts:office_hours_delete": [("experts_api:office-hours-detail", "delete")],
    "experts:booking_cancel": [("experts_api:booking-cancel", "post")],
    "market:home": [("market_api:offering-list", "post")],
    "market:offering_edit": [("market_api:offering-detail", "patch")],
    "market:request_create": [("market_api:service-request-list", "post")],
    "market:request_action": [("market_api:service-request-accept", "post"),
                              ("market_api:service-request-decline", "post"),
                              ("market_api:service-request-deliver", "post"),
                              ("market_api:service-request-cancel", "post"),
                              ("market_api:service-request-close", "post")],
    "strategy:theme_create": [("strategy_api:theme-list", "post")],
    "strategy:theme_edit": [("strategy_api:theme-detail", "patch")],
    "strategy:signal_create": [("strategy_api:signal-list", "post")],
    "strategy:signal_triage": [("strategy_api:signal-triage", "post")],
    "strategy:pod_inbox": [("strategy_api:intake-request-list", "post")],
    "strategy:intake_action": [("strategy_api:intake-request-answer", "post"),
                               ("strategy_api:intake-request-route", "post"),
                               ("strategy_api:intake-request-decline", "post")],
    "strategy:theme_detail": [("strategy_api:theme-close", "post"), ("strategy_api:theme-carry-over", "post")],
    "strategy:outcome_create": [("strategy_api:outcome-list", "post")],
    "strategy:outcome_edit": [("strategy_api:outcome-detail", "patch")],
    "strategy:measurement_create": [("strategy_api:outcome-measurements", "post")],
    "strategy:check_in_create": [("strategy_api:outcome-check-ins", "post")],
    "bench:entry_create": [("bench_api:bench-entry-list", "post")],
    "bench:entry_edit": [("bench_api:bench-entry-detail", "patch")],
    "bench:request_create": [("bench_api:staffing-request-list", "post")],
    "bench:request_detail": [("bench_api:staffing-request-submit", "post"),
                             ("bench_api:staffing-request-withdraw", "post"),
                             ("bench_api:staffing-request-propose", "post")],
    "bench:suggestion_detail": [("bench_api:suggestion-accept", "post"), ("bench_api:suggestion-dismiss", "post")],
    "bench:recompute": [("bench_api:suggestion-recompute", "post")],
    "platform_catalog:model_create": [("platform_catalog_api:catalog-model-list", "post")],
    "platform_catalog:model_edit": [("platform_catalog_api:catalog-model-detail", "patch")],
    "platform_catalog:model_action": [("platform_catalog_api:catalog-model-approve", "post"),
                                      ("platform_catalog_api:catalog-model-aliases", "post"),
                                      ("platform_catalog_api:catalog-model-deprecate", "post"),
                                      ("platform_catalog_api:catalog-model-retire", "post"),
                                      ("platform_catalog_api:adoption-list", "post"),
                                      ("platform_catalog_api:relation-list", "post"),
                                      ("platform_catalog_api:relation-detail", "delete")],
    "platform_catalog:component_create": [("platform_catalog_api:component-list", "post")],
    "platform_catalog:component_edit": [("platform_catalog_api:component-detail", "patch")],
    "platform_catalog:component_action": [("platform_catalog_api:component-deprecate", "post"),
                                          ("platform_catalog_api:adoption-list", "post"),
                                          ("platform_catalog_api:relation-list", "post"),
                                          ("platform_catalog_api:relation-detail", "delete")],
    "platform_catalog:data_product_create": [("platform_catalog_api:data-product-list", "post")],
    "platform_catalog:data_product_edit": [("platform_catalog_api:data-product-detail", "patch")],
    "platform_catalog:data_product_action": [("platform_catalog_api:data-product-schema", "post"),
                                             ("platform_catalog_api:access-request-list", "post"),
                                             ("platform_catalog_api:access-request-decide", "post"),
                                             ("platform_catalog_api:adoption-list", "post"),
                                             ("platform_catalog_api:relation-list", "post"),
                                             ("platform_catalog_api:relation-detail", "delete")],
    "platform_catalog:duplicates": [("platform_catalog_api:duplicate-decide", "post")],
    "platform_catalog:experiment_link": [("platform_catalog_api:experiment-link", "post")],
}

# Page actions that have no API counterpart by nature, and why.
PAGE_ONLY: dict[str, str] = {
    "governance:escalation_preview": "a preview of the routing while a form is typed; the API answers with "
                                     "the routing when the escalation is filed",
    "knowledge:lesson_preview": "a Markdown preview while typing; the API stores and returns the rendered lesson",
    "tenancy:api_tokens": "a token is the API's own credential: it is minted by a signed-in person (or "
                          "`manage.py issue_token`), never by another token, as with GitHub's personal tokens",
    "tenancy:api_token_revoke": "as above: token management stays with a signed-in person",
    "resources:allocation_preview": "the admission answer while the request form is typed; the API answers "
                                    "with the state, `borrowed` and the reason when the request is made",
}

# Page actions whose API counterpart is not written yet (the remaining gap of issue #13).
NOT_YET: dict[str, str] = {
}

WRITE_METHODS = ("post", "put", "patch", "delete")


def _walk(resolver: URLResolver, prefix: str = "", ns: str = "") -> Iterator[tuple[str, str, object]]:
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from _walk(p, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{ns}:{p.name}" if ns else (p.name or ""), p.callback


def page_actions() -> set[str]:
    """Organization pages whose view accepts a write method."""
    out = set()
    for path, name, callback in _walk(get_resolver()):
        if not path.startswith(ORG_PREFIX):
            continue
        cls = getattr(callback, "view_class", None)
        assert cls is not None, f"{name}: a function view; make it a class so its methods can be listed"
        if any(hasattr(cls, m) for m in WRITE_METHODS):
            out.add(name)
    return out


def api_routes() -> dict[str, set[str]]:
    """API route name → the methods it accepts."""
    out: dict[str, set[str]] = {}
    for path, name, callback in _walk(get_resolver()):
        if path.startswith(API_PREFIX):
            actions = getattr(callback, "actions", None)
            cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
            methods = set(actions) if actions else {m for m in ("get", *WRITE_METHODS) if hasattr(cls, m)}
            out[name] = methods
    return out


def test_every_page_action_is_known():
    unknown = page_actions() - set(COUNTERPARTS) - set(PAGE_ONLY) - set(NOT_YET)
    assert not unknown, f"page actions without an API counterpart (add one, or a reason): {sorted(unknown)}"
    stale = (set(COUNTERPARTS) | set(PAGE_ONLY) | set(NOT_YET)) - page_actions()
    assert not stale, f"listed but no longer a page action: {sorted(stale)}"
    assert not (set(COUNTERPARTS) & set(NOT_YET)) and not (set(PAGE_ONLY) & set(NOT_YET))


def test_every_counterpart_exists():
    routes = api_routes()
    for page, targets in COUNTERPARTS.items():
        for route, method in targets:
            assert route in routes, f"{page}: API route {route} does not exist"
            assert method in routes[route], f"{page}: {route} does not accept {method.upper()}"


def test_page_only_reasons_are_given():
    assert all(len(reason) > 20 for reason in PAGE_ONLY.values())
