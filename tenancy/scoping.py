"""Tenant scoping that fails closed.

Every tenant-owned model inherits `OrgOwned`. Its `objects` manager refuses to build a queryset
until it is told the organization (`Model.objects.for_org(org)`); the loudly named `unscoped`
manager is the escape hatch for the few places that really span tenants (migrations, admin,
commands that loop over orgs). Related managers (`pod.assignments`) start from an object that
was already scoped, so they use the plain default manager.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class UnscopedQueryError(RuntimeError):
    """A tenant-owned table was queried without naming the organization."""


class OrgQuerySet(models.QuerySet):
    def for_org(self, organization: Any) -> OrgQuerySet:
        if organization is None:
            raise UnscopedQueryError("for_org() needs an organization, got None.")
        return self.filter(organization=organization)


class OrgScopedManager(models.Manager.from_queryset(OrgQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> OrgQuerySet:
        raise UnscopedQueryError(
            f"{self.model.__name__}.objects needs .for_org(organization); "
            f"use {self.model.__name__}.unscoped only where crossing tenants is the point."
        )

    def _base(self) -> OrgQuerySet:
        return OrgQuerySet(self.model, using=self._db)

    def for_org(self, organization: Any) -> OrgQuerySet:
        return self._base().for_org(organization)

    # Writes name their organization in the row itself, so they are safe without a scope.
    def create(self, **kwargs: Any) -> Any:
        if kwargs.get("organization") is None and kwargs.get("organization_id") is None:
            raise UnscopedQueryError(f"{self.model.__name__} needs an organization to be created.")
        return self._base().create(**kwargs)

    def bulk_create(self, objs: Any, **kwargs: Any) -> Any:
        return self._base().bulk_create(objs, **kwargs)


class OrgOwned(models.Model):
    """Abstract base of every tenant-owned table: a non-null organization, first in indexes."""

    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.CASCADE, related_name="+", editable=False
    )

    unscoped = OrgQuerySet.as_manager()
    objects = OrgScopedManager()

    class Meta:
        abstract = True
        default_manager_name = "unscoped"
        base_manager_name = "unscoped"
