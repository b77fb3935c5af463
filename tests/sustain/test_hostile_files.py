"""Hostile measure CSV files are form errors, never a crash: an enormous single line, a line of
thousands of cells, and a body over the page's limit (refused before it is read)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import encode_multipart
from django.urls import reverse

from exchange.sustain.models import MeasureValue
from tests.factories import PublishedExampleFactory
from tests.sustain.factories import MeasureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure():
    return MeasureFactory(example=PublishedExampleFactory(title="Video clinics"))


@pytest.fixture
def author_client(client, measure):
    client.force_login(measure.example.author)
    return client


def _post(client, measure, content: bytes):  # type: ignore[no-untyped-def]
    url = reverse("sustain:measure_upload", kwargs={"pk": measure.pk})
    file = SimpleUploadedFile("values.csv", content, content_type="text/csv")
    return client.post(url, {"file": file})


def test_an_enormous_single_cell_is_an_error_naming_its_row(author_client, measure):
    response = _post(author_client, measure, b"date,value\n2026-01-05," + b"9" * 200_000 + b"\n")
    assert response.status_code == 200
    assert "Row 2" in response.content.decode()
    assert not MeasureValue.objects.exists()


def test_a_line_of_thousands_of_cells_is_an_error_naming_its_row(author_client, measure):
    response = _post(author_client, measure, b"date,value\n2026-01-05" + b",1" * 100_000 + b"\n")
    assert response.status_code == 200
    assert "Row 2: expected 2 cells (date, value), found 100001" in response.content.decode()


def test_a_body_over_the_limit_is_refused_before_it_is_read(author_client, measure, settings):
    settings.UPLOAD_FORM_FIELDS_MAX_BYTES = 1024
    body = encode_multipart("BoUnDaRy", {"file": io.BytesIO(b"date,value\n" * 100_000)})
    response = author_client.post(
        reverse("sustain:measure_upload", kwargs={"pk": measure.pk}),
        body,
        content_type="multipart/form-data; boundary=BoUnDaRy",
    )
    assert response.status_code == 413
    assert "The file must be smaller than 512.0\xa0KB" in response.content.decode()
