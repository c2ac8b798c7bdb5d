"""Suggestions are keyed per pod, kind and skill, not per request (issue #10: "at most one open
suggestion per pod, kind and skill").

Existing `add` rows get their request's key skill (the first it lists) and the subject
`skill:<id>`; where that leaves two open worker suggestions for one pod and skill, the best-scored
stays open and the others are withdrawn (the next recompute proposes for those requests once the
kept one is decided). Then the constraint holds."""

from django.db import migrations, models
from django.utils import timezone


def key_adds_by_skill(apps, schema_editor):  # noqa: ANN001, ANN201  (a migration's RunPython)
    # unscoped: a migration spans every organization.
    Suggestion = apps.get_model("bench", "ScalingSuggestion")
    RequestSkill = apps.get_model("bench", "RequestSkill")
    first_skill: dict[int, int] = {}
    for rid, sid in RequestSkill.unscoped.order_by("request_id", "id").values_list("request_id", "skill_id"):
        first_skill.setdefault(rid, sid)
    rows = list(Suggestion.unscoped.filter(kind="add", request__isnull=False).order_by("-score", "id"))
    kept: set[tuple[int, int, int]] = set()
    for s in rows:
        sid = first_skill.get(s.request_id)
        if sid is None:
            continue
        s.skill_id = sid
        if s.manual:
            s.save(update_fields=["skill"])
            continue
        s.subject = f"skill:{sid}"
        slot = (s.organization_id, s.pod_id, sid)
        if s.status == "open":
            if slot in kept:
                s.status = "withdrawn"
                s.dismiss_reason = "Superseded: one open suggestion per pod, kind and skill."
                s.decided_at = timezone.now()
            kept.add(slot)
        s.save(update_fields=["skill", "subject", "status", "dismiss_reason", "decided_at"])


class Migration(migrations.Migration):
    # Not one transaction: the data step re-keys rows (their foreign keys' deferred checks are
    # queued until commit) and PostgreSQL refuses CREATE INDEX on a table with pending trigger
    # events. The data step commits on its own first; the constraint is then built on its result.
    atomic = False

    dependencies = [
        ("bench", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(key_adds_by_skill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="scalingsuggestion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("manual", False), ("skill__isnull", False), ("status", "open")),
                fields=("organization", "pod", "kind", "skill"), name="suggestion_one_open_per_skill"),
        ),
    ]
