from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchange.core.files import PrivateUploadTo, private_name


class Campaign(models.Model):
    """A call for examples, open between two dates, with its own moderation setting."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(unique=True, max_length=200)
    introduction = models.TextField(_("introduction"))
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    pre_moderation = models.BooleanField(
        _("pre-moderation"),
        default=True,
        help_text=_("Examples are checked by a moderator before anyone else sees them."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="campaign_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("examples:campaign_detail", kwargs={"slug": self.slug})

    def is_open(self, at: timezone.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at and (self.closes_at is None or at < self.closes_at)


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Sector(models.TextChoices):
    HEALTH = "health", _("Health")
    SOCIAL_CARE = "social_care", _("Social care")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    PUBLIC_SERVICES = "public_services", _("Other public services")
    EDUCATION = "education", _("Education")
    INDUSTRY = "industry", _("Industry and manufacturing")
    VOLUNTARY = "voluntary", _("Voluntary and community")
    WORKPLACE = "workplace", _("Workplace and HR")
    ENVIRONMENT = "environment", _("Environment")
    OTHER = "other", _("Other")


class Permanence(models.TextChoices):
    SHOULD_STAY = "should_stay", _("It should stay permanently")
    TEMPORARY = "temporary", _("It was right for the emergency only")
    UNSURE = "unsure", _("Not sure yet")


class ExampleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting moderation")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ARCHIVED = "archived", _("Archived")
    # Published, then removed from every public page by a moderator; it can be restored.
    TAKEN_DOWN = "taken_down", _("Taken down by a moderator")


class Example(models.Model):
    """One improvement someone made under pressure, and how it could become permanent."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="examples")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="examples"
    )
    title = models.CharField(_("title"), max_length=150)
    summary = models.CharField(_("summary"), max_length=300)
    what_changed = models.TextField(_("what changed"), max_length=5000)
    enablers = models.TextField(_("what enabled it"), max_length=5000)
    evidence = models.TextField(_("evidence and impact"), max_length=5000, blank=True)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    permanence = models.CharField(
        _("temporary or should it stay?"), max_length=16, choices=Permanence.choices
    )
    risks_of_reverting = models.TextField(
        _("what could make it revert"), max_length=5000, blank=True
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="examples")
    show_as_anonymous = models.BooleanField(_("show me as anonymous"), default=False)

    status = models.CharField(
        max_length=20, choices=ExampleStatus.choices, default=ExampleStatus.DRAFT, db_index=True
    )
    moderator_message = models.TextField(blank=True)
    is_featured = models.BooleanField(default=False)
    featured_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    # Kept up to date by the services on PostgreSQL; unused (NULL) on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("moderate_example", "Can moderate examples"),
            ("feature_example", "Can feature examples"),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="example_gallery_idx"),
            models.Index(
                fields=["status", "is_featured", "-featured_at"], name="example_featured_idx"
            ),
            models.Index(fields=["campaign", "status"], name="example_campaign_idx"),
            # The gallery's filters and sorts read only published rows: partial indexes in the
            # order each list is shown let PostgreSQL count and page with index scans.
            models.Index(
                fields=["sector", "-published_at", "-id"],
                condition=models.Q(status="published"),
                name="example_pub_sector_idx",
            ),
            models.Index(
                fields=["permanence", "-published_at", "-id"],
                condition=models.Q(status="published"),
                name="example_pub_permanence_idx",
            ),
            models.Index(
                fields=["campaign", "-published_at", "-id"],
                condition=models.Q(status="published"),
                name="example_pub_campaign_idx",
            ),
            models.Index(
                fields=["title", "id"],
                condition=models.Q(status="published"),
                name="example_pub_title_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="published_example_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(is_featured=False) | models.Q(status="published"),
                name="only_published_examples_are_featured",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("examples:detail", kwargs={"pk": self.pk})

    @property
    def is_editable_by_author(self) -> bool:
        return self.status in {ExampleStatus.DRAFT, ExampleStatus.CHANGES_REQUESTED}

    @property
    def public_author_name(self) -> str:
        if self.show_as_anonymous:
            return str(_("Anonymous"))
        return self.author.public_name


def attachment_path(instance: Attachment, filename: str) -> str:
    """Kept for migration 0001, which names it; new files are named by PrivateUploadTo."""
    return private_name(kind="attachments", filename=filename)


class Attachment(models.Model):
    """A file of an example, served only to people who may see the example (`file` has a
    random name: exchange.core.files); `original_name` is the name it is downloaded as."""

    example = models.ForeignKey(Example, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=PrivateUploadTo("attachments"), max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name
