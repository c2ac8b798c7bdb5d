"""Bench test data: specialists with skills on the bench, and requests filed through the service."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from bench.models import BenchEntry
from bench.services.requests import staffing_request_file
from tests.factories import OrgOwnedFactory, PersonFactory, PersonSkillFactory, SkillFactory, role


def next_monday(weeks: int = 1) -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=(7 - today.weekday()) + 7 * (weeks - 1))


class BenchEntryFactory(OrgOwnedFactory):
    class Meta:
        model = BenchEntry

    person = factory.SubFactory(PersonFactory, organization=factory.SelfAttribute("..organization"),
                                kind="bench")
    available_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    hours_per_week = 40
    utilisation_cap = 100
    rate_per_hour = Decimal("90.00")


def specialist(organization, skills, *, hours=40, cap=100, rate="90.00", name=None, **kw):
    """A bench person holding `skills` ({skill: level})."""
    extra = {"person__full_name": name} if name else {}
    entry = BenchEntryFactory(organization=organization, hours_per_week=hours, utilisation_cap=cap,
                              rate_per_hour=Decimal(rate), **extra, **kw)
    for skill, level in skills.items():
        PersonSkillFactory(organization=organization, person=entry.person, skill=skill, level=level)
    return entry


def skill(organization, name):
    return SkillFactory(organization=organization, name=name)


def file_request(organization, pod, skills, *, actor=None, hours=20, weeks=4, start=None, **kw):
    start = start or next_monday()
    return staffing_request_file(
        organization=organization, actor=actor, pod=pod, role=role(organization), title=kw.pop("title", "ML help"),
        skills=[(s, lvl) for s, lvl in skills.items()], start_date=start,
        end_date=start + datetime.timedelta(weeks=weeks), hours_per_week=hours, **kw)
