"""The page POST helper: form → service → field errors → message → redirect."""

from __future__ import annotations

from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from tenancy.views.forms import form_submit


class NameForm(forms.Form):
    name = forms.CharField(max_length=10)


def _request():  # type: ignore[no-untyped-def]
    request = RequestFactory().post("/x/")
    request.session = {}  # type: ignore[attr-defined]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def test_success_writes_adds_the_message_and_redirects():
    request, written = _request(), []
    response = form_submit(request, NameForm({"name": "Ada"}), lambda data: written.append(data) or "ok",
                           success=lambda r: f"Saved {r}.", redirect_to="/done/")
    assert written == [{"name": "Ada"}]
    assert response is not None and response.status_code == 302 and response["Location"] == "/done/"
    assert [str(m) for m in request._messages] == ["Saved ok."]


def test_invalid_form_never_calls_the_service():
    called = []
    form = NameForm({"name": "x" * 20})
    assert form_submit(_request(), form, called.append, success="-", redirect_to="/") is None
    assert not called and "name" in form.errors


def test_service_errors_land_on_the_named_field_or_the_form():
    def refuse(data):  # type: ignore[no-untyped-def]
        raise ValidationError({"name": "Taken.", "other": "Not a field here."})

    form = NameForm({"name": "Ada"})
    assert form_submit(_request(), form, refuse, success="-", redirect_to="/") is None
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Not a field here."]
