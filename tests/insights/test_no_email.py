"""No one's email address appears in a report, its PDF or its data files (see
tests/test_no_email_exposed.py for the rest of the site)."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from exchange.conversation.models import Comment, Discussion
from exchange.insights import services
from tests.conversation.factories import CommentFactory, DiscussionFactory
from tests.factories import FacilitatorFactory, PublishedExampleFactory
from tests.insights.factories import synthesis_with_reflections
from tests.test_no_email_exposed import SECRET_ADDRESSES, leaks

pytestmark = pytest.mark.django_db


def test_report_pdf_and_data_show_no_email_address(client):
    facilitator = FacilitatorFactory(email=SECRET_ADDRESSES[0], username=SECRET_ADDRESSES[0])
    synthesis = synthesis_with_reflections(facilitator)
    services.synthesis_publish(actor=facilitator, synthesis=synthesis)
    CommentFactory(
        discussion=DiscussionFactory(example=PublishedExampleFactory()),
        author=FacilitatorFactory(email=SECRET_ADDRESSES[1], username=SECRET_ADDRESSES[1]),
    )
    # The comment's author has a secret address too; it is shown on the report.
    discussion = Discussion.objects.create(
        content_type=ContentType.objects.get_for_model(synthesis), object_id=synthesis.pk
    )
    Comment.objects.update(discussion=discussion)
    slug = synthesis.slug

    page = client.get(reverse("insights:report", kwargs={"slug": slug})).content.decode()
    pdf = client.get(reverse("insights:report_pdf", kwargs={"slug": slug})).content
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    data = client.get(reverse("insights:report_data", kwargs={"slug": slug, "fmt": "csv"}))
    book = load_workbook(
        io.BytesIO(
            client.get(
                reverse("insights:report_data", kwargs={"slug": slug, "fmt": "xlsx"})
            ).content
        )
    )
    cells = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row)

    assert "Comment number" in page  # the comment is on the report page
    for text in (page, pdf_text, data.content.decode("utf-8-sig"), cells):
        assert leaks(text) == []
