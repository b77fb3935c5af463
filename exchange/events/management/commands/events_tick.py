"""Queue the scheduled event jobs: pass expired offers on and send day-before reminders.

Run every few minutes from cron or a systemd timer (both jobs are idempotent):

    */5 * * * *  cd /srv/exchange && .venv/bin/python manage.py events_tick
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from exchange.events.tasks import booking_reminders_send, offers_expire_task


class Command(BaseCommand):
    help = "Queue the event jobs: expire offers and send reminders for tomorrow's sessions."

    def handle(self, *args: Any, **options: Any) -> None:
        offers_expire_task.enqueue()
        booking_reminders_send.enqueue()
        self.stdout.write("Queued: offers_expire_task, booking_reminders_send")
