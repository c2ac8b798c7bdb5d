"""Enterprise-scale pods seed: 300 pods, their assignments over two years, and charters.

Bulk-inserted (see `tenancy_bulk` for why), with one summary audit event. The shape follows
what a large AI organisation looks like: most pods active and 4–7 strong, a few forming, paused
or sunset; one pod in twenty-five without a lead, some too small or too large; a matrix of
part-time assignments that over-allocates a few people; bench specialists on time-boxed
assignments; and charters with one to three versions, about one in eight overdue for review.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from demo.seeding import by_scale
from demo.seeding import enterprise_data as data
from demo.seeding.charter_text import charter_versions
from demo.seeding.context import SeedContext
from demo.seeding.history import backdate_pods
from demo.seeding.pods import pod_roles, seed_small
from pods.models import Assignment, Charter, Pod, PodRole, PodStatus
from tenancy.audit import audit_record
from tenancy.models import LEADER_ROLES, Membership, Person, PersonKind
from tenancy.registry import SeedStep, registry

BATCH = 1000
MAX_ASSIGNMENTS_PER_PERSON = 3


def seed(ctx: SeedContext) -> None:
    org = ctx.org
    if Pod.objects.for_org(org).exists():
        ctx.tally("pods", 0, Pod.objects.for_org(org).count())
        return
    roles = pod_roles(ctx)
    people = list(Person.objects.for_org(org).only("id", "title", "kind").order_by("pk"))
    sponsors = list(Membership.objects.for_org(org).filter(role__in=LEADER_ROLES)
                    .select_related("user").order_by("pk"))
    pods = _pods(ctx, sponsors)
    assignments = _Staffing(ctx, pods, people, roles).run()
    charters = _charters(ctx, pods, {m.pk: m for m in sponsors})
    backdate_pods(organization=org, pod_ids=[p.pk for p in pods])
    audit_record(organization=org, actor=ctx.actor, action="demo.pods_seeded", target=org,
                 after={"pods": len(pods), "assignments": assignments, "charters": charters})


def _pods(ctx: SeedContext, sponsors: list[Membership]) -> list[Pod]:
    org, rng = ctx.org, ctx.rng
    combos = [(d, c, m) for d in data.DOMAINS for c, m in data.CAPABILITIES]
    rng.shuffle(combos)
    statuses = [PodStatus.ACTIVE, PodStatus.FORMING, PodStatus.PAUSED, PodStatus.SUNSET]
    rows = []
    for i in range(ctx.pods):
        domain, capability, mission = combos[i % len(combos)]
        name = f"{domain} {capability}"
        if i >= len(combos):
            name += f" {i // len(combos) + 1}"
        mission = mission.format(d=domain.lower())
        pod = Pod(organization=org, name=name, mission=mission[0].upper() + mission[1:] + ".",
                  status=rng.choices(statuses, [72, 12, 9, 7])[0],
                  sponsor=rng.choice(sponsors) if sponsors and rng.random() < 0.9 else None)
        pod.domain, pod.capability = domain, capability  # type: ignore[attr-defined]
        rows.append(pod)
    Pod.objects.bulk_create(rows, batch_size=BATCH)
    ctx.tally("pods", len(rows))
    return rows


class _Staffing:
    """Who works where: current teams first, then the matrix, the bench and two years of past."""

    def __init__(self, ctx: SeedContext, pods: list[Pod], people: list[Person],
                 roles: dict[str, PodRole]) -> None:
        self.ctx, self.rng, self.pods, self.roles = ctx, ctx.rng, pods, roles
        self.people = people
        self.load: Counter[int] = Counter()
        self.pods_of: defaultdict[int, set[int]] = defaultdict(set)
        self.rows: list[Assignment] = []

    def run(self) -> int:
        staffed = [p for p in self.pods if p.status != PodStatus.SUNSET]
        self._teams(staffed)
        self._matrix(staffed)
        self._bench(staffed)
        self._past()
        Assignment.objects.bulk_create(self.rows, batch_size=BATCH)
        self.ctx.tally("assignments", len(self.rows))
        return len(self.rows)

    def _add(self, pod: Pod, person: Person, role: str, allocation: int,
             start: datetime.date, end: datetime.date | None = None) -> None:
        self.rows.append(Assignment(
            organization=self.ctx.org, pod=pod, person=person, role=self.roles[role],
            allocation_percent=allocation, start_date=start, end_date=end))
        self.load[person.pk] += 1
        self.pods_of[person.pk].add(pod.pk)

    def _role(self, person: Person) -> str:
        family = data.TITLE_FAMILY.get(person.title, "ml_engineer")
        return family if family in self.roles else "ml_engineer"

    def _teams(self, staffed: list[Pod]) -> None:
        rng, ctx = self.rng, self.ctx
        pool = [p for p in self.people if p.kind != PersonKind.BENCH]
        rng.shuffle(pool)
        # Seniors lead: put them first in the queue for a pod's first seat.
        leads = [p for p in pool if p.title.startswith(("Senior", "Staff", "Group"))]
        lead_ids = {p.pk for p in leads}
        others = [p for p in pool if p.pk not in lead_ids]
        queue_leads, queue = iter(leads), iter(others)
        for pod in staffed:
            forming = pod.status == PodStatus.FORMING
            size = rng.choices([2, 3, 4, 5, 6, 7, 8, 9], [4, 9, 18, 24, 20, 14, 6, 5])[0]
            if forming:
                size = min(size, rng.choice([2, 3, 4]))
            has_lead = rng.random() >= 0.04
            for seat in range(size):
                lead = seat == 0 and has_lead
                person = next(queue_leads, None) if lead else None
                person = person or next(queue, None) or next(queue_leads, None)
                if person is None:
                    return  # everyone has a seat
                if lead:
                    allocation = 100 if rng.random() < 0.7 else rng.choice([80, 90])
                else:
                    allocation = rng.choices([100, 90, 80, 60, 50, 40], [40, 10, 25, 10, 10, 5])[0]
                started = rng.randint(3, 60) if forming else rng.randint(7, 700)
                self._add(pod, person, "pod_lead" if lead else self._role(person), allocation,
                          ctx.days_ago(started))

    def _matrix(self, staffed: list[Pod]) -> None:
        """Part-time second assignments; on top of a full-time seat they over-allocate."""
        rng, ctx = self.rng, self.ctx
        if not staffed:
            return
        for person in self.people:
            if self.load[person.pk] != 1 or rng.random() >= 0.14:
                continue
            pod = rng.choice(staffed)
            if pod.pk in self.pods_of[person.pk]:
                continue
            self._add(pod, person, self._role(person), rng.choice([10, 20, 20, 30, 40, 50]),
                      ctx.days_ago(rng.randint(7, 300)))

    def _bench(self, staffed: list[Pod]) -> None:
        rng, ctx = self.rng, self.ctx
        if not staffed:
            return
        for person in self.people:
            if person.kind != PersonKind.BENCH or rng.random() >= 0.6:
                continue
            self._add(rng.choice(staffed), person, self._role(person), rng.choice([50, 80, 100]),
                      ctx.days_ago(rng.randint(3, 60)), ctx.days_ahead(rng.randint(14, 120)))

    def _past(self) -> None:
        """Finished assignments: whole teams of sunset pods, and earlier seats of everyone."""
        rng, ctx = self.rng, self.ctx
        free = list(self.people)
        rng.shuffle(free)
        spare = iter(free)
        for pod in (p for p in self.pods if p.status == PodStatus.SUNSET):
            ended = rng.randint(20, 240)
            started = ended + rng.randint(120, 500)
            for seat in range(rng.randint(3, 6)):
                person = next((p for p in spare if self.load[p.pk] < MAX_ASSIGNMENTS_PER_PERSON
                               and pod.pk not in self.pods_of[p.pk]), None)
                if person is None:
                    break
                self._add(pod, person, "pod_lead" if seat == 0 else self._role(person),
                          rng.choice([100, 80, 60]), ctx.days_ago(started), ctx.days_ago(ended))
        for person in self.people:
            wanted = rng.choice([1, 2]) if self.load[person.pk] == 0 else (
                1 if self.load[person.pk] == 1 and rng.random() < 0.4 else 0)
            for _ in range(min(wanted, MAX_ASSIGNMENTS_PER_PERSON - self.load[person.pk])):
                pod = rng.choice(self.pods)
                if pod.pk in self.pods_of[person.pk]:
                    continue
                ended = rng.randint(10, 400)
                self._add(pod, person, self._role(person), rng.choice([100, 80, 60, 50, 30]),
                          ctx.days_ago(ended + rng.randint(60, 330)), ctx.days_ago(ended))


def _charters(ctx: SeedContext, pods: list[Pod], sponsors: dict[int, Membership]) -> int:
    org, rng = ctx.org, ctx.rng
    cycle = org.charter_review_days
    skills = sorted({s for f in data.FAMILIES.values() for s in f["skills"]})  # type: ignore[attr-defined]
    rows = []
    for pod in pods:
        if pod.status == PodStatus.FORMING and rng.random() < 0.35:
            continue  # a new pod that has not written its charter yet
        sponsor = sponsors.get(pod.sponsor_id or 0)
        author = sponsor.user if sponsor else ctx.actor
        domain, capability = pod.domain, pod.capability  # type: ignore[attr-defined]
        versions = charter_versions(
            mission=pod.mission,
            scope_in=[f"{capability} for {domain} teams in Europe and North America",
                      f"Evaluation and monitoring of the {domain.lower()} models",
                      f"Training and support for the people who use {capability.lower()}"],
            scope_out=rng.sample(data.SCOPE_OUT, 2),
            needed_skills=", ".join(rng.sample(skills, 3)),
            sponsor_label=str(author) if author else "the sponsor",
            count=rng.choices([1, 2, 3], [30, 45, 25])[0],
        )
        overdue = pod.status != PodStatus.SUNSET and rng.random() < 0.12
        review = ctx.days_ago(rng.randint(1, 90)) if overdue else ctx.days_ahead(rng.randint(5, 120))
        dated = []
        for fields in reversed(versions):
            dated.append((fields, review))
            review -= datetime.timedelta(days=cycle + rng.randint(0, 20))
        for number, (fields, review_on) in enumerate(reversed(dated), start=1):
            rows.append(Charter(organization=org, pod=pod, version=number, author=author,
                                next_review_date=review_on, **fields))
    Charter.objects.bulk_create(rows, batch_size=BATCH)
    ctx.tally("charter versions", len(rows))
    return len(rows)


# The step of both scales: the small one through the services (demo/seeding/pods.py), this one in bulk.
registry.seed_steps.register(SeedStep("pods", by_scale(seed_small, seed), order=20, after=("tenancy",)))
