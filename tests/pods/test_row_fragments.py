"""Russian-doll rows (tenancy.cache.cached_rows) on the people directory, and the Python-built
rows of the org home: a write re-renders only the rows it changed, and never leaves one stale."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from pods import services as pod_services
from pods.views import people as people_views
from tenancy import services as tenancy_services
from tenancy.models import Skill
from tenancy.views.links import pk_url
from tests.factories import AssignmentFactory, PersonFactory, member


def _row(html: str, person_pk: int) -> str:
    match = re.search(rf'<tr><td><a href="[^"]*/people/{person_pk}/">.*?</tr>', html)
    assert match, person_pk
    return match.group(0)


@pytest.fixture
def directory(org, client, monkeypatch):
    admin = member(org, "admin").user
    staffed = AssignmentFactory(organization=org, allocation_percent=30)
    others = [PersonFactory(organization=org) for _ in range(3)]
    client.force_login(admin)
    rendered: list[int] = []
    real = people_views.person_row

    def spy(p, *args):
        rendered.append(p["pk"])
        return real(p, *args)

    monkeypatch.setattr(people_views, "person_row", spy)
    return {"admin": admin, "staffed": staffed, "others": others, "rendered": rendered,
            "url": f"/o/{org.slug}/people/"}


def test_an_assignment_edit_re_renders_only_that_persons_row(org, client, directory,
                                                             django_capture_on_commit_callbacks):
    d = directory
    client.get(d["url"])
    assert {p.pk for p in d["others"]} | {d["staffed"].person_id} <= set(d["rendered"])
    d["rendered"].clear()
    client.get(d["url"])
    assert d["rendered"] == []  # the list fragment itself is cached

    with django_capture_on_commit_callbacks(execute=True):
        pod_services.assignment_update(organization=org, actor=d["admin"], assignment=d["staffed"],
                                       allocation_percent=70)
    html = client.get(d["url"]).content.decode()
    assert d["rendered"] == [d["staffed"].person_id]  # the list was rebuilt from the others' rows
    assert ">70%</td>" in _row(html, d["staffed"].person_id)


def test_a_people_write_is_never_shown_stale_in_a_row(org, client, directory,
                                                      django_capture_on_commit_callbacks):
    d = directory
    person = d["others"][0]
    client.get(d["url"])
    with django_capture_on_commit_callbacks(execute=True):
        skill = tenancy_services.skill_create(organization=org, actor=d["admin"], name="Causal inference")
        tenancy_services.person_update(organization=org, actor=d["admin"], person=person,
                                       title="Staff scientist", skills={Skill.objects.for_org(org).get(pk=skill.pk): 5})
    row = _row(client.get(d["url"]).content.decode(), person.pk)
    assert "Staff scientist" in row and '<span class="tag">Causal inference 5</span>' in row


def test_rows_escape_what_people_typed(org, client, directory, django_capture_on_commit_callbacks):
    d = directory
    person = d["others"][0]
    with django_capture_on_commit_callbacks(execute=True):
        tenancy_services.person_update(organization=org, actor=d["admin"], person=person,
                                       full_name="<script>x</script>")
    html = client.get(d["url"]).content.decode()
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_pk_url_is_reverse_for_each_id(org):
    url = pk_url("pods:person_detail", org.slug)
    assert [url(7), url(1234)] == [reverse("pods:person_detail", args=[org.slug, pk]) for pk in (7, 1234)]
