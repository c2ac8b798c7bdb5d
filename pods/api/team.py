"""The Team API in the API: interactions between pods (`interactions/`) and the interaction map at a
date (`team-map/`). A pod's own Team API fields (type, contact, services, working hours) are fields
of `pods/<id>/` (read, filter with `?team_type=`, PATCH)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from pods import team_selectors, team_services
from pods.api.serializers import _pods
from pods.models import InteractionMode, Pod, PodInteraction, TeamType
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIRequest
from tenancy.api.schema import ObjectSchema
from tenancy.api.serializers import OrgScopedPrimaryKeyField
from tenancy.api.views import ApiViewSet
from tenancy.permissions import can


class InteractionSerializer(serializers.ModelSerializer):
    pod = serializers.IntegerField(source="pod_id", read_only=True,
                                   help_text="Provides (X-as-a-service) or facilitates (facilitating).")
    pod_name = serializers.CharField(source="pod.name", read_only=True)
    partner = serializers.IntegerField(source="partner_id", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)

    class Meta:
        model = PodInteraction
        fields = ("id", "pod", "pod_name", "partner", "partner_name", "mode", "purpose", "start_date",
                  "end_date", "created_at")
        read_only_fields = fields


class InteractionCreateSerializer(serializers.Serializer):
    pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod,
                                   help_text="Pod id; provides or facilitates in those modes.")
    partner = OrgScopedPrimaryKeyField(scope=_pods, model=Pod, help_text="The other pod's id.")
    mode = serializers.ChoiceField(choices=InteractionMode.choices)
    purpose = serializers.CharField(max_length=300)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, help_text="null: still running.")


class InteractionUpdateSerializer(serializers.Serializer):
    purpose = serializers.CharField(max_length=300, required=False)
    end_date = serializers.DateField(required=False, allow_null=True,
                                     help_text="Set to end the interaction; null reopens it.")


class InteractionFilter(serializers.Serializer):
    pod = serializers.IntegerField(required=False, min_value=1, help_text="Pod id (either side).")
    mode = serializers.ChoiceField(choices=InteractionMode.choices, required=False, allow_blank=True)
    on = serializers.DateField(required=False, help_text="Only interactions running on this date.")


def _may_change(membership: Any, *pods: Pod) -> bool:
    return any(can(membership, "pods.change_team_api", p) for p in pods)


@extend_schema_view(
    list=extend_schema(parameters=[InteractionFilter], responses=InteractionSerializer(many=True)),
    retrieve=extend_schema(responses=InteractionSerializer),
    create=extend_schema(request=InteractionCreateSerializer, responses={201: InteractionSerializer}),
    partial_update=extend_schema(request=InteractionUpdateSerializer, responses=InteractionSerializer),
    destroy=extend_schema(responses={204: None}, description="Remove one entered by mistake; end a real one."),
)
class InteractionViewSet(ApiViewSet):
    """How pods work together (Team Topologies: collaboration, X-as-a-service, facilitating), over
    time. Who runs either pod may record, change or remove one."""

    queryset = PodInteraction.objects.none()
    serializer_class = InteractionSerializer

    def _interaction(self, pk: Any) -> PodInteraction:
        return get_or_404(team_selectors.interaction_list(organization=self.organization), pk=pk)

    def _require(self, i: Any) -> None:
        if not _may_change(self.membership, i.pod, i.partner):
            raise PermissionDenied("Only who runs one of the two pods may change their interaction.")

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("pods.view")
        f = self.query_params(InteractionFilter)
        rows = team_selectors.interaction_list(organization=self.organization, pod_id=f.get("pod"),
                                           mode=f.get("mode", ""), on=f.get("on"))
        return self.paginated(rows, InteractionSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("pods.view")
        return Response(InteractionSerializer(self._interaction(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("pods.view")
        data = self.validated(InteractionCreateSerializer).validated_data
        if not _may_change(self.membership, data["pod"], data["partner"]):
            raise PermissionDenied("Only who runs one of the two pods may record their interaction.")
        i = team_services.interaction_create(organization=self.organization, actor=request.user, **data)
        return Response(InteractionSerializer(self._interaction(i.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        i = self._interaction(pk)
        self._require(i)
        data = self.validated(InteractionUpdateSerializer, partial=True).validated_data
        team_services.interaction_update(organization=self.organization, actor=request.user, interaction=i,
                                         **data)
        return Response(InteractionSerializer(self._interaction(i.pk)).data)

    def destroy(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        i = self._interaction(pk)
        self._require(i)
        team_services.interaction_delete(organization=self.organization, actor=request.user, interaction=i)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- The map ----------------------------------------------------------------------------------------


class TeamMapFilter(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="The date to draw (default: today).")
    team_type = serializers.ChoiceField(choices=TeamType.choices, required=False, allow_blank=True)
    connected = serializers.BooleanField(required=False, default=False,
                                         help_text="Only pods with an interaction on that date.")


class MapNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    team_type = serializers.CharField(help_text="Empty: not declared.")
    x = serializers.FloatField(help_text="Layout position in the drawing (see width/height).")
    y = serializers.FloatField()


class MapEdgeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    pod = serializers.IntegerField(source="source.pk")
    partner = serializers.IntegerField(source="target.pk")
    mode = serializers.ChoiceField(choices=InteractionMode.choices)
    purpose = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)


class TeamMapSerializer(serializers.Serializer):
    on = serializers.DateField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    nodes = MapNodeSerializer(many=True)
    edges = MapEdgeSerializer(many=True)


class TeamMapViewSet(ApiViewSet):
    """Who works with whom and how on a date: the running pods and the interactions running that day."""

    schema = ObjectSchema()  # one map, not an array
    queryset = PodInteraction.objects.none()
    serializer_class = TeamMapSerializer
    pagination_class = None

    @extend_schema(parameters=[TeamMapFilter], responses=TeamMapSerializer)
    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("pods.view")
        f = self.query_params(TeamMapFilter)
        team_map = team_selectors.team_map(organization=self.organization, on=f.get("on", timezone.localdate()),
                                           team_type=f.get("team_type", ""), only_connected=f.get("connected", False))
        return Response(TeamMapSerializer(team_map).data)
