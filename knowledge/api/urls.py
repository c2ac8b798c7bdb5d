"""Knowledge API routes, mounted under `/api/v1/o/<org_slug>/`. Object ids are `pk`."""

from rest_framework.routers import SimpleRouter

from knowledge.api import views

app_name = "knowledge_api"

router = SimpleRouter(use_regex_path=False)
router.register("guilds", views.GuildViewSet, basename="guild")
router.register("lessons", views.LessonViewSet, basename="lesson")
router.register("incidents", views.IncidentViewSet, basename="incident")
router.register("search", views.SearchViewSet, basename="knowledge-search")

urlpatterns = [*router.urls]
