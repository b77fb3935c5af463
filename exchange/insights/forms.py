from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from exchange.insights.models import NARRATIVE_MAX_LENGTH, QUESTION_MAX_LENGTH, Synthesis, Theme

DATE_HELP = _("For example, 2026-05-01")


class _SourceChoice(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


def _series_choices(actor: Any) -> Any:
    """Only the series the actor facilitates (administrators: all); the services check again."""
    from exchange.workshops.selectors import series_managed_by

    return series_managed_by(user=actor).order_by("title", "pk")


def _workshop_choices(actor: Any) -> Any:
    from exchange.workshops.models import Workshop

    return (
        Workshop.objects.filter(series__in=_series_choices(actor).values("pk"))
        .select_related("series")
        .order_by("series__title", "starts_at", "pk")
    )


class WorkshopLabel(_SourceChoice):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.series.title}: {obj.title}"


class SourcesForm(forms.Form):
    """Which texts a synthesis reads. Reflections of the chosen series and workshops (either
    narrows the other when both are given; only those the actor facilitates are offered), and
    the site's other texts."""

    series = _SourceChoice(
        label=_("Workshop series"),
        queryset=None,
        required=False,
        help_text=_("Reflections from every workshop of these series"),
    )
    workshops = WorkshopLabel(
        label=_("Workshops"),
        queryset=None,
        required=False,
        help_text=_("Or only these workshops"),
    )
    date_from = forms.DateField(label=_("From"), required=False, help_text=DATE_HELP)
    date_to = forms.DateField(label=_("To"), required=False, help_text=DATE_HELP)
    examples = forms.BooleanField(label=_("Published examples"), required=False)
    comments = forms.BooleanField(label=_("Published comments on examples"), required=False)
    improvements = forms.BooleanField(
        label=_("Suggestions for further improvement after events"),
        help_text=_("From the events whose sessions held the chosen series' workshops."),
        required=False,
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = _series_choices(actor)
        self.fields["workshops"].queryset = _workshop_choices(actor)

    def sources(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "series": [s.pk for s in data.get("series") or []],
            "workshops": [w.pk for w in data.get("workshops") or []],
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "examples": data.get("examples"),
            "comments": data.get("comments"),
            "improvements": data.get("improvements"),
        }

    @staticmethod
    def initial_from(sources: dict[str, Any]) -> dict[str, Any]:
        return {
            name: sources.get(name)
            for name in (
                "series",
                "workshops",
                "date_from",
                "date_to",
                "examples",
                "comments",
                "improvements",
            )
        }


TITLE_REQUIRED = {"required": _("Enter a title")}


class SynthesisCreateForm(SourcesForm):
    title = forms.CharField(label=_("Title"), max_length=200, error_messages=TITLE_REQUIRED)
    field_order = ["title"]


class SynthesisForm(SourcesForm):
    title = forms.CharField(label=_("Title"), max_length=200, error_messages=TITLE_REQUIRED)
    introduction = forms.CharField(
        label=_("Introduction"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=NARRATIVE_MAX_LENGTH,
        required=False,
    )
    method_note = forms.CharField(
        label=_("Method note"),
        help_text=_(
            "How the reflections were gathered and analysed, shown at the end of the report"
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=NARRATIVE_MAX_LENGTH,
        required=False,
    )
    people_count = forms.IntegerField(
        label=_("Number of people who took part"),
        min_value=0,
        required=False,
        help_text=_("Shown in the report. Leave empty if you do not know."),
    )
    field_order = ["title", "introduction", "method_note", "people_count"]

    @classmethod
    def for_synthesis(cls, synthesis: Synthesis, data: Any = None, *, actor: Any) -> SynthesisForm:
        initial = {
            "title": synthesis.title,
            "introduction": synthesis.introduction,
            "method_note": synthesis.method_note,
            "people_count": synthesis.people_count,
            **cls.initial_from(synthesis.sources),
        }
        return cls(data, initial=initial, actor=actor)


class ThemeForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        max_length=200,
        error_messages={"required": _("Enter a label for the theme")},
    )
    narrative = forms.CharField(
        label=_("Narrative"),
        help_text=_("What this theme says, in your words, for the report"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=NARRATIVE_MAX_LENGTH,
        required=False,
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Add a “Building from here” question"),
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Enter the question")},
    )


class MergeForm(forms.Form):
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes to merge"),
        queryset=Theme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least two themes to merge")},
    )

    def __init__(self, *args: Any, synthesis: Synthesis, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = synthesis.themes.all()

    def clean_themes(self) -> Any:
        themes = self.cleaned_data["themes"]
        if len(themes) < 2:
            raise forms.ValidationError(_("Choose at least two themes to merge"))
        return themes


class MoveForm(forms.Form):
    items = forms.TypedMultipleChoiceField(
        coerce=int,
        label=_("Texts"),
        choices=(),
        error_messages={"required": _("Choose at least one text to move")},
    )
    to = forms.ModelChoiceField(
        label=_("Move the chosen texts to"),
        queryset=Theme.objects.none(),
        error_messages={"required": _("Choose the theme to move the texts to")},
    )

    def __init__(self, *args: Any, theme: Theme, item_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(pk, str(pk)) for pk in item_ids]
        self.fields["to"].queryset = theme.synthesis.themes.exclude(pk=theme.pk)


class SplitForm(forms.Form):
    parts = forms.TypedChoiceField(
        label=_("Split into"),
        coerce=int,
        choices=[(n, str(n)) for n in range(2, 6)],
        initial=2,
        error_messages={"required": _("Choose how many themes to split into")},
    )
