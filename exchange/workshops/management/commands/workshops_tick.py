"""Queue the scheduled workshop job: delete raw survey files whose import did not finish.

Run every few minutes from cron or a systemd timer (the job is idempotent):

    */5 * * * *  cd /srv/exchange && .venv/bin/python manage.py workshops_tick
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from exchange.workshops.tasks import import_uploads_sweep_task


class Command(BaseCommand):
    help = "Queue the workshop jobs: delete survey files not imported in time."

    def handle(self, *args: Any, **options: Any) -> None:
        import_uploads_sweep_task.enqueue()
        self.stdout.write("Queued: import_uploads_sweep_task")
