"""Two writes at once, in two threads with their own connections (tests marked
`django_db(transaction=True)`)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections, transaction


def second_while_first_open(first: Callable[[], object], second: Callable[[], object],
                            wait: float = 8.0) -> bool:
    """Run `first` in a transaction that stays open, then `second` in another thread; end the
    first's transaction once the second finished or `wait` seconds passed. Returns whether the
    second finished while the first's transaction was still open (it did not wait for it)."""
    first_open, second_done, release = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def run_first() -> None:
        try:
            with transaction.atomic():
                first()
                first_open.set()
                release.wait(wait + 5)
        except BaseException as exc:  # noqa: BLE001 (raised below)
            errors.append(exc)
            first_open.set()
        finally:
            connections.close_all()

    def run_second() -> None:
        try:
            first_open.wait(wait + 5)
            second()
            second_done.set()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for t in threads:
        t.start()
    finished_while_open = second_done.wait(wait)
    release.set()
    for t in threads:
        t.join(wait + 10)
    if errors:
        raise errors[0]
    return finished_while_open
