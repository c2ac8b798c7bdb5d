"""Strategy pages: the quarter's themes, a theme with its outcomes, an outcome with its chart,
readings and check-ins, and the pod page's outcomes panel."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from pods import selectors as pod_selectors
from pods.permissions import led_pods
from strategy import selectors, services
from strategy.charts import outcome_chart, theme_chart
from strategy.forms import CheckInForm, MeasurementForm, OutcomeForm, ThemeForm, ThemeRolloverForm
from strategy.models import Outcome, Theme, ThemeStatus
from strategy.quarters import Quarter, quarter_from_key, quarter_of
from tenancy.access import get_or_404
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.views.base import OrgPageMixin
from tenancy.views.forms import form_submit

PER_PAGE = 25


class StrategyPage(OrgPageMixin, View):
    permission_required = "strategy.view"

    def quarter(self) -> Quarter:
        key = self.request.GET.get("quarter", "")
        try:
            return quarter_from_key(key, self.organization.quarter_start_month)
        except ValueError:
            return selectors.current_quarter(organization=self.organization)

    def theme(self, pk: Any) -> Theme:
        return get_or_404(selectors.theme_get, organization=self.organization, pk=pk)

    def outcome(self, pk: Any) -> Outcome:
        return get_or_404(selectors.outcome_get, organization=self.organization, pk=pk)

    def theme_url(self, theme: Theme) -> str:
        return reverse("strategy:theme_detail", args=[self.organization.slug, theme.pk])

    def outcome_url(self, outcome: Outcome) -> str:
        return reverse("strategy:outcome_detail", args=[self.organization.slug, outcome.pk])

    def quarters(self) -> list[Quarter]:
        return selectors.quarters_with_themes(organization=self.organization)

    def outcome_pod_ids(self) -> set[int] | None:
        """Pods the viewer may add outcomes for (None: every pod)."""
        return None if self.membership.is_admin else led_pods(self.membership)


class HomeView(StrategyPage):
    """The quarter's themes with their outcomes' progress and status."""

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        quarter = self.quarter()
        start_month = self.organization.quarter_start_month
        themes = selectors.themes_with_progress(organization=self.organization, quarter=quarter)
        return render(request, "strategy/home.html", {
            "quarter": quarter, "themes": themes, "quarters": self.quarters(),
            "prev": quarter.previous(start_month), "next": quarter.next(start_month),
            "is_current": quarter == selectors.current_quarter(organization=self.organization),
            "can_create": can(self.membership, "strategy.create_theme"),
        })


class ThemeCreateView(StrategyPage):
    permission_required = "strategy.create_theme"

    def form(self, data: Any = None) -> ThemeForm:
        quarter = self.quarter()
        return ThemeForm(data, organization=self.organization, quarters=self.quarters(),
                         initial={"owner": self.membership.pk, "quarter": quarter.key})

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return render(request, "strategy/theme_form.html", {"form": self.form()})

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = self.form(request.POST)
        done = form_submit(request, form, lambda d: services.theme_create(
            organization=self.organization, actor=request.user, **d),
            success="Theme set.", redirect_to=self.theme_url)
        return done or render(request, "strategy/theme_form.html", {"form": form}, status=400)


class ThemeEditView(StrategyPage):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        theme = self.theme(pk)
        self.require("strategy.change_theme", theme)
        form = ThemeForm(organization=self.organization, initial={
            "title": theme.title, "description": theme.description, "owner": theme.owner_id})
        return render(request, "strategy/theme_form.html", {"form": form, "theme": theme})

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        theme = self.theme(pk)
        self.require("strategy.change_theme", theme)
        form = ThemeForm(request.POST, organization=self.organization)
        done = form_submit(request, form, lambda d: services.theme_update(
            organization=self.organization, actor=request.user, theme=theme, **d),
            success="Theme saved.", redirect_to=self.theme_url)
        return done or render(request, "strategy/theme_form.html", {"form": form, "theme": theme}, status=400)


class ThemeDetailView(StrategyPage):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        return self.render_page(self.theme(pk))

    def render_page(self, theme: Theme, rollover: ThemeRolloverForm | None = None,
                    status: int = 200) -> HttpResponse:
        selectors.themes_with_progress(organization=self.organization, themes=[theme])
        quarter = quarter_of(theme.quarter_start, self.organization.quarter_start_month)
        return render(self.request, "strategy/theme_detail.html", {
            "theme": theme, "quarter": quarter, "outcomes": theme.outcome_rows,  # type: ignore[attr-defined]
            "chart": theme_chart(theme.outcome_rows),  # type: ignore[attr-defined]
            "can_change": can(self.membership, "strategy.change_theme", theme),
            "can_rollover": can(self.membership, "strategy.change_theme", theme)
            and theme.status == ThemeStatus.ACTIVE,
            "can_add_outcome": theme.status == ThemeStatus.ACTIVE
            and can(self.membership, "strategy.add_outcome"),
            "rollover_form": rollover or ThemeRolloverForm(initial={"action": "close"}),
        }, status=status)

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        """Quarter rollover: close with a final score, or carry over."""
        theme = self.theme(pk)
        self.require("strategy.change_theme", theme)
        form = ThemeRolloverForm(request.POST)

        def write(d: dict[str, Any]) -> Theme:
            if d["action"] == "carry_over":
                return services.theme_carry_over(organization=self.organization, actor=request.user,
                                                 theme=theme, note=d["note"])
            score = d["final_score"] / 100 if d["final_score"] is not None else None
            return services.theme_close(organization=self.organization, actor=request.user, theme=theme,
                                        final_score=score, note=d["note"])

        done = form_submit(request, form, write, success=lambda t: (
            "Carried over into the next quarter." if t.pk != theme.pk else "Theme closed."),
            redirect_to=self.theme_url)
        return done or self.render_page(self.theme(pk), rollover=form, status=400)


class OutcomeCreateView(StrategyPage):
    def form(self, theme: Theme, data: Any = None) -> OutcomeForm:
        pod_ids = self.outcome_pod_ids()
        initial = {"pod": next(iter(pod_ids))} if pod_ids and len(pod_ids) == 1 else {}
        return OutcomeForm(data, organization=self.organization, pod_ids=pod_ids, initial=initial)

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        theme = self.theme(pk)
        self.require("strategy.add_outcome")
        return render(request, "strategy/outcome_form.html", {"form": self.form(theme), "theme": theme})

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        theme = self.theme(pk)
        self.require("strategy.add_outcome")
        form = self.form(theme, request.POST)

        def write(d: dict[str, Any]) -> Outcome:
            self.require("strategy.add_outcome", d["pod"])
            return services.outcome_create(organization=self.organization, actor=request.user, theme=theme, **d)

        done = form_submit(request, form, write, success="Outcome added.", redirect_to=self.outcome_url)
        return done or render(request, "strategy/outcome_form.html", {"form": form, "theme": theme}, status=400)


class OutcomeEditView(StrategyPage):
    FIELDS = ("pod", "metric", "unit", "direction", "baseline", "target", "target_max", "start_date",
              "due_date", "cadence_days", "weight")

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        outcome = self.outcome(pk)
        self.require("strategy.change_outcome", outcome)
        pod_ids = self.outcome_pod_ids()
        form = OutcomeForm(organization=self.organization, edit=True,
                           pod_ids=None if pod_ids is None else pod_ids | {outcome.pod_id},
                           initial={f: getattr(outcome, f) for f in self.FIELDS})
        return render(request, "strategy/outcome_form.html", {"form": form, "theme": outcome.theme,
                                                              "outcome": outcome})

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        outcome = self.outcome(pk)
        self.require("strategy.change_outcome", outcome)
        pod_ids = self.outcome_pod_ids()
        form = OutcomeForm(request.POST, organization=self.organization, edit=True,
                           pod_ids=None if pod_ids is None else pod_ids | {outcome.pod_id})
        done = form_submit(request, form, lambda d: services.outcome_update(
            organization=self.organization, actor=request.user, outcome=outcome, **d),
            success="Outcome saved.", redirect_to=self.outcome_url)
        return done or render(request, "strategy/outcome_form.html", {
            "form": form, "theme": outcome.theme, "outcome": outcome}, status=400)


class OutcomeDetailView(StrategyPage):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        return self.render_page(self.outcome(pk))

    def render_page(self, outcome: Outcome, status: int = 200, **forms: Any) -> HttpResponse:
        org = self.organization
        selectors.outcome_state_attach([outcome])
        readings = list(selectors.measurement_list(organization=org, outcome=outcome)[:500])
        page = Paginator(selectors.measurement_list(organization=org, outcome=outcome), PER_PAGE).get_page(
            self.request.GET.get("page"))
        return render(self.request, "strategy/outcome_detail.html", {
            "outcome": outcome, "theme": outcome.theme, "page": page, "chart": outcome_chart(outcome, readings),
            "check_ins": selectors.check_in_list(organization=org, outcome=outcome)[:20],
            "can_measure": can(self.membership, "strategy.record_measurement", outcome),
            "can_check_in": can(self.membership, "strategy.check_in", outcome),
            "can_change": can(self.membership, "strategy.change_outcome", outcome),
            "measure_form": forms.get("measure_form") or MeasurementForm(),
            "check_in_form": forms.get("check_in_form") or CheckInForm(),
        }, status=status)


class OutcomeWriteView(OutcomeDetailView):
    """A form posted on the outcome page: on error the page again, with the form's messages."""

    http_method_names = ["post"]
    rule = form_name = success = ""
    form_class: type[MeasurementForm] | type[CheckInForm]

    def write(self, outcome: Outcome, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        outcome = self.outcome(pk)
        self.require(self.rule, outcome)
        form = self.form_class(request.POST)
        done = form_submit(request, form, lambda d: self.write(outcome, d), success=self.success,
                           redirect_to=self.outcome_url(outcome))
        return done or self.render_page(self.outcome(pk), status=400, **{self.form_name: form})


class MeasurementCreateView(OutcomeWriteView):
    rule, form_class, form_name, success = ("strategy.record_measurement", MeasurementForm, "measure_form",
                                            "Measurement recorded.")

    def write(self, outcome: Outcome, data: dict[str, Any]) -> Any:
        return services.measurement_record(organization=self.organization, actor=self.request.user,
                                           outcome=outcome, source="manual", **data)


class CheckInCreateView(OutcomeWriteView):
    rule, form_class, form_name, success = "strategy.check_in", CheckInForm, "check_in_form", "Check-in recorded."

    def write(self, outcome: Outcome, data: dict[str, Any]) -> Any:
        return services.check_in_record(organization=self.organization, actor=self.request.user,
                                        outcome=outcome, **data)


class PodPanelView(StrategyPage):
    """The pod page's outcomes panel: the pod's outcomes of active themes (one query)."""

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        pod = get_or_404(pod_selectors.pod_lookup, organization=self.organization, pk=pk)
        return render(request, "strategy/_pod_panel.html", {
            "pod": pod, "outcomes": selectors.pod_outcomes(organization=self.organization, pod=pod),
            "can_add": can(self.membership, "strategy.add_outcome", pod),
            "current_quarter": selectors.current_quarter(organization=self.organization),
        })
