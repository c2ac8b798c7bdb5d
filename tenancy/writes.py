"""The one way to write an organization's data: `org_write`.

    with org_write(organization, actor) as w:
        w.same_org("pod", pod)                          # refuse another tenant's object
        a = Assignment.objects.create(...)
        w.audit("assignment.created", target=a, after=snapshot(a))
        w.touch(STAFFING, pod_scope(pod.pk))             # what changed, for the fragment cache
        w.on_commit(notify_task, a.pk)                   # a Celery task, through the outbox

or, for a service whose whole body is the write, as a decorator that takes `organization` and
`actor` from the service's keyword arguments (the write is `current_write()` inside):

    @org_write.service(PODS)
    def pod_role_create(*, organization, actor, name): ...

It opens one transaction (nested writes share it), records audit events, records the touched
cache scopes in that transaction (see `tenancy.cache`: insert-only, no organization-wide lock),
and runs or enqueues follow-up work once the transaction has committed.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from celery import Task
from django.core.exceptions import ValidationError
from django.db import models, transaction

from tenancy.audit import audit_record, open_write_lookup
from tenancy.cache import check_scope, mark_write_open, scopes_touch
from tenancy.models import AuditEvent, Organization, User

P = ParamSpec("P")
R = TypeVar("R")


def same_org(organization: Organization, field: str, *objs: Any) -> None:
    """Refuse any related object of another organization (services are the last line)."""
    for obj in objs:
        if obj is not None and obj.organization_id != organization.pk:
            raise ValidationError({field: "Not found in this organization."})


# Work done at the end of the outermost `org_write` of an organization, still inside its
# transaction, with every scope touched in it by block: `hook(organization, blocks)`, one
# frozenset of scopes per `org_write` block (e.g. pods re-derives the health snapshot of the pods
# written). Registered in an app's `ready()` with `before_commit_hook`.
BeforeCommitHook = Callable[[Organization, list[frozenset[str]]], None]
_before_commit: list[BeforeCommitHook] = []


def before_commit_hook(hook: BeforeCommitHook) -> BeforeCommitHook:
    if hook not in _before_commit:
        _before_commit.append(hook)
    return hook


class OrgWrite:
    """One write of one organization's data; made by `org_write`, not directly."""

    def __init__(self, organization: Organization, actor: User | None) -> None:
        self.organization = organization
        self.actor = actor
        self.scopes: set[str] = set()
        self.blocks: list[frozenset[str]] = []  # the scopes of this block and of nested ones
        self._own: set[str] = set()

    def same_org(self, field: str, *objs: Any) -> None:
        same_org(self.organization, field, *objs)

    def audit(self, action: str, target: models.Model | None = None, **fields: Any) -> AuditEvent:
        """An audit event by this write's actor (see `tenancy.audit.audit_record`)."""
        return audit_record(
            organization=self.organization, actor=self.actor, action=action, target=target, **fields
        )

    def touch(self, *scopes: str) -> None:
        """Name the cache scopes this write changes (recorded when the block ends)."""
        names = [check_scope(s) for s in scopes]
        self.scopes.update(names)
        self._own.update(names)

    def on_commit(self, work: Task[Any, Any] | Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """After the commit: a Celery task goes through the outbox, a callable is called."""
        if isinstance(work, Task):
            from tenancy.outbox import enqueue

            enqueue(work, *args, **kwargs)
        else:
            transaction.on_commit(lambda: work(*args, **kwargs))

    def _flush(self) -> None:
        if self.scopes:
            scopes_touch(self.organization, self.scopes)
            self.scopes.clear()

    def _end(self, outer: OrgWrite | None) -> None:
        """The block is done: hand its scopes to the enclosing write of the same organization,
        or, as the outermost, run the before-commit hooks."""
        self._flush()
        if self._own:
            self.blocks.append(frozenset(self._own))
        if outer is not None and outer.organization.pk == self.organization.pk:
            outer.blocks.extend(self.blocks)
        elif self.blocks:
            for hook in _before_commit:
                hook(self.organization, self.blocks)


_current: contextvars.ContextVar[OrgWrite | None] = contextvars.ContextVar("podium_org_write", default=None)
open_write_lookup(_current.get)  # audit events touch the open write's AUDIT scope


def current_write() -> OrgWrite:
    """The innermost open `org_write` (inside a service decorated with `org_write.service`)."""
    write = _current.get()
    if write is None:
        raise RuntimeError("no org_write is open")
    return write


class _OrgWriteFactory:
    @contextmanager
    def __call__(
        self, organization: Organization, actor: User | None = None, *scopes: str
    ) -> Iterator[OrgWrite]:
        write = OrgWrite(organization, actor)
        write.touch(*scopes)
        outer = _current.get()
        token = _current.set(write)
        try:
            with transaction.atomic():
                mark_write_open()
                yield write
                write._end(outer)
        finally:
            _current.reset(token)

    def service(self, *scopes: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
        """Decorate a service taking `organization=` (and `actor=`): it runs as one org_write
        that touches `scopes`; the body adds more through `current_write()`."""
        for s in scopes:
            check_scope(s)

        def decorate(fn: Callable[P, R]) -> Callable[P, R]:
            @functools.wraps(fn)
            def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
                organization = kwargs["organization"]
                assert isinstance(organization, Organization)
                actor = kwargs.get("actor")
                with self(organization, actor if isinstance(actor, User) else None, *scopes):
                    return fn(*args, **kwargs)

            return wrapper

        return decorate


org_write = _OrgWriteFactory()
