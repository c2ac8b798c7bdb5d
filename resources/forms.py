from __future__ import annotations

import uuid
from typing import Any

from django import forms

from pods.models import Pod
from pods.selectors import pod_list
from resources import selectors
from resources.models import BudgetCategory, ComputePool, PoolStatus, ReclaimPolicy, WithinPodPolicy
from tenancy.forms import OrgScopedForm, model_choice_field

LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class PoolForm(OrgScopedForm):
    name = forms.CharField(max_length=120)
    unit = forms.CharField(max_length=40, initial="GPU", help_text="e.g. GPU, H100, 1k API credits")
    capacity = forms.IntegerField(min_value=1, max_value=1_000_000)
    unit_cost = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2, initial=0,
                                   label="Unit cost", help_text="Credits per unit-hour.")
    status = forms.ChoiceField(choices=PoolStatus.choices, initial=PoolStatus.OPEN)


class QuotaForm(OrgScopedForm):
    pod: forms.ModelChoiceField[Pod] = forms.ModelChoiceField(queryset=None)
    nominal = forms.IntegerField(min_value=0, max_value=1_000_000, help_text="Guaranteed units.")
    borrowing_limit = forms.IntegerField(min_value=0, max_value=1_000_000, required=False,
                                         help_text="How much above nominal it may borrow; empty: any idle capacity.")
    lending_limit = forms.IntegerField(min_value=0, max_value=1_000_000, required=False,
                                       help_text="How much of its unused nominal others may borrow; empty: all.")
    reclaim = forms.ChoiceField(choices=ReclaimPolicy.choices, initial=ReclaimPolicy.ANY,
                                help_text="May it take lent capacity back by preempting borrowers?")
    within_pod = forms.ChoiceField(choices=WithinPodPolicy.choices, label="Within the pod",
                                   help_text="May a higher-priority request preempt the pod's own lower-priority ones?")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "pod").queryset = pod_list(organization=self.organization)


class AllocationRequestForm(OrgScopedForm):
    pod: forms.ModelChoiceField[Pod] = forms.ModelChoiceField(queryset=None)
    pool: forms.ModelChoiceField[ComputePool] = forms.ModelChoiceField(queryset=None)
    amount = forms.IntegerField(min_value=1, max_value=1_000_000, help_text="Units of the pool.")
    start = forms.DateTimeField(input_formats=LOCAL, widget=DateTimeInput(), help_text="UTC")
    end = forms.DateTimeField(input_formats=LOCAL, widget=DateTimeInput(), help_text="UTC; the window is [start, end).")
    priority = forms.IntegerField(min_value=-1000, max_value=1000, initial=0,
                                  help_text="Higher goes first in the queue and may preempt lower.")
    preemptible = forms.BooleanField(required=False, initial=True,
                                     label="Preemptible (may borrow idle capacity above the nominal quota)")
    idempotency_key = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, pod_ids: set[int], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        model_choice_field(self, "pod").queryset = pod_list(organization=self.organization).filter(pk__in=pod_ids)
        model_choice_field(self, "pool").queryset = selectors.pool_choices(organization=self.organization)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", "End must be after start.")
        return data


class BudgetForm(OrgScopedForm):
    pod: forms.ModelChoiceField[Pod] = forms.ModelChoiceField(queryset=None)
    quarter = forms.CharField(max_length=7, help_text="e.g. 2026Q4")
    category = forms.ChoiceField(choices=BudgetCategory.choices)
    amount = forms.DecimalField(min_value=0, max_digits=14, decimal_places=2, help_text="Credits.")
    allow_overrun = forms.BooleanField(required=False, label="Allow overrun")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "pod").queryset = pod_list(organization=self.organization)
