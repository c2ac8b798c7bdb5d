"""Organization administration through the API: settings, member roles and removal,
invitations, and the caller's own notifications. The admin pages' services and rules."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from tenancy import selectors, services
from tenancy.access import get_or_404
from tenancy.api import views
from tenancy.api.base import OrgAPIRequest
from tenancy.api.serializers import MembershipSerializer, OrganizationSerializer
from tenancy.models import Invitation, Notification, Organization, Role
from tenancy.notifications import notification_list, notifications_mark_read


class SettingsSerializer(serializers.ModelSerializer[Organization]):
    class Meta:
        model = Organization
        fields = list(services.ORG_SETTINGS_FIELDS)


class OrganizationView(views.OrganizationView):
    """The organization named in the URL; admins change its settings with PATCH."""

    @extend_schema(operation_id="organization_partial_update", request=SettingsSerializer,
                   responses=OrganizationSerializer)
    def patch(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("tenancy.change_settings")
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"non_field_errors": "Send a JSON object of settings."})
        unknown = sorted(set(request.data) - set(services.ORG_SETTINGS_FIELDS))
        if unknown:
            raise serializers.ValidationError({unknown[0]: "This cannot be changed here; settings are "
                                               + ", ".join(services.ORG_SETTINGS_FIELDS) + "."})
        form = SettingsSerializer(self.organization, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        org = services.organization_update(organization=self.organization, actor=request.user,
                                           **form.validated_data)
        return Response(OrganizationSerializer(org).data)


class RoleSerializer(serializers.Serializer[Any]):
    role = serializers.ChoiceField(choices=Role.choices)


class MemberViewSet(views.MemberViewSet):
    """Members of the organization; admins change roles (PATCH) and remove members (DELETE)."""

    def _member(self, pk: Any) -> Any:
        self.check_rule("tenancy.view_org")
        return get_or_404(selectors.membership_get, organization=self.organization, pk=pk)

    @extend_schema(responses=MembershipSerializer)
    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return Response(MembershipSerializer(self._member(pk)).data)

    @extend_schema(request=RoleSerializer, responses=MembershipSerializer)
    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("tenancy.manage_members")
        m = self._member(pk)
        role = self.validated(RoleSerializer).validated_data["role"]
        services.membership_change_role(organization=self.organization, actor=request.user, membership=m, role=role)
        return Response(MembershipSerializer(self._member(pk)).data)

    def destroy(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("tenancy.manage_members")
        services.membership_remove(organization=self.organization, actor=request.user, membership=self._member(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationSerializer(serializers.ModelSerializer[Invitation]):
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)
    status = serializers.CharField(read_only=True, help_text="pending, accepted, revoked or expired")

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "status", "created_at", "expires_at"]
        read_only_fields = ["id", "status", "created_at", "expires_at"]


class InvitationCreatedSerializer(InvitationSerializer):
    accept_url = serializers.CharField(read_only=True, help_text="The link to send; shown only in this response.")

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "accept_url"]


class InvitationViewSet(views.ApiViewSet):
    """Invitations (admins): create one (emailed, and its link returned once), list, revoke (DELETE)."""

    queryset = Invitation.objects.none()
    serializer_class = InvitationSerializer

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("tenancy.manage_members")
        return self.paginated(selectors.invitation_list(organization=self.organization), InvitationSerializer)

    @extend_schema(request=InvitationSerializer, responses={201: InvitationCreatedSerializer})
    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        from tenancy.notifications import absolute_url, send_invitation_email

        self.check_rule("tenancy.manage_members")
        data = self.validated(InvitationSerializer).validated_data
        invitation, raw = services.invitation_create(organization=self.organization, actor=request.user, **data)
        link = absolute_url(reverse("invitation_accept", args=[raw]))
        send_invitation_email(invitation=invitation, link=link)
        data = {**InvitationSerializer(invitation).data, "accept_url": link}
        return Response(data, status=status.HTTP_201_CREATED)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("tenancy.manage_members")
        return Response(InvitationSerializer(
            get_or_404(selectors.invitation_get, organization=self.organization, pk=pk)).data)

    def destroy(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("tenancy.manage_members")
        invitation = get_or_404(selectors.invitation_get, organization=self.organization, pk=pk)
        services.invitation_revoke(organization=self.organization, actor=request.user, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]


class MarkReadSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(required=False, help_text="One notification; leave out to mark all read.")


class NotificationViewSet(views.ApiViewSet):
    """The caller's own notifications in this organization, newest first."""

    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("tenancy.view_org")
        return self.paginated(notification_list(organization=self.organization, user=request.user),
                              NotificationSerializer)

    @extend_schema(request=MarkReadSerializer, responses={200: None})
    @action(detail=False, methods=["post"])
    def read(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("tenancy.view_org")
        pk = self.validated(MarkReadSerializer).validated_data.get("id")
        marked = notifications_mark_read(organization=self.organization, user=request.user, pk=pk)
        return Response({"marked": marked})
