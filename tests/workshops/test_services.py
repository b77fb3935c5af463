"""Workshop services: series, workshops, prompts, live reflections, hiding, resources."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from exchange.core.models import AuditEntry
from exchange.core.permissions import Role
from exchange.workshops import selectors, services
from exchange.workshops.models import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    Reflection,
    ReflectionSource,
    SeriesResource,
)
from tests.factories import AdminFactory, UserFactory
from tests.workshops.factories import (
    PromptFactory,
    ReflectionFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


def test_series_create_lists_the_creator_as_facilitator_and_audits(facilitator):
    series = services.series_create(
        actor=facilitator, title="Autumn", slug="autumn", description="More reflections"
    )

    assert list(series.facilitators.all()) == [facilitator]
    assert AuditEntry.objects.filter(action="workshop_series.create", actor=facilitator).exists()


def test_series_create_needs_the_facilitator_role():
    with pytest.raises(PermissionDenied):
        services.series_create(actor=UserFactory(), title="Autumn", slug="autumn")


@pytest.mark.parametrize("slug", ["new", "imports", "summer"])
def test_series_slug_must_be_free_and_not_reserved(facilitator, series, slug):
    with pytest.raises(services.WorkshopError) as error:
        services.series_create(actor=facilitator, title="Autumn", slug=slug)
    assert error.value.field == "slug"


def test_only_the_series_facilitators_and_admins_manage_it(series, workshop):
    other_facilitator = UserFactory(roles=[Role.FACILITATOR])

    with pytest.raises(PermissionDenied):
        services.workshop_create(
            actor=other_facilitator, series=series, title="X", starts_at=timezone.now()
        )
    assert selectors.series_is_managed_by(series=series, user=AdminFactory())
    assert selectors.series_is_managed_by(series=series, user=UserFactory(roles=[Role.ADMIN]))
    assert not selectors.series_is_managed_by(series=series, user=other_facilitator)
    assert not selectors.series_is_managed_by(series=series, user=UserFactory())


def test_workshop_gets_a_short_unambiguous_join_code(facilitator, series):
    codes = {
        services.workshop_create(
            actor=facilitator, series=series, title=f"W{i}", starts_at=timezone.now()
        ).join_code
        for i in range(20)
    }

    assert len(codes) == 20
    for code in codes:
        assert len(code) == JOIN_CODE_LENGTH
        assert set(code) <= set(JOIN_CODE_ALPHABET)
        assert not set(code) & set("0O1IL25SZ8B")


def test_workshop_can_be_a_session_of_an_event(facilitator, series):
    from tests.events.factories import SessionFactory

    session = SessionFactory()
    workshop = services.workshop_create(
        actor=facilitator,
        series=series,
        title="At the conference",
        starts_at=session.starts_at,
        session=session,
    )

    assert workshop.session == session
    assert list(session.workshops.all()) == [workshop]


def test_prompts_are_numbered_in_order_and_opened_with_an_audit(facilitator, workshop):
    first = services.prompt_create(actor=facilitator, workshop=workshop, text="One?")
    second = services.prompt_create(actor=facilitator, workshop=workshop, text="Two?")
    assert (first.position, second.position) == (0, 1)
    assert not first.is_open

    services.prompt_open_set(actor=facilitator, prompt=first, is_open=True)
    services.prompt_open_set(actor=facilitator, prompt=first, is_open=True)  # no change

    first.refresh_from_db()
    assert first.is_open
    assert AuditEntry.objects.filter(action="prompt.open").count() == 1
    assert selectors.open_prompts(workshop=workshop) == [first]


def test_reflection_post_stores_the_redacted_text_only(prompt):
    reflection = services.reflection_post(
        prompt=prompt,
        text="  Ring Sarah Jones on 07700 900123 about the shared rota.  ",
        device_id="device-1",
    )

    assert reflection.text == "Ring [NAME] on [PHONE] about the shared rota."
    assert reflection.redaction_count == 2
    assert reflection.source == ReflectionSource.LIVE
    assert not Reflection.objects.filter(text__contains="Sarah").exists()
    assert not AuditEntry.objects.filter(data__icontains="Sarah").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "Enter your reflection"), ("x" * 1001, "1,000 characters or fewer")],
)
def test_reflection_post_refuses_empty_and_too_long_text(prompt, text, message):
    with pytest.raises(services.WorkshopError) as error:
        services.reflection_post(prompt=prompt, text=text, device_id="d")

    assert message in error.value.message
    assert error.value.field == "text"
    assert not Reflection.objects.exists()


def test_reflection_post_accepts_exactly_1000_characters(prompt):
    assert services.reflection_post(prompt=prompt, text="y" * 1000, device_id="d").pk


def test_reflection_post_refuses_a_closed_prompt(prompt):
    prompt.is_open = False
    prompt.save()

    with pytest.raises(services.WorkshopError):
        services.reflection_post(prompt=prompt, text="Hello", device_id="d")


@override_settings(WORKSHOPS_REFLECTIONS_PER_MINUTE=2)
def test_rate_limit_is_per_device_and_per_minute(prompt, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, 0, 5, tzinfo=dt.UTC), tick=False)
    services.reflection_post(prompt=prompt, text="one", device_id="a")
    services.reflection_post(prompt=prompt, text="two", device_id="a")
    with pytest.raises(services.ReflectionRateLimitError) as error:
        services.reflection_post(prompt=prompt, text="three", device_id="a")
    assert "your text is kept" in error.value.message
    services.reflection_post(prompt=prompt, text="another device", device_id="b")

    time_machine.move_to(dt.datetime(2026, 6, 1, 10, 1, 5, tzinfo=dt.UTC), tick=False)
    services.reflection_post(prompt=prompt, text="three", device_id="a")

    assert Reflection.objects.count() == 4


def test_hiding_is_audited_and_leaves_the_synthesis(facilitator, prompt):
    shown = ReflectionFactory(prompt=prompt)
    hidden = ReflectionFactory(prompt=prompt)

    services.reflection_hidden_set(actor=facilitator, reflection=hidden, is_hidden=True)

    assert list(selectors.reflection_list_for_synthesis()) == [shown]
    assert list(selectors.wall_reflections(workshop=prompt.workshop)) == [shown]
    entry = AuditEntry.objects.get(action="reflection.hide")
    assert entry.actor == facilitator
    assert entry.target_id == str(hidden.pk)

    services.reflection_hidden_set(actor=facilitator, reflection=hidden, is_hidden=False)
    assert AuditEntry.objects.filter(action="reflection.unhide").exists()


def test_hiding_needs_a_manager_of_the_series(prompt):
    reflection = ReflectionFactory(prompt=prompt)

    with pytest.raises(PermissionDenied):
        services.reflection_hidden_set(
            actor=UserFactory(roles=[Role.FACILITATOR]), reflection=reflection, is_hidden=True
        )


def test_reflection_list_for_synthesis_filters(django_assert_num_queries):
    may = PromptFactory(workshop=WorkshopFactory())
    june = PromptFactory(workshop=WorkshopFactory())
    r1 = ReflectionFactory(prompt=may, created_at=dt.datetime(2026, 5, 3, 12, tzinfo=dt.UTC))
    r2 = ReflectionFactory(prompt=june, created_at=dt.datetime(2026, 6, 3, 12, tzinfo=dt.UTC))
    r3 = ReflectionFactory(prompt=june, created_at=dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))

    assert list(selectors.reflection_list_for_synthesis(series_ids=[may.workshop.series_id])) == [
        r1
    ]
    assert list(selectors.reflection_list_for_synthesis(workshop_ids=[june.workshop_id])) == [
        r2,
        r3,
    ]
    assert list(selectors.reflection_list_for_synthesis(prompt_ids=[may.pk, june.pk])) == [
        r1,
        r2,
        r3,
    ]
    between = selectors.reflection_list_for_synthesis(
        date_from=dt.date(2026, 6, 1), date_to=dt.date(2026, 6, 3)
    )
    with django_assert_num_queries(1):
        rows = [(r.pk, r.prompt.workshop.series.title) for r in between]
    assert rows == [(r2.pk, june.workshop.series.title)]


def test_resource_link_and_file(facilitator, series):
    link = services.resource_add(
        actor=facilitator, series=series, title="1-2-4-All", url="https://example.org/124"
    )
    upload = SimpleUploadedFile("Running order.pdf", PDF, content_type="application/pdf")
    document = services.resource_add(
        actor=facilitator, series=series, title="Running order", upload=upload
    )

    assert selectors.series_resource_list(series=series) == [link, document]
    assert document.content_type == "application/pdf"
    assert document.original_name == "Running order.pdf"
    assert document.file.name.startswith("workshop-resources/")
    assert document.file.name.endswith(".pdf")
    assert "running" not in document.file.name
    assert AuditEntry.objects.filter(action="series_resource.add").count() == 2

    services.resource_remove(actor=facilitator, resource=link)
    assert list(SeriesResource.objects.all()) == [document]


def test_resource_file_type_and_size_are_checked(facilitator, series, settings):
    with pytest.raises(services.WorkshopError) as error:
        services.resource_add(
            actor=facilitator,
            series=series,
            title="Script",
            upload=SimpleUploadedFile("run.pdf", b"#!/bin/sh\necho hi\n"),
        )
    assert error.value.field == "file"

    settings.EXAMPLE_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(services.WorkshopError):
        services.resource_add(
            actor=facilitator, series=series, title="Big", upload=SimpleUploadedFile("b.pdf", PDF)
        )
    with pytest.raises(services.WorkshopError):
        services.resource_add(actor=facilitator, series=series, title="Nothing")
    assert not SeriesResource.objects.exists()


def test_demo_data_loads_once_with_reflections_across_the_summer():
    from django.core.management import call_command

    from exchange.workshops.demo_data import SERIES_SLUG, workshops_demo_load
    from exchange.workshops.models import WorkshopSeries

    call_command("load_demo", verbosity=0)
    series = WorkshopSeries.objects.get(slug=SERIES_SLUG)
    reflections = Reflection.objects.filter(prompt__workshop__series=series)

    assert series.workshops.count() == 4
    assert 400 <= reflections.count() <= 600
    assert {r.created_at.month for r in reflections} == {5, 6, 7, 8}
    assert reflections.filter(source=ReflectionSource.IMPORT).exclude(group="").exists()
    assert reflections.filter(redaction_count__gt=0).exists()
    assert not reflections.filter(text__contains="Priya").exists()
    assert series.facilitators.filter(email="facilitator@example.org").exists()
    assert series.resources.count() == 2
    texts = list(reflections.values_list("text", flat=True))
    assert len(set(texts)) > 0.9 * len(texts)

    assert workshops_demo_load() is False
    assert Reflection.objects.filter(prompt__workshop__series=series).count() == len(texts)
    series.delete()
    assert workshops_demo_load() is False  # deleted on the demo site: stays deleted
