"""Hostile attachments are refused cheaply with a form error: a DOCX that is a zip bomb, and
a file over the limit while it streams in (dropped, with what was typed kept)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from exchange.examples.models import Example
from exchange.examples.validators import attachment_check
from tests.examples import factories as uploads
from tests.examples.factories import FULL_EXAMPLE

pytestmark = pytest.mark.django_db


def _docx_bomb() -> bytes:
    """A real DOCX layout whose document part is 8 MB of one letter: about 8 KB packed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b"a" * (8 * 1024 * 1024))
    return buffer.getvalue()


def test_a_docx_zip_bomb_is_refused_before_it_is_unpacked():
    content = _docx_bomb()
    assert len(content) < 20_000
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        attachment_check(uploads.upload("notes.docx", content))
    assert error.value.error_list[0].code == "unsafe_archive"
    assert "compressed far more" in error.value.messages[0]


def test_a_docx_zip_bomb_is_a_form_error_that_keeps_what_was_typed(participant_client, campaign):
    response = participant_client.post(
        reverse("examples:create", kwargs={"slug": campaign.slug}),
        {
            **FULL_EXAMPLE,
            "attachments": [uploads.upload("notes.docx", _docx_bomb())],
            "action": "draft",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "The file notes.docx cannot be accepted" in content
    assert f'value="{FULL_EXAMPLE["title"]}"' in content
    assert not Example.objects.exists()


def test_an_attachment_over_the_limit_while_streaming_is_a_form_error(
    settings, participant_client, campaign
):
    settings.EXAMPLE_ATTACHMENT_MAX_BYTES = 64 * 1024
    big = io.BytesIO(b"%PDF-1.4\n" + b"x" * (1024 * 1024))
    big.name = "big.pdf"
    response = participant_client.post(
        reverse("examples:create", kwargs={"slug": campaign.slug}),
        {**FULL_EXAMPLE, "attachments": [big], "action": "draft"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "The file big.pdf must be smaller than 64.0\xa0KB" in content
    assert f'value="{FULL_EXAMPLE["title"]}"' in content
    assert not Example.objects.exists()
