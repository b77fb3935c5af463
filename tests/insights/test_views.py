import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from exchange.conversation.models import Comment
from exchange.core.models import AuditEntry
from exchange.insights import services
from exchange.insights.models import RunStatus, Synthesis
from exchange.workshops.models import Reflection
from tests.conversation.factories import PolicyAcceptanceFactory
from tests.factories import FacilitatorFactory, UserFactory
from tests.insights.factories import (
    resource_create,
    series_create,
    synthesis_with_reflections,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilitator():
    return FacilitatorFactory()


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


@pytest.fixture
def synthesis(facilitator):
    return synthesis_with_reflections(facilitator)


@pytest.fixture
def published(facilitator, synthesis):
    theme = synthesis.themes.first()
    services.theme_update(
        actor=facilitator,
        theme=theme,
        label="Keeping the shared rota",
        narrative="People liked it.",
    )
    services.question_add(actor=facilitator, theme=theme, text="How do we keep the rota fair?")
    services.synthesis_publish(actor=facilitator, synthesis=synthesis)
    return synthesis


def _board(synthesis):
    return reverse("insights:board", kwargs={"pk": synthesis.pk})


def test_create_form_keeps_input_and_explains_missing_sources(facilitator_client):
    response = facilitator_client.post(reverse("insights:synthesis_create"), {"title": "Summer"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Choose at least one source of texts" in html
    assert 'value="Summer"' in html
    assert not Synthesis.objects.exists()


def test_create_then_run_from_the_board(
    facilitator, facilitator_client, django_capture_on_commit_callbacks
):
    series = series_create()
    series.facilitators.add(facilitator)
    response = facilitator_client.post(
        reverse("insights:synthesis_create"), {"title": "Summer", "series": [series.pk]}
    )
    synthesis = Synthesis.objects.get()
    assert response.status_code == 302
    assert response.url == _board(synthesis)
    assert synthesis.sources["series"] == [series.pk]

    with django_capture_on_commit_callbacks(execute=True):
        response = facilitator_client.post(
            reverse("insights:synthesis_run", kwargs={"pk": synthesis.pk}), {"mode": "full"}
        )

    synthesis.refresh_from_db()
    # The series has no reflections yet: the run fails and says why.
    assert synthesis.status == RunStatus.FAILED
    html = facilitator_client.get(_board(synthesis)).content.decode()
    assert "The synthesis did not finish" in html
    assert "The sources you chose hold no texts yet" in html
    assert "Try again" in html


def test_board_reloads_itself_while_running(facilitator_client, synthesis):
    Synthesis.objects.filter(pk=synthesis.pk).update(
        status=RunStatus.RUNNING, progress=45, progress_message="Grouping texts into themes"
    )

    html = facilitator_client.get(_board(synthesis)).content.decode()

    assert '<meta http-equiv="refresh" content="3">' in html
    assert "Grouping texts into themes (45%)" in html
    assert 'value="45"' in html


def test_board_shows_themes_with_sparklines_and_query_count_is_pinned(
    facilitator_client, synthesis, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = facilitator_client.get(_board(synthesis))

    html = response.content.decode()
    assert response.status_code == 200
    assert "refresh" not in html.split("</head>")[0]
    for theme in synthesis.themes.all():
        assert theme.label in html
    assert html.count('class="efc-sparkline"') == synthesis.themes.count()
    assert 'role="img"' in html
    assert '<title id="prevalence-chart-title">' in html


def test_full_rerun_asks_for_confirmation(
    facilitator_client, synthesis, django_capture_on_commit_callbacks
):
    url = reverse("insights:synthesis_run", kwargs={"pk": synthesis.pk})
    theme = synthesis.themes.first()
    services.theme_update(actor=synthesis.created_by, theme=theme, label="Mine", narrative="")

    response = facilitator_client.post(url, {"mode": "full"})
    assert response.status_code == 200
    assert "Re-run from scratch?" in response.content.decode()
    assert synthesis.themes.filter(label="Mine").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = facilitator_client.post(url, {"mode": "full", "confirm": "yes"})
    assert response.status_code == 302
    assert not synthesis.themes.filter(label="Mine").exists()


def test_add_new_items_from_the_board(
    facilitator_client, synthesis, django_capture_on_commit_callbacks
):
    prompt = Reflection.objects.first().prompt
    Reflection.objects.create(prompt=prompt, text="The shared rota let us swap shifts easily")

    with django_capture_on_commit_callbacks(execute=True):
        facilitator_client.post(
            reverse("insights:synthesis_run", kwargs={"pk": synthesis.pk}), {"mode": "incremental"}
        )

    assert synthesis.items.count() == 81


def test_merge_two_themes(facilitator_client, synthesis):
    first, second = list(synthesis.themes.all())[:2]

    response = facilitator_client.post(
        reverse("insights:theme_merge", kwargs={"pk": synthesis.pk}),
        {"themes": [first.pk, second.pk]},
    )

    assert response.status_code == 302
    assert synthesis.themes.filter(pk__in=[first.pk, second.pk]).count() == 1


def test_merge_needs_two(facilitator_client, synthesis):
    count = synthesis.themes.count()
    response = facilitator_client.post(
        reverse("insights:theme_merge", kwargs={"pk": synthesis.pk}),
        {"themes": [synthesis.themes.first().pk]},
        follow=True,
    )
    assert "Choose at least two themes to merge" in response.content.decode()
    assert synthesis.themes.count() == count


def test_theme_page_edit_label_errors_and_success(
    facilitator_client, synthesis, django_assert_max_num_queries
):
    theme = synthesis.themes.first()
    url = reverse("insights:theme", kwargs={"pk": theme.pk})
    with django_assert_max_num_queries(12):
        assert facilitator_client.get(url).status_code == 200

    response = facilitator_client.post(url, {"label": "", "narrative": "Kept text"})
    assert response.status_code == 400
    assert "Kept text" in response.content.decode()

    response = facilitator_client.post(
        url, {"label": "Flexible rotas", "narrative": "What we heard"}
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert (theme.label, theme.narrative) == ("Flexible rotas", "What we heard")
    assert AuditEntry.objects.filter(action="theme.update", target_id=str(theme.pk)).exists()


def test_question_add_and_remove(facilitator_client, synthesis):
    theme = synthesis.themes.first()
    response = facilitator_client.post(
        reverse("insights:question_add", kwargs={"pk": theme.pk}), {"text": ""}
    )
    assert response.status_code == 400
    facilitator_client.post(
        reverse("insights:question_add", kwargs={"pk": theme.pk}), {"text": "What next?"}
    )
    question = theme.questions.get()
    facilitator_client.post(reverse("insights:question_delete", kwargs={"pk": question.pk}))
    assert not theme.questions.exists()


def test_move_without_choosing_explains(facilitator_client, synthesis):
    theme, other = list(synthesis.themes.all())[:2]
    shown = list(theme.items.values_list("pk", flat=True)[:5])
    response = facilitator_client.post(
        reverse("insights:theme_move", kwargs={"pk": theme.pk}), {"shown": shown, "to": other.pk}
    )
    assert response.status_code == 400
    assert "Choose the texts to move" in response.content.decode()

    response = facilitator_client.post(
        reverse("insights:theme_move", kwargs={"pk": theme.pk}),
        {"shown": shown, "items": shown[:2], "to": other.pk},
    )
    assert response.status_code == 302
    assert other.items.filter(pk__in=shown[:2]).count() == 2


def test_quotes_saved_from_the_theme_page(facilitator_client, synthesis):
    theme = synthesis.themes.first()
    shown = list(theme.items.values_list("pk", flat=True)[:4])
    facilitator_client.post(
        reverse("insights:theme_quotes", kwargs={"pk": theme.pk}),
        {"shown": shown, "quotes": [shown[1]], "back": "https://elsewhere.example/"},
    )
    assert set(theme.items.filter(pk__in=shown, is_quote=True).values_list("pk", flat=True)) == {
        shown[1]
    }


def test_split_from_the_theme_page(facilitator_client, synthesis):
    theme = synthesis.themes.order_by("-size").first()
    count = synthesis.themes.count()
    response = facilitator_client.post(
        reverse("insights:theme_split", kwargs={"pk": theme.pk}), {"parts": 2}
    )
    assert response.status_code == 302
    assert synthesis.themes.count() == count + 1


def test_unpublished_report_is_hidden_from_participants_and_visitors(client, synthesis):
    url = reverse("insights:report", kwargs={"slug": synthesis.slug})
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("insights:report_pdf", kwargs={"slug": synthesis.slug})).status_code
        == 404
    )
    assert client.get(reverse("insights:report_list")).content.decode().count(synthesis.title) == 0


def test_published_report_for_visitors(client, published, django_assert_max_num_queries):
    resource_create(series=published_series(published))
    url = reverse("insights:report", kwargs={"slug": published.slug})

    with django_assert_max_num_queries(12):
        response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Keeping the shared rota" in html
    assert "People liked it." in html
    assert "How do we keep the rota fair?" in html
    assert "They shared 80 reflections." in html
    assert "Workshop facilitation guide" in html
    assert "How we did this" in html
    assert "Sign in to comment" in html
    assert published.title in client.get(reverse("insights:report_list")).content.decode()


def published_series(synthesis):
    from exchange.workshops.models import WorkshopSeries

    return WorkshopSeries.objects.get(pk=synthesis.sources["series"][0])


def test_hidden_reflections_never_reach_the_report(
    client, facilitator, django_capture_on_commit_callbacks
):
    synthesis = synthesis_with_reflections(facilitator, run=False)
    secret = Reflection.objects.first()
    Reflection.objects.filter(pk=secret.pk).update(is_hidden=True, text="A hidden remark about Zed")
    with django_capture_on_commit_callbacks(execute=True):
        services.synthesis_run_request(actor=facilitator, synthesis=synthesis, mode="full")
    synthesis.refresh_from_db()
    services.synthesis_publish(actor=facilitator, synthesis=synthesis)

    csv_text = client.get(
        reverse("insights:report_data", kwargs={"slug": synthesis.slug, "fmt": "csv"})
    ).content.decode("utf-8-sig")
    assert "hidden remark" not in csv_text
    assert not synthesis.items.filter(source_id=secret.pk).exists()


def test_pdf_holds_the_theme_labels(client, published):
    response = client.get(reverse("insights:report_pdf", kwargs={"slug": published.slug}))

    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for theme in published.themes.all():
        assert theme.label in " ".join(text.split())


def test_data_downloads(client, published):
    response = client.get(
        reverse("insights:report_data", kwargs={"slug": published.slug, "fmt": "csv"})
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["theme", "text", "date", "group", "source", "sentiment", "weak_fit", "quote"]
    assert len(rows) == 81

    response = client.get(
        reverse("insights:report_data", kwargs={"slug": published.slug, "fmt": "xlsx"})
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Themes", "Texts"]
    assert book["Texts"].max_row == 81
    labels = {row[0].value for row in book["Themes"].iter_rows(min_row=2)}
    assert "Keeping the shared rota" in labels

    assert (
        client.get(
            reverse("insights:report_data", kwargs={"slug": published.slug, "fmt": "json"})
        ).status_code
        == 404
    )


def test_comment_on_a_published_report(client, published):
    author = UserFactory()
    PolicyAcceptanceFactory(user=author)
    client.force_login(author)
    url = reverse("insights:report_comment", kwargs={"slug": published.slug})
    assert client.get(url).status_code == 200

    response = client.post(url, {"body": "This matches what we saw in our trust."})

    assert response.status_code == 302
    assert response.url.startswith(published.get_absolute_url())
    comment = Comment.objects.get()
    assert comment.discussion.object_id == published.pk
    report = client.get(published.get_absolute_url()).content.decode()
    assert f'action="{url}"' in report


def test_no_comments_on_an_unpublished_report(client, synthesis):
    client.force_login(UserFactory())
    url = reverse("insights:report_comment", kwargs={"slug": synthesis.slug})
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "Hello"}).status_code == 404


def test_reply_to_a_comment_on_a_report(client, published):
    from django.contrib.contenttypes.models import ContentType

    from exchange.conversation.models import CommentState, Discussion
    from tests.conversation.factories import CommentFactory

    discussion = Discussion.objects.create(
        content_type=ContentType.objects.get_for_model(published), object_id=published.pk
    )
    comment = CommentFactory(discussion=discussion, state=CommentState.VISIBLE)
    reader = UserFactory()
    PolicyAcceptanceFactory(user=reader)
    client.force_login(reader)
    url = reverse("conversation:comment_reply", kwargs={"pk": comment.pk})

    response = client.post(url, {"body": "We saw the same."})

    assert response.status_code == 302
    assert response.url.startswith(published.get_absolute_url())
    assert comment.replies.count() == 1
    services.synthesis_unpublish(actor=published.created_by, synthesis=published)
    assert client.get(url).status_code == 404
