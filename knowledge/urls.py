"""Knowledge pages, mounted under /o/<org_slug>/knowledge/."""

from django.urls import path

from knowledge.views import guilds, incidents, showcases

app_name = "knowledge"

urlpatterns = [
    path("", guilds.KnowledgeHomeView.as_view(), name="home"),
    path("search/", guilds.SearchView.as_view(), name="search"),
    path("guilds/new/", guilds.GuildCreateView.as_view(), name="guild_create"),
    path("guilds/<int:pk>/", guilds.GuildDetailView.as_view(), name="guild_detail"),
    path("guilds/<int:pk>/edit/", guilds.GuildEditView.as_view(), name="guild_edit"),
    path("guilds/<int:pk>/membership/", guilds.GuildMembershipView.as_view(),
         name="guild_membership"),
    path("lessons/", guilds.LessonListView.as_view(), name="lesson_list"),
    path("lessons/drafts/", guilds.DraftListView.as_view(), name="lesson_drafts"),
    path("lessons/new/", guilds.LessonCreateView.as_view(), name="lesson_create"),
    path("lessons/preview/", guilds.LessonPreviewView.as_view(), name="lesson_preview"),
    path("lessons/<int:pk>/", guilds.LessonDetailView.as_view(), name="lesson_detail"),
    path("lessons/<int:pk>/edit/", guilds.LessonEditView.as_view(), name="lesson_edit"),
    path("lessons/<int:pk>/history/", guilds.LessonHistoryView.as_view(), name="lesson_history"),
    path("lessons/<int:pk>/vote/", guilds.LessonVoteView.as_view(), name="lesson_vote"),
    path("lessons/<int:pk>/comments/", guilds.LessonCommentView.as_view(), name="lesson_comment"),
    path("lessons/<int:pk>/comments/<int:comment_pk>/remove/", guilds.LessonCommentRemoveView.as_view(),
         name="lesson_comment_remove"),
    path("incidents/", incidents.IncidentListView.as_view(), name="incident_list"),
    path("incidents/new/", incidents.IncidentCreateView.as_view(), name="incident_create"),
    path("incidents/<int:pk>/", incidents.IncidentDetailView.as_view(), name="incident_detail"),
    path("incidents/<int:pk>/edit/", incidents.IncidentEditView.as_view(), name="incident_edit"),
    path("incidents/<int:pk>/postmortem/", incidents.PostMortemEditView.as_view(),
         name="postmortem_edit"),
    path("incidents/<int:pk>/actions/", incidents.ActionItemCreateView.as_view(),
         name="action_item_create"),
    path("incidents/<int:pk>/actions/<int:item_pk>/", incidents.ActionItemStatusView.as_view(),
         name="action_item_status"),
    path("incidents/<int:pk>/lesson/", incidents.PostMortemToLessonView.as_view(),
         name="postmortem_to_lesson"),
    path("showcases/", showcases.ShowcaseListView.as_view(), name="showcase_list"),
    path("showcases/new/", showcases.ShowcaseCreateView.as_view(), name="showcase_create"),
    path("showcases/<int:pk>/", showcases.ShowcaseDetailView.as_view(), name="showcase_detail"),
    path("showcases/<int:pk>/presentations/", showcases.PresentationCreateView.as_view(),
         name="presentation_create"),
    path("presentations/<int:pk>/cite/", showcases.PresentationCiteView.as_view(),
         name="presentation_cite"),
    path("talks/", showcases.TalkListView.as_view(), name="talk_list"),
    path("rotations/", showcases.RotationListView.as_view(), name="rotation_list"),
    path("pods/<int:pk>/panel/", guilds.PodPanelView.as_view(), name="pod_panel"),
]
