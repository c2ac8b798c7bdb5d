"""Pod and people pages, mounted under /o/<org_slug>/."""

from django.urls import path

from pods.views import charters, exports, people, pods, team

app_name = "pods"

urlpatterns = [
    path("", pods.OrgHomeView.as_view(), name="org_home"),
    path("pods/new/", pods.PodCreateView.as_view(), name="pod_create"),
    path("pods/export.csv", exports.PodsExportView.as_view(), name="pods_export"),
    path("people/export.csv", exports.PeopleExportView.as_view(), name="people_export"),
    path("assignments/export.csv", exports.AssignmentsExportView.as_view(), name="assignments_export"),
    path("pods/import/", exports.CsvImportView.as_view(what="pods"), name="pods_import"),
    path("assignments/import/", exports.CsvImportView.as_view(what="assignments"), name="assignments_import"),
    path("pods/<int:pk>/", pods.PodDetailView.as_view(), name="pod_detail"),
    path("pods/<int:pk>/edit/", pods.PodEditView.as_view(), name="pod_edit"),
    path("pods/<int:pk>/health/", pods.PodHealthPartial.as_view(), name="pod_health"),
    path("pods/<int:pk>/members/", pods.AssignmentCreateView.as_view(), name="assignment_create"),
    path("pods/<int:pk>/members/candidates/", pods.MemberCandidatesPartial.as_view(),
         name="member_candidates"),
    path("pods/<int:pk>/members/<int:assignment_pk>/", pods.AssignmentEditView.as_view(),
         name="assignment_edit"),
    path("pods/<int:pk>/charter/edit/", charters.CharterEditView.as_view(), name="charter_edit"),
    path("pods/<int:pk>/charter/history/", charters.CharterHistoryView.as_view(),
         name="charter_history"),
    path("pods/<int:pk>/charter/diff/", charters.CharterDiffView.as_view(), name="charter_diff"),
    path("pods/<int:pk>/team-api/", team.TeamApiView.as_view(), name="team_api"),
    path("pods/<int:pk>/interactions/", team.InteractionCreateView.as_view(), name="interaction_create"),
    path("pods/<int:pk>/interactions/<int:interaction_pk>/", team.InteractionEditView.as_view(),
         name="interaction_edit"),
    path("team-map/", team.TeamMapView.as_view(), name="team_map"),
    path("people/", people.PeopleView.as_view(), name="people"),
    path("people/new/", people.PersonFormView.as_view(), name="person_create"),
    path("people/<int:pk>/", people.PersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/edit/", people.PersonFormView.as_view(), name="person_edit"),
    path("roles/", people.RolesView.as_view(), name="roles"),
    path("skills/", people.SkillsView.as_view(), name="skills"),
]
