"""Pod operations in the API: each pod's stability in a quarter and its time to value, and the
organization's figures per quarter (all derived; read-only)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from pods.models import Pod
from strategy import selectors
from strategy.api.serializers import QuarterField
from tenancy.api.base import OrgAPIRequest
from tenancy.api.views import ApiViewSet

QUARTERS = 8


class QuarterKeyField(serializers.CharField):
    def to_representation(self, value: Any) -> str:
        return str(value.key)


class OperationsFilter(serializers.Serializer):
    quarter = QuarterField(required=False, allow_blank=True)


class StabilitySerializer(serializers.Serializer):
    quarter = QuarterKeyField(help_text="YYYY-MM, the quarter's first month")
    joins = serializers.IntegerField(help_text="Stays that started in the quarter (founding members excluded)")
    leaves = serializers.IntegerField()
    mean_size = serializers.FloatField(help_text="Person-days over the quarter's days (to today if running)")
    churn = serializers.FloatField(allow_null=True, help_text="(joins + leaves) / mean size")
    median_tenure_days = serializers.FloatField(allow_null=True)
    exposure = serializers.IntegerField(help_text="Distinct people who ever had access up to the quarter's end")
    exposure_per_seat = serializers.FloatField(allow_null=True)


class PodStabilitySerializer(StabilitySerializer):
    size_at_end = serializers.IntegerField()
    people_in_quarter = serializers.IntegerField()


class OrgStabilitySerializer(StabilitySerializer):
    pods = serializers.IntegerField()


class TimeToValueSerializer(serializers.Serializer):
    active_on = serializers.DateField(allow_null=True, help_text="When the pod became active (null: not yet)")
    first_value_on = serializers.DateField(allow_null=True,
                                           help_text="Its first deployment that passed the gate (null: none yet)")
    days = serializers.IntegerField(allow_null=True)
    waiting_days = serializers.IntegerField(allow_null=True, help_text="Active and not shipped yet: days so far")


class PodOperationsSerializer(serializers.Serializer):
    pod = serializers.IntegerField(source="pod_id")
    pod_name = serializers.CharField()
    quarter = QuarterKeyField()
    stability = PodStabilitySerializer(allow_null=True, help_text="null: nobody was in the pod in the quarter")
    time_to_value = TimeToValueSerializer()


class CohortSerializer(serializers.Serializer):
    quarter = QuarterKeyField(help_text="The quarter the pods became active in")
    pods = serializers.IntegerField()
    shipped = serializers.IntegerField()
    median_days = serializers.FloatField(allow_null=True)
    waiting = serializers.IntegerField()
    longest_wait_days = serializers.IntegerField(allow_null=True)


class OrganizationOperationsSerializer(serializers.Serializer):
    stability = OrgStabilitySerializer(many=True, help_text="The last 8 quarters, newest first")
    time_to_value = CohortSerializer(many=True, help_text="Quarter cohorts of new pods, newest first")


@extend_schema_view(list=extend_schema(parameters=[OperationsFilter], responses=PodOperationsSerializer(many=True)))
class PodOperationsViewSet(ApiViewSet):
    """Stability (churn, tenure, exposure) and time to value per pod, derived from assignments and
    the deployment gate."""

    queryset = Pod.objects.none()  # the rows are pods; read through the selectors
    serializer_class = PodOperationsSerializer
    http_method_names = ["get", "head", "options"]

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("strategy.view")
        params = self.query_params(OperationsFilter)
        rows = selectors.pod_operations(organization=self.organization, quarter=params.get("quarter"))
        return self.paginated(rows, PodOperationsSerializer)

    @extend_schema(responses=OrganizationOperationsSerializer)
    @action(detail=False, methods=["get"])
    def summary(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        """The organization's stability per quarter and its time-to-value cohorts."""
        self.check_rule("strategy.view")
        org = self.organization
        data = {"stability": selectors.org_stability(organization=org, quarters=QUARTERS),
                "time_to_value": selectors.time_to_value_by_cohort(organization=org)}
        return Response(OrganizationOperationsSerializer(data).data)
