"""CSV import through the API: the import pages' all-or-nothing behaviour, admins only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pods.models import Pod
from tests.api.helpers import client_for, error_fields
from tests.factories import member

pytestmark = pytest.mark.django_db


def _file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("pods.csv", text.encode(), content_type="text/csv")


def test_pods_import_all_or_nothing(org):
    url = f"/api/v1/o/{org.slug}/pods/import/"
    good = "name,status,mission,sponsor_email\nFraud signals,active,Catch fraud,\nChurn,forming,,\n"
    assert client_for(member(org, "leader")).post(url, {"file": _file(good)}, format="multipart").status_code == 403
    admin = client_for(member(org, "admin"))
    r = admin.post(url, {"file": _file(good)}, format="multipart")
    assert r.status_code == 201 and r.json() == {"created": 2}
    bad = "name,status,mission,sponsor_email\nAnother,active,,\nBroken,nonsense,,\n"
    r = admin.post(url, {"file": _file(bad)}, format="multipart")
    assert r.status_code == 400 and error_fields(r) == {"file"} and "row 3" in r.json()["detail"]
    assert Pod.objects.for_org(org).count() == 2  # nothing of the bad file was written
    assert admin.post(url, {}, format="multipart").status_code == 400
