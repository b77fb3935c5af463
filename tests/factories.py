from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from exchange.accounts.models import User
from exchange.core.permissions import Role
from exchange.examples.models import Campaign, Example, ExampleStatus, Permanence, Sector, Tag

PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    username = factory.LazyAttribute(lambda o: o.email)
    display_name = factory.Sequence(lambda n: f"Person {n}")
    organisation = "Northshire NHS Trust"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Give the user a verified allauth email address so they can sign in."""
        if not create:
            return
        from allauth.account.models import EmailAddress

        obj.save()
        EmailAddress.objects.get_or_create(
            user=obj,
            email=obj.email,
            defaults={"verified": extracted is not False, "primary": True},
        )

    @factory.post_generation
    def roles(obj: User, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        _grant_roles(obj, create, extracted or [])


def _grant_roles(user: User, create: bool, roles: list[Role]) -> None:
    if not create or not roles:
        return
    from exchange.accounts.services import roles_ensure, user_role_add

    roles_ensure()
    for role in roles:
        user_role_add(user=user, role=role)


class ModeratorFactory(UserFactory):
    @factory.post_generation
    def roles(obj: User, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        _grant_roles(obj, create, extracted or [Role.MODERATOR])


class OrganiserFactory(UserFactory):
    @factory.post_generation
    def roles(obj: User, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        _grant_roles(obj, create, extracted or [Role.ORGANISER])


class FacilitatorFactory(UserFactory):
    @factory.post_generation
    def roles(obj: User, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        _grant_roles(obj, create, extracted or [Role.FACILITATOR])


class AdminFactory(UserFactory):
    is_staff = True
    is_superuser = True


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ("slug",)

    title = factory.Sequence(lambda n: f"Lessons from the emergency {n}")
    slug = factory.Sequence(lambda n: f"lessons-{n}")
    introduction = "Tell us what you changed under pressure and whether it should stay."
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=60))
    pre_moderation = True


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class ExampleFactory(DjangoModelFactory):
    """A draft example; use PublishedExampleFactory for one in the gallery."""

    class Meta:
        model = Example
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Video clinics replaced travel {n}")
    summary = "Outpatient follow-ups moved to video within a fortnight."
    what_changed = "We moved routine follow-up appointments to video calls."
    enablers = "Emergency approval of a video platform and loaned laptops."
    evidence = "Did-not-attend rates fell from 12% to 5%."
    sector = Sector.HEALTH
    organisation = "Northshire NHS Trust"
    permanence = Permanence.SHOULD_STAY
    risks_of_reverting = "Funding for licences ends in March."
    status = ExampleStatus.DRAFT

    @factory.post_generation
    def tags(obj: Example, create: bool, extracted: list[Tag] | None, **kwargs: object) -> None:
        if create and extracted:
            obj.tags.set(extracted)


class SubmittedExampleFactory(ExampleFactory):
    status = ExampleStatus.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class PublishedExampleFactory(ExampleFactory):
    status = ExampleStatus.PUBLISHED
    submitted_at = factory.LazyFunction(timezone.now)
    published_at = factory.LazyFunction(timezone.now)
