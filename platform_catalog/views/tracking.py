"""Experiment tracking pages: experiments, the runs of one with a metric chart, a side-by-side
comparison of chosen runs; and the leaders' duplicate-candidates review."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views import View

from platform_catalog import selectors
from platform_catalog import tracking_selectors as tsel
from platform_catalog.forms import ExperimentLinkForm
from platform_catalog.models import EntityKind
from platform_catalog.services import relations, tracking
from platform_catalog.views.entries import PER_PAGE, curl
from tenancy.access import get_or_404
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.views.base import OrgPageMixin, render_htmx
from tenancy.views.forms import form_error_text, form_submit

MAX_COMPARE = 6


class ExperimentListView(OrgPageMixin, View):
    permission_required = "catalog.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        q = request.GET.get("q", "")[:100]
        page = Paginator(tsel.experiment_search(organization=self.organization, q=q), PER_PAGE).get_page(
            request.GET.get("page", "1"))
        return render_htmx(request, "platform_catalog/experiment_list.html",
                           {"page": page, "q": q, "filtered": bool(q), "nav_section": "catalog"},
                           partial="platform_catalog/_experiment_rows.html")


def _experiment(org: Any, pk: Any) -> Any:
    return get_or_404(lambda **k: tsel.experiment_by_id(organization=org, experiment_id=k["pk"]), pk=pk)


class ExperimentDetailView(OrgPageMixin, View):
    permission_required = "catalog.view"

    def get(self, request: OrgRequest, pk: Any, **kw: Any) -> HttpResponse:
        exp = _experiment(self.organization, pk)
        runs = tsel.experiment_runs(organization=self.organization, experiment=exp)
        page = Paginator(runs, PER_PAGE).get_page(request.GET.get("page", "1"))
        keys = sorted({m.key for r in page.object_list for m in r.latest_metrics.all()})
        metric = request.GET.get("metric") or (keys[0] if keys else "")
        # The chart: each run's latest value of the chosen metric (data attributes, drawn by podium.js).
        linked = list(exp.data_products.only("id", "name"))
        chart = [{"label": r.run_name or r.run_uuid[:8], "value": next(
            (m.value for m in r.latest_metrics.all() if m.key == metric), None)} for r in page.object_list]
        return render(request, "platform_catalog/experiment_detail.html", {
            "exp": exp, "page": page, "metric_keys": keys, "metric": metric, "nav_section": "catalog",
            "chart_json": json.dumps([c for c in chart if c["value"] is not None]),
            "chart_max": max([c["value"] for c in chart if c["value"] is not None] or [1]),
            "chart": [c for c in chart if c["value"] is not None],
            "data_products": linked,
            "may_link": can(self.membership, "catalog.link_experiment", exp),
            "link_form": ExperimentLinkForm(organization=self.organization, membership=self.membership,
                                            current_pod=exp.owner_pod_id, initial={
                                                "owner_pod": exp.owner_pod_id, "model": exp.model_id,
                                                "data_products": [d.pk for d in linked]})})


class ExperimentLinkView(OrgPageMixin, View):
    """Link an experiment to its pod, catalog model and data products (the API: `experiments/<id>/link/`)."""

    def post(self, request: OrgRequest, pk: Any, **kw: Any) -> HttpResponse:
        exp = _experiment(self.organization, pk)
        self.require("catalog.link_experiment", exp)
        form = ExperimentLinkForm(request.POST, organization=self.organization, membership=self.membership,
                                  current_pod=exp.owner_pod_id)
        back = curl(self.organization, "experiment_detail", exp.pk)

        def link(d: dict[str, Any]) -> Any:
            if d["owner_pod"] is not None and d["owner_pod"].pk != exp.owner_pod_id:
                self.require("catalog.adopt", d["owner_pod"])
            return tracking.experiment_link(
                organization=self.organization, actor=request.user, experiment=exp,
                owner_pod=d["owner_pod"], model=d["model"], data_products=list(d["data_products"]))

        done = form_submit(request, form, link, success="Links saved.", redirect_to=back)
        if done:
            return done
        messages.error(request, form_error_text(form))
        return HttpResponseRedirect(back)


class RunCompareView(OrgPageMixin, View):
    permission_required = "catalog.view"

    def get(self, request: OrgRequest, pk: Any, **kw: Any) -> HttpResponse:
        exp = _experiment(self.organization, pk)
        ids = [i for i in request.GET.getlist("run") if i][:MAX_COMPARE]
        runs = list(tsel.experiment_runs(organization=self.organization, experiment=exp).filter(run_uuid__in=ids))
        rows: dict[str, dict[str, Any]] = {}
        for section, attr in (("param", "params"), ("metric", "latest_metrics"), ("tag", "tags")):
            for i, r in enumerate(runs):
                for item in getattr(r, attr).all():
                    rows.setdefault(f"{section}:{item.key}", {"section": section, "key": item.key,
                                                              "values": [""] * len(runs)})["values"][i] = item.value
        table = sorted(rows.values(), key=lambda d: (d["section"], d["key"]))
        for row in table:
            row["differs"] = len({str(v) for v in row["values"]}) > 1
        return render(request, "platform_catalog/run_compare.html",
                      {"exp": exp, "runs": runs, "rows": table, "nav_section": "catalog"})


class DuplicatesView(OrgPageMixin, View):
    permission_required = "catalog.view_coordination"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        decision = request.GET.get("decision", "open")
        decision = decision if decision in ("open", "duplicate", "distinct", "") else "open"
        page = Paginator(selectors.duplicate_pairs(organization=self.organization, decision=decision),
                         PER_PAGE).get_page(request.GET.get("page", "1"))
        keys = {(p.entity_kind, p.a_id) for p in page.object_list} | {(p.entity_kind, p.b_id) for p in page.object_list}
        entries = selectors.entities_by_key(self.organization, keys)
        pairs = [{"pair": p, "a": entries.get((p.entity_kind, p.a_id)), "b": entries.get((p.entity_kind, p.b_id)),
                  "kind_label": EntityKind(p.entity_kind).label} for p in page.object_list]
        return render(request, "platform_catalog/duplicates.html", {
            "page": page, "pairs": pairs, "decision": decision, "nav_section": "catalog",
            "may_decide": can(self.membership, "catalog.decide_duplicate")})

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("catalog.decide_duplicate")
        pair = get_or_404(lambda **k: selectors.duplicate_get(organization=self.organization, **k),
                          pk=request.POST.get("pair"))
        try:
            relations.duplicate_decide(organization=self.organization, actor=request.user, pair=pair,
                                       decision=request.POST.get("decision", ""),
                                       merge_into=request.POST.get("merge_into"))
            messages.success(request, "Decision recorded.")
        except ValidationError as exc:
            messages.error(request, "; ".join(m for ms in exc.message_dict.values() for m in ms))
        return HttpResponseRedirect(curl(self.organization, "duplicates"))
