"""Forms of the Team API pages: a pod's Team API fields and its interactions with other pods."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from pods.models import InteractionMode, Pod, TeamType
from pods.team_selectors import partner_choices
from tenancy.forms import OrgScopedForm, model_choice_field

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TeamApiForm(forms.Form):
    team_type = forms.ChoiceField(required=False, choices=[("", "Not declared"), *TeamType.choices],
                                  help_text="Team Topologies: what kind of team this pod is.")
    contact = forms.CharField(max_length=300, required=False, label="How to reach us",
                              help_text="A channel, an address or the intake page; where questions go.")
    services_offered = forms.CharField(max_length=2000, required=False,
                                       widget=forms.Textarea(attrs={"rows": 3}),
                                       help_text="What other pods can use from this one, one per line.")
    working_hours = forms.CharField(max_length=120, required=False, help_text="e.g. Mon–Fri 09:00–17:00 CET")


class PodChoiceField(forms.ModelChoiceField[Pod]):
    def label_from_instance(self, obj: Pod) -> str:
        return obj.name


class InteractionForm(OrgScopedForm):
    partner = PodChoiceField(queryset=None, label="With pod")
    mode = forms.ChoiceField(choices=InteractionMode.choices,
                             help_text="X-as-a-service and facilitating: this pod provides or facilitates.")
    purpose = forms.CharField(max_length=300)
    start_date = forms.DateField(widget=DATE)
    end_date = forms.DateField(widget=DATE, required=False, help_text="Empty: still running.")

    def __init__(self, *args: Any, pod: Pod, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"start_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        model_choice_field(self, "partner").queryset = partner_choices(organization=self.organization, pod=pod)


class InteractionEndForm(forms.Form):
    end_date = forms.DateField(widget=DATE)
