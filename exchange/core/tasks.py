from django_tasks import task


@task()
def send_email_task(
    *, subject: str, body: str, recipients: list[str], headers: dict[str, str] | None = None
) -> int:
    from exchange.core.services import email_deliver

    return email_deliver(subject=subject, body=body, recipients=recipients, headers=headers)
