"""Forms for expert time. Related choices come from the request's organization only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from knowledge.models import Guild
from knowledge.selectors import guild_choices
from pods.models import Pod
from resources.experts import selectors
from resources.experts.models import Weekday
from tenancy.models import Membership, Organization, Person
from tenancy.selectors import person_choices


class ExpertForm(forms.Form):
    person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(queryset=None)
    topics = forms.CharField(max_length=300, required=False, help_text="Comma-separated.")
    hours_per_week = forms.IntegerField(min_value=1, max_value=80, initial=2, label="Hours per week offered")

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = person_choices(organization=organization)  # type: ignore[attr-defined]


class OfficeHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    timezone = forms.CharField(max_length=64, initial="UTC", help_text="IANA name, e.g. Europe/Berlin.")
    slot_minutes = forms.IntegerField(min_value=5, max_value=480, initial=30)
    min_notice_hours = forms.IntegerField(min_value=0, max_value=672, initial=24)
    buffer_minutes = forms.IntegerField(min_value=0, max_value=240, initial=0)
    guild: forms.ModelChoiceField[Guild] = forms.ModelChoiceField(
        queryset=None, required=False, help_text="Hosted in a guild: shown on its page.")

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guild"].queryset = guild_choices(organization=organization)  # type: ignore[attr-defined]


class BookingForm(forms.Form):
    """The page offers the free slots as radio buttons whose value is "<start>|<end>" (ISO)."""

    slot = forms.CharField(max_length=80, error_messages={"required": "Pick a free slot."})
    pod: forms.ModelChoiceField[Pod] = forms.ModelChoiceField(queryset=None, label="For pod")
    topic = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"placeholder": "What do you want to discuss?"}))

    def __init__(self, *args: Any, organization: Organization, viewer: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pods = selectors.bookable_pods(organization=organization, viewer=viewer)
        self.fields["pod"].queryset = pods  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raw = data.get("slot") or ""
        start_s, _, end_s = raw.partition("|")
        try:
            start, end = dt.datetime.fromisoformat(start_s), dt.datetime.fromisoformat(end_s)
        except ValueError:
            if raw:
                self.add_error("slot", "Pick one of the listed slots.")
            return data
        if start.tzinfo is None or end.tzinfo is None:
            self.add_error("slot", "Pick one of the listed slots.")
            return data
        data["start"], data["end"] = start, end
        return data
