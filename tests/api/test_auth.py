"""Who gets in: tokens work only in their own org, revoked tokens are refused, sessions work,
and every org endpoint answers 404 to non-members and 401 to anonymous callers."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from tenancy.models import ApiToken, AuditEvent
from tenancy.services import api_token_create, api_token_revoke
from tests.api.helpers import url
from tests.factories import PodFactory, member

pytestmark = pytest.mark.django_db


def token_client(membership, name="test") -> APIClient:
    _, raw = api_token_create(organization=membership.organization, actor=membership.user,
                              name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_token_reads_its_own_org(org):
    client = token_client(member(org))
    response = client.get(url(org, "tenancy_api:organization"))
    assert response.status_code == 200
    assert response.json()["slug"] == org.slug


def test_token_is_404_in_another_org_even_for_a_member_of_both(org, other_org):
    m = member(org)
    member(other_org, "admin", user=m.user)
    client = token_client(m)
    assert client.get(url(other_org, "tenancy_api:organization")).status_code == 404
    assert client.get(url(other_org, "pods_api:pod-list")).status_code == 404


def test_non_member_and_unknown_org_look_the_same(org, other_org):
    client = token_client(member(org))
    PodFactory(organization=other_org)
    for slug in (other_org.slug, "no-such-org"):
        response = client.get(f"/api/v1/o/{slug}/pods/")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "errors": []}


def test_revoked_token_is_401(org):
    m = member(org)
    token, raw = api_token_create(organization=org, actor=m.user, name="ci")
    api_token_revoke(organization=org, actor=m.user, token=token)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.get(url(org, "pods_api:pod-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer pod_not-a-real-token", "Bearer", "Bearer a b"])
def test_bad_tokens_are_401(org, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get(url(org, "pods_api:pod-list")).status_code == 401


def test_anonymous_is_401(org):
    response = APIClient().get(url(org, "pods_api:pod-list"))
    assert response.status_code == 401
    assert "detail" in response.json()


def test_session_auth_works(org, client):
    m = member(org)
    client.force_login(m.user)
    response = client.get(url(org, "tenancy_api:member-list"))
    assert response.status_code == 200
    assert m.user.email in [row["email"] for row in response.json()["results"]]


def test_session_of_a_non_member_is_404(other_org, client, org):
    client.force_login(member(org).user)
    assert client.get(url(other_org, "tenancy_api:organization")).status_code == 404


def _org_patterns(resolver: URLResolver, prefix: str = "") -> list[str]:
    out = []
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            out.extend(_org_patterns(p, route))
        elif isinstance(p, URLPattern) and route.startswith("api/v1/o/"):
            out.append(route)
    return out


def test_every_org_endpoint_refuses_outsiders(org, other_org):
    """Walk the API's URL patterns: anonymous → 401, member of another org → 404."""
    pod = PodFactory(organization=org)
    outsider = APIClient()
    outsider.force_authenticate(member(other_org, "owner").user)
    routes = _org_patterns(get_resolver())
    assert len(routes) >= 10
    for route in routes:
        path = "/" + (route.replace("<slug:org_slug>", org.slug).replace("<int:pod_pk>", str(pod.pk))
                      .replace("<int:pk>", "1"))
        path = re.sub(r"<int:\w+>", "1", path)  # any other id (e.g. a delivery under a webhook)
        assert APIClient().get(path).status_code == 401, path
        assert APIClient().post(path, {}, format="json").status_code == 401, path
        assert outsider.get(path).status_code == 404, path
        assert outsider.post(path, {}, format="json").status_code == 404, path


# --- issue_token --------------------------------------------------------------------------------


def test_issue_token_prints_a_working_token_once(org, capsys):
    m = member(org)
    call_command("issue_token", "--org", org.slug, "--email", m.user.email.upper(), "--name", "ci")
    out, err = capsys.readouterr()
    raw = out.strip()
    assert raw.startswith("pod_") and "\n" not in raw
    assert raw not in err
    token = ApiToken.objects.for_org(org).get()
    assert token.name == "ci" and token.user == m.user and raw.startswith(token.prefix)
    event = AuditEvent.objects.for_org(org).get(action="api_token.created")
    assert event.source == "cli"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(url(org, "tenancy_api:organization")).status_code == 200


@pytest.mark.parametrize(
    "case, message",
    [("org", "No organization"), ("email", "No user"), ("stranger", "not a member")],
)
def test_issue_token_errors(org, other_org, case, message):
    m = member(org)
    outsider = member(other_org)
    args = {"org": org.slug, "email": m.user.email}
    if case == "org":
        args["org"] = "nope"
    elif case == "email":
        args["email"] = "nobody@example.test"
    else:
        args["email"] = outsider.user.email
    with pytest.raises(CommandError, match=message):
        call_command("issue_token", "--org", args["org"], "--email", args["email"])
    assert not ApiToken.objects.for_org(org).exists()
    assert not ApiToken.objects.for_org(other_org).exists()


def test_issue_token_rejects_an_over_long_name(org):
    m = member(org)
    with pytest.raises(CommandError, match="name"):
        call_command("issue_token", "--org", org.slug, "--email", m.user.email, "--name", "x" * 81)
