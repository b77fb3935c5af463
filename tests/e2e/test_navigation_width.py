"""The signed-in navigation fits on one line of a 1280 px wide screen, even for an
administrator, who sees every item."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.e2e.test_events_journey import signed_in_page
from tests.factories import AdminFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ITEM_TOPS = """() => [...document.querySelectorAll('.govuk-service-navigation__item')]
  .map((item) => Math.round(item.getBoundingClientRect().top))"""


def test_signed_in_navigation_is_one_line_at_1280_px(browser, live_server, axe):
    admin = AdminFactory()
    context, page = signed_in_page(browser, live_server, axe, admin.email)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(reverse("core:home"))

    tops = page.evaluate(ITEM_TOPS)

    assert len(tops) >= 10
    assert len(set(tops)) == 1, tops
    axe.check(page)
    axe.assert_clean()
    context.close()
