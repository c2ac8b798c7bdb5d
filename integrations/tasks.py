"""Thin, idempotent webhook tasks: they take delivery ids and call `delivery_attempt`."""

from __future__ import annotations

from celery import current_app, shared_task

from integrations.delivery import deliveries_due, delivery_attempt
from integrations.models import DeliveryStatus, WebhookDelivery


@shared_task(name="integrations.webhook_deliver", ignore_result=True)
def webhook_deliver(delivery_id: int, manual: bool = False) -> None:
    delivery_attempt(delivery_id=delivery_id, manual=manual)
    if current_app.conf.task_always_eager:
        return  # in-process (demo, tests): retries wait for the sweep, not a sleeping request
    # unscoped: the task carries only the delivery id; the row names its organization
    d = WebhookDelivery.unscoped.filter(pk=delivery_id, status=DeliveryStatus.PENDING).first()
    if d is not None and d.next_attempt_at is not None:
        webhook_deliver.apply_async((delivery_id,), eta=d.next_attempt_at)


@shared_task(name="integrations.webhooks_deliver_due", ignore_result=True)
def webhooks_deliver_due() -> int:
    """Safety net every minute: due retries whose scheduled task was lost go out now."""
    ids = deliveries_due()
    for pk in ids:
        webhook_deliver.delay(pk)
    return len(ids)
