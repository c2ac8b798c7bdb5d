"""Catalog pages: the home with coordination figures, and list / detail / form / action pages for
models, components and data products (one configuration per kind, one set of views)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from platform_catalog import forms as f
from platform_catalog import selectors
from platform_catalog import tracking_selectors as tsel
from platform_catalog.models import (
    AccessPolicy,
    ContractState,
    Maturity,
    Modality,
    ModelStatus,
)
from platform_catalog.services import components as comp_svc
from platform_catalog.services import library, relations
from pods.selectors import pod_list
from tenancy.access import get_or_404
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.views.base import OrgPageMixin, render_htmx
from tenancy.views.forms import form_submit

PER_PAGE = 25


@dataclass(frozen=True)
class Kind:
    key: str  # EntityKind value
    slug: str  # URL part and url-name prefix
    label: str
    plural: str
    list_selector: Any
    filters: dict[str, list[tuple[str, str]]]
    form: Any
    edit_form: Any
    create: Any
    update: Any
    intro: str
    edit_fields: tuple[str, ...] = field(default_factory=tuple)


def _model_create(org: Any, actor: Any, data: dict[str, Any]) -> Any:
    return library.catalog_model_create(organization=org, actor=actor, **data)


def _model_update(org: Any, actor: Any, obj: Any, data: dict[str, Any]) -> Any:
    return library.catalog_model_update(organization=org, actor=actor, model=obj, **data)


KINDS = {
    "model": Kind("model", "model", "model", "Models", selectors.model_list,
                  {"status": ModelStatus.choices, "modality": Modality.choices},
                  f.CatalogModelForm, f.CatalogModelEditForm, _model_create, _model_update,
                  "The curated model library: each version with its card and the highest risk tier it is approved for."),
    "component": Kind("component", "component", "component", "Components", selectors.component_list,
                      {"maturity": Maturity.choices}, f.ComponentForm, f.ComponentForm,
                      lambda org, actor, data: comp_svc.component_save(organization=org, actor=actor, **data),
                      lambda org, actor, obj, data: comp_svc.component_save(organization=org, actor=actor,
                                                                            component=obj, **data),
                      "Reusable platform components, owned by a pod: adopt one rather than building another."),
    "data_product": Kind("data_product", "data_product", "data product", "Data products",
                         selectors.data_product_list,
                         {"contract_state": ContractState.choices, "access_policy": AccessPolicy.choices},
                         f.DataProductForm, f.DataProductForm,
                         lambda org, actor, data: comp_svc.data_product_save(organization=org, actor=actor, **data),
                         lambda org, actor, obj, data: comp_svc.data_product_save(organization=org, actor=actor,
                                                                                  data_product=obj, **data),
                         "Data owned by domain pods, with a schema and a contract (freshness, quality)."),
}


def curl(org: Any, name: str, *args: Any) -> str:
    return reverse(f"platform_catalog:{name}", args=[org.slug, *args])


class HomeView(OrgPageMixin, View):
    permission_required = "catalog.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return render(request, "platform_catalog/home.html", {
            "figures": selectors.reuse_figures(organization=self.organization),
            "kinds": KINDS.values(), "nav_section": "catalog"})


class KindMixin(OrgPageMixin):
    kind: Kind = None  # type: ignore[assignment]  # set per URL by as_view(kind=…)

    def entry(self, pk: Any) -> Any:
        return get_or_404(self.kind.list_selector(organization=self.organization), pk=pk)


class EntryListView(KindMixin, View):
    permission_required = "catalog.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        g = request.GET
        filters = {name: g.get(name, "") for name in self.kind.filters if g.get(name, "") in dict(self.kind.filters[name])}
        pod = g.get("pod", "")
        qs = self.kind.list_selector(organization=self.organization, q=g.get("q", "")[:100],
                                     pod=int(pod) if pod.isdigit() else None, **filters)
        page = Paginator(qs, PER_PAGE).get_page(g.get("page", "1"))
        ctx = {"kind": self.kind, "page": page, "filters": filters, "q": g.get("q", "")[:100], "pod": pod,
               "pods": pod_list(organization=self.organization).only("id", "name"),
               "filter_choices": self.kind.filters, "filtered": bool(filters or g.get("q") or pod),
               "may_publish": can(self.membership, "catalog.publish"), "nav_section": "catalog"}
        return render_htmx(request, "platform_catalog/entry_list.html", ctx,
                           partial="platform_catalog/_entry_rows.html")


class EntryFormView(KindMixin, View):
    """Create (no pk) or edit (pk) an entry through its service."""

    def _obj(self, pk: Any) -> Any:
        if pk is None:
            self.require("catalog.publish")
            return None
        obj = self.entry(pk)
        self.require("catalog.edit", obj)
        return obj

    def _form(self, obj: Any, data: Any = None) -> Any:
        cls = self.kind.edit_form if obj is not None else self.kind.form
        initial = None
        if obj is not None:
            initial = {name: getattr(obj, name, None) for name in cls.base_fields if hasattr(obj, name)}
            if self.kind.key == "model":
                initial["evaluations"] = "\n".join(
                    f"{e.metric}, {e.value:g}, {e.dataset}, {e.slice}".rstrip(", ") for e in obj.evaluations.all())
        return cls(data, organization=self.organization, membership=self.membership, initial=initial)

    def _render(self, form: Any, obj: Any, status: int = 200) -> HttpResponse:
        title = f"Edit {obj}" if obj else f"Publish a {self.kind.label}"
        cancel = curl(self.organization, f"{self.kind.slug}_detail", obj.pk) if obj else \
            curl(self.organization, f"{self.kind.slug}_list")
        return render(self.request, "platform_catalog/form.html", {
            "form": form, "title": title, "cancel": cancel, "submit": "Save" if obj else "Publish",
            "intro": self.kind.intro, "nav_section": "catalog"}, status=status)

    def get(self, request: OrgRequest, pk: Any = None, **kw: Any) -> HttpResponse:
        obj = self._obj(pk)
        return self._render(self._form(obj), obj)

    def post(self, request: OrgRequest, pk: Any = None, **kw: Any) -> HttpResponse:
        obj = self._obj(pk)
        form = self._form(obj, request.POST)
        org, actor = self.organization, request.user
        write = (lambda data: self.kind.update(org, actor, obj, data)) if obj else \
            (lambda data: self.kind.create(org, actor, data))
        done = form_submit(request, form, write, success=f"{self.kind.label.capitalize()} saved.",
                           redirect_to=lambda o: curl(org, f"{self.kind.slug}_detail", o.pk))
        return done or self._render(form, obj, status=400)


class EntryDetailView(KindMixin, View):
    permission_required = "catalog.view"

    def get(self, request: OrgRequest, pk: Any, **kw: Any) -> HttpResponse:
        obj = self.entry(pk)
        org, m = self.organization, self.membership
        ctx: dict[str, Any] = {
            "kind": self.kind, "obj": obj, "nav_section": "catalog",
            "relations": selectors.relations_of(organization=org, kind=self.kind.key, pk=obj.pk),
            "adoptions": list(selectors.adoptions_of(organization=org, kind=self.kind.key, pk=obj.pk)),
            "may_edit": can(m, "catalog.edit", obj), "may_adopt": can(m, "catalog.adopt", None) or
            can(m, "catalog.publish"),
            "adopt_form": f.AdoptForm(organization=org, membership=m), "relation_form": f.RelationForm(),
        }
        if self.kind.key == "model":
            ctx.update(evaluations=list(selectors.model_evaluations(organization=org, model=obj)),
                       approvals=list(selectors.model_approvals(organization=org, model=obj)),
                       approval_form=f.ApprovalForm(organization=org), alias_form=f.AliasForm(),
                       may_approve=can(m, "catalog.request_approval", obj))
        if self.kind.key == "data_product":
            ctx.update(selectors.data_product_detail(organization=org, data_product=obj),
                       access_form=f.AccessRequestForm(), schema_form=f.SchemaForm(),
                       may_decide_access=can(m, "catalog.edit", obj))
        if self.kind.key != "component":
            ctx["experiments"] = tsel.linked_experiments(organization=org, **{self.kind.key: obj})
        if request.GET.get("impact") and ctx["may_edit"]:
            ctx["impact"] = selectors.deprecation_impact(organization=org, kind=self.kind.key, entry=obj)
        return render(request, f"platform_catalog/{self.kind.slug}_detail.html", ctx)


class EntryActionView(KindMixin, View):
    """Every button on a detail page: one POST, one service, back to the page with a message."""

    def post(self, request: OrgRequest, pk: Any, action: str, **kw: Any) -> HttpResponse:
        obj = self.entry(pk)
        org, m, actor, data = self.organization, self.membership, request.user, request.POST
        back = curl(org, f"{self.kind.slug}_detail", obj.pk)
        try:
            message = self._act(action, obj, org, m, actor, data)
        except ValidationError as exc:
            parts = [f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()] if hasattr(exc, "error_dict") \
                else exc.messages
            messages.error(request, "; ".join(parts))
            return HttpResponseRedirect(back)
        messages.success(request, message)
        return HttpResponseRedirect(back)

    def _valid(self, form: Any) -> dict[str, Any]:
        if not form.is_valid():
            raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        return dict(form.cleaned_data)

    def _act(self, action: str, obj: Any, org: Any, m: Any, actor: Any, data: Any) -> str:
        kind = self.kind.key
        if action == "adopt":
            d = self._valid(f.AdoptForm(data, organization=org, membership=m))
            self.require("catalog.adopt", d["pod"])
            relations.adoption_record(organization=org, actor=actor, pod=d["pod"], entity_kind=kind,
                                      entity_id=obj.pk, since=d["since"])
            return f"{d['pod']} adopts {obj}."
        if action == "relate":
            self.require("catalog.edit", obj)
            d = self._valid(f.RelationForm(data))
            relations.relation_create(organization=org, actor=actor, source_kind=kind, source_id=obj.pk, **d)
            return "Relation added."
        if action == "unrelate":
            self.require("catalog.edit", obj)
            rel = get_or_404(lambda **k: selectors.relation_get(organization=org, **k), pk=data.get("relation"))
            if obj.pk not in (rel.source_id, rel.target_id):
                raise ValidationError({"relation": "Not a relation of this entry."})
            relations.relation_delete(organization=org, actor=actor, relation=rel)
            return "Relation removed."
        if kind == "model" and action == "approve":
            self.require("catalog.request_approval", obj)
            d = self._valid(f.ApprovalForm(data, organization=org))
            approval = library.model_approval_request(organization=org, actor=actor, model=obj, **d)
            return ("Approved." if approval.status == "approved"
                    else "Sent for a decision under the decision-rights matrix.")
        if kind == "model" and action == "alias":
            self.require("catalog.edit", obj)
            library.alias_set(organization=org, actor=actor, model=obj, alias=self._valid(f.AliasForm(data))["alias"])
            return "Alias set."
        if kind == "model" and action in ("deprecate", "retire"):
            self.require("catalog.edit", obj)
            svc = library.catalog_model_deprecate if action == "deprecate" else library.catalog_model_retire
            svc(organization=org, actor=actor, model=obj)
            return f"Model {action}d."
        if kind == "component" and action == "deprecate":
            self.require("catalog.edit", obj)
            comp_svc.component_save(organization=org, actor=actor, component=obj, maturity=Maturity.DEPRECATED)
            return "Component deprecated."
        if kind == "data_product" and action == "schema":
            self.require("catalog.edit", obj)
            d = self._valid(f.SchemaForm(data))
            comp_svc.schema_publish(organization=org, actor=actor, data_product=obj, fields=d["fields_text"],
                                    note=d["note"])
            return "Schema version published."
        if kind == "data_product" and action == "request_access":
            d = self._valid(f.AccessRequestForm(data))
            comp_svc.access_request_file(organization=org, actor=actor, data_product=obj, reason=d["reason"])
            return "Access requested: the owner pod decides."
        if kind == "data_product" and action in ("grant", "refuse"):
            req = get_or_404(lambda **k: selectors.access_request_get(organization=org, **k), pk=data.get("request"))
            if req.data_product_id != obj.pk:
                raise ValidationError({"request": "Not a request for this data product."})
            self.require("catalog.decide_access", req)
            comp_svc.access_request_decide(organization=org, actor=actor, request=req, approve=action == "grant",
                                           note=data.get("note", ""))
            return "Access granted." if action == "grant" else "Access refused."
        raise ValidationError({"action": f"Unknown action “{action}”."})
