"""Forms of the catalog pages; every related-object choice comes from the request's organization."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from governance.selectors import risk_tiers
from platform_catalog import selectors
from platform_catalog.models import AccessPolicy, Maturity, Modality, RelationKind
from pods.permissions import led_pods
from pods.selectors import pod_list
from tenancy.forms import OrgScopedForm, model_choice_field
from tenancy.models import Membership
from tenancy.permissions import is_org_admin

if TYPE_CHECKING:
    from governance.models import RiskTier
    from pods.models import Pod


class _OptionsInPython:
    """A select whose options are written in Python. Django renders every <option> through a
    template include: for an enterprise org's 300 pods and 600 data products that was most of a
    catalog page's time (1.8 s for an experiment's runs page with its link form)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        parts = []
        for group, options, _index in widget["optgroups"]:
            html = format_html_join("", "<option value=\"{}\"{}>{}</option>",
                                    ((o["value"] if o["value"] is not None else "", flatatt(o["attrs"]), o["label"])
                                     for o in options))
            parts.append(format_html("<optgroup label=\"{}\">{}</optgroup>", group, html) if group else html)
        return format_html("<select name=\"{}\"{}>{}</select>", widget["name"], flatatt(widget["attrs"]),
                           SafeString("".join(parts)))


class Select(_OptionsInPython, forms.Select):
    pass


class SelectMultiple(_OptionsInPython, forms.SelectMultiple):
    pass


def owner_pod_choices(organization: Any, membership: Membership) -> Any:
    """Pods the member may publish for: all for admins, the pods they lead otherwise."""
    pods = pod_list(organization=organization).only("id", "name")
    return pods if is_org_admin(membership) else pods.filter(pk__in=led_pods(membership))


class OwnedForm(OrgScopedForm):
    owner_pod: forms.ModelChoiceField[Pod] = forms.ModelChoiceField(queryset=None, label="Owner pod", widget=Select)

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "owner_pod").queryset = owner_pod_choices(self.organization, membership)


class CatalogModelForm(OwnedForm):
    name = forms.CharField(max_length=120)
    version = forms.CharField(max_length=60)
    provider = forms.CharField(max_length=120)
    licence = forms.CharField(max_length=120, required=False)
    modality = forms.ChoiceField(choices=Modality.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=3000)
    intended_use = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)
    out_of_scope_use = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)
    training_data = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)
    limitations = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)
    ethical_considerations = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                             max_length=5000)
    mitigations = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)
    evaluations = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Evaluation results",
        help_text="One row per line: metric, value, dataset, slice (e.g. “auc, 0.91, holdout-2026”).")

    def clean_evaluations(self) -> list[dict[str, Any]]:
        rows = []
        for line in (self.cleaned_data.get("evaluations") or "").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(",")]
            rows.append({"metric": parts[0], "value": parts[1] if len(parts) > 1 else "",
                         "dataset": parts[2] if len(parts) > 2 else "", "slice": parts[3] if len(parts) > 3 else ""})
        return rows


class CatalogModelEditForm(CatalogModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("owner_pod", "name", "version"):
            del self.fields[name]


class ComponentForm(OwnedForm):
    name = forms.CharField(max_length=120)
    kind = forms.CharField(max_length=60, required=False, help_text="e.g. feature store, serving")
    maturity = forms.ChoiceField(choices=Maturity.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=3000)
    docs_url = forms.URLField(required=False, max_length=300, assume_scheme="https", label="Documentation")
    repo_url = forms.URLField(required=False, max_length=300, assume_scheme="https", label="Repository")
    interface_notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=3000)


class DataProductForm(OwnedForm):
    name = forms.CharField(max_length=120)
    domain = forms.CharField(max_length=80, required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=3000)
    access_policy = forms.ChoiceField(choices=AccessPolicy.choices)
    freshness_hours = forms.IntegerField(min_value=1, max_value=24 * 366, initial=24, label="Refresh every (hours)")
    lateness_hours = forms.IntegerField(min_value=0, max_value=24 * 366, initial=6, label="Allowed lateness (hours)")
    min_quality = forms.FloatField(min_value=0, max_value=1, initial=0.95, label="Lowest quality score (0–1)")


class ApprovalForm(OrgScopedForm):
    risk_tier: forms.ModelChoiceField[RiskTier] = forms.ModelChoiceField(queryset=None,
                                                                        label="Approve up to risk tier")
    note = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "risk_tier").queryset = risk_tiers(organization=self.organization)


class AliasForm(forms.Form):
    alias = forms.SlugField(max_length=60, help_text="e.g. champion")


class AdoptForm(OrgScopedForm):
    pod: forms.ModelChoiceField[Pod] = forms.ModelChoiceField(queryset=None, label="Adopting pod", widget=Select)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "pod").queryset = owner_pod_choices(self.organization, membership)


class RelationForm(forms.Form):
    kind = forms.ChoiceField(choices=RelationKind.choices)
    target_kind = forms.ChoiceField(choices=[("model", "Model"), ("component", "Component"),
                                             ("data_product", "Data product")])
    target_id = forms.IntegerField(min_value=1, label="Target id")


class AccessRequestForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class SchemaForm(forms.Form):
    fields_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), label="Fields",
        help_text="One field per line: name, type, description, pii (e.g. “customer_id, string, Customer key, pii”).")
    note = forms.CharField(required=False, max_length=300)

    def clean_fields_text(self) -> list[dict[str, Any]]:
        out = []
        for line in self.cleaned_data["fields_text"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(",")]
            out.append({"name": parts[0], "type": parts[1] if len(parts) > 1 else "",
                        "description": parts[2] if len(parts) > 2 else "",
                        "pii": len(parts) > 3 and parts[3].lower() in ("pii", "true", "yes")})
        return out


class ExperimentLinkForm(OrgScopedForm):
    """An experiment's pod, catalog model and data products (the pods offered: the current one and
    those the member may act for)."""

    owner_pod: forms.ModelChoiceField[Pod] = forms.ModelChoiceField(queryset=None, required=False, label="Pod",
                                                                   widget=Select)
    model: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, required=False,
                                                                label="Catalog model", widget=Select)
    data_products: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label="Data products", widget=SelectMultiple)

    def __init__(self, *args: Any, membership: Membership, current_pod: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pods = owner_pod_choices(self.organization, membership)
        if current_pod is not None and not is_org_admin(membership):
            pods = pod_list(organization=self.organization).only("id", "name").filter(
                pk__in=[*led_pods(membership), current_pod])
        model_choice_field(self, "owner_pod").queryset = pods
        # Only what an option shows (the lists' related rows and aliases are a query each, unused here).
        model_choice_field(self, "model").queryset = selectors.model_list(
            organization=self.organization).select_related(None).prefetch_related(None).only("id", "name", "version")
        model_choice_field(self, "data_products").queryset = selectors.data_product_list(
            organization=self.organization).select_related(None).only("id", "name")
