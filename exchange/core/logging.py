"""Logging filters used by settings.LOGGING."""

from __future__ import annotations

import logging


class ClientErrorsBrief(logging.Filter):
    """Drop the traceback from django.request's records of 4xx answers.

    A 403 or 404 is an ordinary answer (someone signed out, a mistyped address), so the terminal
    and the logs get one line for it; server errors (5xx) keep their traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class StaticRequestsQuiet(logging.Filter):
    """Leave out runserver's (django.server) line for each static file served successfully."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        request = getattr(record, "request", None)
        path = getattr(request, "path", "") or ""
        if not path and isinstance(record.args, tuple) and record.args:
            path = str(record.args[0])  # runserver passes the request line as the first argument
        return not ("/static/" in path and isinstance(status, int) and status < 400)
