"""The rate an engagement was booked at, so that a later change of its assignment re-settles the
budget hold at that rate. Requests filled before this get their person's bench rate (best effort:
the rate they were held at, unless it changed since)."""

from django.db import migrations, models


def rate_of_filled(apps, schema_editor):  # noqa: ANN001, ANN201  (a migration's RunPython)
    # unscoped: a migration spans every organization.
    StaffingRequest = apps.get_model("bench", "StaffingRequest")
    BenchEntry = apps.get_model("bench", "BenchEntry")
    rates = dict(BenchEntry.unscoped.values_list("person_id", "rate_per_hour"))
    for r in StaffingRequest.unscoped.filter(assignment__isnull=False).select_related("assignment"):
        rate = rates.get(r.assignment.person_id)
        if rate is not None:
            r.booked_rate = rate
            r.save(update_fields=["booked_rate"])


class Migration(migrations.Migration):

    dependencies = [
        ("bench", "0002_suggestion_key_per_skill"),
    ]

    operations = [
        migrations.AddField(
            model_name="staffingrequest",
            name="booked_rate",
            field=models.DecimalField(blank=True, decimal_places=2, help_text="The person's rate per hour when accepted: what the budget hold is priced at, also when a later change of the assignment re-settles it.", max_digits=8, null=True),
        ),
        migrations.RunPython(rate_of_filled, migrations.RunPython.noop),
    ]
