from __future__ import annotations

from typing import Any

from django import forms

from integrations.events import event_type_choices
from tenancy.forms import choice_field


class EndpointForm(forms.Form):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        help_text="Receives a signed POST for each event (Standard Webhooks).",
    )
    description = forms.CharField(max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, help_text="None chosen sends every event type."
    )
    enabled = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "event_types").choices = [(t, f"{t} — {d}") for t, d in event_type_choices()]


class ReplayForm(forms.Form):
    since = forms.DateTimeField(
        label="Replay everything since", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
