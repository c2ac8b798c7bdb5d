"""Organization-level tenancy pages, mounted under /o/<org_slug>/."""

from django.urls import path

from tenancy.views import org_admin

app_name = "tenancy"

urlpatterns = [
    path("settings/", org_admin.OrgSettingsView.as_view(), name="settings"),
    path("members/", org_admin.MembersView.as_view(), name="members"),
    path("members/<int:pk>/", org_admin.MembershipChangeView.as_view(), name="membership_change"),
    path("invitations/<int:pk>/revoke/", org_admin.InvitationRevokeView.as_view(),
         name="invitation_revoke"),
    path("tokens/", org_admin.ApiTokensView.as_view(), name="api_tokens"),
    path("tokens/<int:pk>/revoke/", org_admin.ApiTokenRevokeView.as_view(), name="api_token_revoke"),
    path("audit/", org_admin.AuditView.as_view(), name="audit"),
    path("notifications/", org_admin.NotificationsView.as_view(), name="notifications"),
    path("people/import/", org_admin.PeopleImportView.as_view(), name="people_import"),
]
