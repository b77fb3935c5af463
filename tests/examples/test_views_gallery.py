import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from exchange.core.permissions import Role
from exchange.examples.models import Attachment, Example, ExampleStatus, Sector
from exchange.examples.search import example_search_index_update
from tests.factories import (
    CampaignFactory,
    ExampleFactory,
    PublishedExampleFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

GALLERY = reverse("examples:gallery")


@pytest.fixture
def moderator(db):
    # tests/factories.py's ModeratorFactory does not apply its role yet (docs/requests).
    return UserFactory(roles=[Role.MODERATOR])


def _index():
    example_search_index_update(example_ids=Example.objects.values_list("pk", flat=True))


def _html(response):
    assert response.status_code == 200
    return response.content.decode()


def _published(n, **kwargs):
    now = timezone.now()
    return [
        PublishedExampleFactory(published_at=now - dt.timedelta(minutes=i), **kwargs)
        for i in range(n)
    ]


# Gallery -------------------------------------------------------------------------------------


class TestGallery:
    def test_lists_published_examples_only(self, client):
        PublishedExampleFactory(title="Video clinics")
        ExampleFactory(title="A secret draft")
        ExampleFactory(title="Awaiting moderation", status=ExampleStatus.SUBMITTED)

        html = _html(client.get(GALLERY))

        assert "Video clinics" in html
        assert "A secret draft" not in html
        assert "Awaiting moderation" not in html
        assert "1 example" in html

    def test_filter_form_works_as_a_plain_get_form(self, client):
        html = _html(client.get(GALLERY))
        form = html[html.index('<form method="get"') : html.index("Apply filters")]

        assert 'action="/examples/"' in form
        assert "csrfmiddlewaretoken" not in form
        for name in ("q", "campaign", "sector", "permanence", "tag", "sort"):
            assert f'name="{name}"' in form

    def test_cached_filter_form_follows_new_campaigns_and_errors(self, client):
        """The filter form's HTML fragment is cached by its inputs (signed-in readers get
        fresh pages, so the fragment is what they reuse)."""
        client.force_login(UserFactory())
        CampaignFactory(slug="first", title="First campaign")
        assert "First campaign" in _html(client.get(GALLERY))

        CampaignFactory(slug="second", title="Second campaign")
        html = _html(client.get(GALLERY))
        assert "Second campaign" in html

        html = _html(client.get(GALLERY, {"sector": "space"}))
        assert 'class="govuk-error-message"' in html
        assert 'class="govuk-error-message"' not in _html(client.get(GALLERY))

    def test_filters_narrow_the_results(self, client):
        covid = CampaignFactory(slug="covid", title="Covid lessons")
        housing = TagFactory(name="Housing", slug="housing")
        PublishedExampleFactory(
            title="Hotel rooms",
            campaign=covid,
            sector=Sector.LOCAL_GOVERNMENT,
            permanence="should_stay",
            tags=[housing],
        )
        PublishedExampleFactory(
            title="Face shields", sector=Sector.INDUSTRY, permanence="temporary"
        )

        def titles(**params):
            html = _html(client.get(GALLERY, params))
            return {t for t in ("Hotel rooms", "Face shields") if t in html}

        assert titles() == {"Hotel rooms", "Face shields"}
        assert titles(campaign="covid") == {"Hotel rooms"}
        assert titles(sector="industry") == {"Face shields"}
        assert titles(tag="housing") == {"Hotel rooms"}
        assert titles(permanence="should_stay") == {"Hotel rooms"}
        assert titles(permanence="temporary", sector="local_government") == set()

    def test_tag_filter_names_the_tag_and_offers_to_remove_it(self, client):
        PublishedExampleFactory(tags=[TagFactory(name="Remote working", slug="remote-working")])

        html = _html(client.get(GALLERY, {"tag": "remote-working", "sector": "health"}))

        assert "Tagged “Remote working”" in html
        assert 'href="?sector=health"' in html

    def test_tag_filter_offers_the_tags_in_use_with_counts(self, client):
        housing = TagFactory(name="Housing", slug="housing")
        PublishedExampleFactory(tags=[housing, TagFactory(name="Allotments", slug="allotments")])
        PublishedExampleFactory(tags=[housing])
        ExampleFactory(tags=[TagFactory(name="Draft only", slug="draft-only")])
        TagFactory(name="Unused", slug="unused")

        html = _html(client.get(GALLERY))
        select = html[html.index('id="id_tag"') :]
        select = select[: select.index("</select>")]

        assert '<option value="" selected>All tags</option>' in select
        assert '<option value="allotments">Allotments (1 example)</option>' in select
        assert '<option value="housing">Housing (2 examples)</option>' in select
        assert select.index("Allotments") < select.index("Housing")
        assert "draft-only" not in select
        assert "unused" not in select

    def test_tag_links_keep_working_and_show_the_tag_chosen(self, client):
        PublishedExampleFactory(
            title="Hotel rooms", tags=[TagFactory(name="Housing", slug="housing")]
        )
        PublishedExampleFactory(title="Video clinics")

        for value in ("housing", "Housing"):
            html = _html(client.get(GALLERY, {"tag": value}))
            assert '<option value="housing" selected>Housing (1 example)</option>' in html
            assert "Hotel rooms" in html
            assert "Video clinics" not in html

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"campaign": "no-such-campaign"}, "Choose a campaign from the list"),
            ({"sector": "space"}, "Choose a sector from the list"),
            ({"permanence": "forever"}, "Choose an answer from the list"),
            ({"tag": "no-such-tag"}, "There is no tag with that name"),
            ({"tag": "<script>"}, "There is no tag with that name"),
            ({"sort": "random"}, "Choose an order from the list"),
            ({"q": "x" * 201}, "Search must be 200 characters or fewer"),
            ({"q": "nul\x00byte"}, "Null characters are not allowed"),
        ],
    )
    def test_invalid_filters_give_a_clear_message_not_an_error(self, client, params, message):
        PublishedExampleFactory(title="Still listed")

        html = _html(client.get(GALLERY, params))

        assert "There is a problem" in html
        assert message in html
        assert 'class="govuk-error-message"' in html
        assert "Still listed" in html  # the invalid filter is ignored

    def test_no_results_message(self, client):
        PublishedExampleFactory(sector=Sector.HEALTH)

        html = _html(client.get(GALLERY, {"sector": "education"}))

        assert "0 examples" in html
        assert "No examples match" in html

    def test_pagination_keeps_the_filters(self, client, settings):
        settings.GALLERY_PAGE_SIZE = 2
        _published(5, sector=Sector.HEALTH)

        html = _html(client.get(GALLERY, {"sector": "health", "page": "2"}))

        assert "5 examples" in html
        assert 'class="govuk-pagination"' in html
        assert 'href="?sector=health&amp;page=3"' in html
        assert 'href="?sector=health&amp;page=1"' in html
        assert "Page 2 of 3" in html

    def test_count_stops_at_the_cap_with_pages_up_to_it(
        self, client, settings, monkeypatch, django_assert_max_num_queries
    ):
        monkeypatch.setattr("exchange.examples.views.gallery.COUNT_CAP", 3)
        settings.GALLERY_PAGE_SIZE = 2
        examples = _published(5, sector=Sector.HEALTH)

        for params in ({}, {"sector": "health"}):
            html = _html(client.get(GALLERY, params))
            assert "More than 3 examples" in html
            assert "Page 1 of 2" in html
            assert "Pages go up to the first 3 in this order" in html

        with django_assert_max_num_queries(4):
            html = _html(client.get(GALLERY, {"sector": "health", "page": "9"}))
        assert "Page 2 of 2" in html
        assert examples[2].title in html  # the third newest, the last one offered
        assert examples[3].title not in html
        assert 'href="?sector=health&amp;page=3"' not in html

        html = _html(client.get(GALLERY, {"sector": "industry"}))
        assert "More than" not in html

    def test_campaign_page_count_is_capped_too(self, client, settings, monkeypatch):
        monkeypatch.setattr("exchange.examples.views.gallery.COUNT_CAP", 3)
        settings.GALLERY_PAGE_SIZE = 2
        examples = _published(4)
        url = reverse("examples:campaign_detail", kwargs={"slug": examples[0].campaign.slug})
        for example in examples[1:]:
            example.campaign = examples[0].campaign
            example.save()

        assert "More than 3 published examples" in _html(client.get(url))

    @pytest.mark.parametrize("page", ["999", "abc", "-1", "0"])
    def test_out_of_range_or_malformed_pages_still_show_a_page(self, client, settings, page):
        settings.GALLERY_PAGE_SIZE = 2
        _published(3)

        assert client.get(GALLERY, {"page": page}).status_code == 200

    def test_search_finds_and_highlights_with_user_text_escaped(self, client):
        PublishedExampleFactory(
            title="<script>alert('title')</script> Hotel rooms",
            summary="Rooms for <em>everyone</em>",
            what_changed="We booked <script>alert('body')</script> hotels for rough sleepers.",
        )
        PublishedExampleFactory(title="Face shields", what_changed="Printed locally.")
        _index()

        html = _html(client.get(GALLERY, {"q": "hotels"}))

        assert "1 example" in html
        assert "matching “hotels”" in html
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; Hotel rooms" in html
        assert "<em>everyone" not in html
        assert "<mark>hotels</mark>" in html.lower()
        assert "Face shields" not in html

    def test_search_terms_are_escaped_when_echoed(self, client):
        html = _html(client.get(GALLERY, {"q": '<img src=x onerror="alert(1)">'}))

        assert "<img src=x" not in html
        assert "&lt;img src=x" in html

    def test_a_search_matching_very_many_says_so(self, client, monkeypatch):
        monkeypatch.setattr("exchange.examples.search.SEARCH_RESULT_LIMIT", 3)
        _published(5, title="Video clinic")
        _index()

        html = _html(client.get(GALLERY, {"q": "video"}))

        assert "3 or more examples" in html
        assert "Add words or filters" in html

    def test_search_shows_relevance_as_the_sort(self, client):
        html = _html(client.get(GALLERY, {"q": "hotels"}))
        assert '<option value="relevance" selected>' in html

        html = _html(client.get(GALLERY))
        assert '<option value="newest" selected>' in html

    def test_query_count_is_bounded(self, client, django_assert_max_num_queries, settings):
        settings.GALLERY_PAGE_SIZE = 12
        tags = [TagFactory() for _ in range(3)]
        _published(30, tags=tags)
        _index()

        with django_assert_max_num_queries(4):  # campaigns, count, page, tags
            html = _html(client.get(GALLERY))
        assert html.count('class="efc-card"') == 12

        with django_assert_max_num_queries(6):  # + search candidates, snippets (tags: no query)
            _html(client.get(GALLERY, {"q": "video", "tag": tags[0].slug, "page": 2}))

    def test_query_count_for_a_signed_in_reader(self, client, django_assert_max_num_queries):
        client.force_login(UserFactory())
        _published(15)

        with django_assert_max_num_queries(8):  # + session, user, 2 for permissions (navigation)
            _html(client.get(GALLERY))


# Example detail ------------------------------------------------------------------------------


class TestExampleDetail:
    def url(self, example):
        return reverse("examples:detail", kwargs={"pk": example.pk})

    def test_shows_every_field_escaped_with_line_breaks(self, client):
        housing = TagFactory(name="Housing", slug="housing")
        example = PublishedExampleFactory(
            title="Hotel <b>rooms</b>",
            summary="Everyone housed",
            what_changed="First line\n\nSecond <script>alert(1)</script> paragraph",
            enablers="Emergency funding",
            evidence="90% accepted",
            risks_of_reverting="Funding ends",
            sector=Sector.LOCAL_GOVERNMENT,
            organisation="Riverside Council",
            tags=[housing],
            author=UserFactory(display_name="Sam Rivers"),
        )

        html = _html(client.get(self.url(example)))

        assert "Hotel &lt;b&gt;rooms&lt;/b&gt;" in html
        assert "<p>First line</p>" in html
        assert "Second &lt;script&gt;alert(1)&lt;/script&gt; paragraph" in html
        for text in ("Everyone housed", "Emergency funding", "90% accepted", "Funding ends"):
            assert text in html
        assert "Local government" in html
        assert "Riverside Council" in html
        assert "Sam Rivers" in html
        assert 'href="/examples/?tag=housing"' in html
        assert example.author.email not in html
        assert 'class="govuk-summary-list"' in html

    def test_anonymous_author_and_organisation_are_hidden_from_the_public(self, client):
        example = PublishedExampleFactory(
            show_as_anonymous=True,
            organisation="Secretshire Council",
            author=UserFactory(display_name="Hidden Name"),
        )

        html = _html(client.get(self.url(example)))

        assert "Anonymous" in html
        assert "Hidden Name" not in html
        assert "Secretshire Council" not in html

    def test_moderators_see_the_real_author_of_an_anonymous_example(self, client, moderator):
        example = PublishedExampleFactory(
            show_as_anonymous=True, author=UserFactory(display_name="Hidden Name")
        )
        client.force_login(moderator)

        html = _html(client.get(self.url(example)))

        assert "Hidden Name (shown as anonymous to the public)" in html
        assert reverse("examples:moderation_review", kwargs={"pk": example.pk}) in html
        assert example.author.email not in html

    def test_moderate_link_is_for_moderators_only(self, client):
        example = PublishedExampleFactory()
        client.force_login(UserFactory())

        html = _html(client.get(self.url(example)))

        assert "/moderation/" not in html

    @pytest.mark.parametrize(
        "status",
        [ExampleStatus.DRAFT, ExampleStatus.SUBMITTED, ExampleStatus.REJECTED, "withdrawn"],
    )
    def test_unpublished_examples_are_not_found_for_others(self, client, status):
        example = ExampleFactory(status=status)

        assert client.get(self.url(example)).status_code == 404
        client.force_login(UserFactory())
        assert client.get(self.url(example)).status_code == 404

    def test_missing_example_is_not_found(self, client):
        assert client.get(reverse("examples:detail", kwargs={"pk": 424242})).status_code == 404

    def test_author_sees_their_draft_with_an_edit_link(self, client):
        example = ExampleFactory(status=ExampleStatus.DRAFT)
        client.force_login(example.author)

        html = _html(client.get(self.url(example)))

        assert "This example is not published" in html
        assert reverse("examples:edit", kwargs={"pk": example.pk}) in html
        assert reverse("examples:withdraw", kwargs={"pk": example.pk}) not in html

    def test_author_of_a_published_example_may_withdraw_but_not_edit(self, client):
        example = PublishedExampleFactory()
        client.force_login(example.author)

        html = _html(client.get(self.url(example)))

        assert reverse("examples:withdraw", kwargs={"pk": example.pk}) in html
        assert reverse("examples:edit", kwargs={"pk": example.pk}) not in html

    def test_moderator_sees_a_submitted_example(self, client, moderator):
        example = ExampleFactory(status=ExampleStatus.SUBMITTED)
        client.force_login(moderator)

        html = _html(client.get(self.url(example)))

        assert reverse("examples:moderation_review", kwargs={"pk": example.pk}) in html

    def test_query_count_is_bounded(self, client, moderator, django_assert_max_num_queries):
        example = PublishedExampleFactory(tags=[TagFactory(), TagFactory()])
        for n in range(3):
            Attachment.objects.create(
                example=example,
                file=ContentFile(b"%PDF-1.4", name=f"r{n}.pdf"),
                original_name=f"r{n}.pdf",
                content_type="application/pdf",
                size=8,
            )

        # Example (with author, campaign and whether it has files), tags, attachments; then the
        # discussion section: discussion, reactions and, on a cold cache only, 2 content types;
        # the sustain section: check-ins with their answers, adopters.
        with django_assert_max_num_queries(9):
            html = _html(client.get(self.url(example)))
        assert html.count("/attachments/") == 3

        client.force_login(moderator)
        # + session, user, 2 for permissions; the discussion's signed-in reads (policy, ban).
        with django_assert_max_num_queries(13):
            _html(client.get(self.url(example)))

    def test_each_page_shows_its_own_example_and_tags(self, client):
        # The example page's queries are compiled once and reused with each id.
        first = PublishedExampleFactory(
            title="Ward rounds by video", tags=[TagFactory(name="Video")]
        )
        second = PublishedExampleFactory(title="Drive-through clinics", tags=[])

        first_html = _html(client.get(self.url(first)))
        second_html = _html(client.get(self.url(second)))

        assert "Ward rounds by video" in first_html
        assert ">Video<" in first_html
        assert "Drive-through clinics" in second_html
        assert ">Video<" not in second_html
        assert first.campaign.get_absolute_url() in first_html
        assert second.campaign.get_absolute_url() in second_html
        assert second.public_author_name in second_html
        assert f'<a href="{reverse("examples:gallery")}" class="govuk-back-link">' in first_html
        assert f'href="{reverse("examples:gallery")}?sector=' in first_html

    def test_an_example_without_files_reads_no_attachments(self, client):
        example = PublishedExampleFactory(
            tags=[TagFactory(name="Zebra crossings"), TagFactory(name="Apple presses")]
        )

        with CaptureQueriesContext(connection) as queries:
            html = _html(client.get(self.url(example)))
        assert not [q for q in queries if q["sql"].startswith('SELECT "examples_attachment"')]
        assert html.index(">Apple presses<") < html.index(">Zebra crossings<")

    def test_signed_in_readers_share_one_rendering_of_the_content(self, client):
        """The example's own content is rendered once for readers who hold no role on it; the
        next signed-in reader's page reads no tags, check-ins, adopters or measures."""
        example = PublishedExampleFactory(tags=[TagFactory(name="Night shifts")])
        client.force_login(UserFactory())
        first = _html(client.get(self.url(example)))
        client.force_login(UserFactory())

        with CaptureQueriesContext(connection) as queries:
            second = _html(client.get(self.url(example)))

        content_tables = ("examples_tag", "sustain_", "examples_attachment")
        assert not [q for q in queries if any(t in q["sql"] for t in content_tables)]
        assert ">Night shifts<" in second
        assert _content(second) == _content(first)

    def test_the_shared_content_never_reaches_authors_or_moderators(self, client, moderator):
        example = PublishedExampleFactory(
            show_as_anonymous=True, author=UserFactory(display_name="Hidden Name")
        )
        client.force_login(UserFactory())
        _html(client.get(self.url(example)))  # cached for readers without a role

        client.force_login(example.author)
        author_html = _html(client.get(self.url(example)))
        client.force_login(moderator)
        moderator_html = _html(client.get(self.url(example)))

        assert reverse("examples:withdraw", kwargs={"pk": example.pk}) in author_html
        assert "Hidden Name (shown as anonymous to the public)" in moderator_html
        assert reverse("examples:moderation_review", kwargs={"pk": example.pk}) in moderator_html

    def test_the_shared_content_follows_changes_to_the_example(self, client, moderator):
        from exchange.examples import services

        example = PublishedExampleFactory()
        client.force_login(UserFactory())
        assert ">Featured<" not in _html(client.get(self.url(example)))

        services.example_feature(actor=moderator, example=example)
        assert ">Featured<" in _html(client.get(self.url(example)))

        services.example_withdraw(actor=example.author, example=example)
        assert client.get(self.url(example)).status_code == 404


class TestReaderShell:
    """A signed-in reader without a role gets the page kept once for all such readers, with
    their own discussion section put into it (exchange/examples/views/gallery.py)."""

    def url(self, example, query=""):
        return reverse("examples:detail", kwargs={"pk": example.pk}) + query

    def test_the_next_reader_reads_no_example_and_sees_their_own_discussion(self, client):
        from exchange.conversation import services as conversation

        example = PublishedExampleFactory(title="Video ward rounds")
        first, second = UserFactory(), UserFactory()
        conversation.reaction_toggle(actor=second, target=example, kind="helpful")
        client.force_login(first)
        first_html = _html(client.get(self.url(example)))
        client.force_login(second)

        with CaptureQueriesContext(connection) as queries:
            second_html = _html(client.get(self.url(example)))

        assert not [q for q in queries if "examples_example" in q["sql"]]
        assert "Video ward rounds" in second_html
        assert _content(second_html) == _content(first_html)
        assert first_html.count('aria-pressed="true"') == 0
        assert second_html.count('aria-pressed="true"') == 1
        assert 'name="csrfmiddlewaretoken"' in second_html

    def test_a_new_comment_retires_the_shell_for_everyone(self, client):
        example = PublishedExampleFactory()
        _published_comment(example, "First thoughts")
        client.force_login(UserFactory())
        assert "First thoughts" in _html(client.get(self.url(example)))

        _published_comment(example, "Second go")

        assert "Second go" in _html(client.get(self.url(example)))

    def test_each_address_has_its_own_shell(self, client):
        example = PublishedExampleFactory()
        for body in ("The older comment", "The newer comment"):
            _published_comment(example, body)
        client.force_login(UserFactory())
        newest = _html(client.get(self.url(example)))
        oldest = _html(client.get(self.url(example, "?comments=oldest")))

        assert newest.index("The newer comment") < newest.index("The older comment")
        assert oldest.index("The older comment") < oldest.index("The newer comment")

    def test_messages_waiting_are_shown_not_shared(self, client):
        example = PublishedExampleFactory()
        client.force_login(UserFactory())
        _html(client.get(self.url(example)))  # the shell, stored
        client.force_login(UserFactory())

        response = client.post(
            reverse("conversation:comment_create", kwargs={"pk": example.pk}),
            {"body": "Same here", "policy_accepted": "on"},
            follow=True,
        )

        assert "Thank you" in _html(response)
        assert "Thank you" not in _html(client.get(self.url(example)))

    def test_the_author_and_moderators_never_get_the_shell(self, client, moderator):
        example = PublishedExampleFactory()
        client.force_login(UserFactory())
        _html(client.get(self.url(example)))

        client.force_login(example.author)
        assert reverse("examples:withdraw", kwargs={"pk": example.pk}) in _html(
            client.get(self.url(example))
        )
        client.force_login(moderator)
        html = _html(client.get(self.url(example)))
        assert reverse("examples:moderation_review", kwargs={"pk": example.pk}) in html
        assert reverse("examples:moderation_queue") in html


def _moderator():
    return UserFactory(roles=[Role.MODERATOR])


def _published_comment(example, body):
    from exchange.conversation import services as conversation

    comment = conversation.comment_post(
        actor=UserFactory(), target=example, body=body, policy_accepted=True
    )
    conversation.comment_approve(actor=_moderator(), comment=comment)
    return comment


def _content(html):
    """The example's own content: what lies between the page heading and its discussion."""
    return html[html.index('<span class="govuk-caption-l">') : html.index('id="discussion"')]


# Attachments ---------------------------------------------------------------------------------


class TestAttachmentDownload:
    def attach(self, example, name="report.pdf", content=b"%PDF-1.4 test"):
        return Attachment.objects.create(
            example=example,
            file=ContentFile(content, name=name),
            original_name=name,
            content_type="application/pdf",
            size=len(content),
        )

    def url(self, attachment, example=None):
        return reverse(
            "examples:attachment_download",
            kwargs={"pk": (example or attachment.example).pk, "attachment_pk": attachment.pk},
        )

    def test_served_as_a_download_with_the_stored_type(self, client):
        attachment = self.attach(PublishedExampleFactory(), name="Our report.pdf")

        response = client.get(self.url(attachment))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "Our report.pdf" in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"

    def test_not_found_when_the_example_is_not_visible(self, client):
        attachment = self.attach(ExampleFactory())

        assert client.get(self.url(attachment)).status_code == 404
        client.force_login(UserFactory())
        assert client.get(self.url(attachment)).status_code == 404
        client.force_login(attachment.example.author)
        assert client.get(self.url(attachment)).status_code == 200

    def test_not_found_under_another_example(self, client):
        attachment = self.attach(PublishedExampleFactory())

        response = client.get(self.url(attachment, example=PublishedExampleFactory()))

        assert response.status_code == 404


# Campaigns -----------------------------------------------------------------------------------


class TestCampaigns:
    def test_list_groups_open_upcoming_and_closed(self, client):
        now = timezone.now()
        CampaignFactory(title="Open campaign")
        CampaignFactory(
            title="Future campaign",
            opens_at=now + dt.timedelta(days=3),
            closes_at=now + dt.timedelta(days=30),
        )
        CampaignFactory(
            title="Past campaign",
            opens_at=now - dt.timedelta(days=30),
            closes_at=now - dt.timedelta(days=3),
        )

        html = _html(client.get(reverse("examples:campaign_list")))

        open_at, soon_at, closed_at = (
            html.index("Open now"),
            html.index("Opening soon"),
            html.index("Closed"),
        )
        assert open_at < html.index("Open campaign") < soon_at
        assert soon_at < html.index("Future campaign") < closed_at
        assert closed_at < html.index("Past campaign")

    def test_list_without_campaigns(self, client):
        html = _html(client.get(reverse("examples:campaign_list")))

        assert "No campaigns are open" in html

    def test_open_campaign_has_a_start_button_and_its_examples(self, client, settings):
        settings.GALLERY_PAGE_SIZE = 2
        campaign = CampaignFactory(introduction="Tell us <b>everything</b>", pre_moderation=True)
        _published(3, campaign=campaign)
        PublishedExampleFactory(title="From elsewhere")
        ExampleFactory(campaign=campaign, title="Unpublished one")

        html = _html(client.get(campaign.get_absolute_url()))

        assert "Tell us &lt;b&gt;everything&lt;/b&gt;" in html
        assert "govuk-button--start" in html
        assert reverse("examples:create", kwargs={"slug": campaign.slug}) in html
        assert "A moderator checks each example before it is published." in html
        assert "3 published examples" in html
        assert "From elsewhere" not in html
        assert "Unpublished one" not in html
        assert 'class="govuk-pagination"' in html

    def test_closed_campaign_has_no_start_button(self, client):
        now = timezone.now()
        campaign = CampaignFactory(
            opens_at=now - dt.timedelta(days=30),
            closes_at=now - dt.timedelta(days=1),
            pre_moderation=False,
        )

        html = _html(client.get(campaign.get_absolute_url()))

        assert "govuk-button--start" not in html
        assert "Closed" in html
        assert "published straight away" in html

    def test_unknown_campaign_is_not_found(self, client):
        url = reverse("examples:campaign_detail", kwargs={"slug": "nope"})

        assert client.get(url).status_code == 404

    def test_query_counts_are_bounded(self, client, django_assert_max_num_queries):
        campaigns = [CampaignFactory() for _ in range(5)]
        _published(15, campaign=campaigns[0], tags=[TagFactory()])

        with django_assert_max_num_queries(1):
            _html(client.get(reverse("examples:campaign_list")))
        with django_assert_max_num_queries(4):  # campaign, count, page, tags
            _html(client.get(campaigns[0].get_absolute_url()))


# Home page -----------------------------------------------------------------------------------


def test_home_page_shows_featured_and_recent_examples(client, django_assert_max_num_queries):
    now = timezone.now()
    PublishedExampleFactory(title="Featured one", is_featured=True, featured_at=now)
    _published(10, tags=[TagFactory()])
    CampaignFactory(title="Open call")
    ExampleFactory(title="Draft one")

    with django_assert_max_num_queries(5):  # featured + tags, recent + tags, campaigns
        html = _html(client.get(reverse("core:home")))

    assert "Featured one" in html
    assert "Draft one" not in html
    assert "Open call" in html
