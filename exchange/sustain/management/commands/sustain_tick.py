"""Queue the scheduled check-in jobs: due check-ins, reminders, "no answer", weekly digest.

Run every few minutes from cron or a systemd timer (the job is idempotent):

    */5 * * * *  cd /srv/exchange && .venv/bin/python manage.py sustain_tick
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from exchange.sustain.tasks import checkins_run


class Command(BaseCommand):
    help = "Queue the check-in jobs: send, remind, record no answer, weekly at-risk digest."

    def handle(self, *args: Any, **options: Any) -> None:
        checkins_run.enqueue()
        self.stdout.write("Queued: checkins_run")
