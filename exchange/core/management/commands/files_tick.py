"""Queue the scheduled file job: delete stored files that no row names any more.

Run every few minutes from cron or a systemd timer (the job is idempotent):

    */5 * * * *  cd /srv/exchange && .venv/bin/python manage.py files_tick
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from exchange.core.tasks import private_orphans_sweep_task


class Command(BaseCommand):
    help = "Queue the file job: delete stored uploads whose row was deleted."

    def handle(self, *args: Any, **options: Any) -> None:
        private_orphans_sweep_task.enqueue()
        self.stdout.write("Queued: private_orphans_sweep_task")
