"""Production settings: refusing to start without the essentials, secure defaults, the
Content-Security-Policy, and `manage.py check --deploy` with the documented environment."""

from __future__ import annotations

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from csp.middleware import CSPMiddleware
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from exchange.core.checks import check_site_url
from tests.factories import PASSWORD, UserFactory

ROOT = Path(django_settings.BASE_DIR)
SETTINGS_FILE = ROOT / "exchange" / "settings.py"


def production_environment() -> dict[str, str]:
    """The smallest production environment README.md documents."""
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "exchange.example.org",
        "SITE_URL": "https://exchange.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://exchange.example.org",
    }


@pytest.fixture
def load_settings(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    """Runs exchange/settings.py in an environment holding only the given variables."""

    def load(**env: str) -> dict[str, Any]:
        clean = {"PATH": os.environ.get("PATH", ""), "EXCHANGE_VAR_DIR": str(tmp_path), **env}
        monkeypatch.setattr(os, "environ", clean)
        return runpy.run_path(str(SETTINGS_FILE))

    return load


class TestStartUp:
    @pytest.mark.parametrize(
        ("variable", "value"),
        [
            ("SECRET_KEY", None),
            ("SECRET_KEY", ""),
            ("SECRET_KEY", "   "),
            ("ALLOWED_HOSTS", None),
            ("ALLOWED_HOSTS", ""),
            ("ALLOWED_HOSTS", " , "),
        ],
    )
    def test_refuses_without_the_essentials_when_debug_is_off(self, load_settings, variable, value):
        env = production_environment()
        if value is None:
            del env[variable]
        else:
            env[variable] = value

        with pytest.raises(ImproperlyConfigured) as refused:
            load_settings(**env)

        message = str(refused.value)
        assert message.startswith(f"Set the {variable} environment variable")
        assert "\n" not in message

    def test_debug_off_is_the_default(self, load_settings):
        env = production_environment()
        del env["DEBUG"], env["SECRET_KEY"]
        with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
            load_settings(**env)

    def test_debug_on_keeps_a_generated_key_and_loopback_hosts(self, load_settings, tmp_path):
        first = load_settings(DEBUG="1")
        second = load_settings(DEBUG="1")

        assert len(first["SECRET_KEY"]) >= 50
        assert first["SECRET_KEY"] == second["SECRET_KEY"]
        assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
        assert first["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
        assert first["SECURE_SSL_REDIRECT"] is False
        assert first["SESSION_COOKIE_SECURE"] is False

    def test_a_whole_number_setting_names_itself_when_it_is_not_one(self, load_settings):
        with pytest.raises(ImproperlyConfigured, match=r"SECURE_HSTS_SECONDS must be a whole"):
            load_settings(**production_environment(), SECURE_HSTS_SECONDS="a year")

    def test_manage_py_refuses_in_one_line_naming_the_variable(self, tmp_path):
        env = {
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "exchange.settings",
            "EXCHANGE_VAR_DIR": str(tmp_path),
            "ALLOWED_HOSTS": "exchange.example.org",
        }
        done = subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

        assert done.returncode != 0
        assert done.stderr.strip().splitlines()[-1] == (
            "django.core.exceptions.ImproperlyConfigured: Set the SECRET_KEY environment "
            'variable: it is required when DEBUG is off (README.md, "Running in production").'
        )


class TestSecureDefaults:
    def test_production_is_https_with_hsts_and_secure_cookies(self, load_settings):
        loaded = load_settings(**production_environment())

        assert loaded["SECURE_SSL_REDIRECT"] is True
        assert loaded["SECURE_HSTS_SECONDS"] == 31_536_000
        assert loaded["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
        assert loaded["SECURE_HSTS_PRELOAD"] is False
        assert "SECURE_PROXY_SSL_HEADER" not in loaded
        for cookie in ("SESSION", "CSRF", "LANGUAGE"):
            assert loaded[f"{cookie}_COOKIE_SECURE"] is True, cookie
            assert loaded[f"{cookie}_COOKIE_HTTPONLY"] is True, cookie
            assert loaded[f"{cookie}_COOKIE_SAMESITE"] == "Lax", cookie
        assert loaded["SECURE_REFERRER_POLICY"] == "same-origin"
        assert loaded["X_FRAME_OPTIONS"] == "DENY"
        assert loaded["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["upgrade-insecure-requests"]

    def test_the_local_demo_switches_https_off(self, load_settings):
        loaded = load_settings(**production_environment(), EXCHANGE_HTTPS="false")

        assert loaded["SECURE_SSL_REDIRECT"] is False
        assert loaded["SECURE_HSTS_SECONDS"] == 0
        assert loaded["SESSION_COOKIE_SECURE"] is False
        assert loaded["CSRF_COOKIE_SECURE"] is False
        assert loaded["SESSION_COOKIE_HTTPONLY"] is True
        assert not loaded["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["upgrade-insecure-requests"]

    def test_proxy_header_only_when_the_environment_names_it(self, load_settings):
        loaded = load_settings(
            **production_environment(), SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"
        )

        assert loaded["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")

    def test_preload_is_an_opt_in_and_then_nothing_is_silenced(self, load_settings):
        assert load_settings(**production_environment())["SILENCED_SYSTEM_CHECKS"] == [
            "security.W021"
        ]
        loaded = load_settings(**production_environment(), SECURE_HSTS_PRELOAD="true")

        assert loaded["SECURE_HSTS_PRELOAD"] is True
        assert loaded["SILENCED_SYSTEM_CHECKS"] == []

    def test_check_deploy_is_clean_with_the_documented_environment(self, tmp_path):
        env = {
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "exchange.settings",
            "EXCHANGE_VAR_DIR": str(tmp_path),
            **production_environment(),
        }
        done = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

        assert done.returncode == 0, done.stderr
        assert "System check identified no issues" in done.stdout


class TestSiteUrlCheck:
    @pytest.mark.parametrize(
        ("site_url", "https", "expected"),
        [
            ("https://exchange.example.org", True, []),
            ("http://127.0.0.1:8000", True, ["core.W001", "core.W002"]),
            ("http://exchange.example.org", True, ["core.W001"]),
            ("https://elsewhere.example.net", True, ["core.W002"]),
            ("http://exchange.example.org:8000", False, []),
        ],
    )
    def test_links_in_emails_lead_to_this_site(self, settings, site_url, https, expected):
        settings.SITE_URL, settings.EXCHANGE_HTTPS = site_url, https
        settings.ALLOWED_HOSTS = ["exchange.example.org"]

        assert [problem.id for problem in check_site_url(None)] == expected


PRODUCTION_SECURITY = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


class TestHeaders:
    def test_every_page_says_what_browsers_may_do(self, client, db):
        response = client.get(reverse("core:home"))

        assert response.status_code == 200
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "Content-Security-Policy" in response

    def test_http_is_redirected_and_https_gets_hsts(self, client, db, settings):
        for name, value in PRODUCTION_SECURITY.items():
            setattr(settings, name, value)

        plain = client.get(reverse("core:home"))
        secure = client.get(reverse("core:home"), secure=True)

        assert plain.status_code == 301
        assert plain["Location"] == "https://testserver/"
        assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"

    def test_load_balancers_check_health_over_http(self, client, db, settings):
        for name, value in PRODUCTION_SECURITY.items():
            setattr(settings, name, value)

        assert client.get(reverse("core:health")).status_code == 200

    def test_session_and_csrf_cookies_are_secure_httponly_and_lax(self, client, db, settings):
        for name, value in PRODUCTION_SECURITY.items():
            setattr(settings, name, value)
        user = UserFactory()

        client.get(reverse("account_login"), secure=True)
        client.post(
            reverse("account_login"),
            {"login": user.email, "password": PASSWORD},
            secure=True,
        )

        for name in ("sessionid", "csrftoken"):
            cookie = client.cookies[name]
            assert cookie["secure"] is True, name
            assert cookie["httponly"] is True, name
            assert cookie["samesite"] == "Lax", name


class TestContentSecurityPolicy:
    def directives(self, header: str) -> dict[str, list[str]]:
        parts = (part.split() for part in header.split(";") if part.strip())
        return {name: values for name, *values in parts}

    def test_no_inline_script_or_style_and_no_framing(self, client, db):
        policy = self.directives(client.get(reverse("core:home"))["Content-Security-Policy"])

        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]

    def test_a_page_that_uses_a_nonce_gets_it_in_its_policy(self, rf):
        seen: list[str] = []

        def page(request: HttpRequest) -> HttpResponse:
            seen.append(str(request.csp_nonce))  # type: ignore[attr-defined]
            return HttpResponse(f'<script nonce="{seen[0]}"></script>')

        response = CSPMiddleware(page)(rf.get("/"))
        policy = self.directives(response["Content-Security-Policy"])

        assert policy["script-src"] == ["'self'", f"'nonce-{seen[0]}'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]

    def test_base_template_has_no_inline_script(self, client, db):
        html = client.get(reverse("core:home")).content.decode()

        assert "<script>" not in html
        assert '<script type="module">' not in html
        assert 'src="/static/js/js-enabled.js"' in html
