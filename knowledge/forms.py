"""Forms for knowledge pages. Every related-object choice comes from the request's organization."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from knowledge.models import INCIDENT_TAXONOMY, IncidentStatus, LessonKind, Severity
from knowledge.search import search_kinds
from knowledge.selectors import incident_choices
from tenancy.forms import FilterForm, OrgScopedForm, choice_field, model_choice_field

if TYPE_CHECKING:
    from knowledge.models import Guild, Incident, Presentation
    from pods.models import Pod
    from tenancy.models import Person, User

DATE = forms.DateInput(attrs={"type": "date"})


class FastSelect(forms.Select):
    """A <select> built in Python: Django's widget renders a sub-template per option, which
    costs seconds for the 2,000 incidents and 300 pods of an enterprise tenant."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> Any:
        from html import escape

        from django.forms.utils import flatatt
        from django.utils.safestring import mark_safe

        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(str(v))}"{" selected" if str(v) in selected else ""}>'
            f"{escape(str(label))}</option>" for v, label in self.choices)
        return mark_safe(f"<select{flatatt(final)}>{options}</select>")  # noqa: S308 (escaped)
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _pods(org: Any) -> Any:
    from pods.selectors import pod_list

    return pod_list(organization=org).only("id", "name")


class GuildForm(forms.Form):
    name = forms.CharField(max_length=120)
    topic = forms.CharField(max_length=160, required=False)
    description = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4}))


class LessonForm(OrgScopedForm):
    guild: forms.ModelChoiceField[Guild] = forms.ModelChoiceField(queryset=None, widget=FastSelect, help_text="Lessons are posted into a guild you belong to.")
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=LessonKind.choices, initial=LessonKind.HOWTO)
    body = forms.CharField(max_length=40000, label="Lesson (Markdown)", widget=forms.Textarea(attrs={
        "rows": 14, "placeholder": "## Context\n\n## What we did\n\n## What we learned"}))
    tags = forms.CharField(max_length=400, required=False, help_text="Comma-separated, e.g. rag, evaluation")
    pod: forms.ModelChoiceField[Pod] = forms.ModelChoiceField(queryset=None, widget=FastSelect, required=False)
    incident: forms.ModelChoiceField[Incident] = forms.ModelChoiceField(queryset=None, widget=FastSelect, required=False)
    presentation: forms.ModelChoiceField[Presentation] = forms.ModelChoiceField(queryset=None, widget=FastSelect, required=False,
                                          label="Showcase presentation")

    def __init__(self, *args: Any, guilds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from knowledge.selectors import presentation_list

        org = self.organization
        model_choice_field(self, "guild").queryset = guilds
        model_choice_field(self, "pod").queryset = _pods(org)
        model_choice_field(self, "incident").queryset = incident_choices(organization=org)
        model_choice_field(self, "presentation").queryset = presentation_list(organization=org)


class LessonEditForm(LessonForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["guild"]


class CommentForm(forms.Form):
    body = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), label="Comment")
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class LessonFilterForm(OrgScopedForm, FilterForm):
    filter_names = {"guild": "guild_id"}

    guild = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *LessonKind.choices])
    tag = forms.CharField(required=False, max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from knowledge.selectors import guild_choices

        choice_field(self, "guild").choices = [("", "Any guild")] + [
            (g.pk, g.name) for g in guild_choices(organization=self.organization)]


class SearchForm(OrgScopedForm, FilterForm):
    filter_names = {"guild": "guild_id", "pod": "pod_id"}
    not_filters = ("q",)

    q = forms.CharField(required=False, max_length=200, label="Search",
                        widget=forms.SearchInput(attrs={"placeholder": "Search pods, people, lessons, escalations…",
                                                        "autocomplete": "off"}))
    kind = forms.ChoiceField(required=False)
    # Plain ids (the search documents are scoped to the org, so a foreign id just finds nothing);
    # the page renders their options from `choices`, without Django's per-option widget cost.
    guild = forms.IntegerField(required=False, min_value=1)
    pod = forms.IntegerField(required=False, min_value=1)
    tag = forms.CharField(required=False, max_length=40)
    since = forms.DateField(required=False, widget=DATE)
    until = forms.DateField(required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from knowledge.selectors import guild_choices
        from knowledge.templatetags.knowledge_tags import options_html
        from tenancy.cache import KNOWLEDGE, PODS, cached_value

        org = self.organization
        # The options change only with guilds and pods: keep them, rendered, under those scopes'
        # versions (hundreds of pods cost milliseconds to escape on every keystroke's search).
        options = cached_value(org, "knowledge_search_options", (), lambda: (
            options_html([("", "Any guild"),
                          *((g.pk, g.name) for g in guild_choices(organization=org))]),
            options_html([("", "Any pod"), *((p.pk, p.name) for p in _pods(org))])),
            scopes=(KNOWLEDGE, PODS))
        choice_field(self, "kind").choices = [("", "Everything"), *search_kinds().items()]
        self.choices = {"kind": choice_field(self, "kind").choices, "guild": options[0],
                        "pod": options[1]}



class IncidentForm(OrgScopedForm):
    title = forms.CharField(max_length=200)
    system = forms.CharField(max_length=160, label="System or model")
    pod: forms.ModelChoiceField[Pod] = forms.ModelChoiceField(queryset=None, widget=FastSelect, required=False)
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.SEV3)
    status = forms.ChoiceField(choices=IncidentStatus.choices, initial=IncidentStatus.OPEN)
    started_at = forms.DateTimeField(widget=DATETIME)
    detected_at = forms.DateTimeField(widget=DATETIME)
    resolved_at = forms.DateTimeField(widget=DATETIME, required=False)
    impact = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    tags = forms.MultipleChoiceField(choices=INCIDENT_TAXONOMY, required=False,
                                     widget=forms.CheckboxSelectMultiple, label="Categories")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "pod").queryset = _pods(self.organization)


class PostMortemForm(forms.Form):
    summary = forms.CharField(max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))
    timeline = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}),
                               help_text="One entry per line: 2025-03-01 10:15 | Alert fired")
    contributing_factors = forms.CharField(max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    root_cause = forms.CharField(max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    went_well = forms.CharField(max_length=8000, required=False, label="What went well",
                                widget=forms.Textarea(attrs={"rows": 3}))
    publish = forms.BooleanField(required=False, label="Publish (searchable by the whole organization)")


class ActionItemForm(OrgScopedForm):
    title = forms.CharField(max_length=200, label="Action item")
    owner: forms.ModelChoiceField[User] = forms.ModelChoiceField(queryset=None, widget=FastSelect, required=False)
    due_date = forms.DateField(widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from tenancy.selectors import member_user_list

        model_choice_field(self, "owner").queryset = member_user_list(organization=self.organization)


class ToLessonForm(OrgScopedForm):
    guild: forms.ModelChoiceField[Guild] = forms.ModelChoiceField(queryset=None, widget=FastSelect)

    def __init__(self, *args: Any, guilds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "guild").queryset = guilds


class ShowcaseForm(forms.Form):
    title = forms.CharField(max_length=200)
    date = forms.DateField(widget=DATE)
    recording_url = forms.URLField(required=False, assume_scheme="https")


class PresentationForm(OrgScopedForm):
    title = forms.CharField(max_length=200)
    pod: forms.ModelChoiceField[Pod] = forms.ModelChoiceField(queryset=None, widget=FastSelect, required=False)
    kind = forms.ChoiceField(choices=[("success", "Success"), ("failure", "Failure")])
    summary = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    slides_url = forms.URLField(required=False, assume_scheme="https")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "pod").queryset = _pods(self.organization)


class CitationForm(OrgScopedForm):
    pod: forms.ModelChoiceField[Pod] = forms.ModelChoiceField(queryset=None, widget=FastSelect, required=False, label="Pod whose work it influenced")
    note = forms.CharField(max_length=300, required=False, label="What it influenced")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "pod").queryset = _pods(self.organization)


class TalkForm(OrgScopedForm):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=[("talk", "Tech talk"), ("paper", "Paper review")])
    speaker = forms.CharField(max_length=150)
    date = forms.DateField(widget=DATE)
    guild: forms.ModelChoiceField[Guild] = forms.ModelChoiceField(queryset=None, widget=FastSelect, required=False)
    summary = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    recording_url = forms.URLField(required=False, assume_scheme="https")
    paper_url = forms.URLField(required=False, assume_scheme="https")
    tags = forms.CharField(max_length=400, required=False, help_text="Comma-separated")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from knowledge.selectors import guild_choices

        model_choice_field(self, "guild").queryset = guild_choices(organization=self.organization)


class RotationForm(OrgScopedForm):
    person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(queryset=None, widget=FastSelect)
    home_pod: forms.ModelChoiceField[Pod] = forms.ModelChoiceField(queryset=None, widget=FastSelect, required=False)
    host_pod: forms.ModelChoiceField[Pod] = forms.ModelChoiceField(queryset=None, widget=FastSelect)
    start_date = forms.DateField(widget=DATE)
    end_date = forms.DateField(widget=DATE)
    goals = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from tenancy.selectors import person_choices

        model_choice_field(self, "person").queryset = person_choices(organization=self.organization)
        model_choice_field(self, "home_pod").queryset = _pods(self.organization)
        model_choice_field(self, "host_pod").queryset = _pods(self.organization)

