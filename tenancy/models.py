"""Tenants, their members and directory, and the append-only audit trail."""

from __future__ import annotations

from typing import ClassVar

import pgtrigger
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from tenancy.scoping import OrgOwned


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. Signs in with an email address; may belong to several organizations."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Organization(models.Model):
    """The tenant."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    pod_size_min = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    pod_size_max = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    protected_time_threshold = models.PositiveSmallIntegerField(
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Allocation % at or above which a member has protected time.",
    )
    protected_share_target = models.PositiveSmallIntegerField(
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Share of a pod's members (%) that should have protected time.",
    )
    charter_review_days = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(7), MaxValueValidator(730)]
    )
    quarter_start_month = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    default_sla_hours = models.PositiveIntegerField(
        default=72, validators=[MinValueValidator(1), MaxValueValidator(24 * 90)]
    )
    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pod_size_min__lte=models.F("pod_size_max")),
                name="org_pod_size_bounds_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    LEADER = "leader", "Leader"
    MEMBER = "member", "Member"


ADMIN_ROLES = frozenset({Role.OWNER, Role.ADMIN})
LEADER_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.LEADER})


class Membership(OrgOwned):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OrgOwned.Meta):
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_user")
        ]
        indexes = [models.Index(fields=["user", "organization"], name="membership_user_org")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def is_leader(self) -> bool:
        return self.role in LEADER_ROLES


class Invitation(OrgOwned):
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta(OrgOwned.Meta):
        indexes = [models.Index(fields=["organization", "-created_at"], name="invitation_org_recent")]

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class ApiToken(OrgOwned):
    """A personal API token for one user in one organization; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta(OrgOwned.Meta):
        indexes = [models.Index(fields=["organization", "user"], name="apitoken_org_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Skill(OrgOwned):
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)

    class Meta(OrgOwned.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), name="skill_unique_name_ci")
        ]

    def __str__(self) -> str:
        return self.name


class PersonKind(models.TextChoices):
    EMPLOYEE = "employee", "Employee"
    CONTRACTOR = "contractor", "Contractor"
    BENCH = "bench", "Bench specialist"


class Person(OrgOwned):
    """The org's directory entry for someone who can be staffed; may have no login."""

    full_name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    title = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=16, choices=PersonKind.choices, default=PersonKind.EMPLOYEE)
    weekly_capacity_hours = models.PositiveSmallIntegerField(
        default=40, validators=[MinValueValidator(0), MaxValueValidator(80)]
    )
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OrgOwned.Meta):
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                "organization",
                Lower("email"),
                condition=~models.Q(email=""),
                name="person_unique_email_ci",
            ),
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=models.Q(user__isnull=False),
                name="person_unique_user",
            ),
            models.CheckConstraint(
                condition=models.Q(weekly_capacity_hours__lte=80), name="person_capacity_max"
            ),
        ]
        indexes = [models.Index(fields=["organization", "full_name"], name="person_org_name")]

    def __str__(self) -> str:
        return self.full_name


class PersonSkill(OrgOwned):
    class Level(models.IntegerChoices):
        AWARE = 1, "1 · aware"
        WORKING = 2, "2 · working"
        PRACTITIONER = 3, "3 · practitioner"
        ADVANCED = 4, "4 · advanced"
        EXPERT = 5, "5 · expert"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="holders")
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.WORKING)

    class Meta(OrgOwned.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "person", "skill"], name="personskill_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="personskill_level_range"
            ),
        ]


class AuditEvent(OrgOwned):
    """Who did what to which object, before and after, when and from which request.

    Append-only: database triggers refuse UPDATE and DELETE, so not even a bug in the app can
    rewrite history.
    """

    created_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=60)
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=40, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    request_path = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    source = models.CharField(max_length=16, default="web")

    class Meta(OrgOwned.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="audit_org_recent"),
            models.Index(
                fields=["organization", "target_type", "target_id"], name="audit_org_target"
            ),
            models.Index(fields=["organization", "action"], name="audit_org_action"),
        ]
        triggers = [
            pgtrigger.Protect(name="audit_append_only_update", operation=pgtrigger.Update),
            pgtrigger.Protect(name="audit_append_only_delete", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_repr}"

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class Notification(OrgOwned):
    """An in-app notice for one member ("your escalation was decided", "new lesson in …")."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=2000, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "user", "-created_at"], name="notification_org_user"),
            models.Index(
                fields=["organization", "user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class OutboxTask(models.Model):
    """A Celery task waiting to reach the broker (tenancy/outbox.py): written in the transaction
    of the change that asked for it, deleted once the broker has it. Crosses tenants (ids only)."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    options = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)}"


class CacheScopeChange(models.Model):
    """One write to a cache scope of an organization; insert-only (see `tenancy.cache`).

    A scope's version is the sum of `weight` over its committed rows. Inserts never wait for
    each other, and compaction replaces a scope's rows by one row of the same total weight.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    scope = models.CharField(max_length=80)
    weight = models.BigIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["organization", "scope"], include=["weight"],
                                name="cache_scope_org_scope")]

    def __str__(self) -> str:
        return f"{self.scope}+{self.weight}"
