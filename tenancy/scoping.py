"""Tenant scoping that fails closed.

Every tenant-owned model inherits `OrgOwned`. Its default manager, `objects`, hands out a guarded
queryset: filtering it, or reading from it, raises until the organization is named
(`Model.objects.for_org(org)`, or a filter/`get_or_create` whose keywords include
`organization`). Because `objects` is also Django's *default* manager, everything Django builds
from it fails closed too: admin change lists, auto-generated form and serializer choice fields,
`get_object_or_404(Model, ...)`. The loudly named `unscoped` manager is the escape hatch for the
few places that really span tenants; each use carries a `# unscoped: <reason>` comment.

Two doors stay open on purpose:
- Related managers (`pod.assignments`) are built from the default manager's class but start from a
  parent row that was itself loaded through a scope; they filter by that parent, so they are
  allowed through.
- The *base* manager stays `unscoped`. Django uses it for `assignment.pod` (forward foreign keys),
  `refresh_from_db`, saves and the delete collector: each starts from a row already in hand (so
  already in scope), and a guarded base manager would break them without protecting anything.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models

if TYPE_CHECKING:
    from tenancy.models import Organization

# The model a scoped queryset holds: `Pod.objects.for_org(org)` is an `OrgQuerySet[Pod]`.
_M = TypeVar("_M", bound=models.Model, covariant=True)

_ORG_KEYS = ("organization", "organization_id")


# Set only while Django checks uniqueness: `unique=True` columns (a token's hash) are unique across
# the whole table, and the check answers yes or no without handing rows to anyone.
_uniqueness_check = contextvars.ContextVar("podium_uniqueness_check", default=False)


class UnscopedQueryError(RuntimeError):
    """A tenant-owned table was queried without naming the organization."""


class OrgQuerySet(models.QuerySet[_M, _M]):
    # True on querysets handed out by `objects` before the organization was named.
    _org_guard = False

    def _clone(self) -> Self:
        clone: Self = super()._clone()  # type: ignore[misc]  # Django's private copy, not in the stubs
        clone._org_guard = self._org_guard
        return clone

    def _refuse(self) -> None:
        if self._org_guard and not _uniqueness_check.get():
            name = self.model.__name__
            raise UnscopedQueryError(
                f"{name}.objects needs .for_org(organization); "
                f"use {name}.unscoped only where crossing tenants is the point."
            )

    def for_org(self, organization: Organization | int) -> Self:
        if organization is None:
            raise UnscopedQueryError("for_org() needs an organization, got None.")
        clone = self.all()
        clone._org_guard = False
        return clone.filter(organization=organization)

    def _names_org(self, kwargs: dict[str, Any]) -> bool:
        return any(kwargs.get(key) is not None for key in _ORG_KEYS)

    def filter(self, *args: Any, **kwargs: Any) -> Self:
        if self._org_guard and self._names_org(kwargs):
            clone = self.all()
            clone._org_guard = False
            return clone.filter(*args, **kwargs)
        self._refuse()
        return super().filter(*args, **kwargs)

    def exclude(self, *args: Any, **kwargs: Any) -> Self:
        self._refuse()
        return super().exclude(*args, **kwargs)

    def none(self) -> Self:
        # An empty set spans no tenant: `queryset = Model.objects.none()` on a view is fine.
        clone = super().none()
        clone._org_guard = False
        return clone

    # Every way of reaching the database from a queryset passes one of these.
    def _fetch_all(self) -> None:
        self._refuse()
        super()._fetch_all()

    def iterator(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse()
        return super().iterator(*args, **kwargs)

    def count(self) -> int:
        self._refuse()
        return super().count()

    def exists(self) -> bool:
        self._refuse()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._refuse()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._refuse()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse()
        return super().delete()

    def in_bulk(self, *args: Any, **kwargs: Any) -> dict[Any, _M]:
        self._refuse()
        return super().in_bulk(*args, **kwargs)

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        self._refuse()
        return super().bulk_update(*args, **kwargs)

    def get_or_create(self, defaults: Any = None, **kwargs: Any) -> tuple[_M, bool]:
        # Scoped when the keywords name the organization; its filter() then lifts the guard.
        if self._org_guard and not self._names_org(kwargs):
            self._refuse()
        return super().get_or_create(defaults=defaults, **kwargs)

    def update_or_create(
        self, defaults: Any = None, create_defaults: Any = None, **kwargs: Any
    ) -> tuple[_M, bool]:
        if self._org_guard and not self._names_org(kwargs):
            self._refuse()
        return super().update_or_create(defaults=defaults, create_defaults=create_defaults, **kwargs)


# The stubs' plugin types a manager built by `from_queryset` only when it is assigned to a name.
_OrgManagerBase = models.Manager.from_queryset(OrgQuerySet)


class OrgScopedManager(_OrgManagerBase[_M]):
    def get_queryset(self) -> OrgQuerySet[_M]:
        qs = OrgQuerySet[_M](self.model, using=self._db)
        # A related manager (`pod.assignments`) filters by a parent that was loaded in scope.
        if not hasattr(self, "core_filters"):
            qs._org_guard = True
        return qs

    def _base(self) -> OrgQuerySet[_M]:
        return OrgQuerySet(self.model, using=self._db)

    # Writes name their organization in the row itself, so they are safe without a scope.
    def create(self, **kwargs: Any) -> _M:
        if kwargs.get("organization") is None and kwargs.get("organization_id") is None:
            raise UnscopedQueryError(f"{self.model.__name__} needs an organization to be created.")
        return self._base().create(**kwargs)

    def bulk_create(self, objs: Iterable[_M], *args: Any, **kwargs: Any) -> list[_M]:
        return self._base().bulk_create(objs, *args, **kwargs)


class OrgOwned(models.Model):
    """Abstract base of every tenant-owned table: a non-null organization, first in indexes."""

    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.CASCADE, related_name="+", editable=False
    )

    objects = OrgScopedManager()
    unscoped = OrgQuerySet.as_manager()

    class Meta:
        abstract = True
        default_manager_name = "objects"
        base_manager_name = "unscoped"

    def validate_unique(self, exclude: Any = None) -> None:
        token = _uniqueness_check.set(True)
        try:
            super().validate_unique(exclude=exclude)
        finally:
            _uniqueness_check.reset(token)

    def validate_constraints(self, exclude: Any = None) -> None:
        token = _uniqueness_check.set(True)
        try:
            super().validate_constraints(exclude=exclude)
        finally:
            _uniqueness_check.reset(token)
