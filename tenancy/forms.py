from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from tenancy.models import Organization, PersonKind, Role, User
from tenancy.services import ORG_SETTINGS_FIELDS


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """`form.fields[name]`, which the stubs type as a plain Field, as the choice field it is."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a choice field")
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """`form.fields[name]` as a model choice field, to scope its queryset to the organization."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a model choice field")
    return field


class FetchedChoiceIterator(forms.models.ModelChoiceIterator):
    """A `<select>`'s choices from one ordinary query. Django's own iterator streams them through a
    server-side cursor (DECLARE, FETCH, CLOSE: three round trips for one short list), which was
    the slowest statement of a cold pod page."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class FilterForm(forms.Form):
    """A list's filters: `filters()` is the selector's keyword arguments, the one way a list page,
    its htmx partial and its CSV export read the same query string, so they cannot disagree.

    Empty and invalid filters are left out (a bad value filters nothing rather than failing the
    page). `filter_names` renames a field for the selector (`guild` → `guild_id`); a field named
    in `not_filters` (the search text of a search form) is the caller's to read."""

    filter_names: dict[str, str] = {}
    not_filters: tuple[str, ...] = ()

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {self.filter_names.get(k, k): v for k, v in data.items()
                if k not in self.not_filters and v not in (None, "")}


class OrgScopedForm(forms.Form):
    """A form whose related-object choices come only from the request's organization."""

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        self.organization = organization
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and field.iterator is forms.models.ModelChoiceIterator:
                field.iterator = FetchedChoiceIterator


class OrganizationCreateForm(forms.Form):
    name = forms.CharField(max_length=120)
    slug = forms.SlugField(
        max_length=60, required=False, help_text="The address: /o/<slug>/. Left empty, it follows the name."
    )


class OrganizationSettingsForm(forms.ModelForm[Organization]):
    class Meta:
        model = Organization
        fields = list(ORG_SETTINGS_FIELDS)  # exactly what organization_update accepts
        labels = {
            "pod_size_min": "Smallest healthy pod",
            "pod_size_max": "Largest healthy pod",
            "protected_time_threshold": "Protected time from (%)",
            "protected_share_target": "Members with protected time, target (%)",
            "charter_review_days": "Charter review interval (days)",
            "default_sla_hours": "Default SLA (hours)",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lo, hi = data.get("pod_size_min"), data.get("pod_size_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("pod_size_min", "The smallest pod size must not exceed the largest.")
        return data

    def validate_constraints(self, exclude: Any = None) -> None:  # the clean() above says it better
        return None


class InvitationForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(max_length=150, required=False)
    password = forms.CharField(widget=forms.PasswordInput, min_length=8)


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What uses it, e.g. “CI deploy gate”.")


class ProfileForm(forms.Form):
    full_name = forms.CharField(max_length=150, required=False)


class PersonForm(OrgScopedForm):
    full_name = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    title = forms.CharField(max_length=120, required=False)
    kind = forms.ChoiceField(choices=PersonKind.choices, initial=PersonKind.EMPLOYEE)
    weekly_capacity_hours = forms.IntegerField(min_value=0, max_value=80, initial=40)
    user: forms.ModelChoiceField[User] = forms.ModelChoiceField(queryset=None, required=False, label="Login",
                                  help_text="Link a member's account, if this person signs in.")
    is_active = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from tenancy.selectors import member_user_list

        model_choice_field(self, "user").queryset = member_user_list(organization=self.organization).order_by("email")


class CsvImportForm(forms.Form):
    file = forms.FileField(help_text="UTF-8 CSV with a header row; at most 2 MB.")

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > 2 * 1024 * 1024:
            raise ValidationError("The file is larger than 2 MB.")
        return f


class AuditFilterForm(forms.Form):
    action = forms.CharField(required=False, max_length=60)
    target_type = forms.CharField(required=False, max_length=60)
    actor = forms.EmailField(required=False, label="Actor email")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

