"""Uploads of each allowed type (and some disguised ones) for submission tests."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF_BYTES = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX_BYTES = zip_bytes(
    {
        "[Content_Types].xml": b"<Types/>",
        "_rels/.rels": b"<Relationships/>",
        "word/document.xml": b"<w:document/>",
    }
)
PLAIN_ZIP_BYTES = zip_bytes({"notes.txt": b"hello"})


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    """An uploaded file; the browser-declared content type is deliberately ignored by the app."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf(name: str = "report.pdf"):
    return upload(name, PDF_BYTES, "application/pdf")


def png(name: str = "chart.png"):
    return upload(name, PNG_BYTES, "image/png")


def jpeg(name: str = "photo.jpg"):
    return upload(name, JPEG_BYTES, "image/jpeg")


def docx(name: str = "notes.docx"):
    return upload(
        name,
        DOCX_BYTES,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def text_disguised_as_pdf(name: str = "evil.pdf"):
    return upload(name, b"This is plain text pretending to be a PDF.\n" * 4, "application/pdf")


FULL_EXAMPLE = {
    "title": "Hotel rooms for rough sleepers",
    "summary": "Everyone sleeping rough was offered a hotel room within a week.",
    "what_changed": "The council block-booked hotels and moved outreach teams in.",
    "enablers": "Emergency funding and a single phone line for referrals.",
    "evidence": "Over 90% accepted; many moved on to settled housing.",
    "sector": "local_government",
    "organisation": "Riverside Council",
    "permanence": "should_stay",
    "risks_of_reverting": "The emergency funding ends.",
    "tags": "housing, homelessness",
}
