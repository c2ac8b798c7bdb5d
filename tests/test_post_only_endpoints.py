"""POST-only endpoints answer GET with 405: a create view does not inherit a detail view's GET."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tests.factories import member
from tests.knowledge.factories import guild, incident, lesson

pytestmark = pytest.mark.django_db


def test_post_only_endpoints_refuse_get(client, org):
    admin = member(org, "admin")
    le = lesson(org, guild(org, steward=admin), author=admin)
    inc = incident(org, admin)
    from knowledge import services

    showcase = services.showcase_create(organization=org, actor=admin.user, title="Monthly",
                                        date=datetime.date(2026, 1, 15))
    client.force_login(admin.user)
    for name, kwargs in [
        ("knowledge:lesson_comment", {"pk": le.pk}),
        ("knowledge:lesson_comment_remove", {"pk": le.pk, "comment_pk": 1}),
        ("knowledge:action_item_create", {"pk": inc.pk}),
        ("knowledge:presentation_create", {"pk": showcase.pk}),
    ]:
        path = reverse(name, kwargs={"org_slug": org.slug, **kwargs})
        assert client.get(path).status_code == 405, name
