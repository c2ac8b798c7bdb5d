"""Reads for the Team API: a pod's interactions and the organization's interaction map at a date.

Each read is a fixed number of queries whatever the number of pods or interactions."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from pods.models import InteractionMode, Pod, PodInteraction, PodStatus, TeamType
from tenancy.models import Organization


def interaction_list(*, organization: Organization, pod_id: int | None = None, mode: str = "",
                 on: datetime.date | None = None) -> QuerySet[PodInteraction]:
    """Interactions, with both pods loaded: of one pod (either side), of one mode, running on a date."""
    qs = PodInteraction.objects.for_org(organization).select_related("pod", "partner")
    if pod_id is not None:
        qs = qs.filter(Q(pod_id=pod_id) | Q(partner_id=pod_id))
    if mode:
        qs = qs.filter(mode=mode)
    if on is not None:
        qs = qs.filter(running_on(on))
    return qs.order_by("start_date", "id")


def running_on(on: datetime.date) -> Q:
    return Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on))


def interaction_get(*, organization: Organization, pk: Any) -> PodInteraction:
    return PodInteraction.objects.for_org(organization).select_related("pod", "partner").get(pk=pk)


def partner_choices(*, organization: Organization, pod: Pod) -> QuerySet[Pod]:
    """The pods `pod` may record an interaction with: every other pod still running."""
    return (Pod.objects.for_org(organization).exclude(pk=pod.pk).exclude(status=PodStatus.SUNSET)
            .order_by("name", "id"))


# --- The map --------------------------------------------------------------------------------------

# Where each team type sits on the map: stream-aligned pods across the top (they face the flow of
# change), enabling pods on the left, complicated subsystems on the right, platforms underneath.
TYPE_ORDER = [TeamType.STREAM_ALIGNED, TeamType.ENABLING, TeamType.COMPLICATED_SUBSYSTEM,
              TeamType.PLATFORM, ""]
TYPE_LABELS = {**dict(TeamType.choices), "": "Type not declared"}


@dataclass
class MapNode:
    pk: int
    name: str
    team_type: str
    x: float = 0.0
    y: float = 0.0

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.team_type]


@dataclass
class MapEdge:
    pk: int
    source: MapNode
    target: MapNode
    mode: str
    purpose: str
    start_date: datetime.date
    end_date: datetime.date | None

    @property
    def mode_label(self) -> str:
        return InteractionMode(self.mode).label


@dataclass
class TeamMap:
    on: datetime.date
    nodes: list[MapNode]
    edges: list[MapEdge]
    width: int
    height: int
    by_type: list[tuple[str, str, int]] = field(default_factory=list)  # (type, label, count)
    by_mode: list[tuple[str, str, int]] = field(default_factory=list)  # (mode, label, count)
    isolated: int = 0  # pods on the map with no interaction that day


def team_map(*, organization: Organization, on: datetime.date, team_type: str = "",
             only_connected: bool = False) -> TeamMap:
    """Who works with whom and how on `on`: the organization's pods (not sunset, unless in an
    interaction that day) and the interactions running that day. Two queries."""
    edges_qs = PodInteraction.objects.for_org(organization).filter(running_on(on)).values_list(
        "pk", "pod_id", "partner_id", "mode", "purpose", "start_date", "end_date").order_by("pk")
    rows = list(edges_qs)
    # Pods not sunset today, plus any pod (sunset since) in an interaction running that day.
    in_edges = {a for _, a, *_ in rows} | {b for _, _, b, *_ in rows}
    pods = Pod.objects.for_org(organization).filter(~Q(status=PodStatus.SUNSET) | Q(pk__in=in_edges))
    if team_type:
        pods = pods.filter(team_type=team_type)
    nodes = {pk: MapNode(pk, name, t) for pk, name, t in pods.values_list("pk", "name", "team_type")}
    edges = [MapEdge(pk, nodes[a], nodes[b], mode, purpose, start, end)
             for pk, a, b, mode, purpose, start, end in rows if a in nodes and b in nodes]
    connected = {e.source.pk for e in edges} | {e.target.pk for e in edges}
    if only_connected:
        nodes = {pk: n for pk, n in nodes.items() if pk in connected}
    width, height = _layout(list(nodes.values()))
    type_counts: dict[str, int] = {}
    for n in nodes.values():
        type_counts[n.team_type] = type_counts.get(n.team_type, 0) + 1
    mode_counts: dict[str, int] = {}
    for e in edges:
        mode_counts[e.mode] = mode_counts.get(e.mode, 0) + 1
    return TeamMap(
        on=on, nodes=sorted(nodes.values(), key=lambda n: (TYPE_ORDER.index(n.team_type), n.name)),
        edges=edges, width=width, height=height,
        by_type=[(t, TYPE_LABELS[t], type_counts[t]) for t in TYPE_ORDER if t in type_counts],
        by_mode=[(m, InteractionMode(m).label, mode_counts[m]) for m in InteractionMode.values if m in mode_counts],
        isolated=sum(1 for pk in nodes if pk not in connected),
    )


def _layout(nodes: list[MapNode]) -> tuple[int, int]:
    """Place the pods on concentric rings, one arc of the ring per team type, so pods of a type sit
    together and every edge is a chord a reader can follow. Returns the drawing's size."""
    if not nodes:
        return 400, 200
    per_ring = 24
    rings = math.ceil(len(nodes) / per_ring)
    radius0 = 200 if len(nodes) > 6 else 140
    size = 2 * (radius0 + (rings - 1) * 90) + 240
    cx = cy = size / 2
    ordered = sorted(nodes, key=lambda n: (TYPE_ORDER.index(n.team_type), n.name))
    for ring in range(rings):
        chunk = ordered[ring::rings]  # interleave so every ring keeps the type arcs aligned
        radius = radius0 + ring * 90
        for i, n in enumerate(chunk):
            angle = -math.pi / 2 + 2 * math.pi * i / len(chunk) + ring * 0.13
            n.x = round(cx + radius * math.cos(angle), 1)
            n.y = round(cy + radius * math.sin(angle), 1)
    return int(size), int(size)
