"""Writes for strategy: themes (with quarter rollover), outcomes, measurements and check-ins.
Each is one `org_write`: audited, touching the strategy cache scope and the pod's own scope."""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pods.models import Pod
from strategy.models import (
    TRENDING,
    Cadence,
    CheckIn,
    Confidence,
    Direction,
    Measurement,
    Outcome,
    Theme,
    ThemeStatus,
)
from strategy.progress import outcome_state, theme_progress
from strategy.quarters import Quarter, quarter_of
from tenancy.audit import snapshot
from tenancy.cache import STRATEGY, pod_scope
from tenancy.models import LEADER_ROLES, Membership, Organization, User
from tenancy.writes import current_write, org_write

THEME_FIELDS = ("title", "description", "owner", "quarter_start", "status")
OUTCOME_FIELDS = ("theme", "pod", "metric", "unit", "direction", "baseline", "target", "target_max",
                  "start_date", "due_date", "cadence_days", "weight")


class IdempotencyConflict(ValidationError):
    """The idempotency key was already used for a different reading (the API answers 409)."""


def quarter_for(organization: Organization, day: datetime.date) -> Quarter:
    return quarter_of(day, organization.quarter_start_month)


# --- Themes ---------------------------------------------------------------------------------------


def _check_owner(organization: Organization, owner: Membership | None) -> None:
    current_write().same_org("owner", owner)
    if owner is None or owner.role not in LEADER_ROLES:
        raise ValidationError({"owner": "A theme is owned by a leader of the organization."})


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "This field is required."})
    return title


@org_write.service(STRATEGY)
def theme_create(*, organization: Organization, actor: User | None, title: str, owner: Membership,
                 quarter: Quarter, description: str = "") -> Theme:
    _check_owner(organization, owner)
    theme = Theme.objects.create(organization=organization, title=_clean_title(title), owner=owner,
                                 description=(description or "").strip(), quarter_start=quarter.start)
    current_write().audit("theme.created", target=theme, after=snapshot(theme, THEME_FIELDS))
    return theme


@org_write.service(STRATEGY)
def theme_update(*, organization: Organization, actor: User | None, theme: Theme, title: str,
                 owner: Membership, description: str = "") -> Theme:
    w = current_write()
    w.same_org("theme", theme)
    _check_owner(organization, owner)
    before = snapshot(theme, THEME_FIELDS)
    theme.title, theme.owner, theme.description = _clean_title(title), owner, (description or "").strip()
    theme.save()
    w.audit("theme.updated", target=theme, before=before, after=snapshot(theme, THEME_FIELDS))
    return theme


def _locked_theme(organization: Organization, theme: Theme) -> Theme:
    current_write().same_org("theme", theme)
    locked = Theme.objects.for_org(organization).select_for_update().get(pk=theme.pk)
    if locked.status != ThemeStatus.ACTIVE:
        raise ValidationError({"status": f"The theme is already {locked.get_status_display().lower()}."})
    return locked


def _current_progress(organization: Organization, theme: Theme) -> float | None:
    outcomes = list(Outcome.objects.for_org(organization).filter(theme=theme))
    now = timezone.now()
    return theme_progress(outcomes, {o.pk: outcome_state(o, now) for o in outcomes})


@org_write.service(STRATEGY)
def theme_close(*, organization: Organization, actor: User | None, theme: Theme,
                final_score: float | None = None, note: str = "") -> Theme:
    """Close the quarter's theme with a final score (by default its progress now, as a fraction)."""
    theme = _locked_theme(organization, theme)
    if final_score is not None and (not math.isfinite(final_score) or final_score < 0):
        raise ValidationError({"final_score": "Give a score of 0 or more (1.0 is 100%)."})
    if final_score is None:
        final_score = _current_progress(organization, theme)
    before = snapshot(theme, ("status", "final_score"))
    theme.status, theme.final_score, theme.closing_note = ThemeStatus.CLOSED, final_score, (note or "").strip()
    theme.save()
    current_write().audit("theme.closed", target=theme, before=before,
                          after=snapshot(theme, ("status", "final_score", "closing_note")))
    return theme


@org_write.service(STRATEGY)
def theme_carry_over(*, organization: Organization, actor: User | None, theme: Theme,
                     note: str = "") -> Theme:
    """Carry the theme into the next quarter: the old one keeps its score at the rollover, its
    unfinished outcomes move with their history, due no earlier than the new quarter's end."""
    w = current_write()
    theme = _locked_theme(organization, theme)
    start_month = organization.quarter_start_month
    nxt = quarter_of(theme.quarter_start, start_month).next(start_month)
    theme.final_score = _current_progress(organization, theme)
    theme.status, theme.closing_note = ThemeStatus.CARRIED_OVER, (note or "").strip()
    theme.save()
    new = Theme.objects.create(organization=organization, title=theme.title, description=theme.description,
                               owner=theme.owner, quarter_start=nxt.start, carried_from=theme)
    now = timezone.now()
    moved = []
    for outcome in Outcome.objects.for_org(organization).filter(theme=theme).select_for_update():
        state = outcome_state(outcome, now)
        if state.progress is not None and state.progress >= 1:
            continue  # met: it stays with the quarter it was met in
        outcome.theme = new
        outcome.due_date = max(outcome.due_date, nxt.end)
        outcome.save(update_fields=["theme", "due_date", "updated_at"])
        moved.append(outcome.pk)
        w.touch(pod_scope(outcome.pod_id))
    w.audit("theme.carried_over", target=theme, after={"into": new.pk, "quarter": nxt.key,
                                                       "outcomes_moved": moved})
    w.audit("theme.created", target=new, after=snapshot(new, THEME_FIELDS))
    return new


# --- Outcomes -------------------------------------------------------------------------------------


def _finite(field: str, value: Any, required: bool = True) -> float | None:
    if value is None:
        if required:
            raise ValidationError({field: "This field is required."})
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({field: "Enter a number."}) from None
    if not math.isfinite(number):
        raise ValidationError({field: "Enter a finite number."})
    return number


def _validate_outcome(organization: Organization, o: Outcome) -> None:
    w = current_write()
    w.same_org("theme", o.theme)
    w.same_org("pod", o.pod)
    if o.direction not in Direction.values:
        raise ValidationError({"direction": f"Unknown direction “{o.direction}”: use one of "
                                            f"{', '.join(Direction.values)}."})
    if not (o.metric or "").strip():
        raise ValidationError({"metric": "This field is required."})
    o.metric, o.unit = o.metric.strip(), (o.unit or "").strip()
    o.baseline = _finite("baseline", o.baseline) or 0.0
    o.target = _finite("target", o.target) or 0.0
    o.target_max = _finite("target_max", o.target_max, required=False)
    if o.direction in TRENDING and o.target == o.baseline:
        raise ValidationError({"target": "The target must differ from the baseline."})
    if o.direction == Direction.INCREASE and o.target < o.baseline:
        raise ValidationError({"target": "To increase, the target must be above the baseline."})
    if o.direction == Direction.DECREASE and o.target > o.baseline:
        raise ValidationError({"target": "To decrease, the target must be below the baseline."})
    if o.direction == Direction.WITHIN_RANGE:
        if o.target_max is None:
            raise ValidationError({"target_max": "A range needs its upper end."})
        if o.target_max < o.target:
            raise ValidationError({"target_max": "The upper end must be at least the target (lower end)."})
    else:
        o.target_max = None
    if o.due_date <= o.start_date:
        raise ValidationError({"due_date": "The due date must be after the start date."})
    if o.cadence_days not in Cadence.values:
        raise ValidationError({"cadence_days": f"Use one of {', '.join(map(str, Cadence.values))} (days)."})
    if not 1 <= int(o.weight or 0) <= 100:
        raise ValidationError({"weight": "Give a weight from 1 to 100."})
    if o.theme.status != ThemeStatus.ACTIVE:
        raise ValidationError({"theme": "The theme is closed; add outcomes to an active theme."})


@org_write.service(STRATEGY)
def outcome_create(*, organization: Organization, actor: User | None, theme: Theme, pod: Pod, metric: str,
                   direction: str, baseline: float, target: float, unit: str = "",
                   target_max: float | None = None, start_date: datetime.date | None = None,
                   due_date: datetime.date | None = None, cadence_days: int = 31, weight: int = 1) -> Outcome:
    quarter = quarter_of(theme.quarter_start, organization.quarter_start_month)
    today = timezone.localdate()
    if start_date is None:  # from today in the theme's quarter, else from the quarter's start
        start_date = today if quarter.contains(today) else quarter.start
    outcome = Outcome(organization=organization, theme=theme, pod=pod, metric=metric, unit=unit,
                      direction=direction, baseline=baseline, target=target, target_max=target_max,
                      start_date=start_date, due_date=due_date or quarter.end, cadence_days=cadence_days,
                      weight=weight)
    _validate_outcome(organization, outcome)
    outcome.save()
    w = current_write()
    w.audit("outcome.created", target=outcome, after=snapshot(outcome, OUTCOME_FIELDS))
    w.touch(pod_scope(pod.pk))
    return outcome


@org_write.service(STRATEGY)
def outcome_update(*, organization: Organization, actor: User | None, outcome: Outcome, **fields: Any) -> Outcome:
    """Change any of OUTCOME_FIELDS except the theme (carry the theme over to move outcomes)."""
    unknown = set(fields) - set(OUTCOME_FIELDS) | ({"theme"} & set(fields))
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed here."})
    w = current_write()
    w.same_org("outcome", outcome)
    before = snapshot(outcome, OUTCOME_FIELDS)
    old_pod = outcome.pod_id
    for name, value in fields.items():
        setattr(outcome, name, value)
    _validate_outcome(organization, outcome)
    outcome.save()
    w.audit("outcome.updated", target=outcome, before=before, after=snapshot(outcome, OUTCOME_FIELDS))
    w.touch(pod_scope(old_pod), pod_scope(outcome.pod_id))
    return outcome


# --- Measurements and check-ins -------------------------------------------------------------------


@org_write.service(STRATEGY)
def measurement_record(*, organization: Organization, actor: User | None, outcome: Outcome, value: float,
                       measured_at: datetime.datetime | None = None, source: str = "manual",
                       idempotency_key: str = "") -> tuple[Measurement, bool]:
    """Record a reading; returns (measurement, created).

    A late reading is placed in time: it becomes the outcome's current value only if it is the
    newest. The same idempotency key twice stores one reading (the second call returns the first;
    with a different value or time it is refused). Pushes to one outcome are serialized by its
    row lock, so two racing duplicates store one.
    """
    w = current_write()
    w.same_org("outcome", outcome)
    value = _finite("value", value)  # type: ignore[assignment]
    now = timezone.now()
    given_time = measured_at is not None
    measured_at = measured_at or now
    if timezone.is_naive(measured_at):
        measured_at = timezone.make_aware(measured_at)
    if measured_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"measured_at": "A measurement cannot be in the future."})
    key = (idempotency_key or "").strip()
    locked = Outcome.objects.for_org(organization).select_for_update().get(pk=outcome.pk)
    if key:
        existing = Measurement.objects.for_org(organization).filter(outcome=locked, idempotency_key=key).first()
        if existing is not None:
            if existing.value != value or (given_time and measured_at != existing.measured_at):
                raise IdempotencyConflict({"idempotency_key": "This key was already used for a different "
                                                              "measurement of this outcome."})
            return existing, False
    m = Measurement.objects.create(organization=organization, outcome=locked, value=value,
                                   measured_at=measured_at, source=(source or "manual").strip()[:80],
                                   idempotency_key=key, recorded_by=actor)
    if locked.current_at is None or measured_at >= locked.current_at:
        locked.current_value, locked.current_at = value, measured_at
        locked.save(update_fields=["current_value", "current_at"])
    outcome.current_value, outcome.current_at = locked.current_value, locked.current_at
    w.audit("measurement.recorded", target=locked,
            after={"value": value, "measured_at": measured_at.isoformat(), "source": m.source,
                   "idempotency_key": key})
    w.touch(pod_scope(locked.pod_id))
    return m, True


@org_write.service(STRATEGY)
def check_in_record(*, organization: Organization, actor: User | None, outcome: Outcome, confidence: str,
                    note: str = "") -> CheckIn:
    w = current_write()
    w.same_org("outcome", outcome)
    if confidence not in Confidence.values:
        raise ValidationError({"confidence": f"Use one of {', '.join(Confidence.values)}."})
    check_in = CheckIn.objects.create(organization=organization, outcome=outcome, confidence=confidence,
                                      note=(note or "").strip(), author=actor)
    Outcome.objects.for_org(organization).filter(pk=outcome.pk).update(
        confidence=confidence, confidence_at=check_in.created_at)
    outcome.confidence, outcome.confidence_at = confidence, check_in.created_at
    w.audit("outcome.check_in", target=outcome, after={"confidence": confidence, "note": check_in.note})
    w.touch(pod_scope(outcome.pod_id))
    return check_in


def outcomes_stale_announce(*, organization: Organization, now: datetime.datetime | None = None) -> int:
    """Send `outcome.stale` for each outcome of an active theme that has gone stale: once per stale
    spell (again only after a newer reading went stale too). The outcomes are locked, so two runs at
    once announce each one once. Returns how many were announced."""
    from integrations.payloads import webhook_data
    from integrations.selectors import last_emitted
    from integrations.services import event_emit

    now = now or timezone.now()
    announced = 0
    with transaction.atomic():  # nothing of strategy's own is written: no audit, no cache scope touched
        rows = [o for o in Outcome.objects.for_org(organization).filter(theme__status=ThemeStatus.ACTIVE)
                .select_for_update(of=("self",)).order_by("pk") if outcome_state(o, now).stale]
        sent = last_emitted(organization=organization, type="outcome.stale",
                            ids=[o.pk for o in rows]) if rows else {}
        for o in rows:
            last = sent.get(o.pk)
            if last is not None and (o.current_at is None or last >= o.current_at):
                continue
            event_emit(organization=organization, type="outcome.stale",
                       data=webhook_data(o, theme_id=o.theme_id, last_measured_at=o.current_at,
                                         cadence_days=o.cadence_days, due_date=o.due_date))
            announced += 1
    return announced
