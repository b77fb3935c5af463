"""Background work for sustaining gains, run by `manage.py db_worker`."""

from __future__ import annotations

from django_tasks import task


@task()
def checkins_run() -> dict[str, int]:
    """Send due check-ins, remind once, record "no answer" and send the weekly at-risk digest.

    Idempotent: queue it as often as you like (`manage.py sustain_tick` every few minutes).
    """
    from exchange.sustain import services

    return {
        "sent": services.checkins_send_due(),
        "reminded": services.checkins_remind(),
        "no_answer": services.checkins_close_unanswered(),
        "digest_recipients": services.at_risk_digest_send(),
    }
