from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import views as config_views
from tenancy.views import accounts

api_v1: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file (no inline script, for the CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("o/<slug:org_slug>/", include("tenancy.api.urls")),
    path("o/<slug:org_slug>/", include("pods.api.urls")),
    path("o/<slug:org_slug>/", include("governance.api.urls")),
    path("o/<slug:org_slug>/", include("knowledge.api.urls")),
    path("o/<slug:org_slug>/", include("strategy.api.urls")),
    path("o/<slug:org_slug>/", include("integrations.api.urls")),
    path("o/<slug:org_slug>/", include("bench.api.urls")),
    path("o/<slug:org_slug>/", include("dashboards.api.urls")),
    path("o/<slug:org_slug>/", include("platform_catalog.api.urls")),
    path("o/<slug:org_slug>/", include("resources.api.urls")),
    path("o/<slug:org_slug>/", include("resources.experts.api.urls")),
    path("o/<slug:org_slug>/", include("resources.market.api.urls")),
]

urlpatterns = [
    path("", accounts.home, name="home"),
    path("healthz", config_views.healthz, name="healthz"),
    path("bench/trivial", config_views.trivial, name="bench_trivial"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("accounts/password/reset/", accounts.ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/done/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("accounts/profile/", accounts.profile, name="profile"),
    path("orgs/", accounts.org_list, name="org_list"),
    path("orgs/new/", accounts.org_create, name="org_create"),
    path("invitations/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
    path("o/<slug:org_slug>/", include("pods.urls")),
    path("o/<slug:org_slug>/", include("tenancy.urls")),
    path("o/<slug:org_slug>/governance/", include("governance.urls")),
    path("o/<slug:org_slug>/catalog/", include("platform_catalog.urls")),
    path("o/<slug:org_slug>/knowledge/", include("knowledge.urls")),
    path("o/<slug:org_slug>/strategy/", include("strategy.urls")),
    path("o/<slug:org_slug>/webhooks/", include("integrations.urls")),
    path("o/<slug:org_slug>/bench/", include("bench.urls")),
    path("o/<slug:org_slug>/overview/", include("dashboards.urls")),
    path("o/<slug:org_slug>/compute/", include("resources.urls")),
    path("o/<slug:org_slug>/experts/", include("resources.experts.urls")),
    path("o/<slug:org_slug>/services/", include("resources.market.urls")),
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
