from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone

from pods.models import Charter, PodStatus, TeamType
from pods.selectors import HEALTH_CHOICES, pod_people_choices, pod_roles
from tenancy.forms import FilterForm, OrgScopedForm, choice_field, model_choice_field
from tenancy.models import PersonKind
from tenancy.selectors import leader_memberships, skill_choices

if TYPE_CHECKING:
    from pods.models import PodRole
    from tenancy.models import Membership, Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PodFilterForm(FilterForm):
    q = forms.CharField(required=False, max_length=100, label="Search")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *PodStatus.choices])
    health = forms.ChoiceField(required=False, choices=[("", "Any health"), *HEALTH_CHOICES])
    team_type = forms.ChoiceField(required=False, choices=[("", "Any team type"), *TeamType.choices])


class SponsorChoiceField(forms.ModelChoiceField["Membership"]):
    def label_from_instance(self, obj: Membership) -> str:
        return obj.user.full_name or obj.user.email


class PodForm(OrgScopedForm):
    name = forms.CharField(max_length=120)
    mission = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)
    status = forms.ChoiceField(choices=PodStatus.choices, initial=PodStatus.FORMING)
    sponsor = SponsorChoiceField(queryset=None, required=False, help_text="A leader who backs the pod.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "sponsor").queryset = leader_memberships(organization=self.organization)


class PodCreateForm(PodForm):
    lead_self = forms.BooleanField(required=False, initial=True, label="I lead this pod",
                                   help_text="Adds you as pod lead at 100% from today.")


class AssignmentForm(OrgScopedForm):
    """Add a person to a pod. The picker offers a short list and a search box (htmx), never
    the whole directory; any person of the org is still accepted by id."""

    person_search = forms.CharField(required=False, label="Find a person", max_length=100)
    person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(queryset=None)
    role: forms.ModelChoiceField[PodRole] = forms.ModelChoiceField(queryset=None)
    allocation_percent = forms.IntegerField(min_value=1, max_value=100, initial=100,
                                            label="Allocation %")
    start_date = forms.DateField(widget=DATE)
    end_date = forms.DateField(widget=DATE, required=False,
                               help_text="Leave empty for an open-ended assignment.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "person").queryset = pod_people_choices(organization=self.organization)
        model_choice_field(self, "role").queryset = pod_roles(organization=self.organization)
        self.fields["start_date"].initial = timezone.localdate()

    def limit_people(self, candidates: list[Any], search_url: str) -> None:
        """Offer only `candidates` (plus a chosen person) and wire the search box to `search_url`."""
        chosen = self["person"].value() if "person" in self.fields else None
        options = [(p.pk, f"{p.full_name} · {p.title}" if p.title else p.full_name) for p in candidates]
        if chosen and str(chosen).isdigit() and int(chosen) not in {p.pk for p in candidates}:
            person = pod_people_choices(organization=self.organization).filter(pk=chosen).first()
            if person is not None:
                options.insert(0, (person.pk, person.full_name))
        self.fields["person"].widget.choices = [("", "— choose —"), *options]
        self.fields["person_search"].widget.attrs.update({
            "type": "search", "placeholder": "Type a name, email or title", "autocomplete": "off",
            "hx-get": search_url, "hx-target": "#id_person", "hx-trigger": "input changed delay:250ms",
            "hx-include": "#id_person",
            "hx-swap": "innerHTML",
        })
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data.pop("person_search", None)  # only drives the picker
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date cannot be before the start date.")
        return data


class AssignmentEditForm(AssignmentForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["person"]
        del self.fields["person_search"]


class CharterForm(forms.Form):
    mission = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    scope_in = forms.CharField(label="In scope", widget=forms.Textarea(attrs={"rows": 3}),
                               max_length=4000, required=False)
    scope_out = forms.CharField(label="Out of scope", widget=forms.Textarea(attrs={"rows": 3}),
                                max_length=4000, required=False)
    needed_skills = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                                    required=False)
    decision_rights_notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}),
                                            max_length=4000, required=False)
    escalation_path = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                                      required=False)
    working_agreements = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                                         required=False)
    next_review_date = forms.DateField(widget=DATE, required=False,
                                       help_text="Empty: the organization's review interval from today.")
    change_note = forms.CharField(max_length=200, required=False,
                                  help_text="What changed and why, for the history.")

    @classmethod
    def initial_from(cls, charter: Charter | None) -> dict[str, Any]:
        if charter is None:
            return {}
        data = {name: getattr(charter, name) for name in Charter.TEXT_FIELDS}
        data["next_review_date"] = charter.next_review_date
        return data


class PeopleFilterForm(OrgScopedForm, FilterForm):
    filter_names = {"skill": "skill_id"}

    q = forms.CharField(required=False, max_length=100, label="Search")
    kind = forms.ChoiceField(required=False, choices=[("", "Anyone"), *PersonKind.choices])
    skill = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "skill").choices = [("", "Any skill")] + list(
            skill_choices(organization=self.organization).values_list("pk", "name")
        )


class PodRoleForm(forms.Form):
    name = forms.CharField(max_length=80)
    description = forms.CharField(max_length=300, required=False)
    is_lead = forms.BooleanField(required=False, label="Leads the pod")


class SkillForm(forms.Form):
    name = forms.CharField(max_length=80)
    description = forms.CharField(max_length=300, required=False)
