"""Every HTML page in the permission matrix, opened by someone allowed to see it, passes axe."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.test_permission_matrix import MATRIX, ROLES, build_world, url_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOT_HTML = {
    "core:health",
    "examples:attachment_download",
    "events:calendar_feed",
    "events:booking_ics",
    "events:session_export",
    "insights:report_pdf",
    "insights:report_data",
    "workshops:wall_fragment",
    "workshops:join_qr",
    "workshops:resource_download",
}
# Who opens each page: the least privileged role that gets a 200.
PREFERENCE = (
    "anonymous",
    "participant",
    "author",
    "moderator",
    "organiser",
    "facilitator",
    "admin",
)


def pages() -> list[tuple[str, str, object]]:
    chosen = []
    for row in MATRIX:
        if row.name in NOT_HTML:
            continue
        statuses = dict(zip(ROLES, row.expected, strict=True))
        role = next((r for r in PREFERENCE if statuses[r] == 200), None)
        if role is not None:
            chosen.append((row.id, role, row))
    return chosen


def test_every_page_passes_axe(live_server, browser, axe):
    objects, users = build_world()
    del users["anonymous"]
    contexts = {"anonymous": browser.new_context(base_url=live_server.url)}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        context = browser.new_context(base_url=live_server.url)
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        contexts[role] = context
    tabs = {role: context.new_page() for role, context in contexts.items()}

    visited = []
    for row_id, role, row in pages():
        page = tabs[role]
        response = page.goto(url_for(row, objects))
        assert response is not None, row_id
        assert response.status == 200, f"{row_id} as {role}"
        axe.check(page)
        visited.append(f"{row_id} as {role}")

    for context in contexts.values():
        context.close()
    assert len(visited) >= 30
    axe.assert_clean()
