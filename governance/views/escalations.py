"""Escalations: filing with a live routing preview, the inbox, the list, the timeline."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views import View

from governance import selectors
from governance.forms import CommentForm, DecideForm, EscalationForm
from governance.models import Escalation, EscalationStatus
from governance.services import escalations as services
from pods import selectors as pod_selectors
from pods.models import Pod
from pods.permissions import led_pods
from tenancy.cache import (
    CSRF_PLACEHOLDER,
    ESCALATIONS,
    GOVERNANCE,
    PEOPLE,
    PODS,
    cached_fragment,
    fill_csrf,
)
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.views.base import OrgPageMixin
from tenancy.views.forms import form_submit

PER_PAGE = 25


def _now_slot() -> datetime.datetime:
    """Now, floored to five minutes: cached tables show ages and due times at that grain."""
    now = timezone.now()
    return now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0)


def _visibility(view: OrgPageMixin) -> tuple[Any, ...]:
    """The cache key part for what the viewer sees (the rule itself is the selector's)."""
    if can(view.membership, "governance.view_all"):
        return ("all",)
    return ("viewer", view.membership.pk, tuple(sorted(led_pods(view.membership))))


class EscalationListView(OrgPageMixin, View):
    """Leaders see every escalation; others those of the pods they lead and those routed to them
    (`selectors.escalation_visible_q`). The table is cached per org version, filters, page,
    visibility and five-minute slot."""

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        status = request.GET.get("status", "")
        if status not in {"", "active", *EscalationStatus.values}:
            status = ""
        q = request.GET.get("q", "").strip()[:100]
        page_no = request.GET.get("page", "1")
        visibility, now = _visibility(self), _now_slot()

        def render_table() -> str:
            qs = selectors.escalation_list(organization=self.organization, viewer=self.membership,
                                           status=status, q=q)
            page = Paginator(qs, PER_PAGE).get_page(page_no)
            return render_to_string("governance/_escalation_table.html", {
                "page": page, "status": status, "now": now, "request": request,
                "organization": self.organization,
            })

        table = cached_fragment(self.organization, "escalation_table",
                                (sorted(request.GET.lists()), page_no, visibility, now), render_table,
                                scopes=(ESCALATIONS, PODS, PEOPLE, GOVERNANCE))
        if request.htmx and not request.htmx.boosted:
            return HttpResponse(table)
        return render(request, "governance/escalation_list.html", {
            "table_html": table, "status": status, "statuses": EscalationStatus.choices,
            "can_file": can(self.membership, "governance.file_escalation"),
        })


class InboxView(OrgPageMixin, View):
    """What waits on my decision (with actions on each row), then what waits on the pod after
    I asked it for more information."""

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        page_no, now = request.GET.get("page", "1"), _now_slot()

        def render_rows() -> str:
            mine = selectors.escalation_inbox(organization=self.organization, membership=self.membership)
            page = Paginator(mine, PER_PAGE).get_page(page_no)
            on_pod = list(selectors.escalation_inbox(organization=self.organization, membership=self.membership,
                                          waiting_on="pod")[:PER_PAGE])
            return render_to_string("governance/_inbox_rows.html", {
                "page": page, "on_pod": on_pod, "now": now, "request": request,
                "organization": self.organization, "csrf_placeholder": CSRF_PLACEHOLDER,
            })

        # Routing reads roles, staffing and tiers: every area (scopes=None).
        rows = cached_fragment(self.organization, "inbox", (self.membership.pk, page_no, now),
                               render_rows, scopes=None)
        # The cached rows carry a placeholder, never a session's CSRF token: filled per request.
        return render(request, "governance/inbox.html", {"rows_html": fill_csrf(rows, request)})


class EscalationCreateView(OrgPageMixin, View):
    """Only pod leads file, and only for pods they lead (the form offers no other pod)."""

    def _form(self, data: Any = None) -> EscalationForm:
        initial = {}
        pod_ids = led_pods(self.membership)
        pod = self.request.GET.get("pod")
        if pod and pod.isdigit():
            initial["pod"] = int(pod)
        elif len(pod_ids) == 1:
            initial["pod"] = next(iter(pod_ids))  # the lead leads exactly one pod: it is that one
        return EscalationForm(data, organization=self.organization, pod_ids=pod_ids, initial=initial)

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("governance.file_escalation")
        form = self._form()
        return render(request, "governance/escalation_form.html", {"form": form, "preview": None})

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("governance.file_escalation")
        form = self._form(request.POST)

        def file(data: dict[str, Any]) -> Escalation:
            self.require("governance.file_escalation", data["pod"])
            return services.escalation_file(organization=self.organization, actor=request.user, **data)

        done = form_submit(
            request, form, file,
            success=lambda esc: ("Recorded as a decision taken by the pod." if esc.self_decided
                                 else "Escalation filed and routed."),
            redirect_to=lambda esc: reverse("governance:escalation_detail",
                                            kwargs={"org_slug": self.organization.slug, "pk": esc.pk}),
        )
        if done:
            return done
        return render(request, "governance/escalation_form.html",
                      {"form": form, "preview": selectors.routing_preview(organization=self.organization, data=request.POST)}, status=400)


class EscalationPreviewView(OrgPageMixin, View):
    """The live routing preview beside the form: tier, who decides, SLA."""

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self.post(request)

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("governance.view_matrix")
        data = request.POST if request.method == "POST" else request.GET
        return render(request, "governance/_preview.html", {"preview": selectors.routing_preview(organization=self.organization, data=data)})


class EscalationObjectMixin(OrgPageMixin):
    def load(self, pk: Any) -> Escalation:
        try:
            return selectors.escalation_get(organization=self.organization, viewer=self.membership,
                                            pk=pk)
        except Escalation.DoesNotExist as exc:
            raise Http404 from exc


class EscalationDetailView(EscalationObjectMixin, View):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        return self.render_detail(self.load(pk))

    def render_detail(self, esc: Escalation, status: int = 200, **forms: Any) -> HttpResponse:
        m = self.membership
        return render(self.request, "governance/escalation_detail.html", {
            "esc": esc,
            "events": selectors.escalation_events(organization=self.organization, escalation=esc),
            "decide_form": forms.get("decide_form") or DecideForm(),
            "comment_form": forms.get("comment_form") or CommentForm(),
            "may_decide": can(m, "governance.decide_escalation", esc) and esc.status in
            (EscalationStatus.OPEN, EscalationStatus.IN_REVIEW),
            "may_comment": can(m, "governance.comment_escalation", esc),
            "may_answer": can(m, "governance.answer_escalation", esc) and esc.status == EscalationStatus.NEEDS_INFO,
            "may_close": can(m, "governance.close_escalation", esc) and esc.status == EscalationStatus.DECIDED,
            "may_review": can(m, "governance.decide_escalation", esc) and esc.status == EscalationStatus.OPEN,
            "now": timezone.now(),
        }, status=status)


class EscalationActionView(EscalationObjectMixin, View):
    """One POST endpoint for the workflow: comment, review, decide, answer, close."""

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        esc = self.load(pk)
        action = request.POST.get("action", "")
        org, user = self.organization, request.user
        forms: dict[str, Any] = {}
        # The actions with a form: (permission, form slot, form class, service, message).
        with_form: dict[str, tuple[str, str, type[Form], Callable[..., Any], str]] = {
            "comment": ("governance.comment_escalation", "comment_form", CommentForm,
                        services.escalation_comment, "Comment added."),
            "answer": ("governance.answer_escalation", "comment_form", CommentForm,
                       services.escalation_provide_info, "Information sent; back with the approver."),
            "decide": ("governance.decide_escalation", "decide_form", DecideForm,
                       services.escalation_decide, "Decision recorded."),
        }
        if action in with_form:
            permission, slot, form_class, service, message = with_form[action]
            self.require(permission, esc)
            form: Form = form_class(request.POST)
            forms[slot] = form
            done = form_submit(
                request, form,
                lambda d: service(organization=org, actor=user, escalation=esc, **d),
                success=None, respond=lambda _: self._done(message, esc))
            if done:
                return done
        else:
            try:
                if action == "review":
                    self.require("governance.decide_escalation", esc)
                    services.escalation_start_review(organization=org, actor=user, escalation=esc)
                    return self._done("In review.", esc)
                if action == "close":
                    self.require("governance.close_escalation", esc)
                    services.escalation_close(organization=org, actor=user, escalation=esc)
                    return self._done("Closed.", esc)
                messages.error(request, "Unknown action.")
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        esc = self.load(pk)
        return EscalationDetailView.render_detail(self, esc, status=400, **forms)  # type: ignore[arg-type]

    def _done(self, message: str, esc: Escalation) -> HttpResponse:
        messages.success(self.request, f"{message} ({esc.title})" if self._from_inbox() else message)
        if self._from_inbox():  # acted from an inbox row: back to the inbox
            return redirect("governance:inbox", org_slug=self.organization.slug)
        return redirect("governance:escalation_detail", org_slug=self.organization.slug, pk=esc.pk)

    def _from_inbox(self) -> bool:
        return self.request.POST.get("next") == "inbox"


class PodPanelView(OrgPageMixin, View):
    """The pod page's governance panel: open escalations with age; constant queries."""

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        try:
            pod = pod_selectors.pod_lookup(organization=self.organization, pk=pk)
        except Pod.DoesNotExist as exc:
            raise Http404 from exc
        rows = selectors.pod_open_escalations(organization=self.organization, viewer=self.membership,
                                               pod=pod)
        return render(request, "governance/_pod_panel.html", {
            "pod": pod, "rows": rows, "now": timezone.now(),
            "can_file": can(self.membership, "governance.file_escalation", pod),
        })
