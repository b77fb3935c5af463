"""The console email backend of the local demo: each email printed between clear banners, so it
stands out among the web server's and the worker's lines in the `make run` terminal."""

from __future__ import annotations

from typing import Any

from django.core.mail.backends.console import EmailBackend

BANNER_WIDTH = 79


def banner(title: str) -> str:
    text = f" {title} "
    return f"{text:=^{BANNER_WIDTH}}"


class ConsoleEmailBackend(EmailBackend):
    def write_message(self, message: Any) -> None:
        recipients = ", ".join(message.recipients())
        self.stream.write("\n" + banner(f"EMAIL to {recipients}") + "\n")
        super().write_message(message)  # ends with a line of dashes
        self.stream.write(banner("END OF EMAIL") + "\n\n")
