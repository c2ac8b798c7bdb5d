"""The overview's filters and the admins' scorecard forms; choices scoped to the organization."""

from __future__ import annotations

from typing import Any

from django import forms

from dashboards import selectors
from dashboards.models import Operator
from dashboards.periods import Period
from dashboards.selectors import Filters
from tenancy.forms import choice_field
from tenancy.models import Organization

MAX_RANGE_DAYS = 731


class FilterForm(forms.Form):
    """Date range and one choice per registered pod dimension (sponsor, theme, pod type …)."""

    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.dimensions = selectors.dimension_choices(organization=organization)
        for dim in self.dimensions:
            self.fields[dim["key"]] = forms.ChoiceField(
                label=dim["label"], required=False, choices=[("", "All")] + list(dim["choices"]))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The end is before the start.")
        elif start and end and (end - start).days > MAX_RANGE_DAYS:
            self.add_error("start", "Choose at most two years.")
        return data

    def filters(self) -> Filters:
        """The chosen filters; the current quarter to date when no range is given."""
        default = Filters.default(self.organization)
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        start = data.get("start") or default.period.start
        end = data.get("end") or default.period.end
        if start > end:
            start, end = default.period.start, default.period.end
        dims = {d["key"]: data[d["key"]] for d in self.dimensions if data.get(d["key"])}
        return Filters(Period(start, end), dims)


class CheckForm(forms.Form):
    name = forms.CharField(max_length=120)
    level = forms.ChoiceField()
    measure = forms.ChoiceField()
    operator = forms.ChoiceField(choices=Operator.choices)
    threshold = forms.FloatField()
    description = forms.CharField(max_length=300, required=False)
    enabled = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        choice_field(self, "level").choices = [(str(lv.pk), lv.name)
                                        for lv in selectors.scorecard_levels(organization=organization)]
        choice_field(self, "measure").choices = selectors.measure_choices()

    def clean_level(self) -> Any:
        return selectors.scorecard_level_get(organization=self.organization, pk=int(self.cleaned_data["level"]))


class LevelForm(forms.Form):
    name = forms.CharField(max_length=60)
