"""The Content-Security-Policy in a real browser: no page breaks it, and the scripts still work.

The policy (exchange/settings.py) allows scripts only from the site's own files, with no inline
script or style. Every HTML page of the permission matrix, the API docs and the admin are opened
with JavaScript on by someone allowed to see them; the browser must report no violation, and
GOV.UK Frontend must have started. Then the two scripts of our own are used for real: reactions
without a reload and the live wall taking in a new reflection. axe-core checks every page of the
second journey.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from exchange.conversation.models import Reaction
from tests.conversation.factories import CommentFactory, PolicyAcceptanceFactory
from tests.e2e.test_events_journey import signed_in_page
from tests.e2e.test_every_page_axe import pages
from tests.factories import AdminFactory, PublishedExampleFactory, UserFactory
from tests.test_permission_matrix import build_world, url_for
from tests.workshops.factories import PromptFactory, ReflectionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Recorded from the first script of every document, before any of the page's own: this script
# comes through the browser's debugging protocol, which the policy does not govern.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} ` +
      `(${event.sourceFile}:${event.lineNumber})`
  );
});
"""
GOVUK_STARTED = """() =>
  document.body.classList.contains("js-enabled") &&
  document.body.classList.contains("govuk-frontend-supported") &&
  document.querySelector("[data-module='govuk-skip-link']").hasAttribute("data-govuk-skip-link-init")
"""


class Console:
    """Every console message about the Content-Security-Policy, from any page of a context."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def watch(self, page: Any) -> None:
        page.on("console", self._record)

    def _record(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.messages.append(f"{message.page.url if message.page else ''}: {message.text}")


def watched_context(browser: Any, base_url: str, console: Console, **options: Any) -> Any:
    context = browser.new_context(base_url=base_url, **options)
    context.add_init_script(RECORD_VIOLATIONS)
    context.on("page", console.watch)
    return context


def signed_in_context(browser: Any, base_url: str, console: Console, user: Any) -> Any:
    client = Client()
    client.force_login(user)
    context = watched_context(browser, base_url, console)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    return context


def assert_policy_kept(page: Any, where: str) -> None:
    """The page was served with the policy, GOV.UK Frontend started, and nothing was refused."""
    page.wait_for_load_state("load")
    page.wait_for_function(GOVUK_STARTED, timeout=10_000)
    assert page.evaluate("window.cspViolations") == [], where


def test_every_page_keeps_the_policy_with_javascript_on(live_server, browser):
    objects, users = build_world()
    del users["anonymous"]
    console = Console()
    contexts = {"anonymous": watched_context(browser, live_server.url, console)}
    for role, user in users.items():
        contexts[role] = signed_in_context(browser, live_server.url, console, user)
    tabs = {role: context.new_page() for role, context in contexts.items()}

    visited = []
    for row_id, role, row in pages():
        page = tabs[role]
        response = page.goto(url_for(row, objects))
        assert response is not None, row_id
        assert response.status == 200, f"{row_id} as {role}"
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy, f"{row_id}: {policy!r}"
        assert "unsafe-inline" not in policy, row_id
        assert_policy_kept(page, f"{row_id} as {role}")
        visited.append(row_id)

    # Pages outside the matrix: the 404 page, and the admin.
    admin_tab = signed_in_context(browser, live_server.url, console, AdminFactory()).new_page()
    for path in (
        "/no-such-page/",
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_add"),
    ):
        admin_tab.goto(path)
        admin_tab.wait_for_load_state("load")
        assert admin_tab.evaluate("window.cspViolations") == [], path
        visited.append(path)

    for context in contexts.values():
        context.close()
    admin_tab.context.close()
    assert len(visited) >= 30
    assert console.messages == []


def test_api_docs_run_under_the_policy(live_server, browser):
    """Swagger UI (django-ninja's own static files) renders the operations."""
    console = Console()
    context = watched_context(browser, live_server.url, console)
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto("/api/docs")
    page.locator(".opblock").first.wait_for()

    assert page.evaluate("window.cspViolations") == []
    assert console.messages == []
    context.close()


def test_reactions_and_the_live_wall_work_under_the_policy(live_server, browser, axe):
    console = Console()
    example = PublishedExampleFactory(title="Pharmacists ran the vaccination clinics")
    comment = CommentFactory(discussion__example=example, body="We did the same in Hexham.")
    reader = UserFactory(email="reader@example.net", display_name="Reader")
    PolicyAcceptanceFactory(user=reader)

    # Reactions: the count changes in place, without a page load.
    context, page = signed_in_page(browser, live_server, axe, reader.email)
    console.watch(page)
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.goto(example.get_absolute_url())
    assert_policy_kept(page, "example page")
    axe.check(page)
    page.evaluate("window.efcNoReload = true")
    helpful = page.locator(f"#comment-{comment.pk} button[data-efc-kind='helpful']")
    helpful.click()
    page.wait_for_function(
        "id => document.querySelector(`#comment-${id} button[data-efc-kind='helpful']`)"
        ".textContent.includes('(1)')",
        arg=comment.pk,
    )
    assert page.evaluate("window.efcNoReload") is True
    assert Reaction.objects.filter(user=reader, object_id=comment.pk).count() == 1
    assert page.evaluate("window.cspViolations") == []
    context.close()

    # The live wall: a reflection posted meanwhile appears without a reload.
    prompt = PromptFactory(text="What should we keep?")
    ReflectionFactory(prompt=prompt, text="The daily call with the care homes.")
    wall_context = watched_context(browser, live_server.url, console)
    wall = wall_context.new_page()
    wall.set_default_timeout(20_000)
    wall.goto(reverse("workshops:wall", kwargs={"code": prompt.workshop.join_code}))
    wall.get_by_text("The daily call with the care homes.").wait_for()
    assert_policy_kept(wall, "wall")
    axe.check(wall)
    wall.evaluate("window.efcNoReload = true")
    ReflectionFactory(prompt=prompt, text="Video clinics saved hours of travel.")
    wall.get_by_text("Video clinics saved hours of travel.").wait_for()
    assert wall.evaluate("window.efcNoReload") is True
    assert wall.evaluate("window.cspViolations") == []
    wall_context.close()

    assert console.messages == []
    axe.assert_clean()


def test_an_inline_script_would_be_reported(live_server, browser):
    """Guards the guard: a page with an inline script under the site's policy is caught."""
    console = Console()
    context = watched_context(browser, live_server.url, console)
    policy = Client().get(reverse("core:home")).headers["Content-Security-Policy"]

    def inline_script_page(route: Any) -> None:
        route.fulfill(
            status=200,
            headers={"content-type": "text/html", "content-security-policy": policy},
            body="<!DOCTYPE html><title>t</title><script>window.ran = true</script>",
        )

    context.route("**/inline-script-probe", inline_script_page)
    page = context.new_page()
    page.goto("/inline-script-probe")

    assert page.evaluate("window.ran") is None
    assert page.evaluate("window.cspViolations")[0].startswith("script-src-elem refused inline")
    assert console.messages
    context.close()
