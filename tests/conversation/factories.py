from __future__ import annotations

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from factory.django import DjangoModelFactory

from exchange.conversation.markdown import markdown_render
from exchange.conversation.models import (
    Comment,
    CommentPolicyAcceptance,
    CommentState,
    Discussion,
)
from tests.factories import PublishedExampleFactory, UserFactory


class DiscussionFactory(DjangoModelFactory):
    class Meta:
        model = Discussion
        django_get_or_create = ("content_type", "object_id")

    class Params:
        example = factory.SubFactory(PublishedExampleFactory)

    content_type = factory.LazyFunction(
        lambda: ContentType.objects.get(app_label="examples", model="example")
    )
    object_id = factory.LazyAttribute(lambda o: o.example.pk)


class CommentFactory(DjangoModelFactory):
    """A visible comment (written straight to the database, no service rules)."""

    class Meta:
        model = Comment

    discussion = factory.SubFactory(DiscussionFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment number {n}: we tried this too.")
    body_html = factory.LazyAttribute(lambda o: markdown_render(o.body))
    state = CommentState.VISIBLE
    published_at = factory.LazyFunction(timezone.now)


class PolicyAcceptanceFactory(DjangoModelFactory):
    class Meta:
        model = CommentPolicyAcceptance
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
