"""The OpenAPI schema generates cleanly and the browsable docs are served locally."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_schema_is_served_and_lists_the_org_endpoints():
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    paths = set(schema["paths"])
    for path in ("organization/", "members/", "people/", "people/{id}/", "skills/", "roles/",
                 "pods/", "pods/{id}/", "assignments/", "assignments/{id}/end/",
                 "pods/{pod_pk}/charters/", "pods/{pod_pk}/charters/{id}/"):
        assert f"/api/v1/o/{{org_slug}}/{path}" in paths, path
    assert "ApiToken" in schema["components"]["securitySchemes"]


def test_docs_page_is_served_without_a_cdn():
    response = APIClient().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html and "cdn.jsdelivr" not in html and "unpkg.com" not in html


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn turns any warning (an unresolvable field, a clashing enum …) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert (tmp_path / "s.yml").stat().st_size > 1000


def _schema():
    response = APIClient().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_schema_declares_what_the_api_returns():
    schema = _schema()
    c = schema["components"]["schemas"]
    assert c["Deployment"]["properties"]["escalation_status"].get("nullable") is True
    assert c["Escalation"]["properties"]["cycle_seconds"].get("nullable") is True
    assert c["Escalation"]["properties"]["decided_by"].get("nullable") is True
    assert "format" not in c["Person"]["properties"]["email"]
    assert "na" in c["HealthLevelEnum"]["enum"]
    assert c["EscalationStatusEnum"]["enum"] == ["open", "in_review", "needs_info", "decided", "closed"]
    assert c["LessonKindEnum"]["enum"] == ["success", "failure", "howto"]
    assert "lesson" in c["SearchHitKindEnum"]["enum"]
    search = schema["paths"]["/api/v1/o/{org_slug}/search/"]["get"]["responses"]["200"]
    assert search["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/SearchResult"}


def test_every_org_operation_documents_its_json_errors():
    schema = _schema()
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/v1/o/"):
            continue
        for method, op in operations.items():
            assert {"400", "401", "403", "404"} <= set(op["responses"]), (method, path)
            if method in ("post", "patch", "put", "delete"):
                assert "409" in op["responses"], (method, path)
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"detail", "errors"}


@pytest.mark.parametrize("page_size", ["x", "0", "-1", "201"])
def test_a_bad_page_size_is_a_400_not_ignored(org, page_size):
    from tests.api.helpers import client_for, error_fields, url
    from tests.factories import member

    response = client_for(member(org)).get(url(org, "pods_api:pod-list"), {"page_size": page_size})
    assert response.status_code == 400 and error_fields(response) == {"page_size"}
