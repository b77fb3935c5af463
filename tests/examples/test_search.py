"""Search on both databases: matching, ranking (PostgreSQL), and snippets that are always escaped."""

import pytest
from django.db import connection

from exchange.examples.models import Example
from exchange.examples.search import (
    example_search_filter,
    example_search_index_update,
    example_snippets,
    highlight,
    search_words,
)
from tests.factories import CampaignFactory, ExampleFactory, PublishedExampleFactory, TagFactory

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search"
)


def _index():
    example_search_index_update(example_ids=Example.objects.values_list("pk", flat=True))


def _search(q):
    return set(example_search_filter(Example.objects.all(), q=q).values_list("title", flat=True))


def test_search_words_are_distinct_lower_case_words():
    assert search_words('Video  "clinics", video!') == ["video", "clinics"]
    assert search_words("!!! ---") == []


def test_highlight_escapes_user_text_and_marks_every_match():
    html = highlight("<script>alert('x')</script> Hotels & hotel rooms", ["hotel"])

    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>Hotel</mark>s &amp; <mark>hotel</mark> rooms" in html


def test_highlight_does_not_match_inside_html_entities():
    html = highlight("fish & chips", ["amp"])

    assert "<mark>" not in html
    assert "fish &amp; chips" in html


def test_highlight_shows_a_window_around_the_first_match():
    text = ("filler " * 100) + "the hotel rooms" + (" more" * 100)

    html = highlight(text, ["hotel"], length=80)

    assert html.startswith("… ")
    assert html.endswith(" …")
    assert "<mark>hotel</mark>" in html
    assert len(html) < 140


def test_highlight_closes_a_marker_typed_by_a_user():
    html = highlight("a \ue000 sneaky marker about hotels", ["hotels"])

    assert html.count("<mark>") == html.count("</mark>")


@pytest.mark.django_db
def test_every_word_must_match_somewhere():
    PublishedExampleFactory(title="Hotel rooms", summary="For rough sleepers", what_changed="x")
    PublishedExampleFactory(title="Hotel kitchens", summary="Meals", what_changed="y")
    _index()

    assert _search("hotel rough") == {"Hotel rooms"}
    assert _search("hotel") >= {"Hotel rooms", "Hotel kitchens"}
    assert _search("submarine") == set()


@pytest.mark.django_db
def test_search_finds_words_in_every_text_field_and_tags():
    housing = TagFactory(name="Homelessness", slug="homelessness")
    PublishedExampleFactory(title="A", enablers="A generous benefactor", tags=[housing])
    PublishedExampleFactory(title="B", evidence="Turnout doubled")
    PublishedExampleFactory(title="C", organisation="Riverside Council")
    _index()

    assert _search("benefactor") == {"A"}
    assert _search("homelessness") == {"A"}
    assert _search("turnout") == {"B"}
    assert _search("riverside") == {"C"}


@pytest.mark.django_db
def test_an_anonymous_examples_organisation_cannot_be_searched_for():
    PublishedExampleFactory(
        title="Hidden", organisation="Secretshire Council", show_as_anonymous=True
    )
    _index()

    assert _search("secretshire") == set()


@pytest.mark.django_db
def test_snippets_escape_user_html_and_mark_matches():
    example = PublishedExampleFactory(
        title="Hotels",
        summary="Rooms <b>booked</b> fast",
        what_changed="We booked <script>alert(1)</script> hotels for rough sleepers.",
    )
    _index()

    snippet = example_snippets(example_ids=[example.pk], q="hotels")[example.pk]

    assert "<script>" not in snippet
    assert "<b>" not in snippet
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in snippet
    assert "<mark>hotels</mark>" in snippet.lower()


@pytest.mark.django_db
def test_snippets_for_no_examples_or_no_query_are_empty():
    assert example_snippets(example_ids=[], q="hotels") == {}
    assert example_snippets(example_ids=[1], q="  ") == {}


@pytest.mark.django_db
def test_ranks_title_matches_above_body_matches():
    PublishedExampleFactory(title="Meals on wheels", what_changed="Volunteers cooked at the hotel")
    PublishedExampleFactory(title="Hotel rooms for rough sleepers", what_changed="Booked rooms")
    _index()

    ranked = list(
        example_search_filter(Example.objects.all(), q="hotel")
        .order_by("-rank")
        .values_list("title", flat=True)
    )

    assert ranked == ["Hotel rooms for rough sleepers", "Meals on wheels"]


@pytest.mark.django_db
def test_uses_web_search_syntax_and_stemming():
    PublishedExampleFactory(title="Video clinics", what_changed="Patients joined by video")
    PublishedExampleFactory(title="Video meetings", what_changed="Staff stopped travelling")
    _index()

    assert _search("video -clinics") == {"Video meetings"}
    assert _search('"video clinics"') == {"Video clinics"}
    assert _search("travel") == {"Video meetings"}  # stemmed: travelling


@pytest.mark.django_db
def test_search_vector_follows_tag_changes():
    example = PublishedExampleFactory(title="Untagged")
    _index()
    assert _search("lockdown") == set()

    example.tags.set([TagFactory(name="Lockdown", slug="lockdown")])
    _index()

    assert _search("lockdown") == {"Untagged"}


@pytest.mark.django_db
def test_drafts_are_searchable_only_through_their_queryset():
    """The search filter narrows whatever queryset it gets; publishing is checked by selectors."""
    ExampleFactory(title="Draft hotel")
    _index()

    assert _search("hotel") == {"Draft hotel"}


@pytest.mark.django_db
def _plain(**fields):
    """An example without the factory's default text (which mentions video)."""
    neutral = {"summary": "-", "what_changed": "-", "enablers": "-", "evidence": "-"}
    return PublishedExampleFactory(**{**neutral, **fields})


@pytest.mark.django_db
def test_plurals_and_hyphenated_words_match_on_both_databases():
    """SQLite's FTS5 table stems with Porter, as PostgreSQL's english config does."""
    _plain(title="Video clinics", what_changed="Patients joined by video")
    _plain(title="Testing sites", summary="Set up for COVID-19 in a week")
    _plain(title="Unrelated", summary="Allotments for staff")
    _index()

    assert _search("videos") == {"Video clinics"}
    assert _search("video") == {"Video clinics"}
    assert _search("covid") == {"Testing sites"}
    assert _search("COVID-19") == {"Testing sites"}
    assert _search("clinic") == {"Video clinics"}


@pytest.mark.django_db
def test_search_or_and_operator_characters_are_safe():
    _plain(title="Video clinics", what_changed="x")
    _plain(title="Hotel rooms", what_changed="y")
    _index()

    assert _search("video or hotel") == {"Video clinics", "Hotel rooms"}
    assert _search('video (* ^:"') == {"Video clinics"}  # FTS5 syntax is only text
    assert _search("video -clinics") == set()


@pytest.mark.django_db
def test_stemmed_snippets_mark_the_matching_word():
    example = _plain(
        title="Clinics", summary="Nothing here", what_changed="Patients joined by video calls."
    )
    _index()

    snippet = example_snippets(example_ids=[example.pk], q="videos")[example.pk]

    assert "<mark>video</mark>" in snippet.lower()


@pytest.mark.django_db
def test_the_campaign_title_is_searched():
    covid = CampaignFactory(title="Lessons from the COVID-19 emergency")
    _plain(title="Testing sites", campaign=covid)
    _plain(title="Allotments")
    _index()

    assert _search("covid") == {"Testing sites"}
