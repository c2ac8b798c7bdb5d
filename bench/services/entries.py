"""Bench entries and their time off."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from bench.models import MAX_WEEK_HOURS, BenchEntry, BenchStatus, TimeOff
from bench.services.recompute_trigger import bench_recompute_soon
from tenancy.audit import snapshot
from tenancy.cache import BENCH
from tenancy.models import Organization, Person, User
from tenancy.writes import current_write, org_write

ENTRY_FIELDS = ("available_from", "available_to", "hours_per_week", "utilisation_cap", "rate_per_hour",
                "status", "notes")


def _validate(e: BenchEntry) -> None:
    errors: dict[str, str] = {}
    if e.hours_per_week is None or not 1 <= int(e.hours_per_week) <= MAX_WEEK_HOURS:
        errors["hours_per_week"] = f"Hours per week must be from 1 to {MAX_WEEK_HOURS}."
    if e.utilisation_cap is None or not 1 <= int(e.utilisation_cap) <= 100:
        errors["utilisation_cap"] = "The utilisation cap is a percentage from 1 to 100."
    if e.rate_per_hour is None or Decimal(e.rate_per_hour) < 0:
        errors["rate_per_hour"] = "The rate cannot be negative."
    if e.available_from is None:
        errors["available_from"] = "A start date is required."
    elif e.available_to is not None and e.available_to < e.available_from:
        errors["available_to"] = "Available to cannot be before available from."
    if e.status not in BenchStatus.values:
        errors["status"] = "Not a bench status."
    if errors:
        raise ValidationError(errors)
    e.notes = (e.notes or "").strip()


@org_write.service(BENCH)
def bench_entry_create(*, organization: Organization, actor: User | None, person: Person,
                       available_from: datetime.date, hours_per_week: int,
                       available_to: datetime.date | None = None, utilisation_cap: int = 100,
                       rate_per_hour: Decimal | int = 0, status: str = BenchStatus.AVAILABLE,
                       notes: str = "") -> BenchEntry:
    w = current_write()
    w.same_org("person", person)
    if BenchEntry.objects.for_org(organization).filter(person=person).exists():
        raise ValidationError({"person": f"{person} is already on the bench."})
    e = BenchEntry(organization=organization, person=person, available_from=available_from,
                   available_to=available_to, hours_per_week=hours_per_week, utilisation_cap=utilisation_cap,
                   rate_per_hour=rate_per_hour, status=status, notes=notes)
    _validate(e)
    e.save()
    w.audit("bench_entry.created", target=e, after=snapshot(e))
    bench_recompute_soon(organization.pk)
    return e


@org_write.service(BENCH)
def bench_entry_update(*, organization: Organization, actor: User | None, entry: BenchEntry,
                       **changes: Any) -> BenchEntry:
    e = BenchEntry.objects.for_org(organization).select_for_update().get(pk=entry.pk)
    before = snapshot(e, ENTRY_FIELDS)
    for key, value in changes.items():
        if key not in ENTRY_FIELDS:
            raise ValidationError({key: "This field cannot be changed here."})
        setattr(e, key, value)
    _validate(e)
    e.save()
    current_write().audit("bench_entry.updated", target=e, before=before, after=snapshot(e, ENTRY_FIELDS))
    bench_recompute_soon(organization.pk)
    return e


@org_write.service(BENCH)
def time_off_add(*, organization: Organization, actor: User | None, entry: BenchEntry,
                 start_date: datetime.date, end_date: datetime.date, reason: str = "") -> TimeOff:
    w = current_write()
    w.same_org("entry", entry)
    if start_date is None or end_date is None or end_date <= start_date:
        raise ValidationError({"end_date": "Time off ends after it starts."})
    t = TimeOff.objects.create(organization=organization, entry=entry, start_date=start_date,
                               end_date=end_date, reason=(reason or "").strip()[:120])
    w.audit("bench_time_off.added", target=t, after=snapshot(t))
    bench_recompute_soon(organization.pk)
    return t
