"""All-or-nothing CSV import of pods and of assignments, with a per-row error report.

Reads with the people import's machinery (tenancy/imports.py: `csv_records`, `RowError`,
`ImportRejected`) and writes each row through the same service as the pages (`pod_create`,
`assignment_create`), so the rules (unique names, sponsors, overlaps, the audit trail) are the
pages' rules. Every row is tried inside one transaction; any error rolls back every row and
reports each bad row by line and column. The columns are those of the CSV exports.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from pods import services
from pods.models import Pod, PodRole, PodStatus
from tenancy.imports import ImportRejected, RowError, csv_records
from tenancy.models import Membership, Organization, Person, User

POD_COLUMNS = ("name", "status", "mission", "sponsor_email")
ASSIGNMENT_COLUMNS = ("pod", "person_email", "person_name", "role", "allocation_percent", "start_date",
                      "end_date")


def _service_errors(line: int, exc: ValidationError) -> list[RowError]:
    if hasattr(exc, "error_dict"):
        return [RowError(line, f, " ".join(m)) for f, m in exc.message_dict.items()]
    return [RowError(line, "row", " ".join(exc.messages))]


def _run(rows: list[tuple[int, Any]], write: Any, empty: str) -> int:
    """Write every row in one transaction; any error rolls all of them back."""
    if not rows:
        raise ImportRejected([RowError(2, "file", empty)])
    errors: list[RowError] = []
    with transaction.atomic():
        for line, args in rows:
            try:
                with transaction.atomic():
                    write(**args)
            except ValidationError as exc:
                errors.extend(_service_errors(line, exc))
        if errors:
            raise ImportRejected(errors)
    return len(rows)


def pods_import_csv(*, organization: Organization, actor: User, data: bytes | str) -> int:
    records, errors = csv_records(data, columns=POD_COLUMNS, required=("name",))
    sponsors = {m.user.email.lower(): m for m in Membership.objects.for_org(organization).select_related("user")}
    rows: list[tuple[int, Any]] = []
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
    if errors:
        raise ImportRejected(errors)
    return _run(rows, lambda **kw: services.pod_create(organization=organization, actor=actor, **kw),
                "No pods in the file.")


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def assignments_import_csv(*, organization: Organization, actor: User, data: bytes | str) -> int:
    records, errors = csv_records(data, columns=ASSIGNMENT_COLUMNS,
                                  required=("pod", "person_email", "role", "allocation_percent", "start_date"))
    pods = {p.lname: p for p in Pod.objects.for_org(organization).annotate(lname=Lower("name"))}
    people = {p.email.lower(): p for p in Person.objects.for_org(organization).exclude(email="")}
    roles = {r.key: r for r in PodRole.objects.for_org(organization)}
    rows: list[tuple[int, Any]] = []
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
    if errors:
        raise ImportRejected(errors)
    return _run(rows, lambda **kw: services.assignment_create(organization=organization, actor=actor, **kw),
                "No assignments in the file.")
