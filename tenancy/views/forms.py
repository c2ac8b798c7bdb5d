"""The one way a page handles a form POST: form → service → field errors → message → redirect.

    form = PresentationForm(request.POST, organization=org)
    done = form_submit(request, form,
                       lambda data: services.presentation_create(organization=org, actor=request.user,
                                                                 showcase=showcase, **data),
                       success="Presentation added.", redirect_to=lambda obj: obj.get_absolute_url())
    if done:
        return done
    return render(request, "…", {"form": form}, status=400)   # the form now carries the errors

A service's ValidationError lands on the form field it names (or on the form), so the page shows
it where the user typed; nothing is written when it is raised (services are atomic).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from tenancy.forms import add_service_errors


def form_submit(
    request: HttpRequest,
    form: forms.BaseForm,
    write: Callable[[dict[str, Any]], Any],
    *,
    success: str | Callable[[Any], str],
    redirect_to: str | Callable[[Any], str],
) -> HttpResponse | None:
    """Validate, write through the service, and redirect with a message; None means "re-render
    the form with its errors" (the caller answers 400)."""
    if not form.is_valid():
        return None
    try:
        result = write(dict(form.cleaned_data))
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return HttpResponseRedirect(redirect_to(result) if callable(redirect_to) else redirect_to)
