"""All-or-nothing CSV import of the people directory, with a per-row error report."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from tenancy.audit import audit_record
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


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s); nothing was imported.")
        self.errors = errors


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


def people_import_csv(*, organization: Organization, actor: User | None, data: bytes | str) -> ImportResult:
    records, errors = csv_records(data, columns=COLUMNS, required=REQUIRED)
    rows: list[tuple[Person, dict[str, int]]] = []
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
        skills = _parse_skills(rec.get("skills", ""))
        rows.append((
            Person(
                organization=organization,
                full_name=rec["full_name"],
                email=rec.get("email", "").lower(),
                title=rec.get("title", ""),
                kind=rec.get("kind") or PersonKind.EMPLOYEE,
                weekly_capacity_hours=int(rec.get("weekly_capacity_hours") or 40),
            ),
            skills,
        ))
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([RowError(2, "file", "No people in the file.")])
    return _write(organization=organization, actor=actor, rows=rows)


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
def _write(*, organization: Organization, actor: User | None, rows: list[tuple[Person, dict[str, int]]]) -> ImportResult:
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
    result.created = len(people)
    audit_record(organization=organization, actor=actor, action="person.imported",
                 target_type="person", target_repr=f"{len(people)} people from CSV",
                 after={"created": [p.pk for p in people], "skills_created": result.skills_created})
    return result
