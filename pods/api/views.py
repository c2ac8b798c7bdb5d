"""The pods API: people with allocations, pod roles, pods with health, assignments, charters.

Thin views on `ApiViewSet`: reads through `pods.selectors`, writes through `pods.services`
(and `tenancy.services` for people). A write checks its rule before it validates input, except
creating an assignment, whose rule depends on the pod named in the body; a rule on a pod (change,
assignments, charter) is checked against the pod loaded from this organization.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from pods import health_selectors, selectors, services
from pods.api.rows import PERSON_FIELDS, person_rows, pod_rows
from pods.api.serializers import (
    AssignmentCreateSerializer,
    AssignmentEndSerializer,
    AssignmentFilter,
    AssignmentSerializer,
    AssignmentUpdateSerializer,
    CharterSerializer,
    CharterWriteSerializer,
    PeopleFilter,
    PodCreateSerializer,
    PodFilter,
    PodRoleSerializer,
    PodSerializer,
    PodWriteSerializer,
)
from pods.models import Assignment, Charter, Pod, PodRole
from tenancy import services as tenancy_services
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIRequest
from tenancy.api.serializers import PersonSerializer, PersonWriteSerializer
from tenancy.api.views import ApiViewSet
from tenancy.cache import PEOPLE, POD_LIST_SCOPES, PODS, STAFFING
from tenancy.models import Person

# --- People --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(parameters=[PeopleFilter], responses=PersonSerializer(many=True)),
    retrieve=extend_schema(responses=PersonSerializer),
    create=extend_schema(request=PersonWriteSerializer, responses={201: PersonSerializer}),
    partial_update=extend_schema(request=PersonWriteSerializer, responses=PersonSerializer),
)
class PersonViewSet(ApiViewSet):
    """The people directory: who can be staffed, their skills and running allocation."""

    queryset = Person.objects.none()
    serializer_class = PersonSerializer

    def _person(self, pk: Any) -> Person:
        people = selectors.people_with_allocation(organization=self.organization, active=None)
        return get_or_404(people, pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("tenancy.view_org")
        filters = self.query_params(PeopleFilter)
        active = {"true": True, "false": False, "all": None}[filters.pop("active", "true")]
        if "skill" in filters:
            filters["skill_id"] = filters.pop("skill")
        people = selectors.people_directory(organization=self.organization, active=active,
                                            fields=PERSON_FIELDS, **filters)

        def build() -> Response:
            page = list(self.paginate_queryset(people) or [])
            skills = selectors.people_skills(organization=self.organization, person_ids=[p["pk"] for p in page])
            return self.get_paginated_response(person_rows(page, skills))

        return self.cached_list("people", build, scopes=(PEOPLE, PODS, STAFFING))

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("tenancy.view_org")
        return Response(PersonSerializer(self._person(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("tenancy.manage_people")
        data = self.validated(PersonWriteSerializer).service_kwargs()
        person = tenancy_services.person_create(organization=self.organization,
                                                actor=request.user, **data)
        return Response(PersonSerializer(self._person(person.pk)).data,
                        status=status.HTTP_201_CREATED)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("tenancy.manage_people")
        person = self._person(pk)
        data = self.validated(PersonWriteSerializer, person, partial=True).service_kwargs()
        tenancy_services.person_update(organization=self.organization, actor=request.user,
                                       person=person, **data)
        return Response(PersonSerializer(self._person(person.pk)).data)


# --- Pod roles -----------------------------------------------------------------------------------


class PodRoleViewSet(ApiViewSet):
    """The roles people play in pods; the organization can add its own."""

    queryset = PodRole.objects.none()
    serializer_class = PodRoleSerializer

    @extend_schema(responses=PodRoleSerializer(many=True))
    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("pods.view")
        return self.paginated(selectors.pod_roles(organization=self.organization),
                              PodRoleSerializer)

    @extend_schema(request=PodRoleSerializer, responses={201: PodRoleSerializer})
    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("pods.manage_roles")
        data = self.validated(PodRoleSerializer).validated_data
        role = services.pod_role_create(organization=self.organization, actor=request.user,
                                        **data)
        return Response(PodRoleSerializer(role).data, status=status.HTTP_201_CREATED)


# --- Pods ----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(parameters=[PodFilter], responses=PodSerializer(many=True)),
    retrieve=extend_schema(responses=PodSerializer),
    create=extend_schema(request=PodCreateSerializer, responses={201: PodSerializer}),
    partial_update=extend_schema(request=PodWriteSerializer, responses=PodSerializer),
)
class PodViewSet(ApiViewSet):
    """Pods with their size, leads and derived health."""

    queryset = Pod.objects.none()
    serializer_class = PodSerializer

    def _pod(self, pk: Any) -> Pod:
        return get_or_404(selectors.pod_list(organization=self.organization), pk=pk)

    def _with_health(self, pk: Any) -> Pod:
        try:
            return selectors.pod_get(organization=self.organization, pk=pk)
        except Pod.DoesNotExist as exc:
            raise Http404 from exc

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("pods.view")
        today = timezone.localdate()
        pods = selectors.pod_list(organization=self.organization, today=today,
                                  **self.query_params(PodFilter)).select_related("sponsor__user")

        def build() -> Response:
            page = health_selectors.pod_health_attach(self.organization, self.paginate_queryset(pods) or [], today)
            return self.get_paginated_response(pod_rows(page))

        return self.cached_list("pods", build, scopes=POD_LIST_SCOPES)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("pods.view")
        return Response(PodSerializer(self._with_health(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("pods.create_pod")
        data = self.validated(PodCreateSerializer).validated_data
        pod = services.pod_create(organization=self.organization, actor=request.user, **data)
        return Response(PodSerializer(self._with_health(pod.pk)).data,
                        status=status.HTTP_201_CREATED)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        pod = self._pod(pk)
        self.check_rule("pods.change_pod", pod)
        data = self.validated(PodWriteSerializer, pod, partial=True).validated_data
        services.pod_update(organization=self.organization, actor=request.user, pod=pod, **data)
        return Response(PodSerializer(self._with_health(pod.pk)).data)


# --- Assignments ---------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(parameters=[AssignmentFilter], responses=AssignmentSerializer(many=True)),
    retrieve=extend_schema(responses=AssignmentSerializer),
    create=extend_schema(request=AssignmentCreateSerializer,
                         responses={201: AssignmentSerializer}),
    partial_update=extend_schema(request=AssignmentUpdateSerializer,
                                 responses=AssignmentSerializer),
)
class AssignmentViewSet(ApiViewSet):
    """People in pods: role, protected time (allocation %) and dates."""

    queryset = Assignment.objects.none()
    serializer_class = AssignmentSerializer

    def _assignment(self, pk: Any) -> Assignment:
        return get_or_404(selectors.assignment_list(organization=self.organization), pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("pods.view")
        filters = self.query_params(AssignmentFilter)
        active = {"true": True, "false": False}.get(filters.get("active", ""))
        rows = selectors.assignment_list(organization=self.organization, pod_id=filters.get("pod"),
                                         person_id=filters.get("person"), active=active)
        return self.paginated(rows, AssignmentSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("pods.view")
        return Response(AssignmentSerializer(self._assignment(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        data = self.validated(AssignmentCreateSerializer).validated_data
        self.check_rule("pods.manage_assignments", data["pod"])
        assignment = services.assignment_create(organization=self.organization,
                                                actor=request.user, **data)
        return Response(AssignmentSerializer(self._assignment(assignment.pk)).data,
                        status=status.HTTP_201_CREATED)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        assignment = self._assignment(pk)
        self.check_rule("pods.manage_assignments", assignment.pod)
        data = self.validated(AssignmentUpdateSerializer, assignment, partial=True).validated_data
        services.assignment_update(organization=self.organization, actor=request.user,
                                   assignment=assignment, **data)
        return Response(AssignmentSerializer(self._assignment(assignment.pk)).data)

    @extend_schema(
        request=AssignmentEndSerializer,
        responses={200: AssignmentSerializer, 204: None},
        description="End the assignment (today by default). One that has not started by the "
        "end date is removed instead, and the answer is 204.",
    )
    @action(detail=True, methods=["post"])
    def end(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        assignment = self._assignment(pk)
        self.check_rule("pods.manage_assignments", assignment.pod)
        data = self.validated(AssignmentEndSerializer, assignment).validated_data
        ended = services.assignment_end(organization=self.organization, actor=request.user,
                                        assignment=assignment, end_date=data.get("end_date"))
        if ended is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(AssignmentSerializer(self._assignment(ended.pk)).data)


# --- Charters ------------------------------------------------------------------------------------

# The URL kwarg is `pk` (the schema shows it as `id`), but it names a version, not a row id.
VERSION_PARAM = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH,
                                 description="The charter's version number (1, 2, …).")


@extend_schema_view(
    list=extend_schema(responses=CharterSerializer(many=True)),
    retrieve=extend_schema(parameters=[VERSION_PARAM], responses=CharterSerializer),
    create=extend_schema(
        request=CharterWriteSerializer,
        responses={201: CharterSerializer, 200: CharterSerializer},
        description="Write the next version of the pod's charter. Sending the current text "
        "again writes nothing and answers 200 with the current version.",
    ),
)
class CharterViewSet(ApiViewSet):
    """A pod's versioned charter: `pods/<pod_pk>/charters/`, newest version first."""

    queryset = Charter.objects.none()
    serializer_class = CharterSerializer

    def _pod(self) -> Pod:
        return get_or_404(selectors.pod_list(organization=self.organization),
                          pk=self.kwargs.get("pod_pk"))

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("pods.view")
        versions = selectors.charter_versions(organization=self.organization, pod=self._pod())
        return self.paginated(versions, CharterSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("pods.view")
        versions = selectors.charter_versions(organization=self.organization, pod=self._pod())
        return Response(CharterSerializer(get_or_404(versions, version=pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        pod = self._pod()
        self.check_rule("pods.edit_charter", pod)
        data = self.validated(CharterWriteSerializer).validated_data
        before = selectors.charter_current(organization=self.organization, pod=pod)
        charter = services.charter_save(organization=self.organization, actor=request.user,
                                        pod=pod, **data)
        created = before is None or charter.pk != before.pk
        charter = get_or_404(selectors.charter_versions(organization=self.organization, pod=pod),
                             pk=charter.pk)
        return Response(CharterSerializer(charter).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
