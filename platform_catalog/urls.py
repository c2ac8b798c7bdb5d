"""Catalog pages, mounted at /o/<org_slug>/catalog/."""

from django.urls import path

from platform_catalog.views import entries, tracking

app_name = "platform_catalog"

urlpatterns = [
    path("", entries.HomeView.as_view(), name="home"),
    path("duplicates/", tracking.DuplicatesView.as_view(), name="duplicates"),
    path("experiments/", tracking.ExperimentListView.as_view(), name="experiment_list"),
    path("experiments/<int:pk>/", tracking.ExperimentDetailView.as_view(), name="experiment_detail"),
    path("experiments/<int:pk>/link/", tracking.ExperimentLinkView.as_view(), name="experiment_link"),
    path("experiments/<int:pk>/compare/", tracking.RunCompareView.as_view(), name="run_compare"),
]
for _kind in entries.KINDS.values():
    _part = _kind.slug.replace("_", "-") + "s"
    urlpatterns += [
        path(f"{_part}/", entries.EntryListView.as_view(kind=_kind), name=f"{_kind.slug}_list"),
        path(f"{_part}/new/", entries.EntryFormView.as_view(kind=_kind), name=f"{_kind.slug}_create"),
        path(f"{_part}/<int:pk>/", entries.EntryDetailView.as_view(kind=_kind), name=f"{_kind.slug}_detail"),
        path(f"{_part}/<int:pk>/edit/", entries.EntryFormView.as_view(kind=_kind), name=f"{_kind.slug}_edit"),
        path(f"{_part}/<int:pk>/<slug:action>/", entries.EntryActionView.as_view(kind=_kind),
             name=f"{_kind.slug}_action"),
    ]
