"""Correcting showcases, presentations, talks and rotations (services and pages), and editing
lessons through the API: who may, what is refused whole, what is audited and re-indexed."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from knowledge import services
from knowledge.models import LessonRevision, Presentation, Rotation, SearchDocument, Showcase, Talk
from tenancy.models import AuditEvent
from tests.api.helpers import client_for, error_fields, url
from tests.factories import PersonFactory, PodFactory, member
from tests.knowledge.factories import guild, lesson

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 3, 14)


def u(org, name, *args):
    return reverse(f"knowledge:{name}", args=[org.slug, *args])


def audited(org, action):
    return AuditEvent.objects.for_org(org).filter(action=action)


def doc(org, kind, pk):
    return SearchDocument.objects.for_org(org).get(kind=kind, object_id=pk)


@pytest.fixture
def world(org):
    """An admin's showcase with a presentation, a talk and a rotation."""
    admin = member(org, "admin")
    g = guild(org, name="Evaluation", steward=admin)
    sc = services.showcase_create(organization=org, actor=admin.user, title="March showcase",
                                  date=TODAY)
    p = services.presentation_create(organization=org, actor=admin.user, showcase=sc,
                                     title="RAG in production", summary="What broke")
    talk = services.talk_create(organization=org, actor=admin.user, title="Attention", speaker="A",
                                date=TODAY, guild=g, tags="nlp")
    home, host = PodFactory(organization=org), PodFactory(organization=org)
    rotation = services.rotation_create(
        organization=org, actor=admin.user, person=PersonFactory(organization=org),
        home_pod=home, host_pod=host, start_date=TODAY, end_date=TODAY + datetime.timedelta(days=30),
        goals="Learn serving")
    return {"admin": admin, "guild": g, "showcase": sc, "presentation": p, "talk": talk,
            "rotation": rotation, "home": home, "host": host}


# --- Services ------------------------------------------------------------------------------------


def test_showcase_update_audits_and_reindexes_its_presentations(org, world):
    sc, p, admin = world["showcase"], world["presentation"], world["admin"]
    new_date = TODAY + datetime.timedelta(days=1)
    services.showcase_update(organization=org, actor=admin.user, showcase=sc,
                             title="  April showcase ", date=new_date)
    sc.refresh_from_db()
    assert (sc.title, sc.date) == ("April showcase", new_date)
    event = audited(org, "showcase.updated").get()
    assert event.before["title"] == "March showcase" and event.after["title"] == "April showcase"
    d = doc(org, "presentation", p.pk)
    assert "April showcase" in d.body and "March" not in d.body and d.date == new_date


def test_showcase_update_refuses_bad_input_whole(org, world):
    sc, admin = world["showcase"], world["admin"]
    for bad in ({"title": "Renamed", "recording_url": "not a url"}, {"title": "  "},
                {"date": None}, {"title": "Renamed", "pk": 99}):
        with pytest.raises(ValidationError):
            services.showcase_update(organization=org, actor=admin.user, showcase=sc, **bad)
    sc.refresh_from_db()
    assert sc.title == "March showcase"
    assert not audited(org, "showcase.updated").exists()
    assert "March showcase" in doc(org, "presentation", world["presentation"].pk).body


def test_presentation_update_audits_and_reindexes(org, world):
    p, admin = world["presentation"], world["admin"]
    pod = PodFactory(organization=org)
    services.presentation_update(organization=org, actor=admin.user, presentation=p,
                                 title="RAG, a year on", kind="failure", pod=pod)
    p.refresh_from_db()
    assert (p.title, p.kind, p.pod_id, p.showcase_id) == (
        "RAG, a year on", "failure", pod.pk, world["showcase"].pk)
    assert audited(org, "presentation.updated").get().after["pod"] == pod.pk
    d = doc(org, "presentation", p.pk)
    assert d.title == "RAG, a year on" and d.pod_id_ref == pod.pk and d.tags == ["failure"]


def test_presentation_update_refuses_foreign_pod_and_bad_kind(org, other_org, world):
    p, admin = world["presentation"], world["admin"]
    for bad in ({"title": "X", "pod": PodFactory(organization=other_org)},
                {"title": "X", "kind": "triumph"}, {"showcase": world["showcase"]}):
        with pytest.raises(ValidationError) as exc:
            services.presentation_update(organization=org, actor=admin.user, presentation=p, **bad)
        assert set(exc.value.message_dict) & set(bad) - {"title"}
    p.refresh_from_db()
    assert p.title == "RAG in production"
    assert not audited(org, "presentation.updated").exists()


def test_talk_update_audits_and_reindexes(org, world):
    talk, admin = world["talk"], world["admin"]
    services.talk_update(organization=org, actor=admin.user, talk=talk, title="Attention, again",
                         tags="NLP, Transformers", guild=None, kind="paper")
    talk.refresh_from_db()
    assert (talk.title, talk.tags, talk.guild_id, talk.kind) == (
        "Attention, again", ["nlp", "transformers"], None, "paper")
    assert audited(org, "talk.updated").get().before["title"] == "Attention"
    d = doc(org, "talk", talk.pk)
    assert d.title == "Attention, again" and d.guild_id_ref is None
    assert d.tags == ["nlp", "transformers", "paper"]


def test_talk_update_refuses_foreign_guild_and_blank_speaker(org, other_org, world):
    talk, admin = world["talk"], world["admin"]
    with pytest.raises(ValidationError) as exc:
        services.talk_update(organization=org, actor=admin.user, talk=talk, title="Moved",
                             guild=guild(other_org, name="Theirs"))
    assert "guild" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.talk_update(organization=org, actor=admin.user, talk=talk, title="Moved",
                             speaker=" ")
    assert "speaker" in exc.value.message_dict
    talk.refresh_from_db()
    assert talk.title == "Attention" and doc(org, "talk", talk.pk).title == "Attention"
    assert not audited(org, "talk.updated").exists()


def test_rotation_update_audits(org, world):
    r, admin = world["rotation"], world["admin"]
    services.rotation_update(organization=org, actor=admin.user, rotation=r, goals=" Learn evals ",
                             end_date=TODAY + datetime.timedelta(days=60), home_pod=None)
    r.refresh_from_db()
    assert (r.goals, r.end_date, r.home_pod_id) == (
        "Learn evals", TODAY + datetime.timedelta(days=60), None)
    event = audited(org, "rotation.updated").get()
    assert event.before["goals"] == "Learn serving" and event.after["home_pod"] is None


@pytest.mark.parametrize("bad, field", [
    ({"end_date": TODAY - datetime.timedelta(days=1)}, "end_date"),
    ({"host_pod": "home"}, "host_pod"),
    ({"host_pod": None}, "host_pod"),
    ({"person": "foreign"}, "person"),
    ({"home_pod": "foreign"}, "home_pod"),
    ({"goals": ""}, "goals"),
    ({"lesson": None}, "lesson"),
])
def test_rotation_update_refuses_bad_input_whole(org, other_org, world, bad, field):
    r, admin = world["rotation"], world["admin"]
    replace = {"home": world["home"], "foreign": PodFactory(organization=other_org)}
    if bad.get("person") == "foreign":
        replace["foreign"] = PersonFactory(organization=other_org)
    bad = {k: replace.get(v, v) if isinstance(v, str) else v for k, v in bad.items()}
    with pytest.raises(ValidationError) as exc:
        services.rotation_update(organization=org, actor=admin.user, rotation=r,
                                 start_date=TODAY + datetime.timedelta(days=1), **bad)
    assert field in exc.value.message_dict
    r.refresh_from_db()
    assert r.start_date == TODAY and r.goals == "Learn serving"
    assert not audited(org, "rotation.updated").exists()


def test_rotation_extended_past_today_is_asked_for_its_lesson_again(org, world):
    r, admin = world["rotation"], world["admin"]
    Rotation.objects.for_org(org).filter(pk=r.pk).update(lesson_requested_at=timezone.now())
    services.rotation_update(organization=org, actor=admin.user, rotation=r,
                             end_date=timezone.localdate() + datetime.timedelta(days=7))
    r.refresh_from_db()
    assert r.lesson_requested_at is None


def test_updates_are_scoped_to_the_organization(org, other_org, world):
    outsider = member(other_org, "admin")
    with pytest.raises(Showcase.DoesNotExist):
        services.showcase_update(organization=other_org, actor=outsider.user,
                                 showcase=world["showcase"], title="Mine now")
    with pytest.raises(Talk.DoesNotExist):
        services.talk_update(organization=other_org, actor=outsider.user, talk=world["talk"],
                             title="Mine now")
    with pytest.raises(Presentation.DoesNotExist):
        services.presentation_update(organization=other_org, actor=outsider.user,
                                     presentation=world["presentation"], title="Mine now")
    with pytest.raises(Rotation.DoesNotExist):
        services.rotation_update(organization=other_org, actor=outsider.user,
                                 rotation=world["rotation"], goals="Mine now")


# --- Pages ---------------------------------------------------------------------------------------


def _pages(org, world):
    """(url name, object, valid POST, invalid POST, field the invalid POST names)."""
    r = world["rotation"]
    return [
        ("showcase_edit", world["showcase"],
         {"title": "April showcase", "date": "2025-04-11", "recording_url": ""},
         {"title": "April showcase", "date": "not a date"}, "date"),
        ("presentation_edit", world["presentation"],
         {"title": "RAG, revisited", "kind": "success", "summary": "", "slides_url": ""},
         {"title": "", "kind": "success"}, "title"),
        ("talk_edit", world["talk"],
         {"title": "Attention, again", "kind": "talk", "speaker": "B", "date": "2025-03-15",
          "tags": "nlp"},
         {"title": "X", "kind": "talk", "speaker": "B", "date": "2025-03-15",
          "recording_url": "not a url"}, "recording_url"),
        ("rotation_edit", r,
         {"person": r.person_id, "home_pod": r.home_pod_id, "host_pod": r.host_pod_id,
          "start_date": "2025-03-14", "end_date": "2025-05-01", "goals": "Learn evals"},
         {"person": r.person_id, "home_pod": r.home_pod_id, "host_pod": r.home_pod_id,
          "start_date": "2025-03-14", "end_date": "2025-05-01", "goals": "Learn evals"},
         "host_pod"),
    ]


@pytest.mark.parametrize("role", ["admin", "leader"])
def test_managers_edit_through_the_pages(client, org, world, role):
    client.force_login(member(org, role).user)
    for name, obj, good, bad, field in _pages(org, world):
        page = client.get(u(org, name, obj.pk))
        assert page.status_code == 200, name
        response = client.post(u(org, name, obj.pk), bad)
        assert response.status_code == 400, name
        assert response.context["form"].errors.get(field), (name, response.context["form"].errors)
        response = client.post(u(org, name, obj.pk), good)
        assert response.status_code == 302, (name, response.context and response.context["form"].errors)
    world["showcase"].refresh_from_db()
    assert world["showcase"].title == "April showcase"
    assert Presentation.objects.for_org(org).get().title == "RAG, revisited"
    assert Talk.objects.for_org(org).get().title == "Attention, again"
    assert Rotation.objects.for_org(org).get().goals == "Learn evals"
    assert audited(org, "rotation.updated").count() == 1


def test_edit_forms_are_filled_from_the_object(client, org, world):
    client.force_login(world["admin"].user)
    talk_form = client.get(u(org, "talk_edit", world["talk"].pk)).context["form"]
    assert talk_form.initial["guild"] == world["guild"].pk and talk_form.initial["tags"] == "nlp"
    html = client.get(u(org, "rotation_edit", world["rotation"].pk)).content.decode()
    assert "Learn serving" in html and 'value="2025-03-14"' in html


def test_rotation_of_someone_who_left_stays_editable(client, org, world):
    r = world["rotation"]
    r.person.is_active = False
    r.person.save(update_fields=["is_active"])
    client.force_login(world["admin"].user)
    good = _pages(org, world)[3][2]
    assert client.post(u(org, "rotation_edit", r.pk), good).status_code == 302


def test_plain_member_cannot_edit(client, org, world):
    client.force_login(member(org).user)
    for name, obj, good, _bad, _field in _pages(org, world):
        assert client.get(u(org, name, obj.pk)).status_code == 403, name
        assert client.post(u(org, name, obj.pk), good).status_code == 403, name
    assert not AuditEvent.objects.for_org(org).filter(action__endswith=".updated").exists()


def test_edit_links_show_for_managers_only(client, org, world):
    sc, p, talk, r = world["showcase"], world["presentation"], world["talk"], world["rotation"]
    links = {"showcase_detail": [u(org, "showcase_edit", sc.pk), u(org, "presentation_edit", p.pk)],
             "talk_list": [u(org, "talk_edit", talk.pk)],
             "rotation_list": [u(org, "rotation_edit", r.pk)]}
    for who, shown in ((world["admin"], True), (member(org), False)):
        client.force_login(who.user)
        for page, hrefs in links.items():
            args = (sc.pk,) if page == "showcase_detail" else ()
            html = client.get(u(org, page, *args)).content.decode()
            for href in hrefs:
                assert (f'href="{href}"' in html) is shown, (who.role, page, href)


def test_another_orgs_objects_answer_404(client, org, other_org, world):
    client.force_login(member(other_org, "admin").user)
    for name, obj, good, _bad, _field in _pages(org, world):
        assert client.get(u(other_org, name, obj.pk)).status_code == 404, name
        assert client.post(u(other_org, name, obj.pk), good).status_code == 404, name


# --- API: PATCH a lesson -------------------------------------------------------------------------


def test_lesson_patch_by_author_keeps_a_revision(org):
    g = guild(org)
    le = lesson(org, g, title="v1", body="first", tags=["eval"])
    author = le.author.memberships.get(organization=org)
    client = client_for(author)
    response = client.patch(url(org, "knowledge_api:lesson-detail", pk=le.pk),
                             {"title": "v2", "tags": ["eval", "rag"]}, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["title"], data["tags"], data["version"], data["body"]) == (
        "v2", ["eval", "rag"], 2, "first")
    assert LessonRevision.objects.for_org(org).get(lesson=le).title == "v1"
    assert audited(org, "lesson.updated").exists()
    assert doc(org, "lesson", le.pk).title == "v2"


def test_lesson_patch_by_steward_and_admin(org):
    steward = member(org, "leader")
    g = guild(org, steward=steward)
    le = lesson(org, g)
    for who in (steward, member(org, "admin")):
        response = client_for(who).patch(url(org, "knowledge_api:lesson-detail", pk=le.pk),
                                          {"kind": "failure"}, format="json")
        assert response.status_code == 200, response.content


def test_lesson_patch_by_other_member_is_403(org):
    g = guild(org)
    le = lesson(org, g)
    other = member(org)
    services.guild_join(organization=org, actor=other.user, guild=g)
    response = client_for(other).patch(url(org, "knowledge_api:lesson-detail", pk=le.pk),
                                       {"title": "Hijacked"}, format="json")
    assert response.status_code == 403 and set(response.json()) == {"detail", "errors"}
    le.refresh_from_db()
    assert le.title == "Pin your eval set"


def test_lesson_patch_bad_input_is_400_naming_the_field(org, other_org):
    g = guild(org)
    le = lesson(org, g)
    client = client_for(le.author.memberships.get(organization=org))
    path = url(org, "knowledge_api:lesson-detail", pk=le.pk)
    for body, fields in (({"kind": "triumph"}, {"kind"}), ({"title": ""}, {"title"}),
                         ({"body": "   "}, {"body"}),
                         ({"pod": PodFactory(organization=other_org).pk, "title": "ok"}, {"pod"})):
        response = client.patch(path, body, format="json")
        assert response.status_code == 400 and error_fields(response) == fields, response.content
    le.refresh_from_db()
    assert le.version == 1 and not audited(org, "lesson.updated").exists()


def test_lesson_patch_publishes_a_draft(org):
    g = guild(org)
    draft = lesson(org, g, publish=False)
    client = client_for(draft.author.memberships.get(organization=org))
    response = client.patch(url(org, "knowledge_api:lesson-detail", pk=draft.pk),
                            {"publish": True}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "published"


def test_lesson_patch_of_another_org_is_404(org, other_org):
    le = lesson(org, guild(org))
    outsider = member(other_org, "admin")
    response = client_for(outsider).patch(url(other_org, "knowledge_api:lesson-detail", pk=le.pk),
                                          {"title": "x"}, format="json")
    assert response.status_code == 404
    response = client_for(outsider).patch(url(org, "knowledge_api:lesson-detail", pk=le.pk),
                                          {"title": "x"}, format="json")
    assert response.status_code == 404
