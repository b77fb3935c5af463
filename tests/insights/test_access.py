"""Who reaches a synthesis, its themes, questions and report, and what readers of a published
report see (issue 13: "Any facilitator reaches any synthesis", "Published reports change live")."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from exchange.core.models import AuditEntry
from exchange.insights import selectors, services
from exchange.insights.models import (
    Question,
    ReportVersion,
    RunStatus,
    Synthesis,
    SynthesisItem,
    Theme,
)
from exchange.insights.services import SynthesisError
from tests.factories import AdminFactory, FacilitatorFactory
from tests.insights.factories import synthesis_with_reflections
from tests.workshops.factories import WorkshopFactory, WorkshopSeriesFactory

pytestmark = pytest.mark.django_db


def _ready_synthesis(*, series=None, created_by=None, title="Owned synthesis") -> Synthesis:
    """A synthesis with two themes, texts and a question, written straight to the database."""
    synthesis = Synthesis.objects.create(
        title=title,
        slug=title.lower().replace(" ", "-"),
        sources={"series": [series.pk]} if series else {"examples": True},
        status=RunStatus.READY,
        created_by=created_by,
    )
    if series is not None:
        synthesis.series.add(series)
    for position, label in enumerate(("Shared rotas", "Video clinics")):
        theme = Theme.objects.create(synthesis=synthesis, label=label, size=2, position=position)
        for n in range(2):
            SynthesisItem.objects.create(
                synthesis=synthesis,
                source_kind="reflection",
                source_id=position * 10 + n,
                text=f"{label} worked ({n})",
                date=dt.date(2026, 5 + n, 1),
                theme=theme,
                is_quote=True,
            )
        Question.objects.create(theme=theme, text=f"What next for {label}?")
    return synthesis


@pytest.fixture
def owner():
    return FacilitatorFactory()


@pytest.fixture
def other():
    """A second facilitator, on a series of their own."""
    facilitator = FacilitatorFactory()
    WorkshopSeriesFactory(slug="the-others-series", facilitators=[facilitator])
    return facilitator


@pytest.fixture
def series(owner):
    return WorkshopSeriesFactory(slug="owners-series", title="Owner's series", facilitators=[owner])


@pytest.fixture
def synthesis(series, owner):
    return _ready_synthesis(series=series, created_by=owner)


def _urls(synthesis: Synthesis) -> dict[str, str]:
    theme = synthesis.themes.order_by("position").first()
    question = Question.objects.filter(theme=theme).first()
    question_urls = (
        {"question_delete": reverse("insights:question_delete", kwargs={"pk": question.pk})}
        if question
        else {}
    )
    return {
        **question_urls,
        "board": reverse("insights:board", kwargs={"pk": synthesis.pk}),
        "edit": reverse("insights:synthesis_edit", kwargs={"pk": synthesis.pk}),
        "run": reverse("insights:synthesis_run", kwargs={"pk": synthesis.pk}),
        "merge": reverse("insights:theme_merge", kwargs={"pk": synthesis.pk}),
        "publish": reverse("insights:synthesis_publish", kwargs={"pk": synthesis.pk}),
        "preview": reverse("insights:report_preview", kwargs={"pk": synthesis.pk}),
        "theme": reverse("insights:theme", kwargs={"pk": theme.pk}),
        "split": reverse("insights:theme_split", kwargs={"pk": theme.pk}),
        "quotes": reverse("insights:theme_quotes", kwargs={"pk": theme.pk}),
        "move": reverse("insights:theme_move", kwargs={"pk": theme.pk}),
        "question_add": reverse("insights:question_add", kwargs={"pk": theme.pk}),
        "report": reverse("insights:report", kwargs={"slug": synthesis.slug}),
        "pdf": reverse("insights:report_pdf", kwargs={"slug": synthesis.slug}),
        "csv": reverse("insights:report_data", kwargs={"slug": synthesis.slug, "fmt": "csv"}),
        "xlsx": reverse("insights:report_data", kwargs={"slug": synthesis.slug, "fmt": "xlsx"}),
    }


# Any facilitator reaches any synthesis ----------------------------------------------------------


@pytest.mark.parametrize(
    "page", ["board", "edit", "run", "theme", "preview", "report", "pdf", "csv", "xlsx"]
)
def test_second_facilitator_gets_404_for_another_synthesis_pages(client, synthesis, other, page):
    """Leak: a second facilitator opened another's synthesis, board, theme pages and draft report."""
    client.force_login(other)
    assert client.get(_urls(synthesis)[page]).status_code == 404


@pytest.mark.parametrize("page", ["board", "edit", "run", "theme", "preview", "report", "csv"])
def test_the_synthesis_team_and_administrators_open_it(client, synthesis, owner, page):
    for viewer in (owner, AdminFactory()):
        client.force_login(viewer)
        assert client.get(_urls(synthesis)[page]).status_code == 200, (viewer, page)


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("edit", {"title": "Taken over", "series": []}),
        ("run", {"mode": "full", "confirm": "yes"}),
        ("merge", {"themes": []}),
        ("publish", {"publish": "1"}),
        ("theme", {"label": "Renamed by someone else", "narrative": ""}),
        ("split", {"parts": "2"}),
        ("quotes", {"shown": [], "quotes": []}),
        ("move", {"shown": [], "to": ""}),
        ("question_add", {"text": "Planted question"}),
        ("question_delete", {}),
    ],
)
def test_second_facilitator_cannot_change_another_synthesis(client, synthesis, other, action, data):
    """Leak: a second facilitator edited, ran and published another's synthesis."""
    urls = _urls(synthesis)
    theme_ids = list(synthesis.themes.values_list("pk", flat=True))
    if action == "merge":
        data = {"themes": theme_ids}
    if action in ("quotes", "move"):
        item_ids = list(synthesis.items.filter(theme_id=theme_ids[0]).values_list("pk", flat=True))
        data = {"shown": item_ids, "quotes": [], "items": item_ids, "to": theme_ids[1]}
    before = AuditEntry.objects.count()
    client.force_login(other)

    response = client.post(urls[action], data)

    assert response.status_code == 404
    assert AuditEntry.objects.count() == before
    synthesis.refresh_from_db()
    assert synthesis.title == "Owned synthesis"
    assert synthesis.status == RunStatus.READY
    assert not synthesis.is_published
    assert sorted(synthesis.themes.values_list("label", flat=True)) == [
        "Shared rotas",
        "Video clinics",
    ]
    assert Question.objects.filter(theme__synthesis=synthesis).count() == 2
    assert synthesis.items.filter(is_quote=True).count() == 4


def test_services_check_the_actor_themselves(synthesis, other):
    theme = synthesis.themes.first()
    with pytest.raises(PermissionDenied):
        services.theme_update(actor=other, theme=theme, label="Mine now", narrative="")
    with pytest.raises(PermissionDenied):
        services.synthesis_publish(actor=other, synthesis=synthesis)
    with pytest.raises(PermissionDenied):
        services.question_delete(actor=other, question=Question.objects.first())
    with pytest.raises(PermissionDenied):
        services.synthesis_run_request(actor=other, synthesis=synthesis, mode="full")
    assert not ReportVersion.objects.exists()


def test_the_list_shows_only_the_viewers_syntheses(client, synthesis, other):
    theirs = _ready_synthesis(created_by=other, title="Their own synthesis")
    client.force_login(other)
    html = client.get(reverse("insights:manage_list")).content.decode()
    assert "Their own synthesis" in html
    assert "Owned synthesis" not in html

    client.force_login(AdminFactory())
    html = client.get(reverse("insights:manage_list")).content.decode()
    assert "Their own synthesis" in html
    assert "Owned synthesis" in html
    assert theirs.pk != synthesis.pk


def test_a_synthesis_reading_no_series_belongs_to_its_creator(owner, other):
    mine = _ready_synthesis(created_by=owner, title="Examples only")
    assert list(selectors.synthesis_list_for_viewer(viewer=owner)) == [mine]
    assert not selectors.synthesis_list_for_viewer(viewer=other).exists()


def test_everyone_on_the_series_team_shares_its_syntheses(synthesis, series, other):
    assert not selectors.synthesis_list_for_viewer(viewer=other).exists()
    series.facilitators.add(other)
    assert selectors.synthesis_get_for_viewer(viewer=other, pk=synthesis.pk) == synthesis
    series.facilitators.remove(synthesis.created_by)
    assert not selectors.synthesis_list_for_viewer(viewer=synthesis.created_by).exists()


def test_a_synthesis_of_two_series_needs_both_teams(synthesis, owner, other):
    """It holds both series' reflections: being on one of the teams is not enough."""
    theirs = other.facilitated_series.get()
    synthesis.series.add(theirs)
    assert not selectors.synthesis_list_for_viewer(viewer=owner).exists()
    assert not selectors.synthesis_list_for_viewer(viewer=other).exists()
    theirs.facilitators.add(owner)
    assert selectors.synthesis_list_for_viewer(viewer=owner).get() == synthesis


def test_the_source_form_offers_only_the_actors_series(client, series, other):
    client.force_login(other)
    WorkshopFactory(series=series, title="Owner's workshop")
    html = client.get(reverse("insights:synthesis_create")).content.decode()
    assert "Owner&#x27;s series" not in html
    assert "Owner's series" not in html
    assert "Owner&#x27;s workshop" not in html
    assert "Owner's workshop" not in html


@pytest.mark.parametrize("field", ["series", "workshops"])
def test_cannot_create_a_synthesis_over_a_series_one_does_not_facilitate(
    client, series, other, field
):
    """Leak: a second facilitator created a synthesis over a series whose pages give them 403."""
    workshop = WorkshopFactory(series=series)
    chosen = series.pk if field == "series" else workshop.pk
    client.force_login(other)

    response = client.post(
        reverse("insights:synthesis_create"), {"title": "Borrowed", field: [chosen]}
    )

    assert response.status_code == 400
    assert not Synthesis.objects.exists()
    with pytest.raises(SynthesisError):
        services.synthesis_create(actor=other, title="Borrowed", sources={field: [chosen]})
    with pytest.raises(SynthesisError):
        services.synthesis_create(actor=other, title="Not yet", sources={"series": [987654]})
    assert not Synthesis.objects.exists()


def test_cannot_add_another_series_to_ones_own_synthesis(owner, other, series):
    theirs = _ready_synthesis(created_by=other, title="Their own synthesis")
    with pytest.raises(SynthesisError):
        services.synthesis_update(
            actor=other,
            synthesis=theirs,
            title="Their own synthesis",
            introduction="",
            method_note="",
            people_count=None,
            sources={"series": [series.pk]},
        )
    assert not theirs.series.exists()


def test_create_records_the_series_it_reads(owner, series):
    workshop = WorkshopFactory(series=series)
    synthesis = services.synthesis_create(
        actor=owner, title="By workshop", sources={"workshops": [workshop.pk]}
    )
    assert list(synthesis.series.all()) == [series]


# Published reports change live ------------------------------------------------------------------


def _report_texts(client, synthesis: Synthesis) -> tuple[str, str, str, str]:
    urls = _urls(synthesis)
    page = client.get(urls["report"]).content.decode()
    pdf = client.get(urls["pdf"]).content
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    data = client.get(urls["csv"]).content.decode("utf-8-sig")
    book = load_workbook(io.BytesIO(client.get(urls["xlsx"]).content))
    cells = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row)
    return page, pdf_text, data, cells


def test_edits_reach_readers_only_when_published(client):
    """Leak: renaming or splitting a theme of a published synthesis changed the public report,
    its PDF and its data at once."""
    owner = FacilitatorFactory()
    synthesis = synthesis_with_reflections(owner)
    theme = synthesis.themes.order_by("-size").first()
    services.theme_update(actor=owner, theme=theme, label="Keeping the shared rota", narrative="")
    services.synthesis_publish(actor=owner, synthesis=synthesis)
    labels_before = set(synthesis.themes.values_list("label", flat=True))

    services.theme_update(
        actor=owner, theme=theme, label="Half-finished working title", narrative="Draft words"
    )
    parts = services.theme_split(actor=owner, theme=theme, parts=2)
    new_labels = {t.label for t in parts[1:]} - labels_before

    for text in _report_texts(client, synthesis):
        assert "Keeping the shared rota" in text
        assert "Half-finished working title" not in text
        assert "Draft words" not in text
        for label in new_labels:
            assert label not in text
    rows = list(csv.reader(io.StringIO(_report_texts(client, synthesis)[2])))
    assert {row[0] for row in rows[1:]} <= labels_before

    client.force_login(owner)
    board = client.get(_urls(synthesis)["board"]).content.decode()
    assert "Unpublished changes" in board
    assert "Theme renamed: “Keeping the shared rota” is now “Half-finished working title”" in board
    assert "Theme added" in board
    assert "Publish changes" in board
    preview = client.get(_urls(synthesis)["preview"]).content.decode()
    assert "Half-finished working title" in preview

    response = client.post(_urls(synthesis)["publish"], {"publish": "1"})
    assert response.status_code == 302
    client.logout()

    page, pdf_text, data, cells = _report_texts(client, synthesis)
    for text in (page, pdf_text, data, cells):
        assert "Half-finished working title" in text
        assert "Keeping the shared rota" not in text
    assert "Last updated" in page
    assert synthesis.versions.count() == 2
    client.force_login(owner)
    board = client.get(_urls(synthesis)["board"]).content.decode()
    assert "No unpublished changes" in board


def test_report_shows_when_it_was_published_and_updated(client, synthesis, owner):
    with time_travel(dt.datetime(2026, 12, 4, 10, tzinfo=dt.UTC)):
        services.synthesis_publish(actor=owner, synthesis=synthesis)
    theme = synthesis.themes.first()
    services.theme_update(actor=owner, theme=theme, label="Rotas that stick", narrative="")
    with time_travel(dt.datetime(2026, 12, 9, 10, tzinfo=dt.UTC)):
        services.synthesis_publish(actor=owner, synthesis=synthesis)

    html = client.get(_urls(synthesis)["report"]).content.decode()

    assert "Published 4 December 2026" in html
    assert "Last updated 9 December 2026" in html
    assert "Rotas that stick" in html


def test_publishing_with_nothing_changed_adds_no_version(synthesis, owner):
    first = services.synthesis_publish(actor=owner, synthesis=synthesis)
    again = services.synthesis_publish(actor=owner, synthesis=synthesis)
    assert first.pk == again.pk
    assert selectors.report_changes(synthesis=synthesis) == []
    assert AuditEntry.objects.filter(action="synthesis.publish").count() == 2


def test_the_list_of_reports_shows_the_published_title(client, synthesis, owner):
    services.synthesis_publish(actor=owner, synthesis=synthesis)
    services.synthesis_update(
        actor=owner,
        synthesis=synthesis,
        title="Not ready to be seen",
        introduction="Draft introduction",
        method_note="",
        people_count=None,
    )
    html = client.get(reverse("insights:report_list")).content.decode()
    assert "Owned synthesis" in html
    assert "Not ready to be seen" not in html
    assert "Draft introduction" not in html


def test_comments_stay_on_the_report_across_versions(client, synthesis, owner):
    from tests.conversation.factories import PolicyAcceptanceFactory

    services.synthesis_publish(actor=owner, synthesis=synthesis)
    reader = FacilitatorFactory()
    PolicyAcceptanceFactory(user=reader)
    client.force_login(reader)
    comment_url = reverse("insights:report_comment", kwargs={"slug": synthesis.slug})
    response = client.post(comment_url, {"body": "Thank you for this report"})
    assert response.status_code == 302
    services.theme_update(
        actor=owner, theme=synthesis.themes.first(), label="Rotas that stick", narrative=""
    )
    services.synthesis_publish(actor=owner, synthesis=synthesis)
    assert "Thank you for this report" in client.get(_urls(synthesis)["report"]).content.decode()


def test_migration_gives_existing_syntheses_their_series_and_a_publication(series, owner):
    """The data migration: series from `sources`, a first version for published reports."""
    workshop = WorkshopFactory(series=series)
    synthesis = _ready_synthesis(created_by=owner, title="Older synthesis")
    Synthesis.objects.filter(pk=synthesis.pk).update(
        sources={"workshops": [workshop.pk]}, is_published=True, published_at=timezone.now()
    )
    migration = importlib.import_module(
        "exchange.insights.migrations.0002_synthesis_team_and_report_versions"
    )

    migration.forwards(apps, None)

    assert list(synthesis.series.all()) == [series]
    version = ReportVersion.objects.get(synthesis=synthesis)
    assert [t["label"] for t in version.document["themes"]] == ["Shared rotas", "Video clinics"]
    assert len(version.rows) == 4


def time_travel(moment: dt.datetime):
    import time_machine

    return time_machine.travel(moment, tick=False)


def test_a_facilitator_cannot_read_every_events_suggestions(owner):
    """Suggestions after events were readable by any facilitator, from every event."""
    with pytest.raises(SynthesisError) as error:
        services.synthesis_create(
            actor=owner, title="Every suggestion", sources={"improvements": True}
        )

    assert error.value.field == "improvements"
    assert not Synthesis.objects.exists()


def test_suggestions_come_from_the_events_of_the_series_workshops(owner):
    from exchange.events.models import Improvement
    from exchange.insights.sources import source_texts
    from tests.events.factories import SessionFactory

    series = WorkshopSeriesFactory(facilitators=[owner])
    ours, theirs = SessionFactory(), SessionFactory()
    WorkshopFactory(series=series, session=ours)
    kept = Improvement.objects.create(session=ours, text="Start the day with a huddle")
    Improvement.objects.create(session=theirs, text="Another event's private suggestion")

    texts = list(
        source_texts({"series": [series.pk], "improvements": True}, series_ids=[series.pk])
    )

    assert [(t.kind, t.source_id) for t in texts if t.kind == "improvement"] == [
        ("improvement", kept.pk)
    ]


def test_an_administrator_may_read_every_events_suggestions():
    synthesis = services.synthesis_create(
        actor=AdminFactory(), title="Every suggestion", sources={"improvements": True}
    )

    assert synthesis.sources["improvements"] is True
