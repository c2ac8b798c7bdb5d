"""A task only the worker-crash test loads (`celery worker --include tests.infra.crash_tasks`).

It recomputes the cycle-time snapshot like the real task, except that its first run kills its own
process (SIGKILL, no clean-up) right after writing the new snapshot, before the commit; later runs
wait for the test's go-ahead so the test can look at the database between the two runs.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from celery import shared_task
from django.db.models.signals import post_save


@shared_task(name="podium.test.recompute_killed_once")
def recompute_killed_once(organization_id: int, workdir: str) -> None:
    from governance.models import CycleTimeSnapshot
    from governance.services.escalations import cycle_time_recompute
    from tenancy.models import Organization

    runs = Path(workdir) / "runs"
    with runs.open("a") as f:
        f.write(f"{os.getpid()}\n")
    if len(runs.read_text().split()) == 1:

        def die(**kwargs: object) -> None:
            os.kill(os.getpid(), signal.SIGKILL)

        post_save.connect(die, sender=CycleTimeSnapshot, weak=False)
    else:
        deadline = time.monotonic() + 60
        while not (Path(workdir) / "go").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    cycle_time_recompute(organization=Organization.objects.get(pk=organization_id))
