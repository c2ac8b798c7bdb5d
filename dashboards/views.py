"""The leader's overview, the attention queue and pod scorecards (pages under /o/<slug>/overview/)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views import View

from dashboards import selectors, services
from dashboards.forms import CheckForm, FilterForm, LevelForm
from dashboards.models import ScorecardCheck, ScorecardLevel
from dashboards.tasks import overview_refresh_task
from tenancy.access import get_or_404
from tenancy.cache import OVERVIEW, cached_fragment
from tenancy.http import OrgRequest
from tenancy.outbox import enqueue
from tenancy.permissions import can
from tenancy.views.base import OrgPageMixin
from tenancy.views.forms import form_submit

ATTENTION_ON_OVERVIEW = 8


class _Page(OrgPageMixin, View):
    permission_required = "dashboards.view_overview"

    def filter_form(self) -> FilterForm:
        return FilterForm(self.request.GET or None, organization=self.organization)

    def ctx(self, **extra: Any) -> dict[str, Any]:
        return {"nav_section": "overview", "can_edit": can(self.membership, "dashboards.edit_checks"),
                "can_recompute": can(self.membership, "dashboards.recompute"), **extra}


class OverviewView(_Page):
    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = self.filter_form()
        filters = form.filters()
        tiles = selectors.overview_tiles(organization=self.organization, membership=self.membership,
                                         filters=filters)
        # The tiles change only with a snapshot: their HTML is cached with the same key as their data.
        parts = (tuple(t.key for t in tiles), filters.period.start, filters.period.end,
                 tuple(sorted(filters.dims.items())))
        tiles_html = cached_fragment(self.organization, "overview_tiles_html", parts, lambda: render_to_string(
            "dashboards/_tiles.html", {"tiles": tiles}), scopes=(OVERVIEW,))
        attention = selectors.attention_queue(organization=self.organization, membership=self.membership,
                                              filters=filters, limit=ATTENTION_ON_OVERVIEW + 1)
        return render(request, "dashboards/overview.html", self.ctx(
            form=form, filters=filters, tiles_html=tiles_html,
            previous=filters.period.previous_quarter(),
            attention=selectors.AttentionQueue(attention[:ATTENTION_ON_OVERVIEW], as_of=attention.as_of),
            more_attention=len(attention) > ATTENTION_ON_OVERVIEW,
            query=request.GET.urlencode()), status=400 if form.errors else 200)


class AttentionView(_Page):
    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = self.filter_form()
        rows = selectors.attention_queue(organization=self.organization, membership=self.membership,
                                         filters=form.filters(), limit=200)
        return render(request, "dashboards/attention.html", self.ctx(form=form, rows=rows))


class RecomputeView(_Page):
    permission_required = "dashboards.recompute"

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        enqueue(overview_refresh_task, self.organization.pk, request.POST.get("backfill") == "1")
        messages.success(request, "The overview is being recomputed.")
        return redirect("dashboards:overview", org_slug=self.organization.slug)


class ScorecardsView(_Page):
    permission_required = "dashboards.view_scorecards"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = self.filter_form()
        filters = form.filters()
        rollup = selectors.scorecard_rollup(organization=self.organization, filters=filters)
        ctx = self.ctx(form=form, rollup=rollup)

        def render_body() -> str:
            page = Paginator(selectors.pod_level_list(organization=self.organization, filters=filters),
                             50).get_page(request.GET.get("page"))
            names = {lv["level"].rank: lv["level"].name for lv in rollup["levels"]}
            return render_to_string("dashboards/_scorecards_body.html",
                                    {**ctx, "organization": self.organization, "page": page,
                                     "level_names": names}, request=request)

        # The rollup and the pod list change only with an evaluation or a level or check edit.
        body = cached_fragment(self.organization, "scorecards_body",
                               (sorted(request.GET.lists()), ctx["can_recompute"]), render_body,
                               scopes=(OVERVIEW,))
        return render(request, "dashboards/scorecards.html", {**ctx, "body_html": body})


class PodScorecardView(_Page):
    permission_required = "dashboards.view_scorecards"

    def get(self, request: OrgRequest, pod_id: int, **kw: Any) -> HttpResponse:
        pod = get_or_404(selectors.pod_facet_get, organization=self.organization, pod_id=pod_id)
        card = selectors.pod_scorecard(organization=self.organization, pod_id=pod.pod_id)
        return render(request, "dashboards/pod_scorecard.html", self.ctx(
            pod=pod, card=card, pod_url=reverse("pods:pod_detail", args=[self.organization.slug, pod.pod_id])))


class _ChecksPage(_Page):
    permission_required = "dashboards.view_scorecards"

    def render_page(self, form: CheckForm | None = None, level_form: LevelForm | None = None,
                    status: int = 200) -> HttpResponse:
        return render(self.request, "dashboards/checks.html", self.ctx(
            form=form or CheckForm(organization=self.organization, initial={"enabled": True}),
            level_form=level_form or LevelForm(),
            levels=list(selectors.scorecard_levels(organization=self.organization)),
            checks=list(selectors.scorecard_checks(organization=self.organization))), status=status)

    def checks_url(self) -> str:
        return reverse("dashboards:checks", args=[self.organization.slug])


class ChecksView(_ChecksPage):
    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self.render_page()

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("dashboards.edit_checks")
        form = CheckForm(request.POST, organization=self.organization)
        done = form_submit(request, form, lambda data: services.scorecard_check_create(
            organization=self.organization, actor=request.user, **data),
            success="Check added.", redirect_to=self.checks_url())
        return done or self.render_page(form, status=400)


class CheckDetailView(_Page):
    permission_required = "dashboards.view_scorecards"

    def check_rule(self, pk: int) -> ScorecardCheck:
        check: ScorecardCheck = get_or_404(selectors.scorecard_check_get, organization=self.organization, pk=pk)
        return check

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        check = self.check_rule(pk)
        form = CheckForm(organization=self.organization, initial={
            "name": check.name, "level": check.level_id, "measure": check.measure, "operator": check.operator,
            "threshold": check.threshold, "description": check.description, "enabled": check.enabled})
        return self.render_page(check, form)

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        self.require("dashboards.edit_checks")
        check = self.check_rule(pk)
        form = CheckForm(request.POST, organization=self.organization)
        done = form_submit(request, form, lambda data: services.scorecard_check_update(
            organization=self.organization, actor=request.user, check=check, **data),
            success="Check saved.", redirect_to=reverse("dashboards:check_detail", args=[self.organization.slug, pk]))
        return done or self.render_page(check, form, status=400)

    def render_page(self, check: ScorecardCheck, form: CheckForm, status: int = 200) -> HttpResponse:
        history = selectors.check_history(organization=self.organization, check=check)
        return render(self.request, "dashboards/check_detail.html", self.ctx(
            check=check, form=form, history=history), status=status)


class CheckDeleteView(_Page):
    permission_required = "dashboards.edit_checks"

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        check = get_or_404(selectors.scorecard_check_get, organization=self.organization, pk=pk)
        services.scorecard_check_delete(organization=self.organization, actor=request.user, check=check)
        messages.success(request, "Check removed.")
        return redirect("dashboards:checks", org_slug=self.organization.slug)


class LevelCreateView(_ChecksPage):
    permission_required = "dashboards.edit_checks"

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = LevelForm(request.POST)
        done = form_submit(request, form, lambda data: services.scorecard_level_create(
            organization=self.organization, actor=request.user, **data),
            success="Level added.", redirect_to=self.checks_url())
        return done or self.render_page(level_form=form, status=400)


class LevelEditView(_ChecksPage):
    """Rename a level, or (with `delete=1`) remove the highest one when it has no checks."""

    permission_required = "dashboards.edit_checks"

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        level: ScorecardLevel = get_or_404(selectors.scorecard_level_get, organization=self.organization, pk=pk)
        if request.POST.get("delete") == "1":
            form = LevelForm({"name": level.name})
            done = form_submit(request, form, lambda data: services.scorecard_level_delete(
                organization=self.organization, actor=request.user, level=level),
                success="Level removed.", redirect_to=self.checks_url())
        else:
            form = LevelForm(request.POST)
            done = form_submit(request, form, lambda data: services.scorecard_level_update(
                organization=self.organization, actor=request.user, level=level, **data),
                success="Level renamed.", redirect_to=self.checks_url())
        return done or self.render_page(level_form=form, status=400)
