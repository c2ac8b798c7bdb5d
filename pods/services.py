"""Writes for pods: pods, roles, assignments and charters. Each is one `org_write`: audited, and
touching the cache scopes it changes (the pod's own scope for its page)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pods.defaults import DEFAULT_POD_ROLES
from pods.models import Assignment, Charter, Pod, PodRole, PodStatus
from pods.signals import assignment_changed
from tenancy.audit import audit_record, snapshot
from tenancy.cache import CHARTERS, PODS, STAFFING, pod_scope
from tenancy.models import LEADER_ROLES, Membership, Organization, Person, User
from tenancy.writes import current_write, org_write, same_org

POD_FIELDS = ("name", "mission", "status", "sponsor", "team_type", "contact", "services_offered",
              "working_hours")


def _check_sponsor(organization: Organization, sponsor: Membership | None) -> None:
    same_org(organization, "sponsor", sponsor)
    if sponsor is not None and sponsor.role not in LEADER_ROLES:
        raise ValidationError({"sponsor": "The sponsor must be a leader of the organization."})


def _check_pod_name(organization: Organization, name: str, exclude_pk: int | None) -> None:
    same = Pod.objects.for_org(organization).filter(name__iexact=name)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError({"name": f"A pod named “{name}” already exists."})


# --- Roles -------------------------------------------------------------------------------------


def pod_roles_seed_defaults(*, organization: Organization) -> None:
    existing = set(PodRole.objects.for_org(organization).values_list("key", flat=True))
    PodRole.objects.bulk_create(
        PodRole(organization=organization, key=key, name=name, description=desc, is_lead=lead,
                sort_order=i * 10)
        for i, (key, name, desc, lead) in enumerate(DEFAULT_POD_ROLES)
        if key not in existing
    )


@org_write.service(PODS)
def pod_role_create(*, organization: Organization, actor: User, name: str, description: str = "",
                    is_lead: bool = False) -> PodRole:
    from django.utils.text import slugify

    name = (name or "").strip()
    key = slugify(name).replace("-", "_")[:60]
    role = PodRole(organization=organization, key=key, name=name, description=description.strip(),
                   is_lead=is_lead, sort_order=500)
    role.full_clean(validate_constraints=False)
    if PodRole.objects.for_org(organization).filter(name__iexact=name).exists() or (
        PodRole.objects.for_org(organization).filter(key=key).exists()
    ):
        raise ValidationError({"name": f"A role named “{name}” already exists."})
    role.save()
    audit_record(organization=organization, actor=actor, action="pod_role.created", target=role,
                 after=snapshot(role))
    return role


# --- Pods ----------------------------------------------------------------------------------------


@org_write.service(PODS)
def pod_create(*, organization: Organization, actor: User, name: str, mission: str = "",
               status: str = PodStatus.FORMING, sponsor: Membership | None = None,
               lead: Person | None = None, team_type: str = "", contact: str = "", services_offered: str = "",
               working_hours: str = "") -> Pod:
    """Create a pod; `lead`, when given, is assigned as pod lead at 100% from today."""
    name = (name or "").strip()
    _check_sponsor(organization, sponsor)
    pod = Pod(organization=organization, name=name, mission=(mission or "").strip(),
              status=status, sponsor=sponsor, team_type=team_type, contact=contact.strip(),
              services_offered=services_offered.strip(), working_hours=working_hours.strip())
    pod.full_clean(exclude=["sponsor"], validate_constraints=False)
    _check_pod_name(organization, name, None)
    try:
        with transaction.atomic():
            pod.save()
    except IntegrityError as exc:  # a concurrent create took the name after our check
        raise ValidationError({"name": f"A pod named “{name}” already exists."}) from exc
    audit_record(organization=organization, actor=actor, action="pod.created", target=pod,
                 after=snapshot(pod))
    if lead is not None:
        role = PodRole.objects.for_org(organization).filter(is_lead=True).order_by("sort_order").first()
        if role is None:
            raise ValidationError({"lead": "This organization has no pod lead role."})
        assignment_create(organization=organization, actor=actor, pod=pod, person=lead, role=role,
                          allocation_percent=100, start_date=timezone.localdate())
    current_write().touch(pod_scope(pod.pk))
    return pod


@org_write.service(PODS)
def pod_update(*, organization: Organization, actor: User, pod: Pod, **changes: Any) -> Pod:
    p = Pod.objects.for_org(organization).select_for_update().get(pk=pod.pk)
    before = snapshot(p, POD_FIELDS)
    for key, value in changes.items():
        if key not in POD_FIELDS:
            raise ValidationError({key: "This field cannot be changed here."})
        setattr(p, key, value.strip() if isinstance(value, str) else value)
    _check_sponsor(organization, p.sponsor)
    p.full_clean(exclude=["sponsor"], validate_constraints=False)
    _check_pod_name(organization, p.name, p.pk)
    p.save()
    audit_record(organization=organization, actor=actor, action="pod.updated", target=p,
                 before=before, after=snapshot(p, POD_FIELDS))
    current_write().touch(pod_scope(p.pk))
    return p


# --- Assignments ---------------------------------------------------------------------------------


def _validate_assignment(a: Assignment) -> None:
    errors: dict[str, str] = {}
    if a.allocation_percent is None or not 1 <= int(a.allocation_percent) <= 100:
        errors["allocation_percent"] = "Allocation must be a whole percentage from 1 to 100."
    if a.start_date is None:
        errors["start_date"] = "A start date is required."
    elif a.end_date is not None and a.end_date < a.start_date:
        errors["end_date"] = "The end date cannot be before the start date."
    if errors:
        raise ValidationError(errors)


def _check_overlap(organization: Organization, a: Assignment) -> None:
    """One person holds one running assignment per pod at a time (role changes end the old one)."""
    clash = Assignment.objects.for_org(organization).filter(pod=a.pod, person=a.person).exclude(
        pk=a.pk
    )
    far = datetime.date.max
    for other in clash.only("start_date", "end_date"):
        if other.start_date <= (a.end_date or far) and a.start_date <= (other.end_date or far):
            raise ValidationError(
                {"person": f"{a.person} already has an assignment in {a.pod} over these dates."}
            )


def _lock_person_of(organization: Organization, *, person_id: int | None = None,
                    assignment_pk: int | None = None) -> None:
    """Every assignment write locks the person's row first, then the assignment: one fixed order,
    so a concurrent edit and add for the same person wait for each other instead of deadlocking."""
    if person_id is None:
        if assignment_pk is None:
            raise TypeError("the lock needs the person or the assignment")
        person_id = (Assignment.objects.for_org(organization).filter(pk=assignment_pk)
                     .values_list("person_id", flat=True).first())
        if person_id is None:
            raise Assignment.DoesNotExist("No such assignment in this organization.")
    Person.objects.for_org(organization).select_for_update().filter(pk=person_id).first()


@org_write.service(STAFFING)
def assignment_create(*, organization: Organization, actor: User, pod: Pod, person: Person,
                      role: PodRole, allocation_percent: int, start_date: datetime.date,
                      end_date: datetime.date | None = None) -> Assignment:
    same_org(organization, "pod", pod)
    same_org(organization, "person", person)
    same_org(organization, "role", role)
    # Lock the person so two concurrent adds cannot both pass the overlap check.
    _lock_person_of(organization, person_id=person.pk)
    a = Assignment(organization=organization, pod=pod, person=person, role=role,
                   allocation_percent=allocation_percent, start_date=start_date, end_date=end_date)
    _validate_assignment(a)
    _check_overlap(organization, a)
    a.save()
    audit_record(organization=organization, actor=actor, action="assignment.created", target=a,
                 after=snapshot(a))
    current_write().touch(pod_scope(a.pod_id))
    return a


@org_write.service(STAFFING)
def assignment_update(*, organization: Organization, actor: User, assignment: Assignment,
                      **changes: Any) -> Assignment:
    _lock_person_of(organization, assignment_pk=assignment.pk)
    a = Assignment.objects.for_org(organization).select_for_update(of=("self",)).select_related(
        "pod", "person"
    ).get(pk=assignment.pk)
    before = snapshot(a)
    for key, value in changes.items():
        if key not in ("role", "allocation_percent", "start_date", "end_date"):
            raise ValidationError({key: "This field cannot be changed here."})
        if key == "role":
            same_org(organization, "role", value)
        setattr(a, key, value)
    _validate_assignment(a)
    _check_overlap(organization, a)
    a.save()
    audit_record(organization=organization, actor=actor, action="assignment.updated", target=a,
                 before=before, after=snapshot(a))
    current_write().touch(pod_scope(a.pod_id))
    assignment_changed.send(sender=Assignment, organization=organization, actor=actor, assignment=a, removed=False)
    return a


@org_write.service(STAFFING)
def assignment_end(*, organization: Organization, actor: User, assignment: Assignment,
                   end_date: datetime.date | None = None) -> Assignment | None:
    """End an assignment (today by default); one that has not started yet is removed instead."""
    _lock_person_of(organization, assignment_pk=assignment.pk)
    a = Assignment.objects.for_org(organization).select_for_update().get(pk=assignment.pk)
    if end_date is not None and end_date < a.start_date:
        raise ValidationError({"end_date": "The end date cannot be before the start date."})
    day = end_date or timezone.localdate()
    before = snapshot(a)
    current_write().touch(pod_scope(a.pod_id))
    if end_date is None and a.start_date > day:
        audit_record(organization=organization, actor=actor, action="assignment.removed",
                     target=a, before=before)
        assignment_changed.send(sender=Assignment, organization=organization, actor=actor, assignment=a,
                                removed=True)
        a.delete()
        return None
    a.end_date = day if a.end_date is None or a.end_date > day else a.end_date
    a.save(update_fields=["end_date"])
    audit_record(organization=organization, actor=actor, action="assignment.ended", target=a,
                 before=before, after=snapshot(a))
    assignment_changed.send(sender=Assignment, organization=organization, actor=actor, assignment=a, removed=False)
    return a


# --- Charters ------------------------------------------------------------------------------------


@org_write.service()
def charter_save(*, organization: Organization, actor: User, pod: Pod, mission: str,
                 next_review_date: datetime.date | None = None, change_note: str = "",
                 **fields: str) -> Charter:
    """Write the next version of a pod's charter. Unchanged content writes nothing."""
    same_org(organization, "pod", pod)
    # Lock the pod row: concurrent editors get consecutive versions, never a unique error.
    Pod.objects.for_org(organization).select_for_update().get(pk=pod.pk)
    current = Charter.objects.for_org(organization).filter(pod=pod).order_by("-version").first()
    unknown = set(fields) - set(Charter.TEXT_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Not a charter field."})
    values = {name: (fields.get(name) or "").strip() for name in Charter.TEXT_FIELDS}
    values["mission"] = (mission or "").strip()
    review = next_review_date or (
        timezone.localdate() + datetime.timedelta(days=organization.charter_review_days)
    )
    if review < timezone.localdate() and (current is None or review != current.next_review_date):
        raise ValidationError({"next_review_date": "The next review date cannot be in the past."})
    if current is not None and review == current.next_review_date and all(
        getattr(current, k) == v for k, v in values.items()
    ):
        return current
    charter = Charter(organization=organization, pod=pod,
                      version=(current.version + 1) if current else 1,
                      next_review_date=review, change_note=(change_note or "").strip(),
                      author=actor, **values)
    charter.full_clean(exclude=["author"], validate_constraints=False)
    charter.save()
    audit_record(organization=organization, actor=actor, action="charter.versioned",
                 target=charter,
                 before=snapshot(current, Charter.TEXT_FIELDS + ("next_review_date", "version"))
                 if current else None,
                 after=snapshot(charter, Charter.TEXT_FIELDS + ("next_review_date", "version")))
    # Touched only when a version is written: unchanged content invalidates nothing, and
    # re-derives no pod's health.
    current_write().touch(CHARTERS, pod_scope(pod.pk))
    return charter
