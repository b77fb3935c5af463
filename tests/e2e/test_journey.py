"""The call-for-examples journey in a real browser, checked by axe-core on every page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from exchange.examples.models import Example, ExampleStatus
from tests.factories import (
    PASSWORD,
    CampaignFactory,
    ModeratorFactory,
    PublishedExampleFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Video clinics replaced outpatient travel"


def confirmation_link(mailoutbox, address: str) -> str:
    messages = [m for m in mailoutbox if address in m.to]
    assert messages, f"no email to {address}"
    return re.search(r"https?://\S+/confirm-email/\S+", messages[-1].body).group(0)


def sign_in(page, axe, email: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name="Sign in").first.click()
    axe.check(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page, axe) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name="Sign out").click()
    axe.check(page)
    page.get_by_role("button", name="Sign out").click()
    axe.check(page)


def test_sign_up_submit_moderate_feature_and_find(live_server, browser, axe, mailoutbox):
    campaign = CampaignFactory(title="Lessons from the COVID-19 emergency")
    moderator = ModeratorFactory(email="moderator@example.org")
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)

    # A visitor creates an account.
    page.goto("/")
    axe.check(page)
    page.get_by_role("link", name="Create an account").first.click()
    axe.check(page)
    page.get_by_label("Email address").fill("asha@example.net")
    page.get_by_label("Display name").fill("Asha, outpatients")
    page.get_by_label("Organisation (optional)").fill("Northshire NHS Trust")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill("a different passphrase")
    page.get_by_role("button", name="Create account").click()
    # The mistake is summarised at the top and what they typed is kept.
    page.get_by_role("heading", name="There is a problem").wait_for()
    axe.check(page)
    assert page.get_by_label("Display name").input_value() == "Asha, outpatients"
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Confirm your email address").wait_for()
    axe.check(page)

    # They confirm their address from the email, then sign in.
    page.goto(confirmation_link(mailoutbox, "asha@example.net"))
    axe.check(page)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    axe.check(page)
    page.get_by_label("Email address").fill("asha@example.net")
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    axe.check(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Sign out").wait_for()
    axe.check(page)

    # They go to the open campaign and share an example.
    page.get_by_role("link", name="Campaigns").click()
    axe.check(page)
    page.get_by_role("link", name=campaign.title).click()
    axe.check(page)
    page.get_by_role("button", name="Share your example").click()
    page.get_by_role("heading", name="Share an example").wait_for()
    axe.check(page)
    page.get_by_role("button", name="Preview and submit").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    axe.check(page)
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Summary").fill("Outpatient follow-ups moved to video within a fortnight.")
    page.get_by_label("What changed?").fill("Routine follow-up appointments moved to video calls.")
    page.get_by_label("What enabled it?").fill("Emergency approval of a video platform.")
    page.get_by_label("Evidence and impact (optional)").fill("Missed appointments fell by half.")
    page.get_by_label("Sector").select_option(label="Health")
    page.get_by_label("It should stay permanently").check()
    page.get_by_label("What could make it revert? (optional)").fill("Licences end in March.")
    page.get_by_label("Tags (optional)").fill("remote working, outpatients")
    page.get_by_role("button", name="Preview and submit").click()
    page.get_by_role("heading", name=TITLE).wait_for()
    axe.check(page)
    page.get_by_role("button", name="Submit for moderation").click()
    page.get_by_text("awaiting moderation").first.wait_for()
    axe.check(page)
    example = Example.objects.get(title=TITLE)
    assert example.status == ExampleStatus.SUBMITTED
    assert example.author.display_name == "Asha, outpatients"
    sign_out(page, axe)

    # A moderator approves it and features it.
    sign_in(page, axe, moderator.email)
    page.get_by_role("link", name="Sign out").wait_for()
    axe.check(page)
    page.get_by_role("link", name="Moderation").click()
    axe.check(page)
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="Approve and publish").wait_for()
    axe.check(page)
    page.get_by_role("button", name="Approve and publish").click()
    page.get_by_role("button", name="Feature on the home page").wait_for()
    axe.check(page)
    page.get_by_role("button", name="Feature on the home page").click()
    page.get_by_role("button", name="Stop featuring").wait_for()
    axe.check(page)
    example.refresh_from_db()
    assert (example.status, example.is_featured) == (ExampleStatus.PUBLISHED, True)
    sign_out(page, axe)

    # Everyone now sees it featured on the home page and finds it by searching.
    page.goto("/")
    axe.check(page)
    featured = page.locator("h2", has_text="Featured examples").locator(
        "xpath=following-sibling::*[1]"
    )
    assert featured.get_by_role("link", name=TITLE).count() == 1
    page.get_by_label("Search examples").fill("outpatient video")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name=re.compile("matching")).wait_for()
    axe.check(page)
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("heading", name=TITLE, level=1).wait_for()
    axe.check(page)
    assert "Asha, outpatients" in page.content()
    assert "asha@example.net" not in page.content()

    context.close()
    axe.assert_clean()


def test_reading_without_javascript(live_server, browser, axe):
    """Home, gallery, an example and the footer pages work and pass axe with JavaScript off."""
    example = PublishedExampleFactory(title=TITLE, is_featured=True)
    paths = [
        reverse("core:home"),
        reverse("examples:gallery"),
        reverse("examples:gallery") + "?q=video",
        example.get_absolute_url(),
        reverse("core:accessibility"),
        reverse("core:privacy"),
        reverse("core:comments_policy"),
    ]
    no_js = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    # axe needs timers, which a JavaScript-disabled page never runs; so axe audits the same page
    # in a second context where a Content-Security-Policy stops every script of the page itself.
    scriptless = browser.new_context(base_url=live_server.url)

    def block_page_scripts(route):  # type: ignore[no-untyped-def]
        if route.request.resource_type != "document":
            route.continue_()
            return
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": "script-src 'none'"}
        route.fulfill(response=response, headers=headers)

    scriptless.route("**/*", block_page_scripts)
    page, audited = no_js.new_page(), scriptless.new_page()

    for path in paths:
        response = page.goto(path)
        assert response is not None, path
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        assert "js-enabled" not in (page.locator("body").get_attribute("class") or ""), path
        audited.goto(path)
        assert "js-enabled" not in (audited.locator("body").get_attribute("class") or ""), path
        axe.check(audited, inject="evaluate")

    # Following links works without scripts too: footer links and the example card.
    page.goto(reverse("core:home"))
    page.get_by_role("link", name="Privacy notice").click()
    assert page.url.endswith(reverse("core:privacy"))
    page.goto(reverse("examples:gallery"))
    page.get_by_role("link", name=TITLE).click()
    assert page.url.endswith(example.get_absolute_url())

    no_js.close()
    scriptless.close()
    axe.assert_clean()


def test_axe_helper_reports_serious_violations(browser, axe):
    """Guards the guard: a page with a serious problem must be reported."""
    page = browser.new_page()
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><h1>t</h1>'
        '<img src="x.png"><input type="text"></main></body></html>'
    )

    axe.check(page)

    assert {v["rule"] for v in axe.violations} >= {"image-alt", "label"}
    page.close()


def test_account_pages_pass_axe_including_their_error_states(live_server, browser, axe):
    """Password reset, lock-out, profile, email addresses and password change, with errors."""
    person = UserFactory(email="sam@example.net", display_name="Sam")
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto(reverse("account_reset_password"))
    axe.check(page)
    page.get_by_label("Email address").fill("not an address")
    page.get_by_role("button", name="Send reset link").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    axe.check(page)
    page.get_by_label("Email address").fill(person.email)
    page.get_by_role("button", name="Send reset link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    axe.check(page)

    # Five wrong passwords lock the account; the right one is then refused too.
    page.goto(reverse("account_login"))
    for attempt in range(5):
        page.get_by_label("Email address").fill(person.email)
        page.get_by_label("Password").fill(f"wrong {attempt}")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", level=1).wait_for()
        if attempt < 4:
            axe.check(page)
    page.get_by_role("heading", name="Signing in is locked for now").wait_for()
    axe.check(page)
    page.goto(reverse("account_login"))
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Signing in is locked for now").wait_for()
    context.close()

    # Someone else's browser (another address) signs in normally.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    other = UserFactory(email="kim@example.net", display_name="Kim")
    page.goto(reverse("account_login"))
    page.get_by_label("Email address").fill(other.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Your profile").click()
    axe.check(page)
    # (Too-long input, the profile's only error, cannot be typed past the inputs' maxlength;
    # tests/accounts/test_views.py covers it.)
    page.get_by_label("Display name").fill("Kim from HR")
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Your profile has been updated.").wait_for()
    axe.check(page)
    page.get_by_role("link", name="Manage your email addresses").click()
    axe.check(page)
    page.get_by_role("link", name="Back to your profile").click()
    page.get_by_role("link", name="Change your password").click()
    axe.check(page)
    page.get_by_role("button", name="Change password").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    axe.check(page)

    context.close()
    axe.assert_clean()
