"""Issue 13 leaks around workshop files: raw survey uploads and series resources."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re

import pytest
from django.apps import apps as global_apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from exchange.workshops import imports
from exchange.workshops.models import ImportState, ImportUpload, Reflection, SeriesResource
from tests.workshops.factories import WorkshopSeriesFactory

pytestmark = pytest.mark.django_db

SURVEY = (
    b"Timestamp,Question,Answer\n"
    b"03/05/2026 10:15,What should we keep?,Email sam.jones@example.org about the rota\n"
)
MAPPING = {"text": "Answer", "date": "Timestamp", "prompt": "Question"}
PDF = b"%PDF-1.4\n%%EOF\n"


def _uploaded(facilitator, workshop, *, mapped: bool = True) -> ImportUpload:
    upload = imports.import_upload_create(
        actor=facilitator, workshop=workshop, upload=SimpleUploadedFile("survey.csv", SURVEY)
    )
    if mapped:
        imports.import_mapping_set(actor=facilitator, upload=upload, mapping=MAPPING)
    return upload


def _queue(facilitator, upload, capture) -> ImportUpload:
    with capture(execute=True):
        imports.import_queue(actor=facilitator, upload=upload)
    upload.refresh_from_db()
    return upload


def _aged(upload: ImportUpload, hours: float) -> None:
    ImportUpload.objects.filter(pk=upload.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=hours)
    )


def test_a_survey_file_is_stored_under_a_random_name(facilitator, workshop):
    """Leak: the raw file was workshop-imports/<first 16 characters of the import token>.csv."""
    upload = _uploaded(facilitator, workshop)
    assert re.fullmatch(r"workshop-imports/[0-9a-f]{32}\.csv", upload.file.name)
    assert upload.token[:16] not in upload.file.name
    assert "survey" not in upload.file.name
    assert upload.original_name == "survey.csv"


def test_a_survey_file_is_never_served(client, facilitator_client, facilitator, workshop):
    """Leak: anyone could download the unredacted file from /media/workshop-imports/…."""
    upload = _uploaded(facilitator, workshop)
    for reader in (client, facilitator_client):
        assert reader.get(f"/media/{upload.file.name}").status_code == 404
        assert SURVEY not in reader.get(f"/media/{upload.file.name}").content


def test_the_survey_file_goes_once_imported(
    facilitator, workshop, django_capture_on_commit_callbacks
):
    upload = _uploaded(facilitator, workshop)
    stored = upload.file.name

    upload = _queue(facilitator, upload, django_capture_on_commit_callbacks)

    assert upload.state == ImportState.DONE
    assert upload.file.name == ""
    assert not default_storage.exists(stored)


def test_the_survey_file_goes_when_the_import_fails(
    facilitator, workshop, monkeypatch, django_capture_on_commit_callbacks
):
    """Leak: failed imports kept the raw file for ever."""
    upload = _uploaded(facilitator, workshop)
    stored = upload.file.name

    def refused(**kwargs):
        raise imports.ImportFileError("The file changed")

    monkeypatch.setattr(imports, "import_run", refused)
    upload = _queue(facilitator, upload, django_capture_on_commit_callbacks)

    assert upload.state == ImportState.FAILED
    assert upload.file.name == ""
    assert not default_storage.exists(stored)


def test_the_survey_file_goes_when_the_import_stops_unexpectedly(
    facilitator, workshop, monkeypatch, django_capture_on_commit_callbacks
):
    upload = _uploaded(facilitator, workshop)
    stored = upload.file.name

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Reflection.objects, "bulk_create", broken)
    upload = _queue(facilitator, upload, django_capture_on_commit_callbacks)

    assert upload.state == ImportState.FAILED
    assert upload.file.name == ""
    assert not default_storage.exists(stored)


def test_after_a_failure_the_pages_ask_for_the_file_again(
    facilitator, facilitator_client, workshop, monkeypatch, django_capture_on_commit_callbacks
):
    upload = _uploaded(facilitator, workshop)
    monkeypatch.setattr(Reflection.objects, "bulk_create", lambda *a, **k: 1 / 0)
    upload = _queue(facilitator, upload, django_capture_on_commit_callbacks)
    status = reverse("workshops:import_status", kwargs={"token": upload.token})

    for step in ("import_columns", "import_preview"):
        response = facilitator_client.get(
            reverse(f"workshops:{step}", kwargs={"token": upload.token})
        )
        assert response.status_code == 302
        assert response["Location"] == status
    page = facilitator_client.get(status).content.decode()
    assert "Upload the file again" in page
    again = reverse(
        "workshops:import_upload", kwargs={"slug": workshop.series.slug, "pk": workshop.pk}
    )
    assert again in page
    with pytest.raises(imports.ImportFileError):
        imports.import_queue(actor=facilitator, upload=upload)


@override_settings(WORKSHOPS_IMPORT_FILE_HOURS=2)
def test_files_of_imports_not_finished_in_time_are_swept(
    facilitator, workshop, django_capture_on_commit_callbacks
):
    """Leak: uploads left at a step, or stuck imports, kept the raw file for ever."""
    left = _uploaded(facilitator, workshop)
    stuck = _uploaded(facilitator, workshop)
    recent = _uploaded(facilitator, workshop)
    _aged(left, 3)
    _aged(stuck, 3)
    _aged(recent, 1)
    ImportUpload.objects.filter(pk=stuck.pk).update(state=ImportState.RUNNING)
    names = {upload.pk: upload.file.name for upload in (left, stuck, recent)}

    with django_capture_on_commit_callbacks(execute=True):
        assert imports.import_uploads_sweep() == 2

    for upload in (left, stuck):
        upload.refresh_from_db()
        assert upload.file.name == ""
        assert not default_storage.exists(names[upload.pk])
        assert upload.state == ImportState.FAILED
        assert "not imported within 2 hours" in upload.error
    recent.refresh_from_db()
    assert recent.file.name == names[recent.pk]
    assert default_storage.exists(names[recent.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert imports.import_uploads_sweep() == 0


def test_workshops_tick_queues_the_sweep(facilitator, workshop, django_capture_on_commit_callbacks):
    upload = _uploaded(facilitator, workshop, mapped=False)
    stored = upload.file.name
    _aged(upload, 48)
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("workshops_tick", stdout=out)

    assert "import_uploads_sweep_task" in out.getvalue()
    assert not default_storage.exists(stored)


def test_the_data_migration_renames_and_deletes_workshop_files(
    facilitator, workshop, django_capture_on_commit_callbacks
):
    migration = importlib.import_module("exchange.workshops.migrations.0003_private_file_names")
    resource_name = default_storage.save(
        f"workshop-resources/{workshop.series_id}/0123456789abcdef/running-order.pdf",
        ContentFile(PDF),
    )
    resource = SeriesResource.objects.create(
        series=workshop.series, title="Running order", file=resource_name
    )
    waiting, done = (
        ImportUpload.objects.create(
            workshop=workshop,
            uploaded_by=facilitator,
            original_name="survey.csv",
            file=default_storage.save(f"workshop-imports/{token}.csv", ContentFile(SURVEY)),
            token=token,
            state=state,
        )
        for token, state in (("a" * 32, ImportState.UPLOADED), ("b" * 32, ImportState.DONE))
    )
    old_waiting, old_done = waiting.file.name, done.file.name

    with django_capture_on_commit_callbacks(execute=True):
        migration.files_rename(global_apps, None)

    resource.refresh_from_db()
    assert re.fullmatch(r"workshop-resources/[0-9a-f]{32}\.pdf", resource.file.name)
    assert resource.file.read() == PDF
    assert not default_storage.exists(resource_name)
    waiting.refresh_from_db()
    assert re.fullmatch(r"workshop-imports/[0-9a-f]{32}\.csv", waiting.file.name)
    assert not default_storage.exists(old_waiting)
    done.refresh_from_db()
    assert done.file.name == ""
    assert not default_storage.exists(old_done)


# Series resources ---------------------------------------------------------------------------


def _resource(series, **fields) -> SeriesResource:
    values = {
        "title": "Running order",
        "file": ContentFile(PDF, name="running-order.pdf"),
        "original_name": "Running order.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        **fields,
    }
    return SeriesResource.objects.create(series=series, **values)


def _resource_url(slug: str, resource: SeriesResource) -> str:
    return reverse("workshops:resource_download", kwargs={"slug": slug, "resource_pk": resource.pk})


def test_a_resource_is_downloaded_privately_from_its_series(client, series):
    resource = _resource(series)
    assert re.fullmatch(r"workshop-resources/[0-9a-f]{32}\.pdf", resource.file.name)

    response = client.get(_resource_url(series.slug, resource))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="Running order.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_resource_is_reached_only_through_its_own_series(client, series):
    resource = _resource(series)
    other = WorkshopSeriesFactory()
    link_only = _resource(series, file="", url="https://example.org/guide", original_name="")

    assert client.get(_resource_url(other.slug, resource)).status_code == 404
    assert client.get(_resource_url("no-such-series", resource)).status_code == 404
    assert client.get(_resource_url(series.slug, link_only)).status_code == 404
    assert client.post(_resource_url(series.slug, resource)).status_code == 405


def test_the_admin_shows_no_stored_resource_name(client, series):
    from tests.factories import AdminFactory

    resource = _resource(series)
    client.force_login(AdminFactory())
    html = client.get(
        reverse("admin:workshops_seriesresource_change", args=[resource.pk])
    ).content.decode()
    assert "Running order.pdf" in html
    assert resource.file.name not in html
