"""The gallery's search and filter form (a GET form that works without JavaScript)."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from exchange.examples.models import Permanence, Sector, Tag
from exchange.examples.search import MAX_QUERY_LENGTH
from exchange.examples.selectors import ExampleFilters, GallerySort, gallery_filter_choices
from exchange.sustain.models import CheckInStatus

SORT_CHOICES = [
    (GallerySort.RELEVANCE.value, _("Most relevant (when searching)")),
    (GallerySort.NEWEST.value, _("Newest first")),
    (GallerySort.OLDEST.value, _("Oldest first")),
    (GallerySort.TITLE.value, _("Title A to Z")),
]


class GalleryFilterForm(forms.Form):
    """Bound to request.GET; an invalid value is reported next to its field and then ignored."""

    q = forms.CharField(
        label=_("Search examples"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_(
            'For example, hospital video clinics. Use quotes for a phrase: "face shields".'
        ),
        error_messages={
            "max_length": _("Search must be %(limit_value)d characters or fewer"),
        },
    )
    campaign = forms.ChoiceField(
        label=_("Campaign"),
        required=False,
        error_messages={"invalid_choice": _("Choose a campaign from the list")},
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        choices=[("", _("All sectors")), *Sector.choices],
        error_messages={"invalid_choice": _("Choose a sector from the list")},
    )
    permanence = forms.ChoiceField(
        label=_("Temporary or should it stay?"),
        required=False,
        choices=[("", _("Any answer")), *Permanence.choices],
        error_messages={"invalid_choice": _("Choose an answer from the list")},
    )
    sustain_status = forms.ChoiceField(
        label=_("Still in place?"),
        required=False,
        choices=[("", _("Any check-in answer")), *CheckInStatus.choices],
        error_messages={"invalid_choice": _("Choose a check-in answer from the list")},
    )
    tag = forms.ChoiceField(
        label=_("Tag"),
        required=False,
        error_messages={"invalid_choice": _("There is no tag with that name")},
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=SORT_CHOICES,
        error_messages={"invalid_choice": _("Choose an order from the list")},
    )

    def __init__(self, data: QueryDict | None = None, **kwargs: Any) -> None:
        if data is not None and not data.get("sort"):
            # Show the order actually used: relevance when searching, newest otherwise.
            data = data.copy()
            data["sort"] = (
                GallerySort.RELEVANCE.value
                if data.get("q", "").strip()
                else GallerySort.NEWEST.value
            )
        if data is not None and data.get("tag"):
            # Links written by hand (?tag=Housing) still find the tag's slug.
            data = data.copy()
            data["tag"] = str(data.get("tag", "")).strip().lower()
        super().__init__(data, **kwargs)
        choices = gallery_filter_choices()
        self.fields["campaign"].choices = [("", _("All campaigns")), *choices.campaigns]
        self._tags = {tag.slug: tag for tag in choices.tags}
        self.fields["tag"].choices = [
            ("", _("All tags")),
            *(
                (
                    tag.slug,
                    ngettext(
                        "%(name)s (%(count)d example)", "%(name)s (%(count)d examples)", tag.count
                    )
                    % {"name": tag.name, "count": tag.count},
                )
                for tag in choices.tags
            ),
        ]
        self.tag_object: Tag | None = None
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # a GET form: no token in the address
        small_label = {"label_size": Size.for_label(Size.SMALL)}
        self.helper.layout = Layout(
            Field.text("q", label_size=Size.SMALL),
            Field("campaign", context=small_label),
            Field("sector", context=small_label),
            Field("permanence", context=small_label),
            Field("sustain_status", context=small_label),
            Field("tag", context=small_label),
            Field("sort", context=small_label),
        )

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def clean_tag(self) -> str:
        slug = self.cleaned_data["tag"]
        if slug:
            # Only tags on published examples are offered (and valid); no query to check it.
            chosen = self._tags[slug]
            self.tag_object = Tag(slug=chosen.slug, name=chosen.name)
        return slug

    def filters(self) -> ExampleFilters:
        """The valid part of what was asked for (call after is_valid())."""
        data = getattr(self, "cleaned_data", {})
        return ExampleFilters(
            q=data.get("q", ""),
            campaign=data.get("campaign", ""),
            sector=data.get("sector", ""),
            tag=data.get("tag", ""),
            permanence=data.get("permanence", ""),
            sort=data.get("sort", ""),
            sustain_status=data.get("sustain_status", ""),
        )
