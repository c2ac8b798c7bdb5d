import os

from celery import Celery
from celery.schedules import crontab  # noqa: F401  (used by the beat entries below)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("podium")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The beat schedule is code: one commented entry per periodic task.
app.conf.beat_schedule = {
    # --- tenancy ---
    # Tasks enqueued while the broker was down wait in the outbox table: send them (every minute).
    "tenancy-outbox-drain": {"task": "podium.outbox_drain", "schedule": 60},
    # --- integrations ---
    # Webhook retries that are due and not held by a worker (safety net for lost ETA tasks).
    "integrations-webhooks-deliver-due": {"task": "integrations.webhooks_deliver_due", "schedule": 60},
    # --- pods ---
    # Pod health snapshot rows that time made unusable (an assignment started, a review or an
    # SLA fell due): re-derive them, so readers seldom derive health themselves.
    "pods-health-refresh": {"task": "pods.tasks.pod_health_refresh_all", "schedule": 5 * 60},
    # --- governance ---
    # SLA breaches: mark them and escalate to the next decision tier, notifying both sides.
    "governance-escalations-check-sla": {
        "task": "governance.tasks.escalations_check_sla_all", "schedule": 15 * 60,
    },
    # Approval cycle-time snapshots the leaders' dashboard reads (also recomputed on decisions).
    "governance-cycle-time-recompute": {
        "task": "governance.tasks.cycle_time_recompute_all", "schedule": 60 * 60,
    },
    # Remind admins when the decision-rights matrix's quarterly review is overdue (weekly).
    "governance-matrix-review-reminders": {
        "task": "governance.tasks.matrix_review_reminders", "schedule": 7 * 24 * 60 * 60,
    },
    # --- strategy ---
    # Outcomes whose last reading is older than their cadence: announce `outcome.stale` (once per
    # stale spell) to webhook endpoints, every hour.
    "strategy-outcomes-stale-announce": {"task": "strategy.tasks.outcomes_stale_announce_all", "schedule": 60 * 60},
    # --- dashboards ---
    # The leader's overview reads snapshots: recompute the last two days' facts of every tile
    # and today's pod scorecards, every hour (the page says "as of" per tile).
    "dashboards-overview-refresh": {"task": "dashboards.tasks.overview_refresh_all", "schedule": 60 * 60},
    # The attention queue's snapshot: writes refresh it (debounced); this catches what time alone
    # changes (pod health expiring, a forecast moving) and writes that bypass the services. It
    # stores what falls due within dashboards.attention_services.HORIZON (30 min) > this period.
    "dashboards-attention-refresh": {"task": "dashboards.tasks.attention_refresh_all", "schedule": 5 * 60},
    # --- knowledge ---
    # Weekly digest per guild, Monday 07:00 UTC, for the week that just ended (claimed per
    # guild and week, so a retried or doubled run sends nothing twice).
    "knowledge-guild-digests": {
        "task": "knowledge.tasks.send_guild_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
    # Daily reminder to owners of overdue post-mortem action items (once a day per item).
    "knowledge-overdue-action-items": {
        "task": "knowledge.tasks.remind_overdue_action_items",
        "schedule": crontab(hour=8, minute=0),
    },
    # Daily: ask people whose rotation ended for a lesson (once per rotation).
    "knowledge-rotation-lessons": {
        "task": "knowledge.tasks.request_rotation_lessons",
        "schedule": crontab(hour=8, minute=30),
    },
    # Nightly: rebuild each organization's search lexicon (typo correction) from its documents,
    # dropping the words of deleted or edited documents; new words are added as they are indexed.
    "knowledge-rebuild-search-terms": {
        "task": "knowledge.tasks.rebuild_search_terms",
        "schedule": crontab(hour=3, minute=15),
    },
    # Every 15 minutes: data contracts (freshness, quality); a breach opens an incident for the
    # owner pod, a contract that holds again resolves it.
    "catalog-contracts-check": {"task": "platform_catalog.tasks.catalog_contracts_check_task", "schedule": 15 * 60},
    # Nightly: duplication candidates across pods (a snapshot of pairs, decisions kept).
    "catalog-duplicates": {
        "task": "platform_catalog.tasks.catalog_duplicates_task",
        "schedule": crontab(hour=3, minute=45),
    },
    # --- bench ---
    # Nightly: recompute every organization's scaling suggestions (writes also queue a debounced
    # recompute); expires staffing requests whose start passed with nobody accepted.
    "bench-suggestions-recompute": {
        "task": "bench.tasks.suggestions_recompute_all",
        "schedule": crontab(hour=2, minute=30),
    },
    # --- resources ---
    # Every minute: finish allocations past their end, reject requests whose window passed,
    # admit the queue of each open pool, refresh reclaim forecasts and warn borrowing pods.
    "resources-compute-tick": {"task": "resources.tasks.compute_tick_all", "schedule": 60},
    # Every 5 minutes: flag service requests left unanswered past their offering's response SLA.
    "resources-market-sla": {"task": "resources.tasks.market_sla_all", "schedule": 300},
    # Nightly safety net for the capacity snapshots (writes also recompute them, debounced).
    "resources-capacity-recompute": {
        "task": "resources.tasks.capacity_recompute_all",
        "schedule": crontab(hour=2, minute=30),
    },
}
