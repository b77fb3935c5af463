"""The `make run` terminal and its email links: SITE_URL follows HOST/PORT, no traceback for an
ordinary 403/404, no line per static file, and printed emails stand out."""

from __future__ import annotations

import io
import logging
import os
import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.mail import EmailMessage

from exchange.core.logging import ClientErrorsBrief, StaticRequestsQuiet
from exchange.core.mail import ConsoleEmailBackend, banner
from exchange.settings import site_url_from

ROOT = Path(django_settings.BASE_DIR)


class TestSiteUrl:
    @pytest.mark.parametrize(
        ("environ", "expected"),
        [
            ({}, "http://127.0.0.1:8000"),
            ({"PORT": "8010"}, "http://127.0.0.1:8010"),
            ({"HOST": "0.0.0.0", "PORT": "8010"}, "http://0.0.0.0:8010"),
            ({"HOST": "::1", "PORT": "8010"}, "http://[::1]:8010"),
            (
                {"SITE_URL": "https://exchange.example.org/", "PORT": "8010"},
                "https://exchange.example.org",
            ),
        ],
    )
    def test_follows_host_and_port_unless_set(self, environ, expected):
        assert site_url_from(environ) == expected

    def test_settings_derive_it_from_the_port_served(self, monkeypatch, tmp_path):
        env = {
            "PATH": os.environ.get("PATH", ""),
            "EXCHANGE_VAR_DIR": str(tmp_path),
            "DEBUG": "true",
            "HOST": "127.0.0.1",
            "PORT": "8010",
        }
        monkeypatch.setattr(os, "environ", env)
        loaded = runpy.run_path(str(ROOT / "exchange" / "settings.py"))
        assert loaded["SITE_URL"] == "http://127.0.0.1:8010"

    def test_make_and_bin_serve_export_it(self):
        assert "SITE_URL ?= http://$(HOST):$(PORT)" in (ROOT / "Makefile").read_text()
        assert "SITE_URL=${SITE_URL:-http://$HOST:$PORT}" in (ROOT / "bin" / "serve").read_text()


class TestRequestLogging:
    @pytest.mark.django_db
    def test_404_is_one_line_without_traceback(self, client, caplog):
        with caplog.at_level(logging.WARNING, logger="django.request"):
            response = client.get("/no-such-page-at-all/")
        assert response.status_code == 404
        records = [r for r in caplog.records if r.name == "django.request"]
        assert records, "the 404 is still logged"
        assert all(r.exc_info is None for r in records)

    def test_server_errors_keep_their_traceback(self):
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            import sys

            record = logging.LogRecord(
                "django.request", logging.ERROR, __file__, 1, "Server Error", (), sys.exc_info()
            )
        record.status_code = 500
        assert ClientErrorsBrief().filter(record)
        assert record.exc_info is not None

    def test_settings_filter_django_request(self):
        logger = django_settings.LOGGING["loggers"]["django.request"]
        assert "client_errors_brief" in logger["filters"]

    def _server_record(self, line: str, status: int) -> logging.LogRecord:
        record = logging.LogRecord(
            "django.server",
            logging.INFO,
            __file__,
            1,
            '"%s" %s %s',
            (line, str(status), "10"),
            None,
        )
        record.status_code = status
        return record

    def test_no_line_per_static_file(self):
        quiet = StaticRequestsQuiet()
        assert not quiet.filter(self._server_record("GET /static/build/css/main.css HTTP/1.1", 200))
        assert not quiet.filter(self._server_record("GET /static/js/x.js HTTP/1.1", 304))
        assert quiet.filter(self._server_record("GET /static/missing.js HTTP/1.1", 404))
        assert quiet.filter(self._server_record("GET /examples/ HTTP/1.1", 200))

    def test_gunicorn_access_log_is_off_by_default(self):
        serve = (ROOT / "bin" / "serve").read_text()
        assert 'if [[ -n "${ACCESS_LOG:-}" ]]; then access_log=(--access-logfile -); fi' in serve
        assert "--access-logfile - &" not in serve


class TestConsoleEmails:
    def test_printed_between_banners(self):
        stream = io.StringIO()
        backend = ConsoleEmailBackend(stream=stream)
        backend.send_messages(
            [EmailMessage("Confirm your email", "Open the link", to=["p@example.org"])]
        )
        out = stream.getvalue()
        assert banner("EMAIL to p@example.org") in out
        assert banner("END OF EMAIL") in out
        assert out.index("EMAIL to") < out.index("Confirm your email") < out.index("END OF EMAIL")

    def test_is_the_default_backend(self):
        text = (ROOT / "exchange" / "settings.py").read_text()
        assert '"EMAIL_BACKEND", "exchange.core.mail.ConsoleEmailBackend"' in text
