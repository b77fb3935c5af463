from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.filter
def duration(value: dt.timedelta | None) -> str:
    """A lock-out length in words: "1 hour", "30 minutes", "1 hour and 30 minutes"."""
    if not value:
        return ""
    minutes = max(1, round(value.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    hours_text = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes_text = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    if hours and minutes:
        return gettext("%(hours)s and %(minutes)s") % {"hours": hours_text, "minutes": minutes_text}
    return hours_text if hours else minutes_text
