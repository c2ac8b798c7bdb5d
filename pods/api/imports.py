"""CSV import through the API (admins): people, pods and assignments, all-or-nothing with the bad
rows named, exactly as the import pages do. The file is sent as multipart `file`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from pods.imports import assignments_import_csv, pods_import_csv
from tenancy.api.base import OrgAPIMixin, OrgAPIRequest
from tenancy.imports import ImportRejected, people_import_csv


class CsvFileSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="UTF-8 CSV with the columns of the matching export.")


# Each import's service, answering how many rows it created (all on tenancy's one import path).
IMPORTS: dict[str, Callable[..., int]] = {
    "people": lambda **kw: people_import_csv(**kw).created,
    "pods": pods_import_csv,
    "assignments": assignments_import_csv,
}


class ImportedSerializer(serializers.Serializer[Any]):
    created = serializers.IntegerField()


class CsvImportView(OrgAPIMixin, generics.GenericAPIView[Any]):
    """POST a CSV file; 201 with how many rows were created, or 400 naming each bad row."""

    serializer_class = CsvFileSerializer
    parser_classes = [MultiPartParser]
    pagination_class = None
    filter_backends: tuple[Any, ...] = ()
    what = "pods"

    @extend_schema(request={"multipart/form-data": CsvFileSerializer}, responses={201: ImportedSerializer})
    def post(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("tenancy.manage_people")
        form = CsvFileSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data["file"].read()
        try:
            created = IMPORTS[self.what](organization=self.organization, actor=request.user, data=data)
        except ImportRejected as exc:
            raise serializers.ValidationError(
                {"file": [f"row {e.row}, {e.field}: {e.message}" for e in exc.errors]}) from exc
        return Response({"created": created}, status=status.HTTP_201_CREATED)
