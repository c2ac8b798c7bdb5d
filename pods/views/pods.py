"""The org home (pods with health), pod pages, and members added inline with htmx."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views import View

from pods import health_selectors, selectors, services
from pods.forms import AssignmentEditForm, AssignmentForm, PodCreateForm, PodFilterForm, PodForm
from pods.models import Assignment, Pod
from pods.views.rows import joined, pod_row
from tenancy.cache import (
    CSRF_PLACEHOLDER,
    PEOPLE,
    POD_LIST_SCOPES,
    PODS,
    cached_fragment,
    fill_csrf,
    pod_scope,
)
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.selectors import person_for_user, person_get_or_none
from tenancy.views.base import OrgPageMixin, render_htmx
from tenancy.views.forms import form_submit
from tenancy.views.links import pk_url

PODS_PER_PAGE = 25


class PodObjectMixin(OrgPageMixin):
    """Loads `self.pod` from the URL within the request's organization (404 otherwise)."""

    pod: Pod

    def load_pod(self, pk: Any, *, health: bool = False) -> Pod:
        get = selectors.pod_get if health else selectors.pod_lookup
        try:
            self.pod = get(organization=self.organization, pk=pk)
        except Pod.DoesNotExist as exc:
            raise Http404("No such pod.") from exc
        return self.pod


class OrgHomeView(OrgPageMixin, View):
    """Every user's landing page: the org's pods with their health, filterable.

    Everything below the top bar is one fragment cached under the org's cache version, keyed
    by the filters, the page, the day and whether the viewer may create pods; a hit costs no
    query beyond resolving the member.
    """

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = PodFilterForm(request.GET or None)
        filters = form.filters()
        page_no = request.GET.get("page", "1")
        today = timezone.localdate()
        partial = bool(request.htmx) and not request.htmx.boosted
        can_create = can(self.membership, "pods.create_pod")

        def render_body() -> str:
            pods = selectors.pod_list(organization=self.organization, today=today, **filters)
            page = Paginator(pods.select_related("sponsor__user"), PODS_PER_PAGE).get_page(page_no)
            page.object_list = health_selectors.pod_health_attach(self.organization, page.object_list, today)
            pod_url = pk_url("pods:pod_detail", self.organization.slug)
            list_html = render_to_string("pods/_pod_list.html", {
                "page": page, "filtered": bool(filters), "organization": self.organization,
                "request": request, "rows_html": joined(pod_row(p, pod_url(p.pk)) for p in page.object_list),
            })
            if partial:
                return render_to_string("pods/_pod_list_wrap.html", {"pod_list_html": list_html})
            return render_to_string("pods/_org_home_body.html", {
                "form": form, "pod_list_html": list_html, "can_create": can_create,
                "organization": self.organization,
            })

        # Keyed by the raw query string too: the cached body echoes it (search box, page links).
        parts = (sorted(request.GET.lists()), page_no, today, can_create, partial)
        html = cached_fragment(self.organization, "org_home", parts, render_body, scopes=POD_LIST_SCOPES)
        if partial:
            return HttpResponse(html)
        return render(request, "pods/org_home.html", {"body_html": html})


class PodCreateView(OrgPageMixin, View):
    permission_required = "pods.create_pod"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self._render(self._form())

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = self._form(request.POST)

        def create(data: dict[str, Any]) -> Any:
            lead = self.person if data.pop("lead_self", False) else None
            return services.pod_create(organization=self.organization, actor=request.user, lead=lead, **data)

        done = form_submit(
            request, form, create,
            success=lambda pod: f"Pod “{pod.name}” created.",
            redirect_to=lambda pod: reverse("pods:pod_detail",
                                            kwargs={"org_slug": self.organization.slug, "pk": pod.pk}),
        )
        return done or self._render(form, status=400)

    @property
    def person(self) -> Any:
        return person_for_user(organization=self.organization, user=self.request.user)

    def _form(self, data: Any = None) -> PodCreateForm:
        form = PodCreateForm(data, organization=self.organization)
        if self.person is None:
            del form.fields["lead_self"]
        return form

    def _render(self, form: Any, status: int = 200) -> HttpResponse:
        return render(self.request, "pods/pod_form.html", {"form": form, "pod": None}, status=status)


class PodPageMixin(PodObjectMixin):
    """The pod page's members panel; the add-member POST re-renders it with the form's errors."""

    def members_context(self, form: AssignmentForm | None = None) -> dict[str, Any]:
        can_manage = can(self.membership, "pods.manage_assignments", self.pod)
        if form is None and can_manage:
            form = AssignmentForm(organization=self.organization)
        if form is not None:
            search_url = reverse("pods:member_candidates", args=[self.organization.slug, self.pod.pk])
            form.limit_people(selectors.pod_member_candidates(organization=self.organization,
                                                              pod=self.pod), search_url)
        today = timezone.localdate()

        def render_table() -> str:
            return render_to_string("pods/_members_table.html", {
                "pod": self.pod, "organization": self.organization, "can_manage": can_manage,
                "today": today,
                "members": selectors.pod_members(organization=self.organization, pod=self.pod),
            })

        # The table is the same for every viewer with the same rights until the org's next write.
        table = cached_fragment(self.organization, "pod_members", (self.pod.pk, can_manage, today),
                                render_table, scopes=(PODS, PEOPLE, pod_scope(self.pod.pk)))
        return {
            "pod": self.pod,
            "members_table_html": table,
            "assignment_form": form,
            "can_manage": can_manage,
            "today": today,
        }


class PodDetailView(PodPageMixin, View):
    """The pod page. Its body is cached per org version, pod, the viewer's rights and the day;
    the one per-session piece, the add-member form's CSRF token, is put in on the way out."""

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        pod = self.load_pod(pk)
        rights = tuple(can(self.membership, name, pod) for name in
                       ("pods.change_pod", "pods.edit_charter", "pods.manage_assignments"))
        today = timezone.localdate()

        def render_body() -> str:
            health_selectors.pod_health_attach(self.organization, [pod], today)
            return render_to_string("pods/_pod_detail_body.html", {
                **self.members_context(), "pod": pod, "organization": self.organization,
                "charter": selectors.charter_current(organization=self.organization, pod=pod),
                "may_edit": rights[0], "may_charter": rights[1],
                "csrf_placeholder": CSRF_PLACEHOLDER,
            }, request=None)

        body = cached_fragment(self.organization, "pod_detail", (pod.pk, rights, today), render_body,
                               scopes=(PODS, PEOPLE, pod_scope(pod.pk)))
        body = fill_csrf(body, request)
        return render(request, "pods/pod_detail.html", {"pod": pod, "body_html": body})


class PodHealthPartial(PodObjectMixin, View):
    """The health panel alone, re-fetched by htmx after a change on the pod page."""

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        return render(request, "pods/_health.html", {"pod": self.load_pod(pk, health=True)})


class MemberCandidatesPartial(PodObjectMixin, View):
    """`<option>`s for the add-member picker: people matching the search, not yet in the pod."""

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        pod = self.load_pod(pk)
        self.require("pods.manage_assignments", pod)
        q = request.GET.get("person_search", "")[:100].strip()
        people = selectors.pod_member_candidates(organization=self.organization, pod=pod, q=q)
        # The person already picked stays picked when the answer to a slower search arrives.
        chosen = request.GET.get("person", "")
        return render(request, "pods/_member_options.html", {
            "people": people, "q": q, "chosen": int(chosen) if chosen.isdigit() else None})


class PodEditView(PodObjectMixin, View):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        pod = self.load_pod(pk)
        self.require("pods.change_pod", pod)
        form = PodForm(organization=self.organization, initial={
            "name": pod.name, "mission": pod.mission, "status": pod.status, "sponsor": pod.sponsor_id,
        })
        return render(request, "pods/pod_form.html", {"form": form, "pod": pod})

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        pod = self.load_pod(pk)
        self.require("pods.change_pod", pod)
        form = PodForm(request.POST, organization=self.organization)
        done = form_submit(
            request, form,
            lambda data: services.pod_update(organization=self.organization, actor=request.user, pod=pod, **data),
            success="Pod saved.",
            redirect_to=reverse("pods:pod_detail", kwargs={"org_slug": self.organization.slug, "pk": pod.pk}),
        )
        return done or render(request, "pods/pod_form.html", {"form": form, "pod": pod}, status=400)


class AssignmentCreateView(PodPageMixin, View):
    """Add a member inline: htmx swaps the members panel and tells the health panel to reload."""

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        self.load_pod(pk)
        self.require("pods.manage_assignments", self.pod)
        if request.GET.get("preview") == "allocation":
            return self.allocation_preview()
        return render_htmx(request, "pods/assignment_form.html", self.members_context(),
                           partial="pods/_members.html")

    def allocation_preview(self) -> HttpResponse:
        """Before saving: would this person go over 100% with the allocation typed? (htmx)"""
        person_id, typed = self.request.GET.get("person", ""), self.request.GET.get("allocation_percent", "")
        context: dict[str, Any] = {}
        if person_id.isdigit() and typed.isdigit() and len(typed) <= 4:
            person = person_get_or_none(organization=self.organization, pk=int(person_id))
            if person is not None:
                current = selectors.person_allocation_total(organization=self.organization, person=person)
                context = {"person": person, "current": current, "adding": int(typed),
                           "total": current + int(typed)}
        return render(self.request, "pods/_allocation_preview.html", context)

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        self.load_pod(pk)
        self.require("pods.manage_assignments", self.pod)
        form = AssignmentForm(request.POST, organization=self.organization)
        done = form_submit(
            request, form,
            lambda data: services.assignment_create(organization=self.organization, actor=request.user,
                                                    pod=self.pod, **data),
            success=None, respond=lambda a: self._changed(f"{a.person} joined {self.pod.name}."))
        return done or render_htmx(request, "pods/assignment_form.html", self.members_context(form),
                           partial="pods/_members.html", status=400)

    def _changed(self, message: str) -> HttpResponse:
        if self.request.htmx:
            response = render(self.request, "pods/_members.html",
                              {**self.members_context(), "flash": message})
            response["HX-Trigger"] = "podChanged"
            return response
        messages.success(self.request, message)
        return redirect("pods:pod_detail", org_slug=self.organization.slug, pk=self.pod.pk)


class AssignmentEditView(AssignmentCreateView):
    def _assignment(self, pk: int, assignment_pk: int) -> Assignment:
        self.load_pod(pk)
        self.require("pods.manage_assignments", self.pod)
        try:
            a = selectors.assignment_get(organization=self.organization, pk=assignment_pk)
        except Assignment.DoesNotExist as exc:
            raise Http404 from exc
        if a.pod_id != self.pod.pk:
            raise Http404
        return a

    def get(self, request: OrgRequest, pk: int, assignment_pk: int = 0, **kw: Any) -> HttpResponse:
        a = self._assignment(pk, assignment_pk)
        form = AssignmentEditForm(organization=self.organization, initial={
            "role": a.role_id, "allocation_percent": a.allocation_percent,
            "start_date": a.start_date, "end_date": a.end_date})
        return render(request, "pods/assignment_edit.html", {"pod": self.pod, "assignment": a, "form": form})

    def post(self, request: OrgRequest, pk: int, assignment_pk: int = 0, **kw: Any) -> HttpResponse:
        a = self._assignment(pk, assignment_pk)
        if request.POST.get("action") == "end":
            services.assignment_end(organization=self.organization, actor=request.user, assignment=a)
            return self._changed(f"{a.person}'s assignment ended.")
        form = AssignmentEditForm(request.POST, organization=self.organization)
        done = form_submit(
            request, form,
            lambda data: services.assignment_update(organization=self.organization, actor=request.user,
                                                    assignment=a, **data),
            success=None, respond=lambda _: self._changed(f"{a.person}'s assignment saved."))
        return done or render(request, "pods/assignment_edit.html",
                      {"pod": self.pod, "assignment": a, "form": form}, status=400)
