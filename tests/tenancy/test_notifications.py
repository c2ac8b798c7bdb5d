from django.core import mail

from tenancy.models import Notification
from tenancy.notifications import notify, unread_count
from tests.factories import member


def test_notify_in_app_and_by_email_once_committed(org, django_capture_on_commit_callbacks):
    a, b = member(org).user, member(org).user
    with django_capture_on_commit_callbacks(execute=True):
        notify(organization=org, users=[a, b, a], kind="test", title="Decided", url="/x/", email=True)
    assert Notification.objects.for_org(org).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([a.email, b.email])
    assert unread_count(organization=org, user=a) == 1


def test_notifications_page_shows_only_mine_and_marks_read(client, org, other_org):
    me = member(org).user
    notify(organization=org, users=[me], kind="t", title="Mine here")
    notify(organization=org, users=[member(org).user], kind="t", title="Someone else's")
    notify(organization=other_org, users=[member(other_org, user=me).user], kind="t", title="Other org")
    client.force_login(me)
    body = client.get(f"/o/{org.slug}/notifications/").content.decode()
    assert "Mine here" in body and "Someone else" not in body and "Other org" not in body
    assert 'aria-label="Notifications: 1 unread"' in body
    client.post(f"/o/{org.slug}/notifications/")
    assert unread_count(organization=org, user=me) == 0
