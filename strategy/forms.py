"""Strategy forms. Related choices come only from the request's organization (and, for an
outcome's pod, only the pods the viewer may add outcomes for)."""

from __future__ import annotations

from typing import Any

from django import forms

from pods.models import Pod
from pods.selectors import pod_list
from strategy.models import (
    SIGNAL_MOVES,
    Cadence,
    Confidence,
    Direction,
    IntakeKind,
    SignalKind,
    SignalStatus,
    Theme,
    ThemeStatus,
)
from strategy.quarters import Quarter
from strategy.selectors import theme_list
from tenancy.forms import OrgScopedForm, choice_field, model_choice_field
from tenancy.models import LEADER_ROLES, Membership, Person
from tenancy.selectors import membership_list

DATE = forms.DateInput(attrs={"type": "date"})


class ThemeForm(OrgScopedForm):
    title = forms.CharField(max_length=160)
    description = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text="What it should change, and why now. It guides; pods choose how.")
    owner = forms.ModelChoiceField(queryset=Membership.objects.none(), help_text="A leader who owns the theme.")
    quarter = forms.ChoiceField()

    def __init__(self, *args: Any, quarters: list[Quarter] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = model_choice_field(self, "owner")
        owner.queryset = membership_list(organization=self.organization).filter(role__in=LEADER_ROLES)
        owner.label_from_instance = lambda m: m.user.full_name or m.user.email  # type: ignore[method-assign,assignment]
        self.quarters = {q.key: q for q in quarters or []}
        if quarters is None:
            del self.fields["quarter"]
        else:
            choice_field(self, "quarter").choices = [(q.key, q.label) for q in quarters]

    def clean_quarter(self) -> Quarter:
        return self.quarters[self.cleaned_data["quarter"]]


class ThemeRolloverForm(forms.Form):
    action = forms.ChoiceField(choices=[("close", "Close with a final score"),
                                        ("carry_over", "Carry over into the next quarter")],
                               widget=forms.RadioSelect)
    final_score = forms.FloatField(required=False, min_value=0, max_value=1000, label="Final score (%)",
                                   help_text="Closing only; left empty, the theme's progress now.")
    note = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class OutcomeForm(OrgScopedForm):
    pod = forms.ModelChoiceField(queryset=Pod.objects.none())
    metric = forms.CharField(max_length=160, help_text="What is measured, e.g. 90-day retention.")
    unit = forms.CharField(max_length=30, required=False, help_text="e.g. %, ms, EUR")
    direction = forms.ChoiceField(choices=Direction.choices)
    baseline = forms.FloatField(help_text="Where it stands at the start.")
    target = forms.FloatField(help_text="The goal; for a range, its lower end.")
    target_max = forms.FloatField(required=False, label="Range upper end", help_text="Only for a range.")
    start_date = forms.DateField(required=False, widget=DATE, help_text="Left empty: today, or the quarter's start.")
    due_date = forms.DateField(required=False, widget=DATE, help_text="Left empty: the quarter's last day.")
    cadence_days = forms.TypedChoiceField(choices=Cadence.choices, coerce=int, initial=Cadence.MONTHLY,
                                          label="Measured", help_text="Without a reading this often it is stale.")
    weight = forms.IntegerField(min_value=1, max_value=100, initial=1,
                                help_text="Its share in the theme's progress.")

    def __init__(self, *args: Any, pod_ids: set[int] | None = None, edit: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pods = pod_list(organization=self.organization)
        model_choice_field(self, "pod").queryset = pods if pod_ids is None else pods.filter(pk__in=pod_ids)
        if edit:
            self.fields["start_date"].required = self.fields["due_date"].required = True


class MeasurementForm(forms.Form):
    value = forms.FloatField()
    measured_at = forms.DateTimeField(required=False, label="Measured at",
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                      help_text="Left empty: now. An earlier reading is placed in time.")


class CheckInForm(forms.Form):
    confidence = forms.ChoiceField(choices=Confidence.choices, widget=forms.RadioSelect)
    note = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SignalForm(OrgScopedForm):
    pod = forms.ModelChoiceField(queryset=Pod.objects.none(), help_text="The pod that noticed it.")
    kind = forms.ChoiceField(choices=SignalKind.choices)
    title = forms.CharField(max_length=160, help_text="One line leaders can act on.")
    body = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 5}),
                           label="What you see", help_text="Evidence, who is affected, what you propose.")
    theme = forms.ModelChoiceField(queryset=Theme.objects.none(), required=False,
                                   help_text="The theme it bears on, if any (its owner is told).")

    def __init__(self, *args: Any, pod_ids: set[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pods = pod_list(organization=self.organization)
        model_choice_field(self, "pod").queryset = pods if pod_ids is None else pods.filter(pk__in=pod_ids)
        model_choice_field(self, "theme").queryset = theme_list(organization=self.organization).filter(
            status=ThemeStatus.ACTIVE)


class SignalTriageForm(forms.Form):
    status = forms.ChoiceField(choices=[], label="Decision")
    reason = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Needed to park or decline; the pods that raised it read it.")
    create_theme = forms.ChoiceField(choices=[], required=False, label="Adopt as a theme for",
                                     help_text="Adopting only: a new theme you own, titled like the signal.")

    def __init__(self, *args: Any, current: str, quarters: list[Quarter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = SIGNAL_MOVES[current]
        choice_field(self, "status").choices = [(v, label) for v, label in SignalStatus.choices if v in allowed]
        self.quarters = {q.key: q for q in quarters}
        choice_field(self, "create_theme").choices = [("", "No new theme"), *((q.key, q.label) for q in quarters)]

    def clean_create_theme(self) -> Quarter | None:
        return self.quarters.get(self.cleaned_data.get("create_theme") or "")


class IntakeAskForm(forms.Form):
    kind = forms.ChoiceField(choices=IntakeKind.choices)
    title = forms.CharField(max_length=160, label="Your question or request")
    body = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4}),
                           label="Details", help_text="It goes to the pod lead, who answers or finds the right person.")


class IntakeAnswerForm(forms.Form):
    answer = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class IntakeRouteForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label="Route to",
                                    help_text="One member of the pod; they answer it.")
    note = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "person").queryset = people if people is not None else Person.objects.none()


class IntakeDeclineForm(forms.Form):
    reason = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="The asker reads it.")
