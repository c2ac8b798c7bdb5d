"""The reuse scorecard measure, from the platform catalog's adoptions (`adoption_list`)."""

from __future__ import annotations

import datetime

from django.db.models import Count

from platform_catalog.selectors import adoption_list
from tenancy.models import Organization
from tenancy.registry import ScorecardMeasure


def adoptions_values(organization: Organization, pod_ids: list[int], today: datetime.date) -> dict[int, float]:
    """Per pod: the catalog entries (components, data products, models) it has adopted; one query."""
    counts = dict.fromkeys(pod_ids, 0.0)
    for pod_id, n in (adoption_list(organization=organization).filter(pod_id__in=pod_ids, since__lte=today)
                      .order_by().values("pod_id").annotate(n=Count("id")).values_list("pod_id", "n")):
        counts[pod_id] = float(n)
    return counts


MEASURE = ScorecardMeasure("catalog.adoptions", "Catalog entries adopted", "reuse", adoptions_values)
