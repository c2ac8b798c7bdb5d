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

`success` may return a `Notice` to use another message level (the charter page says "nothing
changed" as info), or be None for no message. `respond` replaces the redirect when the answer
must be a page (the API-token page shows the new secret once, so it re-renders instead).

A page that handles a POST by hand (its own `is_valid()` / `add_service_errors`) is refused by
`scripts/lint/forms.py`, so the rule is kept by CI and not by habit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from tenancy.forms import add_service_errors


class Notice(NamedTuple):
    """A message at a level other than success (`messages.INFO`, `messages.WARNING`)."""

    level: int
    text: str


def form_submit(
    request: HttpRequest,
    form: forms.BaseForm,
    write: Callable[[dict[str, Any]], Any],
    *,
    success: str | Notice | Callable[[Any], str | Notice] | None,
    redirect_to: str | Callable[[Any], str] | None = None,
    respond: Callable[[Any], HttpResponse] | None = None,
) -> HttpResponse | None:
    """Validate, write through the service, and redirect with a message; None means "re-render
    the form with its errors" (the caller answers 400). Give exactly one of `redirect_to` and
    `respond`."""
    if (redirect_to is None) == (respond is None):
        raise TypeError("form_submit needs exactly one of redirect_to and respond")
    if not form.is_valid():
        return None
    try:
        result = write(dict(form.cleaned_data))
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    message = success(result) if callable(success) else success
    if isinstance(message, Notice):
        messages.add_message(request, message.level, message.text)
    elif message is not None:
        messages.success(request, message)
    if respond is not None:
        return respond(result)
    assert redirect_to is not None
    return HttpResponseRedirect(redirect_to(result) if callable(redirect_to) else redirect_to)


def form_error_text(form: forms.BaseForm, fallback: str | None = None) -> str:
    """A rejected form's problems as one line, for a form posted from another page (a button or a
    single select) that answers with a message and a redirect rather than a re-rendered form.

    Form-wide errors and the service's own words (its errors carry no code) are shown as they are;
    a field's stock validation error ("This field is required.") gives way to `fallback`, which
    says what to do in the page's words. Without a fallback every field's errors are listed."""
    texts = [m for field, errors in form.errors.as_data().items() for e in errors
             if field == NON_FIELD_ERRORS or e.code is None for m in e.messages]
    if texts:
        return " ".join(texts)
    if fallback is not None:
        return fallback
    return "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items())
