from __future__ import annotations

from django.core.mail import send_mail

from tenancy.models import Invitation


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
