"""In-app notifications (and the emails that go with them). Apps call `notify`."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tenancy.models import Invitation, Notification, Organization, User


def notify(
    *,
    organization: Organization,
    users: Iterable[User | None],  # None (a deleted author, an unlinked person) is skipped
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = False,
) -> list[Notification]:
    """Notify each distinct user in-app; with `email`, also send a mail once the write commits."""
    recipients = {u.pk: u for u in users if u is not None}
    created = Notification.objects.bulk_create(
        Notification(organization=organization, user=u, kind=kind, title=title[:200],
                     body=body, url=url[:300])
        for u in recipients.values()
    )
    if email and recipients:
        addresses = [u.email for u in recipients.values()]
        message = f"{body}\n\n{absolute_url(url)}".strip()

        def send() -> None:
            for address in addresses:
                send_mail(subject=f"[{organization.name}] {title}", message=message,
                          from_email=None, recipient_list=[address], fail_silently=True)

        transaction.on_commit(send)
    return created


def absolute_url(path: str) -> str:
    """`path` ("/o/demo/…") as a full link from settings.PODIUM_SITE_URL, for emails, which
    are read outside the site; already absolute URLs and "" pass through."""
    if not path or "://" in path:
        return path
    return f"{settings.PODIUM_SITE_URL}/{path.lstrip('/')}"


def notification_list(*, organization: Organization, user: User) -> QuerySet[Notification]:
    return Notification.objects.for_org(organization).filter(user=user).order_by("-created_at", "-id")


def unread_count(*, organization: Organization, user: User) -> int:
    return Notification.objects.for_org(organization).filter(user=user, read_at__isnull=True).count()


def notifications_mark_read(*, organization: Organization, user: User, pk: int | None = None) -> int:
    qs = Notification.objects.for_org(organization).filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())


def send_invitation_email(*, invitation: Invitation, link: str) -> None:
    send_mail(
        subject=f"You are invited to {invitation.organization.name} on Podium",
        message=(
            f"{invitation.invited_by or 'Someone'} invited you to join "
            f"{invitation.organization.name} as {invitation.get_role_display().lower()}.\n\n"
            f"Accept the invitation: {link}\n\nThe link works until "
            f"{invitation.expires_at:%d %b %Y}."
        ),
        from_email=None,
        recipient_list=[invitation.email],
        fail_silently=True,
    )
