"""factory_boy factories. Children inherit their parent's organization, so one call builds a
consistent tenant: `AssignmentFactory()` makes an org, a pod, a person and a role in that org."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from pods.models import Assignment, Charter, Pod, PodInteraction, PodRole
from tenancy.models import Membership, Organization, Person, PersonSkill, Role, Skill, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Org {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            from pods.services import pod_roles_seed_defaults

            pod_roles_seed_defaults(organization=obj)


class OrgOwnedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    organization = factory.SubFactory(OrganizationFactory)

    @classmethod
    def _get_manager(cls, model_class):  # type: ignore[no-untyped-def]
        return model_class.unscoped


class MembershipFactory(OrgOwnedFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class SkillFactory(OrgOwnedFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Skill {n}")


class PersonFactory(OrgOwnedFactory):
    class Meta:
        model = Person

    full_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"person{n}@example.test")
    title = "Engineer"
    weekly_capacity_hours = 40


class PersonSkillFactory(OrgOwnedFactory):
    class Meta:
        model = PersonSkill

    person = factory.SubFactory(PersonFactory, organization=factory.SelfAttribute("..organization"))
    skill = factory.SubFactory(SkillFactory, organization=factory.SelfAttribute("..organization"))
    level = 3


class PodFactory(OrgOwnedFactory):
    class Meta:
        model = Pod

    name = factory.Sequence(lambda n: f"Pod {n}")
    mission = "Ship useful models."
    status = "active"


class PodInteractionFactory(OrgOwnedFactory):
    class Meta:
        model = PodInteraction

    pod = factory.SubFactory(PodFactory, organization=factory.SelfAttribute("..organization"))
    partner = factory.SubFactory(PodFactory, organization=factory.SelfAttribute("..organization"))
    mode = "x_as_a_service"
    purpose = "Feature store as a service."
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))


def role(organization: Organization, key: str = "ml_engineer") -> PodRole:
    return PodRole.objects.for_org(organization).get(key=key)


class AssignmentFactory(OrgOwnedFactory):
    class Meta:
        model = Assignment

    pod = factory.SubFactory(PodFactory, organization=factory.SelfAttribute("..organization"))
    person = factory.SubFactory(PersonFactory, organization=factory.SelfAttribute("..organization"))
    role = factory.LazyAttribute(lambda o: role(o.organization))
    allocation_percent = 100
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    end_date = None


class CharterFactory(OrgOwnedFactory):
    class Meta:
        model = Charter

    pod = factory.SubFactory(PodFactory, organization=factory.SelfAttribute("..organization"))
    version = 1
    mission = "Reduce churn with better models."
    next_review_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))


def member(organization: Organization, role_name: str = Role.MEMBER, **kwargs: object) -> Membership:
    """A user who belongs to `organization` with an org role."""
    return MembershipFactory(organization=organization, role=role_name, **kwargs)


def pod_lead(organization: Organization, pod: Pod | None = None) -> tuple[Membership, Person, Pod]:
    """A member who leads `pod` (made when not given) through a linked directory entry."""
    m = member(organization)
    person = PersonFactory(organization=organization, user=m.user, email=m.user.email,
                           full_name=m.user.full_name)
    pod = pod or PodFactory(organization=organization)
    AssignmentFactory(organization=organization, pod=pod, person=person,
                      role=role(organization, "pod_lead"))
    return m, person, pod
