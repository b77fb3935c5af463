"""Issue 13 leaks around example attachments: each test fails on the code before the fix."""

from __future__ import annotations

import importlib
import re
import shutil
import uuid
from pathlib import Path

import pytest
from django.apps import apps as global_apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import Resolver404, resolve, reverse

from exchange.examples import services
from exchange.examples.models import Attachment, ExampleStatus
from tests.examples import factories as uploads
from tests.factories import (
    AdminFactory,
    ExampleFactory,
    ModeratorFactory,
    PublishedExampleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HIDDEN_STATES = [ExampleStatus.DRAFT, ExampleStatus.REJECTED, ExampleStatus.WITHDRAWN]


def _attached(example, make=uploads.pdf) -> Attachment:
    if example.status in (ExampleStatus.DRAFT, ExampleStatus.CHANGES_REQUESTED):
        return services.attachment_add(actor=example.author, example=example, upload=make())
    return Attachment.objects.create(
        example=example,
        file=ContentFile(uploads.PDF_BYTES, name="plan.pdf"),
        original_name="Ward plan.pdf",
        content_type="application/pdf",
        size=len(uploads.PDF_BYTES),
    )


def _download_url(attachment: Attachment) -> str:
    return reverse(
        "examples:attachment_download",
        kwargs={"pk": attachment.example_id, "attachment_pk": attachment.pk},
    )


@pytest.fixture
def media_file():
    """A file written where uploads used to be served from, removed afterwards."""
    folder = Path(settings.MEDIA_ROOT) / "attachments" / f"leak-{uuid.uuid4().hex}"
    folder.mkdir(parents=True)
    path = folder / "20260301101500-ward-plan.pdf"
    path.write_bytes(uploads.PDF_BYTES)
    yield path.relative_to(settings.MEDIA_ROOT).as_posix()
    shutil.rmtree(folder)


def test_media_is_not_served_from_a_public_path(client, media_file):
    """Leak: all of MEDIA_ROOT was served under /media/ with no check."""
    assert client.get(f"/media/{media_file}").status_code == 404
    with pytest.raises(Resolver404):
        resolve(f"/media/{media_file}")


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_a_hidden_examples_attachment_is_a_404_for_others(client, status):
    """Leak: the attachment of a draft, rejected or withdrawn example was downloadable."""
    example = ExampleFactory(status=status)
    url = _download_url(_attached(example))

    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(example.author)
    assert client.get(url).status_code == 200


def test_a_drafts_attachment_is_a_404_even_for_moderators_and_admins(client):
    """A draft is its author's alone, as on the example page."""
    attachment = _attached(ExampleFactory())
    for person in (ModeratorFactory(), AdminFactory()):
        client.force_login(person)
        assert client.get(_download_url(attachment)).status_code == 404


def test_the_attachment_follows_the_example_page(client):
    """Whoever gets the example page gets its files, and no one else."""
    example = PublishedExampleFactory()
    attachment = _attached(example)
    page = reverse("examples:detail", kwargs={"pk": example.pk})
    assert client.get(page).status_code == client.get(_download_url(attachment)).status_code == 200

    services.example_withdraw(actor=example.author, example=example)
    assert client.get(page).status_code == 404
    assert client.get(_download_url(attachment)).status_code == 404


def test_an_attachment_is_only_reached_through_its_own_example(client):
    """Another published example's id cannot be paired with a hidden attachment."""
    hidden = _attached(ExampleFactory())
    published = PublishedExampleFactory()
    url = reverse(
        "examples:attachment_download",
        kwargs={"pk": published.pk, "attachment_pk": hidden.pk},
    )
    assert client.get(url).status_code == 404


def test_a_download_is_private_unsniffed_sandboxed_and_named_as_uploaded(client):
    example = ExampleFactory()
    attachment = _attached(example)
    client.force_login(example.author)

    response = client.get(_download_url(attachment))

    assert b"".join(response.streaming_content) == uploads.PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]


def test_an_image_attachment_may_be_shown_in_the_browser(client):
    example = ExampleFactory()
    attachment = _attached(example, uploads.png)
    client.force_login(example.author)
    response = client.get(_download_url(attachment))
    assert response["Content-Disposition"] == 'inline; filename="chart.png"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_stored_names_are_random_and_say_nothing_about_the_example():
    """Leak: names were attachments/<example id>/<timestamp>-<name>, so guessable."""
    example = ExampleFactory(pk=4242)
    first = _attached(example, lambda: uploads.pdf("Ward plan 4242.pdf"))
    second = _attached(example, lambda: uploads.pdf("Ward plan 4242.pdf"))

    for attachment in (first, second):
        assert re.fullmatch(r"attachments/[0-9a-f]{32}\.pdf", attachment.file.name)
        assert "4242" not in attachment.file.name
    assert first.file.name != second.file.name
    assert first.original_name == "Ward plan 4242.pdf"


def test_the_data_migration_moves_old_files_to_random_names(django_capture_on_commit_callbacks):
    """No old predictable name keeps working after the migration."""
    migration = importlib.import_module("exchange.examples.migrations.0004_private_file_names")
    example = ExampleFactory()
    old = default_storage.save(
        f"attachments/{example.pk}/20260301101500-ward-plan.pdf", ContentFile(b"%PDF-old")
    )
    attachment = Attachment.objects.create(
        example=example,
        file=old,
        original_name="Ward plan.pdf",
        content_type="application/pdf",
        size=8,
    )
    missing = Attachment.objects.create(
        example=example,
        file="attachments/1/gone.pdf",
        original_name="Gone.pdf",
        content_type="application/pdf",
        size=8,
    )

    with django_capture_on_commit_callbacks(execute=True):
        migration.attachments_rename(global_apps, None)

    attachment.refresh_from_db()
    assert re.fullmatch(r"attachments/[0-9a-f]{32}\.pdf", attachment.file.name)
    assert attachment.file.read() == b"%PDF-old"
    assert not default_storage.exists(old)
    missing.refresh_from_db()
    assert missing.file.name == "attachments/1/gone.pdf"


def test_the_admin_shows_no_stored_name_or_media_link(client):
    """The admin linked each file at its public /media/ address."""
    example = ExampleFactory()
    attachment = _attached(example)
    client.force_login(AdminFactory())
    for url in (
        reverse("admin:examples_attachment_change", args=[attachment.pk]),
        reverse("admin:examples_example_change", args=[example.pk]),
    ):
        html = client.get(url).content.decode()
        assert "report.pdf" in html
        assert attachment.file.name not in html
        assert "/media/" not in html
