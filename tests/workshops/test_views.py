"""Workshop pages: series, the facilitator's dashboard, joining, the wall, imports, resources."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from exchange.core.models import AuditEntry
from exchange.core.permissions import Role
from exchange.workshops.models import (
    ImportState,
    ImportUpload,
    Prompt,
    Reflection,
    SeriesResource,
    Workshop,
    WorkshopSeries,
)
from tests.factories import UserFactory
from tests.workshops.factories import (
    PromptFactory,
    ReflectionFactory,
    WorkshopFactory,
    WorkshopSeriesFactory,
)

pytestmark = pytest.mark.django_db


def _join_url(workshop: Workshop) -> str:
    return reverse("workshops:join_workshop", kwargs={"code": workshop.join_code})


def test_series_list_is_public_and_paginated(client, django_assert_max_num_queries):
    for _ in range(25):
        WorkshopSeriesFactory()

    with django_assert_max_num_queries(6):
        response = client.get(reverse("workshops:series_list"))

    assert response.status_code == 200
    assert response.content.count(b'class="govuk-summary-card__title"') == 20
    assert b"Create a series" not in response.content
    assert client.get(reverse("workshops:series_list") + "?page=2").status_code == 200


def test_series_page_shows_workshops_and_resources_and_links_for_facilitators(
    facilitator_client, series, workshop, django_assert_max_num_queries
):
    client = Client()
    SeriesResource.objects.create(
        series=series, title="1-2-4-All", description="How we ran it", url="https://example.org"
    )
    for _ in range(5):
        WorkshopFactory(series=series)
    url = reverse("workshops:series_detail", kwargs={"slug": series.slug})

    with django_assert_max_num_queries(10):
        public = client.get(url)
    managed = facilitator_client.get(url)

    assert public.status_code == 200
    assert b"May workshop" in public.content
    assert b"1-2-4-All" in public.content
    assert b"Add a workshop" not in public.content
    assert b"Add a workshop" in managed.content


def test_facilitator_creates_a_series_workshop_and_question(facilitator_client, facilitator):
    response = facilitator_client.post(
        reverse("workshops:series_create"),
        {"title": "Autumn", "slug": "autumn", "description": "More"},
    )
    assert response.status_code == 302
    series = WorkshopSeries.objects.get(slug="autumn")

    response = facilitator_client.post(
        reverse("workshops:workshop_create", kwargs={"slug": "autumn"}),
        {"title": "October", "starts_at": "2026-10-01 10:00", "session": ""},
    )
    workshop = series.workshops.get()
    assert response.url == reverse(
        "workshops:workshop_manage", kwargs={"slug": "autumn", "pk": workshop.pk}
    )

    facilitator_client.post(
        reverse("workshops:prompt_create", kwargs={"slug": "autumn", "pk": workshop.pk}),
        {"text": "What lasted?"},
    )
    prompt = workshop.prompts.get()
    facilitator_client.post(
        reverse(
            "workshops:prompt_open",
            kwargs={"slug": "autumn", "pk": workshop.pk, "prompt_pk": prompt.pk},
        ),
        {"open": "1"},
    )
    prompt.refresh_from_db()
    assert prompt.is_open


def test_workshop_linked_to_an_event_session_links_to_its_booking(
    client, facilitator_client, series
):
    from tests.events.factories import SessionFactory

    session = SessionFactory(title="Reflection workshop")
    response = facilitator_client.post(
        reverse("workshops:workshop_create", kwargs={"slug": series.slug}),
        {"title": "At the conference", "starts_at": "2026-10-01 10:00", "session": session.pk},
    )
    assert response.status_code == 302
    assert series.workshops.get().session == session
    page = Client().get(reverse("workshops:series_detail", kwargs={"slug": series.slug}))
    booking = reverse("events:detail", kwargs={"slug": session.event.slug})
    assert f'href="{booking}#session-{session.pk}"'.encode() in page.content


def test_series_form_errors_keep_the_input(facilitator_client, series):
    response = facilitator_client.post(
        reverse("workshops:series_create"),
        {"title": "Copy", "slug": series.slug, "description": "Kept text"},
    )
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert b"Kept text" in response.content


def test_edit_pages_save(facilitator_client, series, workshop, prompt):
    slug = series.slug
    facilitator_client.post(
        reverse("workshops:series_edit", kwargs={"slug": slug}),
        {"title": "Renamed", "slug": slug, "description": ""},
    )
    facilitator_client.post(
        reverse("workshops:workshop_edit", kwargs={"slug": slug, "pk": workshop.pk}),
        {"title": "Renamed workshop", "starts_at": "2026-05-14 10:00", "session": ""},
    )
    facilitator_client.post(
        reverse(
            "workshops:prompt_edit",
            kwargs={"slug": slug, "pk": workshop.pk, "prompt_pk": prompt.pk},
        ),
        {"text": "Renamed question?", "position": 3},
    )
    series.refresh_from_db()
    workshop.refresh_from_db()
    prompt.refresh_from_db()
    assert (series.title, workshop.title, prompt.text, prompt.position) == (
        "Renamed",
        "Renamed workshop",
        "Renamed question?",
        3,
    )
    assert (
        AuditEntry.objects.filter(
            action__in=["workshop_series.update", "workshop.update", "prompt.update"]
        ).count()
        == 3
    )


def test_workshop_dashboard_shows_counts_redactions_and_hidden_items(
    facilitator_client, series, workshop, prompt, django_assert_max_num_queries
):
    ReflectionFactory(prompt=prompt, text="Ring [NAME] today", redaction_count=1)
    ReflectionFactory(prompt=prompt, text="A hidden one", is_hidden=True)
    for _ in range(25):
        ReflectionFactory(prompt=prompt)
    url = reverse("workshops:workshop_manage", kwargs={"slug": series.slug, "pk": workshop.pk})

    with django_assert_max_num_queries(14):
        response = facilitator_client.get(url)

    content = response.content.decode()
    assert workshop.join_code in content
    assert "1 reflection had personal data removed (1 items)" in content
    assert "27 in all, 1 hidden" in content
    assert content.count("this reflection") == 20  # one page of the reflections


def test_join_by_code_ignores_case_and_spaces(client, workshop):
    code = workshop.join_code
    response = client.get(reverse("workshops:join"), {"code": f" {code[:3].lower()} {code[3:]} "})
    assert response.status_code == 302
    assert response.url == _join_url(workshop)


def test_join_with_an_unknown_code_says_so(client, workshop):
    response = client.get(reverse("workshops:join"), {"code": "QQQQQQ"})
    assert response.status_code == 200
    assert "No workshop has this code" in response.content.decode()
    assert b'value="QQQQQQ"' in response.content


def test_anonymous_participant_posts_to_the_open_prompt(client, prompt):
    closed = PromptFactory(workshop=prompt.workshop, is_open=False, text="Closed question?")
    page = client.get(_join_url(prompt.workshop))
    assert page.status_code == 200
    assert b"Closed question?" not in page.content
    assert "efc_device" in page.cookies

    response = client.post(
        _join_url(prompt.workshop),
        {"prompt": prompt.pk, "text": "Email jo@example.org: the huddles helped", "website": ""},
    )

    assert response.status_code == 302
    reflection = Reflection.objects.get()
    assert reflection.text == "Email [EMAIL]: the huddles helped"
    assert reflection.prompt == prompt
    assert not Reflection.objects.filter(prompt=closed).exists()


def test_with_one_open_prompt_it_is_the_question_asked(client, prompt):
    page = client.get(_join_url(prompt.workshop)).content.decode()
    assert 'name="prompt"' not in page
    assert '<label class="govuk-label govuk-label--m" for="id_text">' in page or prompt.text in page

    response = client.post(_join_url(prompt.workshop), {"text": "No choice needed"})

    assert response.status_code == 302
    assert Reflection.objects.get().prompt == prompt


def test_with_several_open_prompts_people_choose(client, prompt):
    other = PromptFactory(workshop=prompt.workshop, is_open=True, text="What got in the way?")
    page = client.get(_join_url(prompt.workshop)).content.decode()
    assert 'type="radio"' in page
    assert "What got in the way?" in page

    missing = client.post(_join_url(prompt.workshop), {"text": "Which one?"})
    assert "Choose the question you are answering" in missing.content.decode()
    assert "Which one?" in missing.content.decode()

    client.post(_join_url(prompt.workshop), {"prompt": other.pk, "text": "Forms"})
    assert Reflection.objects.get().prompt == other


def test_posting_to_a_closed_prompt_is_refused(client, prompt):
    PromptFactory(workshop=prompt.workshop, is_open=True)
    closed = PromptFactory(workshop=prompt.workshop, is_open=False)
    response = client.post(
        _join_url(prompt.workshop), {"prompt": closed.pk, "text": "Sneaky", "website": ""}
    )
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert not Reflection.objects.exists()


def test_without_an_open_prompt_the_page_says_to_wait(client, workshop):
    response = client.get(_join_url(workshop))
    assert b"No question is open yet" in response.content


def test_too_long_reflection_keeps_the_text(client, prompt):
    text = "word " * 250
    response = client.post(_join_url(prompt.workshop), {"prompt": prompt.pk, "text": text})

    content = response.content.decode()
    assert "1,000 characters or fewer" in content
    assert "govuk-error-summary" in content
    assert text.strip() in content
    assert not Reflection.objects.exists()


def test_honeypot_refuses_bots(client, prompt):
    response = client.post(
        _join_url(prompt.workshop),
        {"prompt": prompt.pk, "text": "Buy now", "website": "http://spam.example"},
    )
    assert b"Leave the last field empty" in response.content
    assert not Reflection.objects.exists()


@override_settings(WORKSHOPS_REFLECTIONS_PER_MINUTE=2)
def test_rate_limit_per_device_keeps_the_text(client, prompt):
    url = _join_url(prompt.workshop)
    client.get(url)  # the device cookie is set
    for text in ("one", "two"):
        assert client.post(url, {"prompt": prompt.pk, "text": text}).status_code == 302

    response = client.post(url, {"prompt": prompt.pk, "text": "third thought"})

    content = response.content.decode()
    assert "2 reflections in the last minute" in content
    assert "third thought" in content
    assert Reflection.objects.count() == 2


@override_settings(WORKSHOPS_REFLECTIONS_PER_MINUTE=1)
def test_a_tampered_device_cookie_counts_as_a_new_device(client, prompt):
    url = _join_url(prompt.workshop)
    client.get(url)
    client.post(url, {"prompt": prompt.pk, "text": "one"})
    client.cookies["efc_device"] = "forged"
    response = client.post(url, {"prompt": prompt.pk, "text": "two"})
    assert response.status_code == 302
    assert "efc_device" in response.cookies  # a fresh, signed id


def test_wall_shows_visible_reflections_only_and_the_fragment_too(
    client, prompt, django_assert_max_num_queries
):
    ReflectionFactory(prompt=prompt, text="Shown on the wall")
    ReflectionFactory(prompt=prompt, text="Hidden from the wall", is_hidden=True)
    code = prompt.workshop.join_code

    with django_assert_max_num_queries(6):
        wall = client.get(reverse("workshops:wall", kwargs={"code": code}))
    fragment = client.get(reverse("workshops:wall_fragment", kwargs={"code": code}))

    for response in (wall, fragment):
        assert b"Shown on the wall" in response.content
        assert b"Hidden from the wall" not in response.content
        assert b">Hide" not in response.content
    assert b"js/live.js" in wall.content
    assert b"<html" not in fragment.content


def test_wall_is_paginated(client, prompt, settings):
    settings.WORKSHOPS_WALL_SIZE = 5
    for _ in range(7):
        ReflectionFactory(prompt=prompt)
    url = reverse("workshops:wall", kwargs={"code": prompt.workshop.join_code})
    assert client.get(url).content.count(b'id="reflection-') == 5
    assert client.get(url + "?page=2").content.count(b'id="reflection-') == 2


def test_facilitator_hides_from_the_wall(facilitator_client, prompt):
    reflection = ReflectionFactory(prompt=prompt, text="Off topic")
    wall = facilitator_client.get(
        reverse("workshops:wall", kwargs={"code": prompt.workshop.join_code})
    )
    assert b"Hide" in wall.content

    response = facilitator_client.post(
        reverse("workshops:reflection_hide", kwargs={"pk": reflection.pk}),
        {"hidden": "1", "next": "wall"},
    )

    assert response.url == reverse("workshops:wall", kwargs={"code": prompt.workshop.join_code})
    reflection.refresh_from_db()
    assert reflection.is_hidden
    assert AuditEntry.objects.filter(action="reflection.hide").exists()


def test_other_facilitators_cannot_hide(client, prompt):
    reflection = ReflectionFactory(prompt=prompt)
    client.force_login(UserFactory(roles=[Role.FACILITATOR]))
    response = client.post(
        reverse("workshops:reflection_hide", kwargs={"pk": reflection.pk}), {"hidden": "1"}
    )
    assert response.status_code == 403
    reflection.refresh_from_db()
    assert not reflection.is_hidden


def test_qr_code_is_an_svg_of_the_join_address(client, workshop):
    response = client.get(reverse("workshops:join_qr", kwargs={"code": workshop.join_code}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert b"<title>" in response.content


def test_qr_code_is_a_standalone_svg_image_with_its_namespace(client, workshop):
    """Served to an <img>, an SVG without xmlns is not an image at all: browsers draw nothing."""
    from xml.etree import ElementTree

    response = client.get(reverse("workshops:join_qr", kwargs={"code": workshop.join_code}))
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert float(root.get("width")) > 0
    assert float(root.get("height")) > 0
    assert root.find("{http://www.w3.org/2000/svg}path") is not None


@override_settings(SITE_URL="https://exchange.example.org")
def test_wall_shows_the_full_join_address_and_the_code(client, workshop):
    response = client.get(reverse("workshops:wall", kwargs={"code": workshop.join_code}))
    assert response.status_code == 200
    assert "https://exchange.example.org/join/" in response.text
    assert workshop.join_code in response.text
    assert "this site&#x27;s /join page" not in response.text


def test_import_journey_upload_columns_preview_import(
    facilitator_client, series, workshop, django_capture_on_commit_callbacks
):
    content = (
        "Date,Question,Response,Table\n"
        "03/05/2026,What should we keep?,The daily call with Sarah Jones,Table 1\n"
        "04/05/2026,What should we keep?,Shared referral form,Table 2\n"
        "04/05/2026,What should we keep?,Shared referral form,Table 2\n"
    ).encode("utf-8-sig")
    response = facilitator_client.post(
        reverse("workshops:import_upload", kwargs={"slug": series.slug, "pk": workshop.pk}),
        {"file": SimpleUploadedFile("survey.csv", content)},
    )
    upload = ImportUpload.objects.get()
    assert response.url == reverse("workshops:import_columns", kwargs={"token": upload.token})

    columns = facilitator_client.get(response.url)
    # The headings suggest the columns.
    assert b'<option value="Response" selected>' in columns.content
    assert b'<option value="Date" selected>' in columns.content
    response = facilitator_client.post(
        reverse("workshops:import_columns", kwargs={"token": upload.token}),
        {"text": "Response", "date": "Date", "prompt": "Question", "group": "Table"},
    )
    preview_url = reverse("workshops:import_preview", kwargs={"token": upload.token})
    assert response.url == preview_url

    preview = facilitator_client.get(preview_url).content.decode()
    assert "The daily call with [NAME]" in preview
    assert "1 repeated in the file, 0 already imported" in preview
    assert "Import 2 reflections" in preview
    assert not Reflection.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = facilitator_client.post(preview_url)
    status_url = reverse("workshops:import_status", kwargs={"token": upload.token})
    assert response.url == status_url
    status = facilitator_client.get(status_url).content.decode()
    assert "2 reflections imported" in status
    assert Reflection.objects.count() == 2
    # Once imported, the earlier steps lead to the result.
    assert facilitator_client.get(preview_url).url == status_url


def test_import_preview_lists_errors_and_offers_no_import(facilitator_client, workshop):
    from exchange.workshops import imports

    upload = imports.import_upload_create(
        actor=facilitator_client.session and workshop.series.facilitators.get(),
        workshop=workshop,
        upload=SimpleUploadedFile("s.csv", b"Answer,Date\nFine,03/05/2026\n,04/05/2026\n"),
    )
    prompt = Prompt.objects.create(workshop=workshop, text="Keep?", position=0)
    imports.import_mapping_set(
        actor=workshop.series.facilitators.get(),
        upload=upload,
        mapping={"text": "Answer", "date": "Date", "prompt_id": prompt.pk},
    )

    response = facilitator_client.get(
        reverse("workshops:import_preview", kwargs={"token": upload.token})
    )
    content = response.content.decode()
    assert "Row 3, column “Answer”: the text is empty" in content
    assert "Nothing has been imported" in content
    assert "Import 1 reflection" not in content
    response = facilitator_client.post(
        reverse("workshops:import_preview", kwargs={"token": upload.token})
    )
    assert response.status_code == 200
    upload.refresh_from_db()
    assert upload.state == ImportState.CHECKED


def test_import_upload_refuses_bad_files_with_an_error_summary(facilitator_client, workshop):
    response = facilitator_client.post(
        reverse(
            "workshops:import_upload", kwargs={"slug": workshop.series.slug, "pk": workshop.pk}
        ),
        {"file": SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")},
    )
    assert response.status_code == 200
    assert "Save it as XLSX or CSV" in response.content.decode()
    assert not ImportUpload.objects.exists()


def test_uploads_are_private_to_the_series_managers(facilitator_client, workshop):
    client = Client()
    from exchange.workshops import imports

    upload = imports.import_upload_create(
        actor=workshop.series.facilitators.get(),
        workshop=workshop,
        upload=SimpleUploadedFile("s.csv", b"Answer\nFine\n"),
    )
    client.force_login(UserFactory(roles=[Role.FACILITATOR]))
    for name in ("import_columns", "import_preview", "import_status"):
        url = reverse(f"workshops:{name}", kwargs={"token": upload.token})
        assert client.get(url).status_code == 404
        assert facilitator_client.get(url).status_code in (200, 302)


def test_resources_added_listed_downloaded_and_removed(client, facilitator_client, series):
    pdf = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
    response = facilitator_client.post(
        reverse("workshops:resource_create", kwargs={"slug": series.slug}),
        {
            "title": "Running order",
            "description": "How each workshop ran",
            "url": "",
            "file": SimpleUploadedFile("order.pdf", pdf),
        },
    )
    assert response.status_code == 302
    resource = SeriesResource.objects.get()
    page = client.get(reverse("workshops:series_detail", kwargs={"slug": series.slug}))
    assert b"Running order" in page.content
    assert b"How each workshop ran" in page.content

    download = client.get(
        reverse(
            "workshops:resource_download",
            kwargs={"slug": series.slug, "resource_pk": resource.pk},
        )
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf
    assert "attachment" in download["Content-Disposition"]

    facilitator_client.post(
        reverse(
            "workshops:resource_delete", kwargs={"slug": series.slug, "resource_pk": resource.pk}
        )
    )
    assert not SeriesResource.objects.exists()


def test_resource_form_needs_a_link_or_file(facilitator_client, series):
    response = facilitator_client.post(
        reverse("workshops:resource_create", kwargs={"slug": series.slug}),
        {"title": "Nothing", "description": "kept", "url": ""},
    )
    content = response.content.decode()
    assert "Add a link or choose a file" in content
    assert "kept" in content
    response = facilitator_client.post(
        reverse("workshops:resource_create", kwargs={"slug": series.slug}),
        {"title": "Bad", "file": SimpleUploadedFile("x.pdf", b"not a pdf at all")},
    )
    assert "must be a PDF, PNG, JPEG or DOCX" in response.content.decode()
    assert not SeriesResource.objects.exists()


def test_navigation_links_facilitators_to_workshops(client, facilitator_client):
    workshops = reverse("workshops:series_list")
    assert f'href="{workshops}"'.encode() in facilitator_client.get("/").content
    client.force_login(UserFactory())
    assert f'href="{workshops}"'.encode() not in client.get("/").content


def test_a_signed_in_participant_never_sees_hidden_items(client, prompt):
    ReflectionFactory(prompt=prompt, text="Visible words")
    ReflectionFactory(prompt=prompt, text="Hidden words", is_hidden=True)
    client.force_login(UserFactory())
    code = prompt.workshop.join_code
    for name in ("wall", "wall_fragment", "join_workshop"):
        response = client.get(reverse(f"workshops:{name}", kwargs={"code": code}))
        assert response.status_code == 200
        assert b"Hidden words" not in response.content
        assert b'name="hidden"' not in response.content


def test_import_status_pages_while_queued_and_after_a_failure(facilitator_client, workshop):
    from exchange.workshops import imports

    upload = imports.import_upload_create(
        actor=workshop.series.facilitators.get(),
        workshop=workshop,
        upload=SimpleUploadedFile("s.csv", b"Answer\nFine\n"),
    )
    url = reverse("workshops:import_status", kwargs={"token": upload.token})
    ImportUpload.objects.filter(pk=upload.pk).update(
        state=ImportState.RUNNING, rows_total=10, rows_done=4
    )
    running = facilitator_client.get(url).content.decode()
    assert "4 of 10 rows checked" in running
    assert "js/live.js" in running

    ImportUpload.objects.filter(pk=upload.pk).update(
        state=ImportState.FAILED, error="The import stopped unexpectedly. Try again."
    )
    failed = facilitator_client.get(url).content.decode()
    assert "The import did not finish" in failed
    assert "Nothing was imported" in failed
    assert "js/live.js" not in failed
    columns = facilitator_client.get(
        reverse("workshops:import_columns", kwargs={"token": upload.token})
    )
    assert "The last attempt failed" in columns.content.decode()
