"""Charter editing (each save is a new version), history and a diff between any two versions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from pods import selectors, services
from pods.forms import CharterForm
from pods.models import Charter
from pods.views.pods import PodObjectMixin
from tenancy.http import OrgRequest
from tenancy.views.forms import Notice, form_submit


class CharterEditView(PodObjectMixin, View):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        pod = self.load_pod(pk)
        self.require("pods.edit_charter", pod)
        current = selectors.charter_current(organization=self.organization, pod=pod)
        initial = CharterForm.initial_from(current) or {"mission": pod.mission}
        return self._render(CharterForm(initial=initial), current)

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        pod = self.load_pod(pk)
        self.require("pods.edit_charter", pod)
        current = selectors.charter_current(organization=self.organization, pod=pod)
        form = CharterForm(request.POST)
        done = form_submit(
            request, form,
            lambda data: services.charter_save(organization=self.organization, actor=request.user,
                                               pod=pod, **data),
            success=lambda charter: (
                Notice(messages.INFO, "Nothing changed, so no new version was written.")
                if current is not None and charter.pk == current.pk
                else f"Charter saved as version {charter.version}."),
            redirect_to=reverse("pods:pod_detail", kwargs={"org_slug": self.organization.slug,
                                                           "pk": pod.pk}))
        return done or self._render(form, current, status=400)

    def _render(self, form: CharterForm, current: Charter | None, status: int = 200) -> HttpResponse:
        return render(self.request, "pods/charter_form.html",
                      {"pod": self.pod, "form": form, "current": current}, status=status)


class CharterHistoryView(PodObjectMixin, View):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        pod = self.load_pod(pk)
        versions = list(selectors.charter_versions(organization=self.organization, pod=pod))
        return render(request, "pods/charter_history.html", {"pod": pod, "versions": versions})


class CharterDiffView(PodObjectMixin, View):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        pod = self.load_pod(pk)
        try:
            a, b = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
        except ValueError:
            return render(request, "pods/charter_diff.html",
                          {"pod": pod, "error": "Choose two versions to compare."}, status=400)
        try:
            diff = selectors.charter_diff(organization=self.organization, pod=pod, a=a, b=b)
        except Charter.DoesNotExist as exc:
            raise Http404("No such charter version.") from exc
        return render(request, "pods/charter_diff.html", {"pod": pod, "diff": diff})

