"""Forms for the service marketplace. Pod choices come from the request's organization only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from pods.models import Pod
from resources.market import selectors
from tenancy.models import Membership, Organization


class OfferingForm(forms.Form):
    provider: forms.ModelChoiceField[Pod] = forms.ModelChoiceField(queryset=None, label="Provided by pod")
    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    unit = forms.CharField(max_length=40, initial="request", help_text="What one unit is, e.g. 'review', 'hour'.")
    price = forms.DecimalField(min_value=Decimal(0), max_digits=12, decimal_places=2, label="Price per unit (credits)")
    response_sla_hours = forms.IntegerField(min_value=1, max_value=24 * 90, initial=48, label="Response SLA (hours)")
    monthly_capacity = forms.IntegerField(min_value=1, max_value=100_000, label="Monthly capacity (units)")
    active = forms.BooleanField(required=False, initial=True, help_text="Shown in the marketplace.")

    def __init__(self, *args: Any, organization: Organization, viewer: Membership, edit: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if edit:
            del self.fields["provider"]
        else:
            pods = selectors.provider_pods(organization=organization, viewer=viewer)
            self.fields["provider"].queryset = pods  # type: ignore[attr-defined]


class RequestForm(forms.Form):
    pod: forms.ModelChoiceField[Pod] = forms.ModelChoiceField(queryset=None, label="For pod (it pays)")
    quantity = forms.IntegerField(min_value=1, max_value=100_000, initial=1)
    needed_by = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, organization: Organization, viewer: Membership, exclude_pod: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pods = selectors.requesting_pods(organization=organization, viewer=viewer)
        pods = pods.exclude(pk=exclude_pod) if exclude_pod else pods
        self.fields["pod"].queryset = pods  # type: ignore[attr-defined]
        choices = list(pods.values_list("pk", flat=True)[:2])
        self.has_pods = bool(choices)
        if len(choices) == 1:  # the only pod the viewer may request for
            self.fields["pod"].initial = choices[0]


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("accept", "decline", "deliver", "cancel", "close")])
    reason = forms.CharField(max_length=300, required=False)
