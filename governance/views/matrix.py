"""The decision-rights matrix: one grid for everyone, inline cell editing (htmx) for admins."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View

from governance import selectors
from governance.forms import CellForm, DecisionTierForm, NameForm, RiskTierForm
from governance.models import DecisionType, RiskTier
from governance.services import matrix as services
from tenancy.access import get_or_404
from tenancy.cache import CSRF_PLACEHOLDER, GOVERNANCE, PEOPLE, cached_fragment, fill_csrf
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.views.base import OrgPageMixin
from tenancy.views.forms import form_submit


class MatrixView(OrgPageMixin, View):
    permission_required = "governance.view_matrix"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self.render_page()

    def render_page(self, status: int = 200, **extra: Any) -> HttpResponse:
        """The page below the top bar is one fragment per (rights, day) until a governance write;
        forms with errors (a failed POST) render it afresh around them."""
        can_edit = can(self.membership, "governance.edit_matrix")
        today = timezone.localdate()

        def render_body() -> str:
            matrix = selectors.matrix_get(organization=self.organization)
            context = {"matrix": matrix, "can_edit": can_edit, "organization": self.organization}
            return render_to_string("governance/_matrix_body.html", {
                **context,
                "grid_html": mark_safe(render_to_string("governance/_matrix_grid.html", context)),  # noqa: S308
                "type_form": extra.get("type_form") or NameForm(prefix="type"),
                "tier_form": extra.get("tier_form") or RiskTierForm(prefix="tier"),
                "csrf_placeholder": CSRF_PLACEHOLDER,
            })

        body = render_body() if extra else cached_fragment(
            self.organization, "matrix_page", (can_edit, today), render_body, scopes=(GOVERNANCE, PEOPLE))
        return render(self.request, "governance/matrix.html", {"body_html": fill_csrf(body, self.request)},
                      status=status)


class CellMixin(OrgPageMixin):
    def load(self, type_pk: int, tier_pk: int) -> tuple[DecisionType, RiskTier]:
        org = self.organization
        return (get_or_404(selectors.decision_type_get, organization=org, pk=type_pk),
                get_or_404(selectors.risk_tier_get, organization=org, pk=tier_pk))


class CellView(CellMixin, View):
    """GET ?edit=1 gives the inline editor; POST saves; GET alone the read-only cell."""

    def get(self, request: OrgRequest, type_pk: int, tier_pk: int, **kw: Any) -> HttpResponse:
        dt, rt = self.load(type_pk, tier_pk)
        self.require("governance.view_matrix")
        bands = selectors.matrix_cells(organization=self.organization, decision_type=dt, risk_tier=rt).get((dt.pk, rt.pk), [])
        if request.GET.get("edit"):
            self.require("governance.edit_matrix")
            form = CellForm(organization=self.organization, decision_type=dt, initial=CellForm.initial_for(bands))
            return self._editor(dt, rt, form)
        return self._cell(dt, rt, bands)

    def post(self, request: OrgRequest, type_pk: int, tier_pk: int, **kw: Any) -> HttpResponse:
        dt, rt = self.load(type_pk, tier_pk)
        self.require("governance.edit_matrix")
        form = CellForm(request.POST, organization=self.organization, decision_type=dt)
        done = form_submit(
            request, form,
            lambda _: services.matrix_cell_set(organization=self.organization, actor=request.user,
                                               decision_type=dt, risk_tier=rt, bands=form.bands()),
            success=None if request.htmx else f"{dt} × {rt} saved; publish to put it in force.",
            respond=lambda _: self._saved(dt, rt))
        return done or self._editor(dt, rt, form, status=400)

    def _saved(self, dt: DecisionType, rt: RiskTier) -> HttpResponse:
        if not self.request.htmx:
            return redirect("governance:matrix", org_slug=self.organization.slug)
        bands = selectors.matrix_cells(organization=self.organization, decision_type=dt,
                                       risk_tier=rt).get((dt.pk, rt.pk), [])
        response = self._cell(dt, rt, bands, saved=True)
        # The Publish card follows the edit (an out-of-band swap): it now has changes.
        response.write(fill_csrf(render_to_string("governance/_publish_card.html", {
            "matrix": selectors.matrix_get(organization=self.organization), "oob": True,
            "organization": self.organization, "csrf_placeholder": CSRF_PLACEHOLDER}), self.request))
        response["HX-Trigger"] = "matrixChanged"
        return response

    def _editor(self, dt: DecisionType, rt: RiskTier, form: CellForm, status: int = 200) -> HttpResponse:
        return render(self.request, "governance/_cell_form.html",
                      {"dt": dt, "rt": rt, "form": form}, status=status)

    def _cell(self, dt: DecisionType, rt: RiskTier, bands: list[Any], saved: bool = False) -> HttpResponse:
        cell = selectors.Cell(dt, rt, bands)
        cell.problem = selectors._cell_problem(cell)
        return render(self.request, "governance/_cell.html", {
            "cell": cell, "can_edit": can(self.membership, "governance.edit_matrix"), "saved": saved})


class CellHistoryView(CellMixin, View):
    def get(self, request: OrgRequest, type_pk: int, tier_pk: int, **kw: Any) -> HttpResponse:
        dt, rt = self.load(type_pk, tier_pk)
        self.require("governance.view_matrix")
        events = selectors.cell_history(organization=self.organization, decision_type=dt, risk_tier=rt)[:50]
        return render(request, "governance/cell_history.html", {"dt": dt, "rt": rt, "events": events})


class MatrixPublishView(OrgPageMixin, View):
    permission_required = "governance.edit_matrix"

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        try:
            version = services.matrix_publish(organization=self.organization, actor=request.user,
                                              note=request.POST.get("note", ""))
        except ValidationError as exc:
            messages.error(request, "Not published: " + " ".join(exc.messages))
            return MatrixView(request=request, membership=self.membership,
                              organization=self.organization).render_page(status=400)
        messages.success(request, f"Matrix v{version.number} published; new escalations route by it.")
        return redirect("governance:matrix", org_slug=self.organization.slug)


class MatrixReviewView(OrgPageMixin, View):
    permission_required = "governance.edit_matrix"

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        services.matrix_review_record(organization=self.organization, actor=request.user,
                                      notes=request.POST.get("notes", "")[:2000])
        messages.success(request, "Quarterly review recorded.")
        return redirect("governance:matrix", org_slug=self.organization.slug)


class AddRowOrColumnView(OrgPageMixin, View):
    """Adding a decision type adds a row; adding a risk tier adds a column."""

    permission_required = "governance.edit_matrix"
    what = "type"

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = (NameForm if self.what == "type" else RiskTierForm)(request.POST, prefix=self.what)

        def add(d: dict[str, Any]) -> Any:
            if self.what == "type":
                return services.decision_type_create(
                    organization=self.organization, actor=request.user, name=d["name"],
                    description=d["description"], has_amount=d["has_amount"], amount_unit=d["amount_unit"])
            return services.risk_tier_create(organization=self.organization, actor=request.user,
                                             name=d["name"], description=d["description"])

        done = form_submit(request, form, add,
                           success=lambda obj: f"Added “{obj.name}”; fill its cells, then publish.",
                           redirect_to=reverse("governance:matrix", args=[self.organization.slug]))
        if done:
            return done
        page = MatrixView(request=request, membership=self.membership, organization=self.organization)
        return page.render_page(status=400, **{f"{self.what}_form": form})


class DecisionTierEditView(OrgPageMixin, View):
    permission_required = "governance.edit_matrix"

    def _tier(self, pk: int) -> Any:
        return get_or_404(selectors.decision_tier_get, organization=self.organization, pk=pk)

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        tier = self._tier(pk)
        form = DecisionTierForm(organization=self.organization, initial={
            "name": tier.name, "approver_role": tier.approver_role, "sla_hours": tier.sla_hours,
            "approvers": [m.pk for m in tier.approvers.all()]})
        return render(request, "governance/decision_tier_form.html", {"tier": tier, "form": form})

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        tier = self._tier(pk)
        form = DecisionTierForm(request.POST, organization=self.organization)
        done = form_submit(
            request, form,
            lambda d: services.decision_tier_update(
                organization=self.organization, actor=request.user, tier=tier, name=d["name"],
                approver_role=d["approver_role"], sla_hours=d["sla_hours"], approvers=list(d["approvers"])),
            success=f"Tier {tier.level} saved.",
            redirect_to=reverse("governance:matrix", args=[self.organization.slug]))
        return done or render(request, "governance/decision_tier_form.html", {"tier": tier, "form": form}, status=400)


class LabelEditView(OrgPageMixin, View):
    """Rename a row (decision type) or a column (risk tier)."""

    permission_required = "governance.edit_matrix"
    model: Any = DecisionType

    def _obj(self, pk: int) -> Any:
        getter = selectors.risk_tier_get if self.model is RiskTier else selectors.decision_type_get
        return get_or_404(getter, organization=self.organization, pk=pk)

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        obj = self._obj(pk)
        form = RiskTierForm(initial={"name": obj.name, "description": obj.description})
        return render(request, "governance/label_form.html", {"obj": obj, "form": form})

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        obj = self._obj(pk)
        form = RiskTierForm(request.POST)
        done = form_submit(
            request, form,
            lambda d: services.matrix_label_update(organization=self.organization, actor=request.user,
                                                   obj=obj, **d),
            success=lambda _: f"“{obj.name}” saved.",
            redirect_to=reverse("governance:matrix", args=[self.organization.slug]))
        return done or render(request, "governance/label_form.html", {"obj": obj, "form": form}, status=400)
