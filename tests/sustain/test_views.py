"""The check-in form, adoptions, contacts, the at-risk dashboard and the gallery's status."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from exchange.sustain.forms import upload_token_make
from exchange.sustain.models import (
    Adoption,
    CheckInAnswer,
    CheckInState,
    ExampleContact,
    Measure,
    MeasureValue,
)
from exchange.sustain.services import checkins_close_unanswered
from tests.factories import (
    ExampleFactory,
    ModeratorFactory,
    OrganiserFactory,
    PublishedExampleFactory,
    UserFactory,
)
from tests.sustain.factories import (
    SHIFTED,
    STEADY,
    AdoptionFactory,
    ContactFactory,
    MeasureFactory,
    answered,
    csv_bytes,
    measure_with_values,
    sent_check_in,
    weekly,
)

pytestmark = pytest.mark.django_db

TOKEN = "a-test-token"


def _html(response) -> str:
    return response.content.decode()


def answer_url(example, token=TOKEN):
    return reverse("sustain:checkin_answer", kwargs={"pk": example.pk, "token": token})


# The check-in form --------------------------------------------------------------------------


def test_the_form_needs_no_sign_in_and_is_never_cached(client):
    example = PublishedExampleFactory(title="Video clinics")
    sent_check_in(example, months=6)

    response = client.get(answer_url(example))

    html = _html(response)
    assert response.status_code == 200
    assert "Video clinics" in html
    assert "6 months ago" in html
    assert 'value="spread"' in html
    assert 'value="stopped"' in html
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"


def test_answering_adapted_shows_on_the_example_timeline(client):
    example = PublishedExampleFactory()
    sent_check_in(example, months=6)

    response = client.post(
        answer_url(example), {"status": "adapted", "helped": "A weekly huddle", "at_risk": "no"}
    )

    assert response.status_code == 302
    assert response.url == reverse("sustain:checkin_thanks", kwargs={"pk": example.pk})
    assert "Thank you" in _html(client.get(response.url))
    page = _html(client.get(example.get_absolute_url()))
    assert "Still in place at 6 months — adapted" in page
    assert "A weekly huddle" in page


def test_a_missing_answer_is_explained_and_the_input_kept(client):
    example = PublishedExampleFactory()
    sent_check_in(example)

    response = client.post(
        answer_url(example), {"helped": "Kept words", "at_risk": "yes", "risk_note": ""}
    )

    html = _html(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Select how the change is going" in html
    assert "Enter what could make it revert" in html
    assert "Kept words" in html
    assert not CheckInAnswer.objects.exists()


def test_the_answer_can_bring_new_measure_values(client):
    example = PublishedExampleFactory()
    measure = measure_with_values([10, 12, 11], example=example, name="Days to approval")
    other = measure_with_values([3, 4], example=example, name="Complaints")
    sent_check_in(example)

    form_html = _html(client.get(answer_url(example)))
    assert "New measure values (optional)" in form_html
    assert "Days to approval" in form_html
    response = client.post(
        answer_url(example),
        {
            "status": "retained",
            "at_risk": "no",
            f"measures-date_{measure.pk}": "2026-06-01",
            f"measures-value_{measure.pk}": "9.5",
            f"measures-date_{other.pk}": "2026-06-01",
            f"measures-value_{other.pk}": "",  # left empty: adds nothing
        },
    )

    assert response.status_code == 302
    assert measure.values.filter(date=dt.date(2026, 6, 1), value=Decimal("9.5")).exists()
    assert other.values.count() == 2
    assert CheckInAnswer.objects.get().status == "retained"


@pytest.mark.parametrize(
    ("date", "value", "message"),
    [
        ("2026-06-01", "lots", "is not a number"),
        ("next week", "7", "is not a date"),
        # The measure already has a value on its first date (START of the factory's weeks).
        ("2025-01-06", "7", "already"),
    ],
)
def test_a_bad_measure_value_keeps_the_input_and_writes_nothing(client, date, value, message):
    example = PublishedExampleFactory()
    measure = measure_with_values([10, 12, 11], example=example)
    sent_check_in(example)

    response = client.post(
        answer_url(example),
        {
            "status": "adapted",
            "helped": "Typed words",
            "at_risk": "no",
            f"measures-date_{measure.pk}": date,
            f"measures-value_{measure.pk}": value,
        },
    )

    html = _html(response)
    assert response.status_code == 200
    assert message in html
    assert "govuk-error-summary" in html
    assert "Typed words" in html
    assert f'value="{value}"' in html
    assert not CheckInAnswer.objects.exists()
    assert measure.values.count() == 3


def test_a_reused_link_gets_a_clear_410_page(client):
    example = PublishedExampleFactory()
    sent_check_in(example)
    client.post(answer_url(example), {"status": "retained", "at_risk": "no"})

    for response in (
        client.get(answer_url(example)),
        client.post(answer_url(example), {"status": "reverted", "at_risk": "no"}),
    ):
        assert response.status_code == 410
        assert "already been answered" in _html(response)
    assert list(CheckInAnswer.objects.values_list("status", flat=True)) == ["retained"]


def test_an_expired_link_gets_a_clear_410_page(client):
    example = PublishedExampleFactory()
    sent_check_in(example)
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        checkins_close_unanswered()
        response = client.post(answer_url(example), {"status": "retained", "at_risk": "no"})

    assert response.status_code == 410
    assert "expired" in _html(response)
    assert not CheckInAnswer.objects.exists()


@pytest.mark.parametrize("case", ["tampered", "other_example"])
def test_a_tampered_link_or_one_for_another_example_is_a_clear_404(client, case):
    example = PublishedExampleFactory()
    sent_check_in(example)
    url = (
        answer_url(example, TOKEN + "x")
        if case == "tampered"
        else answer_url(PublishedExampleFactory())
    )

    response = client.post(url, {"status": "retained", "at_risk": "no"})

    assert response.status_code == 404
    assert "not valid" in _html(response)
    assert not CheckInAnswer.objects.exists()
    assert example.check_ins.get().state == CheckInState.SENT


# The example page and the gallery -------------------------------------------------------------


def test_the_timeline_lists_every_milestone_in_order(client):
    example = PublishedExampleFactory()
    answered(example, months=3, status="retained")
    answered(example, months=6, status="reverted", hindered="Funding ended")

    html = _html(client.get(example.get_absolute_url()))

    assert html.index("Still in place at 3 months") < html.index("Reverted at 6 months")
    assert "Funding ended" in html


def test_the_gallery_shows_badges_and_adoption_counts_and_filters_by_status(
    client, django_assert_max_num_queries
):
    kept = PublishedExampleFactory(title="Kept going")
    lost = PublishedExampleFactory(title="Went back")
    PublishedExampleFactory(title="Not asked yet")
    answered(kept, months=3, status="scaled")
    answered(lost, months=3, status="reverted")
    AdoptionFactory(example=kept)
    AdoptionFactory(example=kept)
    from exchange.sustain.models import ExampleSustainSummary

    ExampleSustainSummary.objects.filter(example=kept).update(adoption_count=2)
    gallery = reverse("examples:gallery")

    with django_assert_max_num_queries(4):  # campaigns, count, page (summaries joined), tags
        html = _html(client.get(gallery))
    assert "Still in place at 3 months — scaled up" in html
    assert "Reverted at 3 months" in html
    assert "Adopted by 2 organisations" in html

    html = _html(client.get(gallery, {"sustain_status": "reverted"}))
    assert "Went back" in html
    assert "Kept going" not in html
    assert "Not asked yet" not in html

    html = _html(client.get(gallery, {"sustain_status": "nonsense"}))
    assert "Choose a check-in answer from the list" in html


# Adoptions ------------------------------------------------------------------------------------


def test_we_adopted_this_lists_the_organisation_on_the_example(participant_client, participant):
    example = PublishedExampleFactory()
    url = reverse("sustain:adopt", kwargs={"pk": example.pk})
    assert participant_client.get(url).status_code == 200

    response = participant_client.post(
        url,
        {
            "organisation": "South Council",
            "adopted_on_0": "3",
            "adopted_on_1": "2",
            "adopted_on_2": "2026",
            "how_adapted": "Only for planning applications",
        },
    )

    assert response.status_code == 302
    adoption = Adoption.objects.get()
    assert (adoption.user, adoption.adopted_on) == (participant, dt.date(2026, 2, 3))
    page = _html(participant_client.get(example.get_absolute_url()))
    assert "South Council" in page
    assert "Only for planning applications" in page
    adopters = _html(participant_client.get(reverse("sustain:adopters", kwargs={"pk": example.pk})))
    assert "South Council" in adopters


def test_a_bad_adoption_is_explained_and_the_input_kept(participant_client):
    example = PublishedExampleFactory()
    response = participant_client.post(
        reverse("sustain:adopt", kwargs={"pk": example.pk}),
        {
            "organisation": "East Board",
            "adopted_on_0": "31",
            "adopted_on_1": "2",
            "adopted_on_2": "2026",
            "how_adapted": "",
        },
    )

    html = _html(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Enter how you adapted it" in html
    assert 'value="East Board"' in html
    assert not Adoption.objects.exists()


def test_the_adopters_page_is_paginated(client, settings):
    settings.SUSTAIN_PAGE_SIZE = 2
    example = PublishedExampleFactory()
    for _ in range(5):
        AdoptionFactory(example=example)

    html = _html(client.get(reverse("sustain:adopters", kwargs={"pk": example.pk})))

    assert html.count('<h2 class="govuk-summary-card__title">') == 2
    assert "govuk-pagination" in html


# Contacts -------------------------------------------------------------------------------------


def test_the_author_adds_and_removes_contacts_without_showing_addresses(client):
    example = PublishedExampleFactory()
    client.force_login(example.author)
    url = reverse("sustain:contacts", kwargs={"pk": example.pk})

    response = client.post(url, {"name": "Priya", "email": "priya@example.org"})
    assert response.status_code == 302
    html = _html(client.get(url))
    assert "Priya" in html
    assert "priya@example.org" not in html

    again = client.post(url, {"name": "Priya", "email": "priya@example.org"})
    assert "already a contact" in _html(again)
    bad = client.post(url, {"name": "", "email": "not-an-address"})
    assert "Enter the contact&#x27;s name" in _html(bad) or "Enter the contact's name" in _html(bad)

    contact = ExampleContact.objects.get()
    response = client.post(
        reverse("sustain:contact_remove", kwargs={"pk": example.pk, "contact_pk": contact.pk})
    )
    assert response.status_code == 302
    assert not ExampleContact.objects.exists()


def test_nobody_else_removes_a_contact(participant_client):
    contact = ContactFactory()
    response = participant_client.post(
        reverse(
            "sustain:contact_remove", kwargs={"pk": contact.example_id, "contact_pk": contact.pk}
        )
    )
    assert response.status_code == 404
    assert ExampleContact.objects.exists()


# At-risk dashboard ----------------------------------------------------------------------------


@pytest.mark.parametrize("factory", [ModeratorFactory, OrganiserFactory])
def test_the_dashboard_lists_reverted_silent_and_risky_examples(
    client, factory, django_assert_max_num_queries
):
    fine = PublishedExampleFactory(title="All fine")
    answered(fine, months=3, status="retained")
    reverted = PublishedExampleFactory(title="Went back")
    answered(reverted, months=3, status="reverted", hindered="The old system returned")
    risky = PublishedExampleFactory(title="Wobbling")
    answered(risky, months=3, status="adapted", at_risk=True, risk_note="Funding ends in March")
    silent = PublishedExampleFactory(title="Never answered")
    sent_check_in(silent)
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        checkins_close_unanswered()
    client.force_login(factory())
    url = reverse("sustain:at_risk")
    client.get(url)  # warm the session and permission caches

    with django_assert_max_num_queries(8):  # session, user, 2 for permissions, count, page, answers
        html = _html(client.get(url))

    assert "Went back" in html
    assert "The old system returned" in html
    assert "Wobbling" in html
    assert "Funding ends in March" in html
    assert "Never answered" in html
    assert "No answer at 3 months" in html
    assert "All fine" not in html
    only_silent = _html(client.get(url, {"reason": "silent"}))
    assert "Never answered" in only_silent
    assert "Went back" not in only_silent
    assert re.search("Choose a reason from the list", _html(client.get(url, {"reason": "x"})))


pytestmark = pytest.mark.django_db


@pytest.fixture
def example():
    return PublishedExampleFactory(title="Video clinics")


@pytest.fixture
def author_client(client, example):
    client.force_login(example.author)
    return client


def _csv(rows, name="values.csv", content_type="text/csv", header="date,value"):
    return SimpleUploadedFile(name, csv_bytes(rows, header=header), content_type=content_type)


# Reading --------------------------------------------------------------------------------------


def test_example_page_draws_each_measure_as_an_accessible_svg_chart(client, example):
    measure_with_values(
        SHIFTED, example=example, name="Kept <b>appointments</b>", target=Decimal("18")
    )
    response = client.get(example.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<svg[^>]+class="efc-chart__svg"[^>]+role="img"', html)
    assert '<title id="measure-' in html
    assert '<desc id="measure-' in html
    assert "Kept &lt;b&gt;appointments&lt;/b&gt;: XmR chart" in html  # user text escaped
    assert "<b>appointments" not in html
    assert "Special cause: improvement" in html  # legend, in words
    assert 'data-legend="square"' in html
    assert 'data-legend="target"' in html
    assert "Special cause variation: improving, higher values" in html
    assert "Assurance: the process will consistently miss the target" in html
    assert html.count('data-point-type="special_cause_improvement"') >= 7  # the table rows
    assert "govuk-details" in html
    assert "<script" not in html.split('id="measures"')[1].split("</section>")[0]


def test_a_short_series_warns_that_its_limits_are_provisional(client, example):
    measure_with_values(STEADY[:8], example=example)
    html = client.get(example.get_absolute_url()).content.decode()
    assert "Fewer than 13 values in a period" in html


def test_example_without_measures_shows_no_section_to_readers(client, example):
    html = client.get(example.get_absolute_url()).content.decode()
    assert 'id="measures"' not in html


def test_the_author_sees_an_add_link_and_readers_do_not(client, author_client, example):
    url = reverse("sustain:measure_create", kwargs={"pk": example.pk})
    assert url in author_client.get(example.get_absolute_url()).content.decode()
    client.logout()
    client.force_login(UserFactory())
    assert url not in client.get(example.get_absolute_url()).content.decode()


def test_example_page_query_count_with_measures(client, example, django_assert_max_num_queries):
    for index in range(3):
        measure_with_values(SHIFTED, example=example, name=f"Measure {index}")
    # example, tags, check-ins (the timeline), measures, values, 2 discussion
    with django_assert_max_num_queries(7):
        response = client.get(example.get_absolute_url())
    assert response.content.decode().count('class="efc-chart__svg"') == 3


def test_gallery_shows_the_first_measure_variation_without_extra_queries(
    client, django_assert_max_num_queries
):
    improving = PublishedExampleFactory(title="Improving one")
    measure_with_values(SHIFTED, example=improving)
    measure_with_values(STEADY, example=improving)  # not the first measure: not shown
    steady = PublishedExampleFactory(title="Steady one")
    measure_with_values(STEADY, example=steady)
    PublishedExampleFactory(title="No measures")
    MeasureFactory(example=PublishedExampleFactory(title="Measure without values"))
    for _ in range(8):
        measure_with_values(SHIFTED, example=PublishedExampleFactory())
    with django_assert_max_num_queries(4):  # campaigns, count, page, tags
        response = client.get(reverse("examples:gallery"))
    html = response.content.decode()
    assert html.count('data-icon="variation-improvement_high"') == 9
    assert html.count('data-icon="variation-common_cause"') == 1
    assert "No significant change" in html
    assert "Improving" in html


# Managing -------------------------------------------------------------------------------------


def test_author_adds_a_measure(author_client, example):
    response = author_client.post(
        reverse("sustain:measure_create", kwargs={"pk": example.pk}),
        {
            "name": "Days to approval",
            "unit": "days",
            "improvement": "decrease",
            "target": "12.5",
            "baseline_points": "",
            "rebase_dates_text": "2026-03-02\n\n05/01/2026",
        },
    )
    measure = Measure.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("sustain:measure_manage", kwargs={"pk": measure.pk})
    assert (measure.unit, measure.target) == ("days", Decimal("12.5"))
    assert measure.rebase_dates == ["2026-01-05", "2026-03-02"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Enter the name of the measure"),
        ({"baseline_points": "5"}, "Write 12 or more points, or leave it empty"),
        ({"target": "lots"}, "Write the target as a number, like 14.5"),
        ({"rebase_dates_text": "2026-01-05\nsoon"}, "Line 2: “soon” is not a date"),
    ],
)
def test_measure_form_errors_keep_the_input(author_client, example, data, message):
    form = {"name": "Waits", "improvement": "increase", **data}
    response = author_client.post(
        reverse("sustain:measure_create", kwargs={"pk": example.pk}), form
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert message in html
    assert not Measure.objects.exists()
    for value in data.values():
        if value:
            assert value.split("\n")[-1] in html


def test_a_second_measure_with_the_same_name_is_refused(author_client, example):
    MeasureFactory(example=example, name="Waits")
    response = author_client.post(
        reverse("sustain:measure_create", kwargs={"pk": example.pk}),
        {"name": "waits", "improvement": "increase"},
    )
    assert "already has a measure called" in response.content.decode()
    assert Measure.objects.count() == 1


def test_edit_a_measure(author_client, example):
    measure = measure_with_values(SHIFTED, example=example)
    url = reverse("sustain:measure_edit", kwargs={"pk": measure.pk})
    assert "Appointments kept" in author_client.get(url).content.decode()
    response = author_client.post(
        url, {"name": "Renamed", "improvement": "decrease", "unit": "", "rebase_dates_text": ""}
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.name, measure.latest_variation) == ("Renamed", "concern_high")


def test_add_values_by_form(author_client, example):
    measure = MeasureFactory(example=example)
    url = reverse("sustain:measure_values_add", kwargs={"pk": measure.pk})
    response = author_client.post(
        url, {"date_1": "2026-01-05", "value_1": "3", "date_3": "12/01/2026", "value_3": "4.5"}
    )
    assert response.status_code == 302
    assert list(MeasureValue.objects.values_list("value", flat=True)) == [
        Decimal("3"),
        Decimal("4.5"),
    ]


def test_add_values_form_names_rows_keeps_input_and_saves_nothing(author_client, example):
    measure = measure_with_values([5], example=example)  # 2025-01-06 exists
    url = reverse("sustain:measure_values_add", kwargs={"pk": measure.pk})
    response = author_client.post(
        url,
        {
            "date_1": "2026-01-05",
            "value_1": "three",
            "date_2": "2026-01-12",
            "value_2": "",
            "date_4": "2026-01-19",
            "value_4": "7",
        },
    )
    html = response.content.decode()
    assert "Row 1: “three” is not a number" in html
    assert "Row 2: enter a number" in html
    assert 'value="three"' in html
    assert 'value="2026-01-19"' in html
    assert MeasureValue.objects.count() == 1
    response = author_client.post(url, {"date_2": "06/01/2025", "value_2": "1"})
    assert (
        "Row 2, column “date”: there is already a value for 2025-01-06" in response.content.decode()
    )
    response = author_client.post(url, {})
    assert "Enter at least one date and value" in response.content.decode()
    assert MeasureValue.objects.count() == 1


def test_csv_upload_previews_then_imports_on_confirm(author_client, example):
    measure = MeasureFactory(example=example)
    url = reverse("sustain:measure_upload", kwargs={"pk": measure.pk})
    rows = [(d.isoformat(), str(v)) for d, v in weekly(SHIFTED)]
    response = author_client.post(url, {"file": _csv(rows)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Check the values before importing them" in html
    assert "Import 20 values" in html
    assert 'data-icon="variation-improvement_high"' in html  # the chart as it will be
    assert not MeasureValue.objects.exists()  # nothing saved by the preview
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    confirm = reverse("sustain:measure_upload_confirm", kwargs={"pk": measure.pk})
    response = author_client.post(confirm, {"token": token})
    assert response.status_code == 302
    assert response.url.endswith(f"#measure-{measure.pk}")
    measure.refresh_from_db()
    assert (measure.value_count, measure.latest_variation) == (20, "improvement_high")
    # The same preview confirmed again adds nothing: the dates exist now.
    response = author_client.post(confirm, {"token": token})
    assert response.status_code == 400
    assert "there is already a value for 2025-01-06" in response.content.decode()
    assert MeasureValue.objects.count() == 20


def test_csv_upload_errors_name_row_and_column_and_import_nothing(author_client, example):
    measure = MeasureFactory(example=example)
    url = reverse("sustain:measure_upload", kwargs={"pk": measure.pk})
    response = author_client.post(
        url, {"file": _csv([("2026-01-05", "1"), ("2026-01-12", "x"), ("2026-01-05", "2")])}
    )
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Row 3, column “value”: “x” is not a number" in html
    assert "Row 4, column “date”: 2026-01-05 is also on row 2; give each date once" in html
    response = author_client.post(url, {"file": _csv([("2026-01-05", "1")], header="day,amount")})
    assert "the columns must be “date” and “value”" in response.content.decode()
    assert not MeasureValue.objects.exists()


def test_csv_upload_rejects_other_types_and_big_files(author_client, example, settings):
    measure = MeasureFactory(example=example)
    url = reverse("sustain:measure_upload", kwargs={"pk": measure.pk})
    pdf = SimpleUploadedFile("values.pdf", b"%PDF-1.4", content_type="application/pdf")
    assert "The file must be a CSV file" in author_client.post(url, {"file": pdf}).content.decode()
    settings.MEASURE_CSV_MAX_BYTES = 10
    response = author_client.post(url, {"file": _csv([("2026-01-05", "1")])})
    assert "The file must be smaller than 10" in response.content.decode()
    assert "Choose a CSV file" in author_client.post(url, {}).content.decode()


def test_a_tampered_expired_or_other_measure_token_is_refused(author_client, example):
    measure = MeasureFactory(example=example)
    other = MeasureFactory(example=example)
    confirm = reverse("sustain:measure_upload_confirm", kwargs={"pk": measure.pk})
    rows = [(2, d, v) for d, v in weekly([1])]
    good = upload_token_make(measure_id=measure.pk, rows=rows)
    for token in (good[:-2] + "xx", upload_token_make(measure_id=other.pk, rows=rows)):
        response = author_client.post(confirm, {"token": token})
        assert response.status_code == 400
        assert "This preview has expired or was changed" in response.content.decode()
    with time_machine.travel(timezone.now() - dt.timedelta(hours=2)):
        expired = upload_token_make(measure_id=measure.pk, rows=rows)
    response = author_client.post(confirm, {"token": expired})
    assert response.status_code == 400
    assert not MeasureValue.objects.exists()


def test_delete_a_value_and_a_measure(author_client, example):
    measure = measure_with_values([*STEADY, 40], example=example)
    last = MeasureValue.objects.filter(measure=measure).order_by("date").last()
    url = reverse("sustain:measure_value_delete", kwargs={"pk": measure.pk, "value_pk": last.pk})
    assert "Delete the value 40" in author_client.get(url).content.decode()
    assert author_client.post(url).status_code == 302
    measure.refresh_from_db()
    assert (measure.value_count, measure.latest_variation) == (20, "common_cause")
    url = reverse("sustain:measure_delete", kwargs={"pk": measure.pk})
    assert "Its 20 values are deleted too" in author_client.get(url).content.decode()
    response = author_client.post(url)
    assert response.url == f"{example.get_absolute_url()}#measures"
    assert not Measure.objects.exists()


def test_manage_page_lists_values_newest_first_paginated(
    author_client, example, django_assert_max_num_queries
):
    measure = measure_with_values(list(range(60)), example=example)
    url = reverse("sustain:measure_manage", kwargs={"pk": measure.pk})
    with django_assert_max_num_queries(8):
        html = author_client.get(url).content.decode()
    assert "60 values" in html
    assert html.index("23 Feb 2026") < html.index("16 Feb 2026")  # newest first
    assert "govuk-pagination" in html
    assert author_client.get(url, {"page": 2}).status_code == 200


def test_moderators_manage_measures_of_examples_they_can_see(client):
    draft = ExampleFactory()
    published = PublishedExampleFactory()
    client.force_login(ModeratorFactory())
    assert (
        client.get(reverse("sustain:measure_create", kwargs={"pk": published.pk})).status_code
        == 200
    )
    assert client.get(reverse("sustain:measure_create", kwargs={"pk": draft.pk})).status_code == 404


def test_someone_else_cannot_add_values(client, example):
    measure = MeasureFactory(example=example)
    client.force_login(UserFactory())
    url = reverse("sustain:measure_values_add", kwargs={"pk": measure.pk})
    assert client.post(url, {"date_1": "2026-01-05", "value_1": "1"}).status_code == 404
    assert not MeasureValue.objects.exists()
