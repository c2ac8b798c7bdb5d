"""Showcases with their presentations and measured influence, the talk archive, rotations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from knowledge import selectors, services
from knowledge.forms import CitationForm, PresentationForm, RotationForm, ShowcaseForm, TalkForm
from knowledge.views.common import ObjectEditView, get_or_404, kurl
from tenancy.forms import model_choice_field
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.selectors import person_choices
from tenancy.views.base import OrgPageMixin
from tenancy.views.forms import form_error_text, form_submit

PER_PAGE = 25


class ShowcaseListView(OrgPageMixin, View):
    permission_required = "knowledge.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        page = Paginator(selectors.showcase_list(organization=self.organization), PER_PAGE) \
            .get_page(request.GET.get("page"))
        return render(request, "knowledge/showcase_list.html", {
            "page": page, "may_manage": can(self.membership, "knowledge.manage_showcases")})


class ShowcaseCreateView(OrgPageMixin, View):
    permission_required = "knowledge.manage_showcases"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self._render(ShowcaseForm())

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = ShowcaseForm(request.POST)
        done = form_submit(
            request, form,
            lambda data: services.showcase_create(organization=self.organization, actor=request.user, **data),
            success=lambda sc: f"Showcase “{sc.title}” created.",
            redirect_to=lambda sc: kurl(self.organization, "showcase_detail", sc.pk),
        )
        return done or self._render(form, 400)

    def _render(self, form: Any, status: int = 200) -> HttpResponse:
        return render(self.request, "knowledge/form.html", {
            "form": form, "title": "New showcase", "submit": "Create showcase",
            "cancel": kurl(self.organization, "showcase_list")}, status=status)


class ShowcasePageMixin(OrgPageMixin):
    """What the showcase page shows; used by its GET view and by the POST views that re-render
    it with a form's errors (a POST-only view does not inherit the GET one)."""

    permission_required = "knowledge.view"

    def context(self, pk: Any, form: Any = None) -> dict[str, Any]:
        org = self.organization
        showcase = get_or_404(selectors.showcase_get, organization=org, pk=pk)
        may_manage = can(self.membership, "knowledge.manage_showcases")
        return {
            "showcase": showcase,
            "presentations": selectors.showcase_presentations(organization=org, showcase=showcase),
            "may_manage": may_manage,
            "form": form or (PresentationForm(organization=org) if may_manage else None),
            "cite_form": CitationForm(organization=org),
        }


class ShowcaseDetailView(ShowcasePageMixin, View):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        return render(request, "knowledge/showcase_detail.html", self.context(pk))


class ShowcaseEditView(ObjectEditView):
    permission_required = "knowledge.manage_showcases"
    noun, form_class, saved = "showcase", ShowcaseForm, "Showcase saved."

    def back_url(self, obj: Any) -> str:
        return kurl(self.organization, "showcase_detail", obj.pk)


class PresentationCreateView(ShowcasePageMixin, View):
    permission_required = "knowledge.manage_showcases"

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        showcase = get_or_404(selectors.showcase_get, organization=self.organization, pk=pk)
        form = PresentationForm(request.POST, organization=self.organization)
        done = form_submit(
            request, form,
            lambda data: services.presentation_create(organization=self.organization,
                                                      actor=request.user, showcase=showcase, **data),
            success="Presentation added.", redirect_to=kurl(self.organization, "showcase_detail", pk))
        if done:
            return done
        return render(request, "knowledge/showcase_detail.html", self.context(pk, form), status=400)


class PresentationCiteView(OrgPageMixin, View):
    permission_required = "knowledge.cite_presentation"

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        p = get_or_404(selectors.presentation_get, organization=self.organization, pk=pk)
        form = CitationForm(request.POST, organization=self.organization)
        back = kurl(self.organization, "showcase_detail", p.showcase_id)
        done = form_submit(
            request, form,
            lambda data: services.presentation_cite(organization=self.organization, actor=request.user,
                                                    presentation=p, **data),
            success="Influence recorded.", redirect_to=back)
        if done:
            return done
        messages.error(request, form_error_text(form, "Choose a pod of this organization."))
        return redirect(back)


class PresentationEditView(ObjectEditView):
    permission_required = "knowledge.manage_showcases"
    noun, form_class, saved = "presentation", PresentationForm, "Presentation saved."

    def title(self, obj: Any) -> str:
        return f"Edit {obj.title} ({obj.showcase.title})"

    def back_url(self, obj: Any) -> str:
        return kurl(self.organization, "showcase_detail", obj.showcase_id) + f"#p{obj.pk}"


class TalkListView(OrgPageMixin, View):
    permission_required = "knowledge.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self._render(TalkForm(organization=self.organization))

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("knowledge.manage_talks")
        form = TalkForm(request.POST, organization=self.organization)
        done = form_submit(
            request, form,
            lambda data: services.talk_create(organization=self.organization, actor=request.user, **data),
            success="Talk added to the archive.", redirect_to=kurl(self.organization, "talk_list"))
        return done or self._render(form, 400)

    def _render(self, form: Any, status: int = 200) -> HttpResponse:
        org = self.organization
        page = Paginator(selectors.talk_list(organization=org), PER_PAGE).get_page(
            self.request.GET.get("page"))
        return render(self.request, "knowledge/talk_list.html", {
            "page": page, "form": form if can(self.membership, "knowledge.manage_talks") else None},
            status=status)


class TalkEditView(ObjectEditView):
    permission_required = "knowledge.manage_talks"
    noun, form_class, saved = "talk", TalkForm, "Talk saved."

    def back_url(self, obj: Any) -> str:
        return kurl(self.organization, "talk_list") + f"#t{obj.pk}"


class RotationListView(OrgPageMixin, View):
    permission_required = "knowledge.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self._render(RotationForm(organization=self.organization))

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        self.require("knowledge.manage_rotations")
        form = RotationForm(request.POST, organization=self.organization)
        done = form_submit(
            request, form,
            lambda data: services.rotation_create(organization=self.organization, actor=request.user,
                                                  **data),
            success="Rotation planned.", redirect_to=kurl(self.organization, "rotation_list"))
        return done or self._render(form, 400)

    def _render(self, form: Any, status: int = 200) -> HttpResponse:
        page = Paginator(selectors.rotation_list(organization=self.organization), PER_PAGE) \
            .get_page(self.request.GET.get("page"))
        return render(self.request, "knowledge/rotation_list.html", {
            "page": page,
            "form": form if can(self.membership, "knowledge.manage_rotations") else None},
            status=status)


class RotationEditView(ObjectEditView):
    permission_required = "knowledge.manage_rotations"
    noun, form_class, saved = "rotation", RotationForm, "Rotation saved."

    def make_form(self, obj: Any, **kwargs: Any) -> Any:
        form = super().make_form(obj, **kwargs)
        # The form offers active people; someone who has left keeps their past rotations.
        model_choice_field(form, "person").queryset = person_choices(organization=self.organization,
                                                        keep_pk=obj.person_id)
        return form

    def title(self, obj: Any) -> str:
        return f"Edit the rotation of {obj.person} to {obj.host_pod}"

    def back_url(self, obj: Any) -> str:
        return kurl(self.organization, "rotation_list")
