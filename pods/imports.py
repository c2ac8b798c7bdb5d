"""All-or-nothing CSV import of pods and of assignments, with a per-row error report.

On the one import path (tenancy/imports.py: `csv_import_run`): this module only checks records
and writes each row through the same service as the pages (`pod_create`, `assignment_create`,
through `write_rows`), so the rules (unique names, sponsors, overlaps, the audit trail) are the
pages' rules. The columns are those of the CSV exports.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models.functions import Lower

from pods import services
from pods.models import Pod, PodRole, PodStatus
from tenancy.imports import CsvSpec, Row, RowError, csv_import_run, write_rows
from tenancy.models import Membership, Organization, Person, User

POD_COLUMNS = ("name", "status", "mission", "sponsor_email")
ASSIGNMENT_COLUMNS = ("pod", "person_email", "person_name", "role", "allocation_percent", "start_date",
                      "end_date")


PODS_CSV = CsvSpec(noun="pods", target_type="pod", columns=POD_COLUMNS, required=("name",),
                   empty="No pods in the file.")
ASSIGNMENTS_CSV = CsvSpec(
    noun="assignments", target_type="assignment", columns=ASSIGNMENT_COLUMNS,
    required=("pod", "person_email", "role", "allocation_percent", "start_date"),
    empty="No assignments in the file.")


def _import(organization: Organization, actor: User, data: bytes | str, spec: CsvSpec,
            check: Callable[..., tuple[list[Row], list[RowError]]], create: Callable[..., Any]) -> int:
    """Rows checked by `check`, then each written by the page's service `create`."""

    def write(rows: list[Row]) -> dict[str, Any]:
        written = write_rows(rows, lambda **kw: create(organization=organization, actor=actor, **kw))
        return {"created": len(written), "ids": [obj.pk for obj in written]}

    summary = csv_import_run(organization=organization, actor=actor, data=data, spec=spec,
                             check=lambda records: check(organization, records), write=write)
    return int(summary["created"])


def pods_import_csv(*, organization: Organization, actor: User, data: bytes | str) -> int:
    return _import(organization, actor, data, PODS_CSV, _check_pods, services.pod_create)


def _check_pods(organization: Organization, records: list[tuple[int, dict[str, str]]],
                ) -> tuple[list[Row], list[RowError]]:
    errors: list[RowError] = []
    sponsors = {m.user.email.lower(): m for m in Membership.objects.for_org(organization).select_related("user")}
    rows: list[Row] = []
    for line, rec in records:
        status = rec.get("status") or PodStatus.FORMING
        if status not in PodStatus.values:
            errors.append(RowError(line, "status", f"“{status}” is not one of {', '.join(PodStatus.values)}."))
            continue
        sponsor = None
        if rec.get("sponsor_email"):
            sponsor = sponsors.get(rec["sponsor_email"].lower())
            if sponsor is None:
                errors.append(RowError(line, "sponsor_email", "No member of this organization has this email."))
                continue
        rows.append((line, {"name": rec["name"], "mission": rec.get("mission", ""), "status": status,
                            "sponsor": sponsor}))
    return rows, errors


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def assignments_import_csv(*, organization: Organization, actor: User, data: bytes | str) -> int:
    return _import(organization, actor, data, ASSIGNMENTS_CSV, _check_assignments, services.assignment_create)


def _check_assignments(organization: Organization, records: list[tuple[int, dict[str, str]]],
                       ) -> tuple[list[Row], list[RowError]]:
    errors: list[RowError] = []
    pods = {p.lname: p for p in Pod.objects.for_org(organization).annotate(lname=Lower("name"))}
    people = {p.email.lower(): p for p in Person.objects.for_org(organization).exclude(email="")}
    roles = {r.key: r for r in PodRole.objects.for_org(organization)}
    rows: list[Row] = []
    for line, rec in records:
        row_errors = []
        pod = pods.get(rec["pod"].lower())
        if pod is None:
            row_errors.append(RowError(line, "pod", f"No pod named “{rec['pod']}” in this organization."))
        person = people.get(rec["person_email"].lower())
        if person is None:
            row_errors.append(RowError(line, "person_email", "No one in the directory has this email."))
        role = roles.get(rec["role"])
        if role is None:
            row_errors.append(RowError(line, "role", f"Unknown role; expected one of {', '.join(sorted(roles))}."))
        pct = rec["allocation_percent"]
        if not pct.isdigit() or not 1 <= int(pct) <= 100:
            row_errors.append(RowError(line, "allocation_percent", "A whole number from 1 to 100."))
        dates = {}
        for name in ("start_date", "end_date"):
            if rec.get(name):
                try:
                    dates[name] = _date(rec[name])
                except ValueError:
                    row_errors.append(RowError(line, name, "A date as YYYY-MM-DD."))
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append((line, {"pod": pod, "person": person, "role": role, "allocation_percent": int(pct),
                            "start_date": dates["start_date"], "end_date": dates.get("end_date")}))
    return rows, errors
