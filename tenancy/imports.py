"""The one code path of every CSV import, and the people directory's import on it.

`csv_import_run` reads (UTF-8, header, columns, row limit), refuses NUL and control characters
per cell, collects every row's problems before writing anything, writes all rows in one
transaction (a service's ValidationError on a row becomes that row's error and rolls every row
back), and records one `<target>.imported` audit event. An import supplies only what is its own:
its columns (`CsvSpec`), the check of a record (`check`) and the write (`write`, which may use
`write_rows` to send each row through the same service as the pages).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from tenancy.cache import PEOPLE
from tenancy.models import Organization, Person, PersonKind, PersonSkill, Skill, User
from tenancy.nul import refusal_for
from tenancy.writes import org_write

MAX_ROWS = 5000
COLUMNS = ("full_name", "email", "title", "kind", "weekly_capacity_hours", "skills")
REQUIRED = ("full_name",)


@dataclass
class RowError:
    row: int
    field: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    skills_created: int = 0
    errors: list[RowError] = field(default_factory=list)


class ImportRejected(ValidationError):
    """Nothing was imported; `errors` names each problem by row and column. A ValidationError, so
    a page's `form_submit` shows its summary on the form like any service's refusal."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s); nothing was imported.")
        self.errors = errors


@dataclass(frozen=True)
class CsvSpec:
    noun: str  # "people": in messages and the audit summary
    target_type: str  # "person": the audit event is "<target_type>.imported"
    columns: tuple[str, ...]
    required: tuple[str, ...]
    empty: str  # the message for a file without rows


Row = tuple[int, Any]  # (line number, what the write needs for that row)


def csv_import_run(*, organization: Organization, actor: User | None, data: bytes | str, spec: CsvSpec,
                   check: Callable[[list[tuple[int, dict[str, str]]]], tuple[list[Row], list[RowError]]],
                   write: Callable[[list[Row]], dict[str, Any]]) -> dict[str, Any]:
    """Read, check every row, then write all rows or none and audit; returns the write's summary
    (its "created" is the number of rows written). Raises ImportRejected with every problem."""
    records, errors = csv_records(data, columns=spec.columns, required=spec.required)
    rows, row_errors = check(records)
    errors.extend(row_errors)
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([RowError(2, "file", spec.empty)])
    with org_write(organization, actor) as w:
        summary = write(rows)
        w.audit(f"{spec.target_type}.imported", target_type=spec.target_type,
                target_repr=f"{summary['created']} {spec.noun} from CSV", after=summary)
    return summary


def write_rows(rows: Iterable[Row], write: Callable[..., Any]) -> list[Any]:
    """Each row through a service (`write(**args)`), all in the caller's transaction: a row the
    service refuses becomes that row's errors, and any error rolls every row back."""
    errors: list[RowError] = []
    written: list[Any] = []
    with transaction.atomic():
        for line, args in rows:
            try:
                with transaction.atomic():
                    written.append(write(**args))
            except ValidationError as exc:
                errors.extend(_service_errors(line, exc))
        if errors:
            raise ImportRejected(errors)
    return written


def _service_errors(line: int, exc: ValidationError) -> list[RowError]:
    if hasattr(exc, "error_dict"):
        return [RowError(line, f, " ".join(m)) for f, m in exc.message_dict.items()]
    return [RowError(line, "row", " ".join(exc.messages))]


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected([RowError(0, "file", "The file is not UTF-8 text.")]) from exc


def _parse_skills(raw: str) -> dict[str, int]:
    """`Python:4; SQL` → {"Python": 4, "SQL": 2}."""
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in raw.replace(",", ";").split(";"))):
        name, _, level = part.partition(":")
        name = name.strip()
        if not name or len(name) > 80:
            raise ValueError(f"“{part}” is not a skill name.")
        level = level.strip() or "2"
        if not level.isdigit() or not 1 <= int(level) <= 5:
            raise ValueError(f"Level of {name} must be 1–5.")
        out[name] = int(level)
    return out


def csv_records(data: bytes | str, *, columns: tuple[str, ...], required: tuple[str, ...],
                ) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """The shared reading half of every CSV import: (line number, cleaned record) per non-blank
    row, plus row-level errors (extra values, NUL and control characters). File-level problems (not UTF-8, not CSV,
    missing or unknown columns, too many rows) raise ImportRejected at once."""
    text = _decode(data)
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ImportRejected([RowError(1, "file", f"Not a readable CSV file: {exc}.")]) from exc
    if not header:
        raise ImportRejected([RowError(1, "file", "The file is empty: expected a header row.")])
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in columns]
    if missing or unknown:
        raise ImportRejected(
            [RowError(1, c, "Required column is missing.") for c in missing]
            + [RowError(1, c, f"Unknown column; expected {', '.join(columns)}.") for c in unknown])
    header_refusals = [m for m in map(refusal_for, header) if m]
    if header_refusals:
        raise ImportRejected([RowError(1, "file", header_refusals[0])])
    reader.fieldnames = header
    records: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    try:
        for line, raw in enumerate(reader, start=2):
            if line - 1 > MAX_ROWS:
                raise ImportRejected([RowError(line, "file", f"More than {MAX_ROWS} rows; split the file.")])
            if None in raw:
                errors.append(RowError(line, "row", "More values than columns."))
                continue
            rec = {k: (v or "").strip() for k, v in raw.items()}
            if not any(rec.values()):
                continue
            nul_cells = [RowError(line, k, m) for k, m in ((k, refusal_for(v)) for k, v in rec.items()) if m]
            if nul_cells:
                errors.extend(nul_cells)
                continue
            records.append((line, rec))
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "file", f"Not a readable CSV file: {exc}."))
    return records, errors


PEOPLE_CSV = CsvSpec(noun="people", target_type="person", columns=COLUMNS, required=REQUIRED,
                     empty="No people in the file.")


def people_import_csv(*, organization: Organization, actor: User | None, data: bytes | str) -> ImportResult:
    def check(records: list[tuple[int, dict[str, str]]]) -> tuple[list[Row], list[RowError]]:
        rows: list[Row] = []
        errors: list[RowError] = []
        seen_emails: dict[str, int] = {}
        existing = {
            e.lower()
            for e in Person.objects.for_org(organization).exclude(email="").values_list("email", flat=True)
        }
        for line, rec in records:
            row_errors = _check_row(line, rec, existing, seen_emails)
            errors.extend(row_errors)
            if row_errors:
                continue
            rows.append((line, (
                Person(
                    organization=organization,
                    full_name=rec["full_name"],
                    email=rec.get("email", "").lower(),
                    title=rec.get("title", ""),
                    kind=rec.get("kind") or PersonKind.EMPLOYEE,
                    weekly_capacity_hours=int(rec.get("weekly_capacity_hours") or 40),
                ),
                _parse_skills(rec.get("skills", "")),
            )))
        return rows, errors

    summary = csv_import_run(
        organization=organization, actor=actor, data=data, spec=PEOPLE_CSV, check=check,
        write=lambda rows: _write(organization=organization, actor=actor, rows=[r for _, r in rows]))
    return ImportResult(created=summary["created"], skills_created=summary["skills_created"])


def _check_row(line: int, rec: dict[str, str], existing: set[str], seen: dict[str, int]) -> list[RowError]:
    errs: list[RowError] = []
    if not rec.get("full_name"):
        errs.append(RowError(line, "full_name", "A name is required."))
    elif len(rec["full_name"]) > 150:
        errs.append(RowError(line, "full_name", "At most 150 characters."))
    email = rec.get("email", "").lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errs.append(RowError(line, "email", f"“{email}” is not an email address."))
        else:
            if email in existing:
                errs.append(RowError(line, "email", f"{email} is already in the directory."))
            elif email in seen:
                errs.append(RowError(line, "email", f"{email} also appears on row {seen[email]}."))
            seen.setdefault(email, line)
    if len(rec.get("title", "")) > 120:
        errs.append(RowError(line, "title", "At most 120 characters."))
    kind = rec.get("kind", "")
    if kind and kind not in PersonKind.values:
        errs.append(RowError(line, "kind", f"“{kind}” is not one of {', '.join(PersonKind.values)}."))
    hours = rec.get("weekly_capacity_hours", "")
    if hours and (not hours.isdigit() or int(hours) > 80):
        errs.append(RowError(line, "weekly_capacity_hours", "Hours per week must be a whole number 0–80."))
    try:
        _parse_skills(rec.get("skills", ""))
    except ValueError as exc:
        errs.append(RowError(line, "skills", str(exc)))
    return errs


@org_write.service(PEOPLE)
def _write(*, organization: Organization, actor: User | None, rows: list[tuple[Person, dict[str, int]]],
           ) -> dict[str, Any]:
    result = ImportResult()
    skills = {s.name.lower(): s for s in Skill.objects.for_org(organization)}
    for _, wanted in rows:
        for name in wanted:
            if name.lower() not in skills:
                skill = Skill.objects.create(organization=organization, name=name)
                skills[name.lower()] = skill
                result.skills_created += 1
    people = Person.objects.bulk_create([p for p, _ in rows])
    PersonSkill.objects.bulk_create(
        PersonSkill(organization=organization, person=person, skill=skills[name.lower()], level=level)
        for person, (_, wanted) in zip(people, rows, strict=True)
        for name, level in wanted.items()
    )
    return {"created": len(people), "ids": [p.pk for p in people], "skills_created": result.skills_created}
