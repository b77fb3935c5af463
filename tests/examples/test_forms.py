import pytest
from django.test import override_settings
from django.utils.datastructures import MultiValueDict

from exchange.examples.forms import ExampleForm, RejectForm, RequestChangesForm
from tests.examples import factories as uploads
from tests.examples.factories import FULL_EXAMPLE

SCRIPT = "<script>alert(1)</script><b>bold</b>"
TEXT_FIELDS = [
    "title",
    "summary",
    "what_changed",
    "enablers",
    "evidence",
    "organisation",
    "risks_of_reverting",
]
LIMITS = {
    "title": 150,
    "summary": 300,
    "what_changed": 5000,
    "enablers": 5000,
    "evidence": 5000,
    "organisation": 200,
    "risks_of_reverting": 5000,
}


def form_with(data=None, files=None, **kwargs):
    return ExampleForm(
        data if data is not None else dict(FULL_EXAMPLE),
        MultiValueDict({"attachments": files or []}),
        **kwargs,
    )


def test_empty_draft_needs_only_a_title():
    form = form_with({})
    assert not form.is_valid()
    assert form.errors == {"title": ["Enter a title"]}


def test_empty_submission_names_every_required_question():
    form = form_with({}, complete=True)
    assert not form.is_valid()
    assert form.errors == {
        "title": ["Enter a title"],
        "summary": ["Enter a summary"],
        "what_changed": ["Enter what changed"],
        "enablers": ["Enter what enabled it"],
        "sector": ["Select a sector"],
        "permanence": ["Select whether it was temporary or should stay"],
    }


def test_complete_example_is_valid_with_tags_parsed():
    form = form_with(complete=True)
    assert form.is_valid(), form.errors
    arguments = form.service_arguments()
    assert arguments["tag_names"] == ["housing", "homelessness"]
    assert arguments["attachments"] == []
    assert arguments["show_as_anonymous"] is False


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_too_long_text_is_refused_with_a_clear_message(field):
    data = dict(FULL_EXAMPLE, **{field: "x" * (LIMITS[field] + 1)})
    form = form_with(data)
    assert not form.is_valid()
    assert form.errors[field] == [
        f"{form.fields[field].label.replace(' (optional)', '').rstrip('?')} must be "
        f"{LIMITS[field]} characters or fewer"
    ]


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_html_is_kept_as_text(field):
    """Nothing is stripped or interpreted: the text is stored as typed and escaped on output."""
    form = form_with(dict(FULL_EXAMPLE, **{field: SCRIPT}))
    assert form.is_valid(), form.errors
    assert form.cleaned_data[field] == SCRIPT


def test_unknown_sector_and_permanence_are_refused():
    form = form_with(dict(FULL_EXAMPLE, sector="moon", permanence="forever"))
    assert not form.is_valid()
    assert form.errors["sector"] == ["Select a sector"]
    assert form.errors["permanence"] == ["Select whether it was temporary or should stay"]


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        (",".join(f"tag{i}" for i in range(11)), "Enter 10 tags or fewer"),
        ("x" * 61, "Each tag must be 60 characters or fewer"),
    ],
)
def test_bad_tags(tags, message):
    form = form_with(dict(FULL_EXAMPLE, tags=tags))
    assert not form.is_valid()
    assert form.errors["tags"] == [message]


def test_tags_of_symbols_only_are_ignored():
    form = form_with(dict(FULL_EXAMPLE, tags="!!!, ???"))
    assert form.is_valid()
    assert form.cleaned_data["tags"] == []


@pytest.mark.parametrize("make", [uploads.pdf, uploads.png, uploads.jpeg, uploads.docx])
def test_allowed_files(make):
    form = form_with(files=[make()])
    assert form.is_valid(), form.errors
    assert len(form.cleaned_data["attachments"]) == 1


def test_wrong_type_detected_from_content_not_name():
    form = form_with(files=[uploads.text_disguised_as_pdf("evil.pdf")])
    assert not form.is_valid()
    assert form.errors["attachments"] == ["The file evil.pdf must be a PDF, PNG, JPEG or DOCX"]


def test_zip_that_is_not_a_word_document_is_refused():
    form = form_with(files=[uploads.upload("notes.docx", uploads.PLAIN_ZIP_BYTES)])
    assert not form.is_valid()
    assert "must be a PDF, PNG, JPEG or DOCX" in form.errors["attachments"][0]


@override_settings(EXAMPLE_ATTACHMENT_MAX_BYTES=50)
def test_oversized_file_is_refused():
    form = form_with(files=[uploads.pdf("big.pdf")])
    assert not form.is_valid()
    assert form.errors["attachments"] == ["The file big.pdf must be smaller than 50\xa0bytes"]


def test_more_than_three_files_is_refused():
    form = form_with(files=[uploads.png(f"{i}.png") for i in range(4)])
    assert not form.is_valid()
    assert form.errors["attachments"] == ["You can attach up to 3 files to an example"]


def test_files_already_attached_count_towards_the_limit():
    form = form_with(files=[uploads.png("a.png"), uploads.png("b.png")], existing_attachments=2)
    assert not form.is_valid()
    assert form.errors["attachments"] == ["You can attach up to 3 files to an example"]


def test_each_bad_file_gets_its_own_error():
    form = form_with(files=[uploads.text_disguised_as_pdf("a.pdf"), uploads.upload("b.png", b"")])
    assert not form.is_valid()
    assert form.errors["attachments"] == [
        "The file a.pdf must be a PDF, PNG, JPEG or DOCX",
        "The file b.png is empty",
    ]


def test_error_summary_link_for_radios_points_at_first_radio():
    form = form_with({}, complete=True)
    form.is_valid()
    assert form["permanence"].id_for_label == "id_permanence_1"


@pytest.mark.parametrize(
    ("form_class", "field", "message"),
    [
        (RejectForm, "reason", "Enter the reason for rejecting the example"),
        (RequestChangesForm, "message", "Enter what the author should change"),
    ],
)
def test_moderation_forms_need_text(form_class, field, message):
    form = form_class({field: "   "})
    assert not form.is_valid()
    assert form.errors == {field: [message]}
    too_long = form_class({field: "x" * 2001})
    assert not too_long.is_valid()
