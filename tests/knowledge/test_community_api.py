"""Guilds and lesson feedback through the API, with the pages' rules."""

from __future__ import annotations

import pytest

from knowledge.models import GuildMember, LessonComment, LessonVote
from tests.api.helpers import client_for, error_fields
from tests.factories import member
from tests.knowledge.factories import lesson

pytestmark = pytest.mark.django_db


def api(org, path):
    return f"/api/v1/o/{org.slug}/{path}"


def test_guilds_membership_votes_and_comments(org):
    leader, someone = member(org, "leader"), member(org)
    assert client_for(someone).post(api(org, "guilds/"), {"name": "Evals"}, format="json").status_code == 403
    r = client_for(leader).post(api(org, "guilds/"), {"name": "Evals", "topic": "Evaluation"}, format="json")
    assert r.status_code == 201, r.content
    gid = r.json()["id"]
    assert client_for(someone).patch(api(org, f"guilds/{gid}/"), {"name": "Mine"}, format="json").status_code == 403
    assert client_for(leader).patch(api(org, f"guilds/{gid}/"), {"topic": "Evals"}, format="json").status_code == 200
    assert client_for(someone).post(api(org, f"guilds/{gid}/join/")).json()["member_count"] == 2
    r = client_for(leader).post(api(org, f"guilds/{gid}/stewards/"), {"user": someone.user.pk, "is_steward": True},
                                format="json")
    assert r.status_code == 200 and GuildMember.objects.for_org(org).get(user=someone.user).is_steward
    from knowledge.models import Guild

    g = Guild.objects.for_org(org).get(pk=gid)
    les = lesson(org, g, leader)
    c = client_for(someone)
    assert c.post(api(org, f"lessons/{les.pk}/vote/")).json() == {"voted": True}
    assert LessonVote.objects.for_org(org).count() == 1
    empty = c.post(api(org, f"lessons/{les.pk}/comments/"), {"body": " "}, format="json")
    assert empty.status_code == 400 and error_fields(empty) == {"body"}
    r = c.post(api(org, f"lessons/{les.pk}/comments/"), {"body": "Pinned ours too"}, format="json")
    assert r.status_code == 201
    cid = r.json()["id"]
    assert client_for(member(org)).post(api(org, f"lessons/{les.pk}/comments/{cid}/remove/")).status_code == 403
    assert client_for(leader).post(api(org, f"lessons/{les.pk}/comments/{cid}/remove/")).status_code == 200
    assert LessonComment.objects.for_org(org).get().body != "Pinned ours too"
    assert client_for(someone).post(api(org, f"guilds/{gid}/leave/")).status_code == 200
