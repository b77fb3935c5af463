"""Every page of the site, for every role: the status a GET must answer with.

DESIGN.md: visitors browse, participants submit, authors edit their own drafts, moderators
moderate. Signed-in people without a permission get 403, anonymous visitors of a protected page
are sent to sign in, and someone else's draft is a 404 (no one learns that it exists). Actions
that change something answer GET with 405 once the caller may reach them.

`test_every_url_pattern_is_in_the_matrix` fails when a URL is added without a row here.
POSTs and the API have their own matrices beside this one (docs/permission-matrix.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from exchange.accounts.models import User
from exchange.examples.models import Attachment, Example, Tag
from tests.conversation.factories import CommentFactory, DiscussionFactory
from tests.factories import (
    AdminFactory,
    CampaignFactory,
    ExampleFactory,
    FacilitatorFactory,
    ModeratorFactory,
    OrganiserFactory,
    PublishedExampleFactory,
    SubmittedExampleFactory,
    TagFactory,
    UserFactory,
)
from tests.permission_world import others_delete, others_world
from tests.permission_world import url_kwargs as others_url_kwargs

ROLES = ("anonymous", "participant", "author", "moderator", "organiser", "facilitator", "admin")
# Namespaced apps of ours, plus django-allauth's account pages (which have no namespace).
COVERED_NAMESPACES = {
    "core",
    "accounts",
    "examples",
    "conversation",
    "events",
    "sustain",
    "workshops",
    "insights",
}
COVERED_PREFIXES = ("account_",)

LOGIN = "login"  # 302 to the sign-in page, coming back afterwards


@dataclass(frozen=True)
class Redirect:
    """302 to a page that is not the sign-in page."""

    to: str

    def __str__(self) -> str:
        return f"302→{self.to}"


@dataclass(frozen=True)
class Row:
    name: str
    target: str  # which fixture object fills the URL's arguments
    expected: tuple  # one status per role, in ROLES order

    @property
    def id(self) -> str:
        return f"{self.name}[{self.target}]" if self.target else self.name


HOME = Redirect("core:home")
MINE = Redirect("examples:mine")
CHANGE_PASSWORD = Redirect("account_change_password")

# Row(url name, object in the URL,
#     (anonymous, participant, author, moderator, organiser, facilitator, admin))
MATRIX = [
    # Site pages: everyone.
    Row("core:home", "", (200, 200, 200, 200, 200, 200, 200)),
    Row("core:accessibility", "", (200, 200, 200, 200, 200, 200, 200)),
    Row("core:privacy", "", (200, 200, 200, 200, 200, 200, 200)),
    Row("core:comments_policy", "", (200, 200, 200, 200, 200, 200, 200)),
    Row("core:health", "", (200, 200, 200, 200, 200, 200, 200)),
    Row("core:favicon", "", (301, 301, 301, 301, 301, 301, 301)),
    Row("core:language", "language", (HOME, HOME, HOME, HOME, HOME, HOME, HOME)),
    # Reading: visitors browse published examples and campaigns.
    Row("examples:gallery", "", (200, 200, 200, 200, 200, 200, 200)),
    Row("examples:campaign_list", "", (200, 200, 200, 200, 200, 200, 200)),
    Row("examples:campaign_detail", "campaign", (200, 200, 200, 200, 200, 200, 200)),
    Row("examples:detail", "published", (200, 200, 200, 200, 200, 200, 200)),
    Row("examples:detail", "submitted", (404, 404, 200, 200, 404, 404, 200)),
    Row("examples:detail", "draft", (404, 404, 200, 404, 404, 404, 404)),
    Row(
        "examples:attachment_download", "published_attachment", (200, 200, 200, 200, 200, 200, 200)
    ),
    Row(
        "examples:attachment_download", "submitted_attachment", (404, 404, 200, 200, 404, 404, 200)
    ),
    Row("examples:attachment_download", "draft_attachment", (404, 404, 200, 404, 404, 404, 404)),
    # Files follow their example's page (issue 13): rejected and withdrawn are no one else's.
    Row("examples:attachment_download", "rejected_attachment", (404, 404, 200, 200, 404, 404, 200)),
    Row(
        "examples:attachment_download", "withdrawn_attachment", (404, 404, 200, 200, 404, 404, 200)
    ),
    # Submitting: any signed-in participant; their own examples only.
    Row("examples:create", "campaign", (LOGIN, 200, 200, 200, 200, 200, 200)),
    Row("examples:mine", "", (LOGIN, 200, 200, 200, 200, 200, 200)),
    Row("examples:edit", "draft", (LOGIN, 404, 200, 404, 404, 404, 404)),
    Row("examples:edit", "submitted", (LOGIN, 404, MINE, 404, 404, 404, 404)),
    Row("examples:edit", "published", (LOGIN, 404, MINE, 404, 404, 404, 404)),
    Row("examples:preview", "draft", (LOGIN, 404, 200, 404, 404, 404, 404)),
    Row("examples:preview", "published", (LOGIN, 404, 200, 404, 404, 404, 404)),
    Row("examples:submit", "draft", (LOGIN, 405, 405, 405, 405, 405, 405)),
    Row("examples:withdraw", "submitted", (LOGIN, 404, 200, 404, 404, 404, 404)),
    Row("examples:withdraw", "published", (LOGIN, 404, 200, 404, 404, 404, 404)),
    Row("examples:withdraw", "draft", (LOGIN, 404, MINE, 404, 404, 404, 404)),
    Row("examples:delete", "draft", (LOGIN, 404, 200, 404, 404, 404, 404)),
    Row("examples:delete", "published", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("examples:attachment_delete", "draft_attachment", (LOGIN, 405, 405, 405, 405, 405, 405)),
    # Moderation: moderators and administrators.
    Row("examples:moderation_queue", "", (LOGIN, 403, 403, 200, 403, 403, 200)),
    Row("examples:moderation_review", "submitted", (LOGIN, 403, 403, 200, 403, 403, 200)),
    Row("examples:moderation_review", "published", (LOGIN, 403, 403, 200, 403, 403, 200)),
    Row("examples:moderation_review", "draft", (LOGIN, 403, 403, 404, 403, 403, 404)),
    Row("examples:moderation_approve", "submitted", (LOGIN, 403, 403, 405, 403, 403, 405)),
    Row("examples:moderation_reject", "submitted", (LOGIN, 403, 403, 405, 403, 403, 405)),
    Row("examples:moderation_request_changes", "submitted", (LOGIN, 403, 403, 405, 403, 403, 405)),
    Row("examples:moderation_feature", "published", (LOGIN, 403, 403, 405, 403, 403, 405)),
    Row("examples:moderation_unfeature", "published", (LOGIN, 403, 403, 405, 403, 403, 405)),
    # Taking down a published example and restoring it: moderators (issue 13).
    Row("examples:detail", "taken_down", (404, 404, 200, 200, 404, 404, 200)),
    Row("examples:moderation_review", "taken_down", (LOGIN, 403, 403, 200, 403, 403, 200)),
    Row("examples:moderation_take_down", "published", (LOGIN, 403, 403, 405, 403, 403, 405)),
    Row("examples:moderation_restore", "taken_down", (LOGIN, 403, 403, 405, 403, 403, 405)),
    Row("examples:audit_log", "", (LOGIN, 403, 403, 200, 403, 403, 200)),
    # Conversation: signed-in people comment, reply, react, report and follow; a comment's
    # author edits and deletes it ("comment" is the author's visible comment on "published").
    Row("conversation:comment_create", "published", (LOGIN, 200, 200, 200, 200, 200, 200)),
    Row("conversation:comment_create", "submitted", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("conversation:example_react", "published", (LOGIN, 405, 405, 405, 405, 405, 405)),
    Row("conversation:example_follow", "published", (LOGIN, 405, 405, 405, 405, 405, 405)),
    Row("conversation:example_unfollow", "published", (LOGIN, 405, 405, 405, 405, 405, 405)),
    Row("conversation:comment_reply", "comment", (LOGIN, 200, 200, 200, 200, 200, 200)),
    Row("conversation:comment_edit", "comment", (LOGIN, 404, 200, 404, 404, 404, 404)),
    Row("conversation:comment_delete", "comment", (LOGIN, 404, 200, 404, 404, 404, 404)),
    Row("conversation:comment_flag", "comment", (LOGIN, 200, 200, 200, 200, 200, 200)),
    Row("conversation:comment_react", "comment", (LOGIN, 405, 405, 405, 405, 405, 405)),
    # A comment behind a closed target (the author's, on "taken_down"): comment moderators only.
    Row("conversation:comment_flag", "taken_down_comment", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("conversation:comment_reply", "taken_down_comment", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("conversation:comment_edit", "taken_down_comment", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("conversation:comment_create", "taken_down", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("sustain:adopt", "taken_down", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("sustain:adopters", "taken_down", (404, 404, 404, 404, 404, 404, 404)),
    Row("sustain:measure_create", "taken_down", (LOGIN, 404, 200, 200, 404, 404, 200)),
    Row("conversation:unsubscribe", "", (400, 400, 400, 400, 400, 400, 400)),
    Row("conversation:moderation_list", "", (LOGIN, 403, 403, 200, 403, 403, 200)),
    Row("conversation:moderation_hide", "comment", (LOGIN, 403, 403, 405, 403, 403, 405)),
    Row("conversation:moderation_restore", "comment", (LOGIN, 403, 403, 405, 403, 403, 405)),
    Row("conversation:moderation_approve", "comment", (LOGIN, 403, 403, 405, 403, 403, 405)),
    Row("conversation:moderation_stop_author", "comment", (LOGIN, 403, 403, 200, 403, 403, 200)),
    # Events: anyone browses; signed-in people book and manage their own bookings ("booking" is
    # the author's confirmed booking on "session"); organisers listed on the event (and administrators) run it.
    Row("events:list", "", (200, 200, 200, 200, 200, 200, 200)),
    Row("events:detail", "event", (200, 200, 200, 200, 200, 200, 200)),
    Row("events:mine", "", (LOGIN, 200, 200, 200, 200, 200, 200)),
    Row("events:calendar_feed", "calendar_feed", (200, 200, 200, 200, 200, 200, 200)),
    Row("events:book", "session", (LOGIN, 200, Redirect("events:mine"), 200, 200, 200, 200)),
    Row("events:book_event", "event", (LOGIN, 200, 200, 200, 200, 200, 200)),
    Row("events:improve", "past_session", (LOGIN, 404, 200, 404, 404, 404, 404)),
    Row("events:switch", "booking", (LOGIN, 404, 200, 404, 404, 404, 404)),
    Row("events:cancel", "booking", (LOGIN, 404, 200, 404, 404, 404, 404)),
    Row("events:accept", "booking", (LOGIN, 404, 200, 404, 404, 404, 404)),
    Row("events:transfer", "booking", (LOGIN, 404, 200, 404, 404, 404, 404)),
    Row("events:booking_ics", "booking", (LOGIN, 404, 200, 404, 404, 404, 404)),
    Row("events:manage", "event", (LOGIN, 403, 403, 403, 200, 403, 200)),
    Row("events:event_create", "", (LOGIN, 403, 403, 403, 200, 403, 200)),
    Row("events:event_edit", "event", (LOGIN, 403, 403, 403, 200, 403, 200)),
    Row("events:session_create", "event", (LOGIN, 403, 403, 403, 200, 403, 200)),
    Row("events:session_edit", "session", (LOGIN, 403, 403, 403, 200, 403, 200)),
    Row("events:bookings_open", "event", (LOGIN, 403, 403, 403, 405, 403, 405)),
    Row("events:session_manage", "session", (LOGIN, 403, 403, 403, 200, 403, 200)),
    Row("events:session_export", "session_csv", (LOGIN, 403, 403, 403, 200, 403, 200)),
    Row("events:session_message", "session", (LOGIN, 403, 403, 403, 200, 403, 200)),
    Row("events:check_in", "booking", (LOGIN, 403, 403, 403, 405, 403, 405)),
    # "other_event" is organised by someone else: the organiser is refused everything on it.
    Row("events:manage", "other_event", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("events:event_edit", "other_event", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("events:session_create", "other_event", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("events:session_edit", "other_session", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("events:session_manage", "other_session", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("events:session_export", "other_session_csv", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("events:session_message", "other_session", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("events:bookings_open", "other_event", (LOGIN, 403, 403, 403, 405, 403, 405)),
    Row("events:check_in", "other_booking", (LOGIN, 403, 403, 403, 405, 403, 405)),
    Row("events:switch", "other_booking", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("events:cancel", "other_booking", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("events:transfer", "other_booking", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("events:booking_ics", "other_booking", (LOGIN, 404, 404, 404, 404, 404, 404)),
    # The organiser team: its members (and administrators) add and remove organisers.
    Row("events:team", "event", (LOGIN, 403, 403, 403, 200, 403, 200)),
    Row("events:team", "other_event", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("events:team_remove", "event_team_member", (LOGIN, 403, 403, 403, 405, 403, 405)),
    # Your calendar feed's address is created by POST and shown once; GET goes back to it.
    Row("events:calendar_feed_manage", "", (LOGIN, *[Redirect("events:mine")] * 6)),
    Row("events:calendar_feed", "old_calendar_feed", (404, 404, 404, 404, 404, 404, 404)),
    # A transfer invitation (to an address none of these people signs in with): anyone holding
    # the link sees what is offered; only the invited address may accept it.
    Row("events:transfer_claim", "transfer", (200, 403, 403, 403, 403, 403, 403)),
    Row("events:transfer_claim", "bad_transfer", (404, 404, 404, 404, 404, 404, 404)),
    # Sustain: an emailed check-in link needs no sign-in ("checkin_link" is sent, "checkin_used"
    # answered, "checkin_bad" a token never issued); signed-in people record adoptions; the
    # author names check-in contacts; moderators and organisers see examples at risk.
    Row("sustain:checkin_answer", "checkin_link", (200, 200, 200, 200, 200, 200, 200)),
    Row("sustain:checkin_answer", "checkin_used", (410, 410, 410, 410, 410, 410, 410)),
    Row("sustain:checkin_answer", "checkin_bad", (404, 404, 404, 404, 404, 404, 404)),
    Row("sustain:checkin_thanks", "published", (200, 200, 200, 200, 200, 200, 200)),
    Row("sustain:adopt", "published", (LOGIN, 200, 200, 200, 200, 200, 200)),
    Row("sustain:adopt", "submitted", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("sustain:adopters", "published", (200, 200, 200, 200, 200, 200, 200)),
    Row("sustain:adopters", "submitted", (404, 404, 404, 404, 404, 404, 404)),
    Row("sustain:contacts", "published", (LOGIN, 404, 200, 404, 404, 404, 404)),
    Row("sustain:contact_remove", "contact", (LOGIN, 405, 405, 405, 405, 405, 405)),
    Row("sustain:at_risk", "", (LOGIN, 403, 403, 200, 200, 403, 200)),
    Row("sustain:checkin_send_now", "published", (LOGIN, 403, 403, 405, 403, 403, 405)),
    # Measures: the example's author manages them, and moderators (administrators too) of
    # examples they may see; everyone else gets 404 ("measure" is on "published").
    Row("sustain:measure_create", "published", (LOGIN, 404, 200, 200, 404, 404, 200)),
    Row("sustain:measure_create", "submitted", (LOGIN, 404, 200, 200, 404, 404, 200)),
    Row("sustain:measure_create", "draft", (LOGIN, 404, 200, 404, 404, 404, 404)),
    Row("sustain:measure_manage", "measure", (LOGIN, 404, 200, 200, 404, 404, 200)),
    Row("sustain:measure_manage", "draft_measure", (LOGIN, 404, 200, 404, 404, 404, 404)),
    Row("sustain:measure_edit", "measure", (LOGIN, 404, 200, 200, 404, 404, 200)),
    Row("sustain:measure_delete", "measure", (LOGIN, 404, 200, 200, 404, 404, 200)),
    Row("sustain:measure_values_add", "measure", (LOGIN, 404, 200, 200, 404, 404, 200)),
    Row("sustain:measure_upload", "measure", (LOGIN, 404, 200, 200, 404, 404, 200)),
    Row("sustain:measure_upload_confirm", "measure", (LOGIN, 405, 405, 405, 405, 405, 405)),
    Row("sustain:measure_value_delete", "measure_value", (LOGIN, 404, 200, 200, 404, 404, 200)),
    # Syntheses: everyone reads published reports (and their PDF and data), signed-in people
    # comment on them; facilitators (and administrators) run syntheses, edit their themes and
    # preview unpublished reports ("draft_report"), which no one else may learn exist.
    Row("insights:report_list", "", (200, 200, 200, 200, 200, 200, 200)),
    Row("insights:report", "report", (200, 200, 200, 200, 200, 200, 200)),
    Row("insights:report", "draft_report", (404, 404, 404, 404, 404, 200, 200)),
    Row("insights:report_pdf", "report", (200, 200, 200, 200, 200, 200, 200)),
    Row("insights:report_pdf", "draft_report", (404, 404, 404, 404, 404, 200, 200)),
    Row("insights:report_data", "report_csv", (200, 200, 200, 200, 200, 200, 200)),
    Row("insights:report_data", "draft_report_csv", (404, 404, 404, 404, 404, 200, 200)),
    Row("insights:report_comment", "report", (LOGIN, 200, 200, 200, 200, 200, 200)),
    Row("insights:report_comment", "draft_report", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("insights:manage_list", "", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("insights:synthesis_create", "", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("insights:board", "synthesis", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("insights:synthesis_edit", "synthesis", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("insights:synthesis_run", "synthesis", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("insights:theme_merge", "synthesis", (LOGIN, 403, 403, 403, 403, 405, 405)),
    Row("insights:synthesis_publish", "synthesis", (LOGIN, 403, 403, 403, 403, 405, 405)),
    Row("insights:theme", "theme", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("insights:theme_split", "theme", (LOGIN, 403, 403, 403, 403, 405, 405)),
    Row("insights:theme_quotes", "theme", (LOGIN, 403, 403, 403, 403, 405, 405)),
    Row("insights:theme_move", "theme", (LOGIN, 403, 403, 403, 403, 405, 405)),
    Row("insights:question_add", "theme", (LOGIN, 403, 403, 403, 403, 405, 405)),
    Row("insights:question_delete", "question", (LOGIN, 403, 403, 403, 403, 405, 405)),
    Row("insights:report_preview", "synthesis", (LOGIN, 403, 403, 403, 403, 200, 200)),
    # Another facilitator's synthesis (on a series the facilitator is not on): not to be found.
    Row("insights:board", "other_synthesis", (LOGIN, 403, 403, 403, 403, 404, 200)),
    Row("insights:synthesis_edit", "other_synthesis", (LOGIN, 403, 403, 403, 403, 404, 200)),
    Row("insights:synthesis_run", "other_synthesis", (LOGIN, 403, 403, 403, 403, 404, 200)),
    Row("insights:report_preview", "other_synthesis", (LOGIN, 403, 403, 403, 403, 404, 200)),
    Row("insights:theme", "other_theme", (LOGIN, 403, 403, 403, 403, 404, 200)),
    # Workshops: anyone reads series pages, joins with a code (no account) and sees the wall;
    # facilitators listed on a series (and administrators) run it. "series" is the
    # facilitator's series, "other_series" one they are not listed on.
    Row("workshops:series_list", "", (200, 200, 200, 200, 200, 200, 200)),
    Row("workshops:series_detail", "series", (200, 200, 200, 200, 200, 200, 200)),
    Row("workshops:series_create", "", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:series_edit", "series", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:series_edit", "other_series", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("workshops:series_team", "series", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:series_team", "other_series", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("workshops:series_team_remove", "team_member", (LOGIN, 403, 403, 403, 403, 405, 405)),
    Row("workshops:workshop_create", "series", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:workshop_create", "other_series", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("workshops:resource_create", "series", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:resource_download", "resource", (200, 200, 200, 200, 200, 200, 200)),
    Row("workshops:resource_delete", "resource", (LOGIN, 403, 403, 403, 403, 405, 405)),
    Row("workshops:workshop_manage", "workshop", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:workshop_manage", "other_workshop", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("workshops:workshop_edit", "workshop", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:prompt_create", "workshop", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:prompt_edit", "prompt", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:prompt_open", "prompt", (LOGIN, 403, 403, 403, 403, 405, 405)),
    Row("workshops:reflection_hide", "reflection", (LOGIN, 403, 403, 403, 403, 405, 405)),
    Row("workshops:import_upload", "workshop", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:import_upload", "other_workshop", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("workshops:import_columns", "upload", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:import_preview", "upload", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:import_status", "upload", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:import_status", "other_upload", (LOGIN, 403, 403, 403, 403, 404, 200)),
    Row("workshops:join", "", (200, 200, 200, 200, 200, 200, 200)),
    Row("workshops:join_workshop", "join", (200, 200, 200, 200, 200, 200, 200)),
    Row("workshops:wall", "join", (200, 200, 200, 200, 200, 200, 200)),
    Row("workshops:wall_fragment", "join", (200, 200, 200, 200, 200, 200, 200)),
    Row("workshops:join_qr", "join", (200, 200, 200, 200, 200, 200, 200)),
    # Your own account.
    Row("accounts:profile", "", (LOGIN, 200, 200, 200, 200, 200, 200)),
    Row("account_login", "", (200, HOME, HOME, HOME, HOME, HOME, HOME)),
    Row("account_signup", "", (200, HOME, HOME, HOME, HOME, HOME, HOME)),
    Row("account_logout", "", (HOME, 200, 200, 200, 200, 200, 200)),
    Row("account_inactive", "", (200, 200, 200, 200, 200, 200, 200)),
    Row("account_reauthenticate", "", (LOGIN, 200, 200, 200, 200, 200, 200)),
    Row("account_email", "", (LOGIN, 200, 200, 200, 200, 200, 200)),
    Row("account_email_verification_sent", "", (200, 200, 200, 200, 200, 200, 200)),
    Row("account_confirm_email", "bad_key", (200, 200, 200, 200, 200, 200, 200)),
    Row("account_change_password", "", (LOGIN, 200, 200, 200, 200, 200, 200)),
    Row(
        "account_set_password",
        "",
        (
            LOGIN,
            CHANGE_PASSWORD,
            CHANGE_PASSWORD,
            CHANGE_PASSWORD,
            CHANGE_PASSWORD,
            CHANGE_PASSWORD,
            CHANGE_PASSWORD,
        ),
    ),
    Row("account_reset_password", "", (200, 200, 200, 200, 200, 200, 200)),
    Row("account_reset_password_done", "", (200, 200, 200, 200, 200, 200, 200)),
    Row("account_reset_password_from_key", "bad_key", (200, 200, 200, 200, 200, 200, 200)),
    Row("account_reset_password_from_key_done", "", (200, 200, 200, 200, 200, 200, 200)),
    # Sign-in by code is switched off: no one may open its second step.
    Row(
        "account_confirm_login_code",
        "",
        (Redirect("account_login"), HOME, HOME, HOME, HOME, HOME, HOME),
    ),
    # Someone else's objects (tests/permission_world.py), beside the roles' own ones above:
    # another participant's examples, comment and booking ("withdrawn" was published, then
    # withdrawn, and its discussion closed), another organiser's event, things in another
    # facilitator's series, and the facilitator's own synthesis beside another one's.
    Row("examples:detail", "other_draft", (404, 404, 404, 404, 404, 404, 404)),
    Row("examples:detail", "withdrawn", (404, 404, 404, 200, 404, 404, 200)),
    Row("examples:edit", "other_draft", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("examples:preview", "other_draft", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("examples:delete", "other_draft", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("examples:withdraw", "other_published", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("examples:attachment_download", "other_draft_attachment", (404,) * 7),
    Row("examples:moderation_review", "other_draft", (LOGIN, 403, 403, 404, 403, 403, 404)),
    Row("conversation:comment_create", "withdrawn", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("conversation:comment_reply", "withdrawn_comment", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("conversation:comment_flag", "withdrawn_comment", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("conversation:comment_edit", "other_comment", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("conversation:comment_delete", "other_comment", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("events:calendar_feed", "unknown_calendar_feed", (404, 404, 404, 404, 404, 404, 404)),
    Row("events:accept", "other_booking", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("sustain:checkin_answer", "other_checkin_link", (404, 404, 404, 404, 404, 404, 404)),
    Row("sustain:contacts", "other_published", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("sustain:measure_create", "other_published", (LOGIN, 404, 404, 200, 404, 404, 200)),
    Row("sustain:measure_manage", "other_measure", (LOGIN, 404, 404, 200, 404, 404, 200)),
    Row("sustain:measure_edit", "other_measure", (LOGIN, 404, 404, 200, 404, 404, 200)),
    Row("sustain:measure_delete", "other_measure", (LOGIN, 404, 404, 200, 404, 404, 200)),
    Row("sustain:measure_values_add", "other_measure", (LOGIN, 404, 404, 200, 404, 404, 200)),
    Row("sustain:measure_upload", "other_measure", (LOGIN, 404, 404, 200, 404, 404, 200)),
    Row(
        "sustain:measure_value_delete", "other_measure_value", (LOGIN, 404, 404, 200, 404, 404, 200)
    ),
    Row("workshops:workshop_edit", "other_workshop", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("workshops:prompt_create", "other_workshop", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("workshops:prompt_edit", "other_prompt", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("workshops:resource_create", "other_series", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("workshops:resource_download", "other_resource", (200, 200, 200, 200, 200, 200, 200)),
    Row("workshops:import_columns", "other_upload", (LOGIN, 403, 403, 403, 403, 404, 200)),
    Row("workshops:import_preview", "other_upload", (LOGIN, 403, 403, 403, 403, 404, 200)),
    Row("insights:report", "own_report", (404, 404, 404, 404, 404, 200, 200)),
    Row("insights:report", "other_report", (404, 404, 404, 404, 404, 404, 200)),
    Row("insights:report_pdf", "other_report", (404, 404, 404, 404, 404, 404, 200)),
    Row("insights:report_data", "other_report_csv", (404, 404, 404, 404, 404, 404, 200)),
    Row("insights:report_data", "other_report_xlsx", (404, 404, 404, 404, 404, 404, 200)),
    Row("insights:report_comment", "other_report", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("insights:board", "own_synthesis", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("insights:synthesis_edit", "own_synthesis", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("insights:synthesis_run", "own_synthesis", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("insights:theme", "own_theme", (LOGIN, 403, 403, 403, 403, 200, 200)),
]

# Cases where the site does not yet do what the matrix says, each with the request that fixes
# it. strict: once fixed, the XPASS fails the run so that the entry is removed.
KNOWN_GAPS: dict[tuple[str, str], str] = {}

CASES = [
    pytest.param(
        row,
        role,
        expected,
        id=f"{row.id}-{role}",
        marks=(
            [pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[row.id, role])]
            if (row.id, role) in KNOWN_GAPS
            else []
        ),
    )
    for row in MATRIX
    for role, expected in zip(ROLES, row.expected, strict=True)
]


def build_world() -> tuple[dict, dict]:
    """One of everything a URL can point at, all written by the same author, and the users.

    Shared with the browser test that opens every page (tests/e2e/test_every_page_axe.py).
    """
    author = UserFactory(display_name="The author")
    campaign = CampaignFactory()
    objects = {
        "campaign": campaign,
        "published": PublishedExampleFactory(
            author=author,
            campaign=campaign,
            is_featured=True,
            tags=[TagFactory(name="Remote working", slug="remote-working")],
        ),
        "submitted": SubmittedExampleFactory(author=author, campaign=campaign),
        "draft": ExampleFactory(author=author, campaign=campaign),
    }
    for state in ("published", "submitted", "draft"):
        objects[f"{state}_attachment"] = Attachment.objects.create(
            example=objects[state],
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=f"{state}.pdf"),
            original_name=f"{state}.pdf",
            content_type="application/pdf",
            size=15,
        )
    organiser = OrganiserFactory()
    objects.update(_events_world(author))
    objects.update(_measures_world(objects["published"], objects["draft"]))
    objects["event"].organisers.add(organiser)
    objects.update(_insights_world())
    objects["comment"] = CommentFactory(
        author=author, discussion=DiscussionFactory(example=objects["published"])
    )
    objects.update(_sustain_world(objects["published"]))
    facilitator = FacilitatorFactory()
    objects.update(_workshops_world(facilitator))
    objects.update(_taken_down_world(author, campaign))
    objects.update(_insights_team_world(objects, facilitator))
    objects.update(others_world(objects))
    users = {
        "anonymous": None,
        "participant": UserFactory(),
        "author": author,
        "moderator": ModeratorFactory(),
        "organiser": organiser,
        "facilitator": facilitator,
        "admin": AdminFactory(),
    }
    objects.update(_files_world(author, campaign))
    return objects, users


def _files_world(author: User, campaign: object) -> dict:
    """Attachments of the author's rejected and withdrawn examples."""
    objects = {}
    for state in ("rejected", "withdrawn"):
        objects[f"{state}_attachment"] = Attachment.objects.create(
            example=ExampleFactory(author=author, campaign=campaign, status=state),
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=f"{state}.pdf"),
            original_name=f"{state}.pdf",
            content_type="application/pdf",
            size=15,
        )
    return objects


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Everything of `build_world`, built once for the module.

    About 260 requests only read it; it is removed afterwards, and each test still runs in its
    own rolled-back transaction.
    """
    with django_db_blocker.unblock():
        users_before = set(User.objects.values_list("pk", flat=True))
        with transaction.atomic():
            objects, users = build_world()
            campaign = objects["campaign"]
        yield objects, users
        with transaction.atomic():
            objects["comment"].discussion.delete()
            objects["taken_down_comment"].discussion.delete()
            objects["series"].delete()
            objects["other_series"].delete()
            objects["event"].delete()
            objects["past_session"].event.delete()
            objects["report"].delete()
            objects["draft_report"].delete()
            Example.objects.filter(campaign=campaign).delete()
            campaign.delete()
            # Left behind, it would collide with tests that create the same tag.
            Tag.objects.filter(slug="remote-working").delete()
            others_delete(objects)
            # Every account the world made, the factories' own included: one left behind makes
            # `load_demo` in a later test refuse a database with "real" accounts.
            User.objects.exclude(pk__in=users_before).delete()


def _taken_down_world(author: User, campaign: object) -> dict:
    """A published example a moderator took down, with the author's comment on it."""
    from exchange.examples.models import ExampleStatus

    taken_down = PublishedExampleFactory(
        author=author,
        campaign=campaign,
        status=ExampleStatus.TAKEN_DOWN,
        moderator_message="Names a patient",
    )
    comment = CommentFactory(author=author, discussion=DiscussionFactory(example=taken_down))
    return {"taken_down": taken_down, "taken_down_comment": comment}


def _events_world(author: User) -> dict:
    """An upcoming event with a session the author booked, and a past one they attended."""
    from exchange.core.tokens import token_digest
    from exchange.events.models import Booking, BookingState, CalendarFeed, Mode
    from tests.events.factories import EventFactory, SessionFactory

    session = SessionFactory(event=EventFactory(slug="matrix-conference"))
    past = timezone.now() - dt.timedelta(days=2)
    past_session = SessionFactory(
        event=EventFactory(slug="matrix-past", starts_at=past), starts_at=past
    )
    booking = Booking.objects.create(
        user=author, session=session, mode=Mode.IN_PERSON, state=BookingState.CONFIRMED
    )
    Booking.objects.create(
        user=author, session=past_session, mode=Mode.ONLINE, state=BookingState.ATTENDED
    )
    return {
        "event": session.event,
        "session": session,
        "past_session": past_session,
        "booking": booking,
        "calendar_feed": CalendarFeed.objects.create(
            user=author, digest=token_digest(CALENDAR_FEED_TOKEN)
        ),
        **_transfer_world(booking),
    }


CALENDAR_FEED_TOKEN = "matrix-feed-token"
TRANSFER_TOKEN = "matrix-transfer-token"


def _transfer_world(booking: object) -> dict:
    """The author's invitation to a colleague to take their booking."""
    from exchange.core.tokens import token_digest
    from exchange.events.models import BookingTransfer

    transfer = BookingTransfer.objects.create(
        booking=booking,
        sender=booking.user,
        email="matrix-colleague@example.org",
        digest=token_digest(TRANSFER_TOKEN),
        expires_at=booking.session.starts_at,
    )
    return {"transfer": transfer, "bad_transfer": transfer}


CHECKIN_TOKENS = {"checkin_link": "matrix-open-token", "checkin_used": "matrix-used-token"}


def _sustain_world(published: Example) -> dict:
    """A check-in of `published` waiting for an answer, one answered, an adoption, a contact."""
    from exchange.sustain.models import CheckIn, CheckInAnswer, CheckInLink, CheckInState
    from exchange.sustain.services import token_digest
    from tests.sustain.factories import AdoptionFactory, ContactFactory

    now = timezone.now()
    links = {}
    for months, (name, token) in zip((3, 6), CHECKIN_TOKENS.items(), strict=True):
        check_in = CheckIn.objects.create(
            example=published, months=months, due_at=now, state=CheckInState.SENT, sent_at=now
        )
        links[name] = CheckInLink.objects.create(
            check_in=check_in,
            token_hash=token_digest(token),
            user=published.author,
            expires_at=now + dt.timedelta(days=30),
        )
    used = links["checkin_used"]
    CheckInAnswer.objects.create(
        check_in=used.check_in, link=used, status="retained", answered_at=now
    )
    CheckIn.objects.filter(pk=used.check_in_id).update(state=CheckInState.ANSWERED)
    AdoptionFactory(example=published, organisation="Matrix Trust")
    return {
        **links,
        "checkin_bad": links["checkin_link"],
        "contact": ContactFactory(example=published, email="matrix-contact@example.org"),
    }


def _measures_world(published: Example, draft: Example) -> dict:
    """A measure with values on the published example, and one on the draft."""
    from tests.sustain.factories import SHIFTED, MeasureFactory, measure_with_values

    measure = measure_with_values(SHIFTED, example=published, name="Appointments kept")
    return {
        "measure": measure,
        "measure_value": measure.values.order_by("date").first(),
        "draft_measure": MeasureFactory(example=draft, name="Draft measure"),
    }


def _insights_world() -> dict:
    """A published synthesis report and an unpublished one with a theme, texts and a question
    (written straight to the database: the engine's run is tested in tests/insights)."""
    import datetime as dt

    from exchange.insights.models import Question, RunStatus, Synthesis, SynthesisItem, Theme

    reports = {}
    for key, published in (("report", True), ("draft_report", False)):
        synthesis = Synthesis.objects.create(
            title=f"Matrix {key}",
            slug=f"matrix-{key}".replace("_", "-"),
            sources={"examples": True},
            status=RunStatus.READY,
            is_published=published,
            published_at=timezone.now() if published else None,
        )
        theme = Theme.objects.create(synthesis=synthesis, label="Shared rotas", size=2)
        for n in range(2):
            SynthesisItem.objects.create(
                synthesis=synthesis,
                source_kind="example",
                source_id=n + 1,
                text=f"The shared rota worked ({n})",
                date=dt.date(2026, 5 + n, 1),
                theme=theme,
                is_quote=True,
            )
        reports[key] = synthesis
        if not published:
            reports["synthesis"] = synthesis
            reports["theme"] = theme
            reports["question"] = Question.objects.create(theme=theme, text="What next?")
    return reports


def _workshops_world(facilitator: User) -> dict:
    """The facilitator's series with a workshop, an open prompt, a reflection, a resource and
    an upload being imported; and another facilitator's series."""
    from exchange.workshops.models import ImportUpload, SeriesResource
    from tests.workshops.factories import (
        PromptFactory,
        ReflectionFactory,
        WorkshopFactory,
        WorkshopSeriesFactory,
    )

    series = WorkshopSeriesFactory(slug="matrix-series", facilitators=[facilitator])
    other_series = WorkshopSeriesFactory(slug="matrix-other-series", facilitators=[UserFactory()])
    workshop = WorkshopFactory(series=series)
    other_workshop = WorkshopFactory(series=other_series)
    prompt = PromptFactory(workshop=workshop, is_open=True)
    resource = SeriesResource.objects.create(
        series=series,
        title="Running order",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="running-order.pdf"),
        original_name="running-order.pdf",
        content_type="application/pdf",
        size=15,
    )

    def upload(on: object, by: User) -> ImportUpload:
        return ImportUpload.objects.create(
            workshop=on,
            uploaded_by=by,
            original_name="survey.csv",
            file=ContentFile(b"Answer,Date\nWorking together,03/05/2026\n", name="survey.csv"),
            mapping={"text": "Answer", "date": "Date", "prompt_id": prompt.pk},
            # As the check task leaves it: the preview shows its result.
            state="checked",
            check_result={"ok": True, "total_rows": 1, "rows_to_import": 1},
        )

    return {
        "series": series,
        "other_series": other_series,
        "workshop": workshop,
        "other_workshop": other_workshop,
        "prompt": prompt,
        "reflection": ReflectionFactory(prompt=prompt),
        "resource": resource,
        "upload": upload(workshop, facilitator),
        "other_upload": upload(other_workshop, other_series.facilitators.get()),
    }


def _insights_team_world(objects: dict, facilitator: User) -> dict:
    """The syntheses above belong to the facilitator's series (the published one with its
    publication); another facilitator's synthesis is `permission_world`'s "other_synthesis"."""
    from exchange.insights.models import ReportVersion, Synthesis
    from exchange.insights.snapshots import report_document, report_rows

    for key in ("report", "draft_report"):
        synthesis = objects[key]
        synthesis.series.add(objects["series"])
        Synthesis.objects.filter(pk=synthesis.pk).update(
            sources={"series": [objects["series"].pk]}, created_by=facilitator
        )
    ReportVersion.objects.create(
        synthesis=objects["report"],
        number=1,
        document=report_document(objects["report"]),
        rows=report_rows(objects["report"]),
        published_at=timezone.now(),
    )
    return {
        "team_member": facilitator,
    }


def url_for(row: Row, objects: dict) -> str:
    target = row.target
    if (other_kwargs := others_url_kwargs(target, objects)) is not None:
        return reverse(row.name, kwargs=other_kwargs)
    if not target:
        kwargs = {}
    elif target in ("series", "other_series"):
        kwargs = {"slug": objects[target].slug}
    elif target in ("workshop", "other_workshop"):
        kwargs = {"slug": objects[target].series.slug, "pk": objects[target].pk}
    elif target == "prompt":
        prompt = objects["prompt"]
        kwargs = {
            "slug": prompt.workshop.series.slug,
            "pk": prompt.workshop_id,
            "prompt_pk": prompt.pk,
        }
    elif target == "resource":
        kwargs = {"slug": objects["series"].slug, "resource_pk": objects["resource"].pk}
    elif target == "team_member":
        kwargs = {"slug": objects["series"].slug, "user_pk": objects[target].pk}
    elif target in ("upload", "other_upload"):
        kwargs = {"token": objects[target].token}
    elif target == "join":
        kwargs = {"code": objects["workshop"].join_code}
    elif target in ("event", "other_event"):
        kwargs = {"slug": objects[target].slug}
    elif target == "calendar_feed":
        kwargs = {"token": CALENDAR_FEED_TOKEN}
    elif target == "old_calendar_feed":
        # The digest itself is no key: a copy of the database opens no one's feed.
        kwargs = {"token": objects["calendar_feed"].digest}
    elif target in ("transfer", "bad_transfer"):
        kwargs = {"token": TRANSFER_TOKEN if target == "transfer" else "not-a-token-we-issued"}
    elif target == "event_team_member":
        event = objects["event"]
        kwargs = {"slug": event.slug, "user_pk": event.organisers.order_by("pk").first().pk}
    elif target in ("report", "draft_report"):
        kwargs = {"slug": objects[target].slug}
    elif target in ("report_csv", "draft_report_csv"):
        kwargs = {"slug": objects[target.removesuffix("_csv")].slug, "fmt": "csv"}
    elif target in ("session_csv", "other_session_csv"):
        kwargs = {"pk": objects[target.removesuffix("_csv")].pk, "fmt": "csv"}
    elif target == "campaign":
        kwargs = {"slug": objects["campaign"].slug}
    elif target == "language":
        kwargs = {"code": "cy"}
    elif target.startswith("checkin_"):
        token = CHECKIN_TOKENS.get(target, "not-a-token-we-issued")
        kwargs = {"pk": objects[target].check_in.example_id, "token": token}
    elif target == "contact":
        kwargs = {"pk": objects["contact"].example_id, "contact_pk": objects["contact"].pk}
    elif target == "measure_value":
        value = objects[target]
        kwargs = {"pk": value.measure_id, "value_pk": value.pk}
    elif target.endswith("_attachment"):
        attachment = objects[target]
        kwargs = {"pk": attachment.example_id, "attachment_pk": attachment.pk}
    elif target == "bad_key" and row.name == "account_confirm_email":
        kwargs = {"key": "no-such-key"}
    elif target == "bad_key":
        kwargs = {"uidb36": "zz", "key": "no-such-key"}
    else:
        kwargs = {"pk": objects[target].pk}
    return reverse(row.name, kwargs=kwargs)


@pytest.mark.parametrize(("row", "role", "expected"), CASES)
@pytest.mark.django_db
def test_get(client, world, row, role, expected):
    objects, users = world
    if users[role] is not None:
        client.force_login(users[role])
    url = url_for(row, objects)

    response = client.get(url)

    if expected == LOGIN:
        assert response.status_code == 302, f"{url} as {role}"
        assert response.url.startswith(reverse("account_login") + "?next="), response.url
    elif isinstance(expected, Redirect):
        assert response.status_code == 302, f"{url} as {role}"
        assert response.url.split("?")[0] == reverse(expected.to), response.url
    else:
        assert response.status_code == expected, f"{url} as {role}"


def _names(resolver: URLResolver, namespace: str | None = None) -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            names |= _names(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_url_pattern_is_in_the_matrix():
    site = {
        name
        for name in _names(get_resolver())
        if name.split(":")[0] in COVERED_NAMESPACES
        or (":" not in name and name.startswith(COVERED_PREFIXES))
    }
    in_matrix = {row.name for row in MATRIX}

    assert site - in_matrix == set(), "add these URLs to MATRIX"
    assert in_matrix - site == set(), "these URLs no longer exist"


def test_matrix_rows_are_unique():
    ids = [row.id for row in MATRIX]
    assert len(ids) == len(set(ids))
