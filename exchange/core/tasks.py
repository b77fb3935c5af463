from django_tasks import task


@task()
def send_email_task(
    *, subject: str, body: str, recipients: list[str], headers: dict[str, str] | None = None
) -> int:
    from exchange.core.services import email_deliver

    return email_deliver(subject=subject, body=body, recipients=recipients, headers=headers)


@task()
def private_orphans_sweep_task() -> int:
    """Delete stored files no row names any more (exchange.core.files.private_orphans_delete)."""
    from exchange.core.files import private_orphans_delete

    return private_orphans_delete()
