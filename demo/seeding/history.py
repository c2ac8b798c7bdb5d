"""Give seeded rows a past.

Services and `bulk_create` stamp `created_at` with now; a demo organization should look like it
has run for a while: assignments created when they started, charter versions when their review
cycle began, pods when their first person joined. Only the given pods are touched, so a re-run
never rewrites the history of rows it did not create. (Audit events stay as written: they are
append-only, and they truthfully say when the seed ran.)
"""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.db.models import DateTimeField, ExpressionWrapper, F, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Least
from django.utils import timezone

from pods.models import Assignment, Charter, Pod
from tenancy.models import Organization


def backdate_pods(*, organization: Organization, pod_ids: Collection[int]) -> None:
    if not pod_ids:
        return
    pod_ids = list(pod_ids)
    review_cycle = datetime.timedelta(days=organization.charter_review_days)
    Charter.objects.for_org(organization).filter(pod_id__in=pod_ids).update(
        created_at=ExpressionWrapper(
            Cast(F("next_review_date"), DateTimeField()) - Value(review_cycle),
            output_field=DateTimeField(),
        )
    )
    Assignment.objects.for_org(organization).filter(pod_id__in=pod_ids).update(
        created_at=Cast(F("start_date"), DateTimeField())
    )
    first_start = (
        Assignment.objects.for_org(organization)
        .filter(pod=OuterRef("pk"))
        .order_by("start_date")
        .values("created_at")[:1]
    )
    first_charter = (
        Charter.objects.for_org(organization)
        .filter(pod=OuterRef("pk"))
        .order_by("version")
        .values("created_at")[:1]
    )
    now = Value(timezone.now(), output_field=DateTimeField())
    Pod.objects.for_org(organization).filter(pk__in=pod_ids).update(
        created_at=Least(
            Coalesce(Subquery(first_start, output_field=DateTimeField()), now),
            Coalesce(Subquery(first_charter, output_field=DateTimeField()), now),
        )
    )
