"""Bench forms: every related-object choice comes from the request's organization."""

from __future__ import annotations

from typing import Any

from django import forms

from bench.models import MAX_WEEK_HOURS, BenchStatus, Priority
from pods.models import Pod, PodRole
from pods.selectors import pod_list, pod_roles
from tenancy.forms import OrgScopedForm, model_choice_field
from tenancy.models import Person
from tenancy.selectors import person_choices, skill_choices

SKILL_ROWS = 3
LEVELS = [(i, f"{i}+") for i in range(1, 6)]
DATE = forms.DateInput(attrs={"type": "date"})


class StaffingRequestForm(OrgScopedForm):
    pod: forms.ModelChoiceField[Pod] = forms.ModelChoiceField(queryset=None)
    title = forms.CharField(max_length=120, label="Role wanted", help_text="e.g. “Computer-vision engineer”")
    role: forms.ModelChoiceField[PodRole] = forms.ModelChoiceField(queryset=None, label="Pod role")
    hours_per_week = forms.IntegerField(required=False, min_value=1, max_value=MAX_WEEK_HOURS)
    allocation_percent = forms.IntegerField(required=False, min_value=1, max_value=100, label="or allocation %")
    start_date = forms.DateField(widget=DATE)
    end_date = forms.DateField(widget=DATE, help_text="The first day the person is no longer needed.")
    priority = forms.TypedChoiceField(choices=Priority.choices, coerce=int, initial=Priority.NORMAL)
    justification = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)
    draft = forms.BooleanField(required=False, label="Save as a draft (not matched until submitted)")

    def __init__(self, *args: Any, pod_ids: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pods = pod_list(organization=self.organization)
        model_choice_field(self, "pod").queryset = pods if pod_ids is None else pods.filter(pk__in=pod_ids)
        model_choice_field(self, "role").queryset = pod_roles(organization=self.organization)
        skills = skill_choices(organization=self.organization)
        for i in range(1, SKILL_ROWS + 1):
            self.fields[f"skill_{i}"] = forms.ModelChoiceField(queryset=skills, required=i == 1,
                                                               label=f"Required skill {i}")
            self.fields[f"level_{i}"] = forms.TypedChoiceField(choices=LEVELS, coerce=int, initial=3,
                                                               label=f"Minimum level {i}")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["skills"] = [(data.pop(f"skill_{i}"), data.pop(f"level_{i}", 3))
                          for i in range(1, SKILL_ROWS + 1) if data.get(f"skill_{i}")]
        for i in range(1, SKILL_ROWS + 1):
            data.pop(f"skill_{i}", None)
            data.pop(f"level_{i}", None)
        return data


class BenchEntryForm(OrgScopedForm):
    person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(queryset=None)
    available_from = forms.DateField(widget=DATE)
    available_to = forms.DateField(widget=DATE, required=False)
    hours_per_week = forms.IntegerField(min_value=1, max_value=MAX_WEEK_HOURS, initial=40)
    utilisation_cap = forms.IntegerField(min_value=1, max_value=100, initial=100, label="Utilisation cap %")
    rate_per_hour = forms.DecimalField(min_value=0, max_digits=8, decimal_places=2, initial=0)
    status = forms.ChoiceField(choices=BenchStatus.choices, initial=BenchStatus.AVAILABLE)
    notes = forms.CharField(max_length=300, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "person").queryset = person_choices(organization=self.organization)
        if editing:
            del self.fields["person"]


class TimeOffForm(forms.Form):
    start_date = forms.DateField(widget=DATE)
    end_date = forms.DateField(widget=DATE, help_text="The day they are back.")
    reason = forms.CharField(max_length=120, required=False)


class ProposeForm(OrgScopedForm):
    person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(queryset=None, label="Propose someone")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "person").queryset = person_choices(organization=self.organization)


class DismissForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Why dismiss it?")
