"""Helpers shared by knowledge pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.views import View

from knowledge import selectors, services
from tenancy.access import get_or_404  # noqa: F401  (re-exported for knowledge views)
from tenancy.forms import OrgScopedForm
from tenancy.http import OrgRequest
from tenancy.views.base import OrgPageMixin
from tenancy.views.forms import form_submit


def kurl(organization: Any, name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(f"knowledge:{name}", args=[organization.slug, *args])


class ObjectEditView(OrgPageMixin, View):
    """Correct one object on the generic form page: GET shows the form filled from the object,
    POST hands the form's fields to the `<noun>_update` service and goes back to `back_url`;
    bad input (the form's or the service's) is the form again with its errors, status 400.

    The object is looked up with `knowledge.selectors.<noun>_get` through the organization,
    so another organization's id answers 404.
    """

    noun: str  # "showcase": selectors.showcase_get, services.showcase_update(showcase=…)
    form_class: type[forms.Form]
    saved: str = "Saved."

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        obj = self.load(pk)
        return self._render(obj, self.make_form(obj, initial=self.initial(obj)))

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        obj = self.load(pk)
        form = self.make_form(obj, data=request.POST)
        update = getattr(services, f"{self.noun}_update")
        done = form_submit(
            request, form,
            lambda data: update(organization=self.organization, actor=request.user,
                                **{self.noun: obj}, **data),
            success=self.saved, redirect_to=self.back_url(obj))
        return done or self._render(obj, form, status=400)

    def load(self, pk: Any) -> Any:
        return get_or_404(getattr(selectors, f"{self.noun}_get"), organization=self.organization,
                          pk=pk)

    def make_form(self, obj: Any, **kwargs: Any) -> forms.Form:
        if issubclass(self.form_class, OrgScopedForm):
            kwargs["organization"] = self.organization
        return self.form_class(**kwargs)

    def initial(self, obj: Any) -> dict[str, Any]:
        """The form's fields from the object: related objects as ids, tags comma-separated."""
        out: dict[str, Any] = {}
        for name in self.form_class.base_fields:
            value = getattr(obj, obj._meta.get_field(name).attname)
            out[name] = ", ".join(value) if isinstance(value, list) else value
        return out

    def title(self, obj: Any) -> str:
        return f"Edit {obj}"

    def back_url(self, obj: Any) -> str:
        raise NotImplementedError

    def _render(self, obj: Any, form: forms.Form, status: int = 200) -> HttpResponse:
        return render(self.request, "knowledge/form.html", {
            "form": form, "title": self.title(obj), "submit": "Save",
            "cancel": self.back_url(obj)}, status=status)
