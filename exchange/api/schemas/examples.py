"""Campaigns and published examples as the API shows them.

Authors appear only by their public name (or "Anonymous"); organisations are hidden for
anonymous examples, exactly as on the web pages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.urls import reverse
from ninja import Field, Schema

from exchange.examples.models import Attachment, Campaign, Example, Permanence, Sector, Tag
from exchange.examples.search import MAX_QUERY_LENGTH

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
SortChoice = Literal["newest", "oldest", "title", "relevance"]


class CampaignOut(Schema):
    slug: str
    title: str
    introduction: str
    opens_at: datetime
    closes_at: datetime | None
    pre_moderation: bool = Field(description="Examples are checked before they are published.")
    is_open: bool
    url: str = Field(description="The campaign's page on the web site.")

    @staticmethod
    def resolve_is_open(obj: Campaign) -> bool:
        return obj.is_open()

    @staticmethod
    def resolve_url(obj: Campaign) -> str:
        return obj.get_absolute_url()


class CampaignRefOut(Schema):
    slug: str
    title: str


class TagOut(Schema):
    slug: str
    name: str


class ExampleSummaryOut(Schema):
    id: int
    title: str
    summary: str
    sector: Sector
    sector_label: str
    organisation: str | None = Field(description="Hidden (null) when the author is anonymous.")
    permanence: Permanence
    author: str = Field(description='The author\'s public name, or "Anonymous".')
    campaign: CampaignRefOut
    tags: list[TagOut]
    is_featured: bool
    published_at: datetime
    url: str = Field(description="The example's page on the web site.")

    @staticmethod
    def resolve_sector_label(obj: Example) -> str:
        return str(obj.get_sector_display())

    @staticmethod
    def resolve_organisation(obj: Example) -> str | None:
        if obj.show_as_anonymous or not obj.organisation:
            return None
        return obj.organisation

    @staticmethod
    def resolve_author(obj: Example) -> str:
        return obj.public_author_name

    @staticmethod
    def resolve_tags(obj: Example) -> list[Tag]:
        return list(obj.tags.all())

    @staticmethod
    def resolve_url(obj: Example) -> str:
        return obj.get_absolute_url()


class AttachmentOut(Schema):
    name: str
    content_type: str
    size: int = Field(description="Bytes.")
    url: str

    @staticmethod
    def resolve_name(obj: Attachment) -> str:
        return obj.original_name

    @staticmethod
    def resolve_url(obj: Attachment) -> str:
        return reverse(
            "examples:attachment_download",
            kwargs={"pk": obj.example_id, "attachment_pk": obj.pk},
        )


class ExampleOut(ExampleSummaryOut):
    what_changed: str
    enablers: str
    evidence: str
    risks_of_reverting: str
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: Example) -> list[Attachment]:
        return list(obj.attachments.all())


class ExampleFilterIn(Schema):
    campaign: str | None = Field(None, max_length=200, pattern=SLUG_PATTERN, description="Slug.")
    sector: Sector | None = None
    tag: str | None = Field(None, max_length=60, pattern=SLUG_PATTERN, description="Tag slug.")
    permanence: Permanence | None = None
    q: str | None = Field(
        None, max_length=MAX_QUERY_LENGTH, description="Words to search for (web search syntax)."
    )
    sort: SortChoice | None = Field(
        None, description="Default: relevance when searching, otherwise newest."
    )
