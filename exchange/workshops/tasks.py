"""Background work for workshops, run by `manage.py db_worker`."""

from __future__ import annotations

from django_tasks import task


@task()
def import_check_task(*, upload_id: int) -> bool:
    """Read every row of an upload as mapped and keep what importing it would do, for the
    preview. Safe to run twice: only an upload waiting for its check is read, and a result
    for columns chosen since is dropped."""
    from exchange.workshops.imports import import_check_store
    from exchange.workshops.models import ImportState, ImportUpload

    upload = (
        ImportUpload.objects.select_related("workshop", "workshop__series")
        .filter(pk=upload_id, state=ImportState.CHECKING)
        .first()
    )
    if upload is None:
        return False

    def progress(done: int) -> None:
        ImportUpload.objects.filter(pk=upload_id).update(rows_done=done)

    try:
        return import_check_store(upload=upload, progress=progress) is not None
    except Exception:
        ImportUpload.objects.filter(pk=upload_id, state=ImportState.CHECKING).update(
            state=ImportState.FAILED, error="The check stopped unexpectedly. Try again."
        )
        raise


@task()
def reflection_import_task(*, upload_id: int) -> int | None:
    """Import a queued upload; returns the ImportBatch id. Safe to run twice: only a queued
    upload is claimed, and the import itself is one transaction."""
    from exchange.workshops.imports import ImportFileError, import_run, import_upload_file_delete
    from exchange.workshops.models import ImportState, ImportUpload

    claimed = ImportUpload.objects.filter(pk=upload_id, state=ImportState.QUEUED).update(
        state=ImportState.RUNNING
    )
    if not claimed:
        return None
    upload = ImportUpload.objects.select_related("workshop", "workshop__series").get(pk=upload_id)

    def progress(done: int) -> None:
        ImportUpload.objects.filter(pk=upload_id).update(rows_done=done)

    try:
        batch = import_run(upload=upload, progress=progress)
    except ImportFileError as error:
        ImportUpload.objects.filter(pk=upload_id).update(
            state=ImportState.FAILED, error=error.message
        )
        import_upload_file_delete(upload=upload)
        return None
    except Exception:
        ImportUpload.objects.filter(pk=upload_id).update(
            state=ImportState.FAILED,
            error="The import stopped unexpectedly. Upload the file again.",
        )
        import_upload_file_delete(upload=upload)
        raise
    ImportUpload.objects.filter(pk=upload_id).update(state=ImportState.DONE, batch=batch)
    # The raw file holds personal data: it is kept only until the import ends, either way.
    import_upload_file_delete(upload=upload)
    return batch.pk


@task()
def import_uploads_sweep_task() -> int:
    """Delete raw survey files whose import did not finish in time (see import_uploads_sweep)."""
    from exchange.workshops.imports import import_uploads_sweep

    return import_uploads_sweep()
