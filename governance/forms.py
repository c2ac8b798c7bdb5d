from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from governance import selectors
from governance.bands import Band
from governance.models import (
    ApproverRole,
    CheckKind,
    DecisionType,
    Direction,
    Outcome,
    RiskTier,
)
from pods.models import Pod
from pods.selectors import pod_list
from tenancy.forms import OrgScopedForm, choice_field, model_choice_field
from tenancy.models import Membership
from tenancy.selectors import membership_list

NOT_ALLOWED = "x"


class CellForm(OrgScopedForm):
    """Up to three amount bands: below threshold 1 → tier 1, up to threshold 2 → tier 2, above → tier 3."""

    tier_1 = forms.ChoiceField(label="Decided by")
    threshold_1 = forms.DecimalField(required=False, min_value=Decimal("0.01"), max_digits=14,
                                     decimal_places=2, label="from amount")
    tier_2 = forms.ChoiceField(required=False, label="then")
    threshold_2 = forms.DecimalField(required=False, min_value=Decimal("0.01"), max_digits=14,
                                     decimal_places=2, label="from amount")
    tier_3 = forms.ChoiceField(required=False, label="then")

    def __init__(self, *args: Any, decision_type: DecisionType, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decision_type = decision_type
        self.tiers = {str(t.level): t for t in selectors.decision_tiers(organization=self.organization)}
        choices = [(k, str(t)) for k, t in self.tiers.items()] + [(NOT_ALLOWED, "Not allowed")]
        choice_field(self, "tier_1").choices = choices
        choice_field(self, "tier_2").choices = [("", "—")] + choices
        choice_field(self, "tier_3").choices = [("", "—")] + choices
        if not decision_type.has_amount:
            for name in ("threshold_1", "tier_2", "threshold_2", "tier_3"):
                del self.fields[name]

    @classmethod
    def initial_for(cls, bands: list[Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for i, band in enumerate(bands[:3], start=1):
            initial[f"tier_{i}"] = str(band.tier.level) if band.tier_id else NOT_ALLOWED
            if band.amount_max is not None and i < 3:
                initial[f"threshold_{i}"] = band.amount_max
        return initial

    def bands(self) -> list[Band]:
        d = self.cleaned_data
        tier = lambda v: None if v == NOT_ALLOWED else self.tiers[v]  # noqa: E731
        if not self.decision_type.has_amount:
            return [(None, None, tier(d["tier_1"]))]
        bands: list[Band] = []
        lo: Decimal = Decimal(0)
        for i in (1, 2, 3):
            choice = d.get(f"tier_{i}")
            if not choice:
                break
            hi = d.get(f"threshold_{i}") if i < 3 else None
            nxt = d.get(f"tier_{i + 1}") if i < 3 else None
            if hi is not None and not nxt:
                raise ValidationError({f"tier_{i + 1}": "Choose who decides from this amount."})
            if nxt and hi is None:
                raise ValidationError({f"threshold_{i}": "Give the amount where the next band starts."})
            bands.append((lo, hi if nxt else None, tier(choice)))
            if not nxt or hi is None:  # a next band always has its threshold (checked above)
                break
            lo = hi
        return bands


class NameForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(max_length=300, required=False)
    has_amount = forms.BooleanField(required=False, label="Split by amount")
    amount_unit = forms.CharField(max_length=20, required=False)


class RiskTierForm(forms.Form):
    name = forms.CharField(max_length=80)
    description = forms.CharField(max_length=300, required=False)


class EscalationForm(OrgScopedForm):
    pod = forms.ModelChoiceField(queryset=Pod.objects.none())
    decision_type = forms.ModelChoiceField(queryset=DecisionType.objects.none())
    risk_tier = forms.ModelChoiceField(queryset=RiskTier.objects.none())
    amount = forms.DecimalField(required=False, min_value=0, max_digits=14, decimal_places=2)
    title = forms.CharField(max_length=200)
    context = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000)
    options = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000,
                              label="Options considered")
    recommendation = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=3000)
    needed_by = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, pod_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "pod").queryset = pod_list(organization=self.organization).filter(pk__in=pod_ids)
        model_choice_field(self, "decision_type").queryset = selectors.decision_types(organization=self.organization)
        model_choice_field(self, "risk_tier").queryset = selectors.risk_tiers(organization=self.organization)


class DecideForm(forms.Form):
    """No outcome is preselected: the approver chooses. Rejecting or asking for more
    information needs a reason."""

    outcome = forms.ChoiceField(
        label="Decision", widget=forms.RadioSelect,
        choices=[(Outcome.APPROVED, "Approve"), (Outcome.REJECTED, "Reject"),
                 ("needs_info", "Ask for more information")],
        error_messages={"required": "Choose approve, reject or ask for more information."})
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=3000,
                           label="Reason", help_text="Required to reject or to ask for more information.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome, note = data.get("outcome"), (data.get("note") or "").strip()
        if outcome == Outcome.REJECTED and not note:
            self.add_error("note", "Give the reason for rejecting.")
        elif outcome == "needs_info" and not note:
            self.add_error("note", "Say what information is needed.")
        return data


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, label="Comment")


class ResolveForm(forms.Form):
    note = forms.CharField(max_length=2000)


class PolicyForm(forms.Form):
    check_kind = forms.ChoiceField(choices=CheckKind.choices)
    required = forms.BooleanField(required=False)
    direction = forms.ChoiceField(choices=Direction.choices)
    threshold = forms.FloatField()


class DecisionTierForm(OrgScopedForm):
    name = forms.CharField(max_length=120)
    approver_role = forms.ChoiceField(choices=ApproverRole.choices, label="Decided by")
    approvers = forms.ModelMultipleChoiceField(queryset=Membership.objects.none(), required=False,
                                               help_text="Named approvers; leave empty for everyone with the role.")
    sla_hours = forms.IntegerField(min_value=1, max_value=24 * 90, label="SLA (hours)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "approvers").queryset = membership_list(organization=self.organization)
