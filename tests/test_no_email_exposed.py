"""No one's email address appears on any public page or in any API answer.

Authors here have distinctive addresses (and one has no name at all, so that any fallback to
the username, which is the address, would show). Every page a visitor or another participant
can reach about their examples is read, and every GET operation in the API's OpenAPI schema.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from exchange.api.api import api
from exchange.api.services import api_token_create
from exchange.events.services import booking_create, booking_switch_mode
from exchange.workshops.models import ImportBatch
from tests.conversation.factories import CommentFactory, DiscussionFactory
from tests.events.factories import SessionFactory
from tests.factories import (
    CampaignFactory,
    ExampleFactory,
    PublishedExampleFactory,
    SubmittedExampleFactory,
    TagFactory,
    UserFactory,
)
from tests.workshops.factories import (
    PromptFactory,
    ReflectionFactory,
    WorkshopFactory,
    WorkshopSeriesFactory,
)

SECRET_ADDRESSES = [
    "alice.secret-7f3a@hidden-domain.example",
    "bob.private-91c2@hidden-domain.example",
    "no.name-4d5e@hidden-domain.example",
]


def leaks(text: str) -> list[str]:
    """Any secret address, its local part (e.g. a username shown instead) or its domain."""
    found = []
    for address in SECRET_ADDRESSES:
        local, domain = address.split("@")
        found += [part for part in (address, local, domain) if part.lower() in text.lower()]
    return found


@pytest.fixture
def world(db):
    alice, bob, nameless = (
        UserFactory(email=SECRET_ADDRESSES[0], username=SECRET_ADDRESSES[0], display_name="Alice"),
        UserFactory(email=SECRET_ADDRESSES[1], username=SECRET_ADDRESSES[1], display_name=""),
        UserFactory(
            email=SECRET_ADDRESSES[2],
            username=SECRET_ADDRESSES[2],
            display_name="",
            first_name="",
            last_name="",
        ),
    )
    bob.first_name, bob.last_name = "Bob", "Baker"
    bob.save()
    campaign = CampaignFactory(title="Lessons from the emergency")
    tag = TagFactory(name="Remote working", slug="remote-working")
    published = [
        PublishedExampleFactory(
            author=alice, campaign=campaign, title="Video clinics", is_featured=True, tags=[tag]
        ),
        PublishedExampleFactory(
            author=bob, campaign=campaign, title="Hotels for rough sleepers", tags=[tag]
        ),
        PublishedExampleFactory(
            author=nameless, campaign=campaign, title="Face shields printed locally"
        ),
        PublishedExampleFactory(
            author=alice, campaign=campaign, title="Anonymous video rota", show_as_anonymous=True
        ),
    ]
    # Not public: must not leak through counts, lists or search either.
    SubmittedExampleFactory(author=bob, campaign=campaign, title="Awaiting a moderator")
    ExampleFactory(author=nameless, campaign=campaign, title="A draft")
    # Comments and replies by each author (visible, removed, waiting) on the first example.
    discussion = DiscussionFactory(example=published[0])
    top = CommentFactory(discussion=discussion, author=nameless, body="A nameless comment")
    CommentFactory(discussion=discussion, author=bob, parent=top, body="Bob replies")
    CommentFactory(discussion=discussion, author=alice, state="removed", body="", body_html="")
    CommentFactory(discussion=discussion, author=alice, state="pending", body="Alice waits")
    viewer = UserFactory(email="viewer@example.net", display_name="Viewer")
    # Events: every author has booked (one waits, one switched) the same session.
    session = SessionFactory(capacity_in_person=1)
    for person in (alice, bob, nameless):
        booking = booking_create(user=person, session=session, mode="in_person")
    booking_switch_mode(user=nameless, booking=booking, mode="online")
    # Workshops: every author facilitates the series and imported into its workshop.
    series = WorkshopSeriesFactory(facilitators=[alice, bob, nameless])
    prompt = PromptFactory(workshop=WorkshopFactory(series=series))
    ReflectionFactory(prompt=prompt)
    ImportBatch.objects.create(
        workshop=prompt.workshop, original_name="survey.csv", imported_by=nameless
    )
    return {
        "prompt": prompt,
        "campaign": campaign,
        "tag": tag,
        "published": published,
        "viewer": viewer,
        "session": session,
    }


def page_urls(world) -> list[str]:
    campaign, tag = world["campaign"], world["tag"]
    urls = [
        reverse("core:home"),
        reverse("examples:gallery"),
        reverse("examples:gallery") + "?q=video",
        reverse("examples:gallery") + "?q=hidden-domain",
        reverse("examples:gallery") + f"?tag={tag.slug}&sort=title",
        reverse("examples:gallery") + f"?campaign={campaign.slug}&permanence=should_stay",
        reverse("examples:campaign_list"),
        reverse("examples:campaign_detail", kwargs={"slug": campaign.slug}),
    ]
    urls += [reverse("examples:detail", kwargs={"pk": e.pk}) for e in world["published"]]
    urls += [
        reverse("events:list"),
        reverse("events:detail", kwargs={"slug": world["session"].event.slug}),
    ]
    workshop = world["prompt"].workshop
    urls += [
        reverse("workshops:series_list"),
        reverse("workshops:series_detail", kwargs={"slug": workshop.series.slug}),
        reverse("workshops:join"),
        reverse("workshops:join_workshop", kwargs={"code": workshop.join_code}),
        reverse("workshops:wall", kwargs={"code": workshop.join_code}),
        reverse("workshops:wall_fragment", kwargs={"code": workshop.join_code}),
    ]
    first = reverse("examples:detail", kwargs={"pk": world["published"][0].pk})
    urls += [first + "?comments=oldest", first + "?comments=newest&cpage=2"]
    return urls


def api_urls(world) -> list[str]:
    """Every GET operation of the API, with each published example and campaign filled in."""
    fillers = {
        "slug": [world["campaign"].slug],
        "example_id": [e.pk for e in world["published"]],
        "event_slug": [world["session"].event.slug],
        "session_id": [world["session"].pk],
    }
    urls = []
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        params = re.findall(r"{(\w+)}", path)
        assert set(params) <= set(fillers), f"teach this test to fill {params} in {path}"
        if not params:
            urls.append(path)
            if path.endswith("/examples"):
                urls += [path + "?q=video", path + "?q=hidden-domain", path + "?limit=100"]
            continue
        (param,) = params
        urls += [path.replace("{" + param + "}", str(value)) for value in fillers[param]]
    urls += ["/api/openapi.json", "/api/docs"]
    return urls


@pytest.mark.parametrize("viewer", ["anonymous", "participant"])
def test_no_email_on_public_pages(client, world, viewer):
    if viewer == "participant":
        client.force_login(world["viewer"])

    for url in page_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert leaks(response.content.decode()) == [], url


@pytest.mark.parametrize("viewer", ["anonymous", "participant", "token"])
def test_no_email_in_the_api(client, world, viewer):
    headers = {}
    if viewer == "participant":
        client.force_login(world["viewer"])
    elif viewer == "token":
        _, raw = api_token_create(actor=world["viewer"], user=world["viewer"], name="test")
        headers["Authorization"] = f"Bearer {raw}"
    urls = api_urls(world)
    assert any("/examples/" in url for url in urls)

    for url in urls:
        response = client.get(url, headers=headers)
        assert response.status_code in {200, 401}, url
        body = response.content.decode()
        assert leaks(body) == [], url
        assert "@" not in body.replace("@context", "") or url.endswith(("openapi.json", "docs")), (
            url
        )


def test_no_email_on_a_co_facilitators_workshop_pages(client, world):
    """Another facilitator of the series sees names at most, never addresses."""
    from exchange.core.permissions import Role

    workshop = world["prompt"].workshop
    colleague = UserFactory(roles=[Role.FACILITATOR], email="colleague@example.net")
    workshop.series.facilitators.add(colleague)
    client.force_login(colleague)
    slug = workshop.series.slug
    for url in (
        reverse("workshops:series_detail", kwargs={"slug": slug}),
        reverse("workshops:workshop_manage", kwargs={"slug": slug, "pk": workshop.pk}),
        reverse("workshops:wall", kwargs={"code": workshop.join_code}),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert leaks(response.content.decode()) == [], url


def test_anonymous_example_hides_the_author_name(client, world):
    anonymous = world["published"][3]

    html = client.get(reverse("examples:detail", kwargs={"pk": anonymous.pk})).content.decode()
    api_body = client.get(f"/api/examples/{anonymous.pk}").content.decode()

    assert "Alice" not in html
    assert "Alice" not in api_body
    assert "Anonymous" in html
