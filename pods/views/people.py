"""The people directory with total allocations, person pages, and people, role and skill editing."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views import View

from pods import selectors
from pods.forms import PeopleFilterForm, PodRoleForm, SkillForm
from pods.services import pod_role_create
from pods.views.rows import joined, person_row
from tenancy import services as tenancy_services
from tenancy.cache import PEOPLE, PODS, STAFFING, cached_fragment, cached_rows
from tenancy.forms import PersonForm
from tenancy.http import OrgRequest
from tenancy.models import Person, PersonSkill
from tenancy.permissions import can
from tenancy.selectors import person_get, skill_list
from tenancy.views.base import OrgPageMixin, render_htmx
from tenancy.views.forms import form_submit
from tenancy.views.links import pk_url

PEOPLE_PER_PAGE = 50


class PeopleView(OrgPageMixin, View):
    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = PeopleFilterForm(request.GET or None, organization=self.organization)
        filters = form.filters()
        page_no = request.GET.get("page", "1")
        today = timezone.localdate()

        def render_list() -> str:
            people = selectors.people_directory(organization=self.organization, **filters)
            page = Paginator(people, PEOPLE_PER_PAGE).get_page(page_no)
            return render_to_string("pods/_people_list.html", {
                "page": page, "filtered": bool(filters), "organization": self.organization,
                "request": request, "rows_html": joined(self.person_rows(page.object_list)),
            })

        html = cached_fragment(self.organization, "people", (sorted(request.GET.lists()), page_no, today),
                               render_list, scopes=(PEOPLE, PODS, STAFFING))
        return render_htmx(request, "pods/people.html", {
            "form": form, "people_html": html,
            "can_manage": can(self.membership, "tenancy.manage_people"),
        }, partial="pods/_people_list_wrap.html")


    def person_rows(self, people: Any) -> list[str]:
        """Russian-doll rows: one cached fragment per person, keyed on the person and their
        running allocation (assignments change it) under the `people` area (everything else a
        row shows). After an assignment edit the list re-renders that one person's row."""
        org = self.organization
        person_url = pk_url("pods:person_detail", org.slug)

        def render(missing: list[dict[str, Any]]) -> list[str]:
            skills = selectors.people_top_skills(organization=org, person_ids=[p["pk"] for p in missing])
            return [person_row(p, person_url(p["pk"]), skills.get(p["pk"], ())) for p in missing]

        return cached_rows(org, "person_row", people, key=lambda p: (p["pk"], p["total_allocation"]),
                           render=render, scopes=(PEOPLE,))


class PersonDetailView(OrgPageMixin, View):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        try:
            person = person_get(organization=self.organization, pk=pk)
        except Person.DoesNotExist as exc:
            raise Http404 from exc
        assignments = selectors.person_assignments(organization=self.organization, person=person)
        today = timezone.localdate()
        running = [a for a in assignments if a.is_active_on(today)]
        total = sum(a.allocation_percent for a in running)
        return render(request, "pods/person_detail.html", {
            "person": person, "assignments": assignments, "running": running,
            "total_allocation": total, "over_allocated": total > 100, "today": today,
            "can_manage": can(self.membership, "tenancy.manage_people"),
        })


class PersonFormView(OrgPageMixin, View):
    """Create (no pk) or edit a directory entry, with skills as `name:level` lines."""

    permission_required = "tenancy.manage_people"

    def _person(self, pk: int | None) -> Person | None:
        if pk is None:
            return None
        try:
            return person_get(organization=self.organization, pk=pk)
        except Person.DoesNotExist as exc:
            raise Http404 from exc

    def get(self, request: OrgRequest, pk: int | None = None, **kw: Any) -> HttpResponse:
        person = self._person(pk)
        initial = {}
        if person is not None:
            initial = {f: getattr(person, f) for f in tenancy_services.PERSON_FIELDS}
            initial["user"] = person.user_id
        return self._render(PersonForm(organization=self.organization, initial=initial), person)

    def post(self, request: OrgRequest, pk: int | None = None, **kw: Any) -> HttpResponse:
        person = self._person(pk)
        form = PersonForm(request.POST, organization=self.organization)
        skills, skill_error = self._skills(request)
        if skill_error:
            form.add_error(None, skill_error)

        def save(data: dict[str, Any]) -> Person:
            if person is None:
                data.pop("is_active", None)
                return tenancy_services.person_create(
                    organization=self.organization, actor=request.user, skills=skills, **data)
            tenancy_services.person_update(organization=self.organization, actor=request.user,
                                           person=person, skills=skills, **data)
            return person

        done = form_submit(request, form, save, success=lambda p: f"{p.full_name} saved.",
                           redirect_to=lambda p: pk_url("pods:person_detail", self.organization.slug)(p.pk))
        return done or self._render(form, person, status=400)

    def _skills(self, request: OrgRequest) -> tuple[dict[Any, int], str]:
        by_id = {str(s.pk): s for s in skill_list(organization=self.organization)}
        out: dict[Any, int] = {}
        for key, value in request.POST.dict().items():
            if key.startswith("skill_") and value:
                skill = by_id.get(key.removeprefix("skill_"))
                if skill is None or not value.isdigit() or not 1 <= int(value) <= 5:
                    return {}, "Choose skill levels from 1 to 5."
                out[skill] = int(value)
        return out, ""

    def _render(self, form: PersonForm, person: Person | None, status: int = 200) -> HttpResponse:
        levels = {ps.skill_id: ps.level for ps in person.skills.all()} if person else {}
        skills = [(s, levels.get(s.pk)) for s in skill_list(organization=self.organization)]
        return render(self.request, "pods/person_form.html", {
            "form": form, "person": person, "skills": skills, "levels": PersonSkill.Level.choices,
        }, status=status)


class RolesView(OrgPageMixin, View):
    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self._render(PodRoleForm())

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("pods.manage_roles")
        form = PodRoleForm(request.POST)
        done = form_submit(
            request, form,
            lambda data: pod_role_create(organization=self.organization, actor=request.user, **data),
            success=lambda role: f"Role “{role.name}” added.",
            redirect_to=reverse("pods:roles", args=[self.organization.slug]))
        return done or self._render(form, status=400)

    def _render(self, form: PodRoleForm, status: int = 200) -> HttpResponse:
        return render(self.request, "pods/roles.html", {
            "roles": selectors.pod_roles(organization=self.organization), "form": form,
            "can_manage": can(self.membership, "pods.manage_roles"),
        }, status=status)


class SkillsView(OrgPageMixin, View):
    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self._render(SkillForm())

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("tenancy.manage_skills")
        form = SkillForm(request.POST)
        done = form_submit(
            request, form,
            lambda data: tenancy_services.skill_create(organization=self.organization,
                                                       actor=request.user, **data),
            success=lambda skill: f"Skill “{skill.name}” added.",
            redirect_to=reverse("pods:skills", args=[self.organization.slug]))
        return done or self._render(form, status=400)

    def _render(self, form: SkillForm, status: int = 200) -> HttpResponse:
        return render(self.request, "pods/skills.html", {
            "skills": skill_list(organization=self.organization), "form": form,
            "can_manage": can(self.membership, "tenancy.manage_skills"),
        }, status=status)
