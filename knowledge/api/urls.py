"""Knowledge API routes, mounted under `/api/v1/o/<org_slug>/`. Object ids are `pk`."""

from rest_framework.routers import SimpleRouter

from knowledge.api import community_views, incident_views, showcase_views, views

app_name = "knowledge_api"

router = SimpleRouter(use_regex_path=False)
router.register("guilds", community_views.GuildViewSet, basename="guild")
router.register("lessons", community_views.LessonViewSet, basename="lesson")
router.register("incidents", incident_views.IncidentViewSet, basename="incident")
router.register("search", views.SearchViewSet, basename="knowledge-search")
router.register("showcases", showcase_views.ShowcaseViewSet, basename="showcase")
router.register("presentations", showcase_views.PresentationViewSet, basename="presentation")
router.register("talks", showcase_views.TalkViewSet, basename="talk")
router.register("rotations", showcase_views.RotationViewSet, basename="rotation")

urlpatterns = [*router.urls]
