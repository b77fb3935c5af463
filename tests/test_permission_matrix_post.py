"""Every page that changes something, for every role, on their own object and on someone else's:
the status a POST must answer with, and that a refused POST changed nothing.

The conventions are the GET matrix's (tests/test_permission_matrix.py): anonymous visitors are
sent to sign in, signed-in people without the permission get 403, and an object the caller may
not see is a 404 (someone else's draft, booking, comment or synthesis; a closed discussion).
A refused caller is refused before the form is read: the body carries valid-looking data where
that matters, so that a view which checks too late answers 200/302 and fails its row.

Allowed callers reach the view's service: DONE is a redirect to a page other than sign-in after
the action happened (something was written), BACK the same redirect after the service refused
with a message, 200/400 a form shown again with its errors. Only DONE may change the database:
every other answer leaves every table's row count, the target's fields and the outbox as they
were.

`test_every_post_url_is_in_the_matrix` fails when a URL is added without a row here or a
reason in READ_ONLY.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLResolver, get_resolver, reverse

from tests.permission_world import database_state, rolled_back
from tests.test_permission_matrix import (
    CHANGE_PASSWORD,
    COVERED_NAMESPACES,
    COVERED_PREFIXES,
    HOME,
    LOGIN,
    MATRIX,
    ROLES,
    Redirect,
    _names,
    build_world,
    url_for,
)
from tests.test_permission_matrix import Row as GetRow

# 302 to a page other than sign-in, having written something: the view reached its service.
DONE = "done"
# 302 to a page other than sign-in, having written nothing: the view reached its service, which
# refused with a message (not following, already visible, no themes chosen to merge).
BACK = "back"


@dataclass(frozen=True)
class Row:
    name: str
    target: str  # which fixture object fills the URL's arguments (as in the GET matrix)
    expected: tuple  # one answer per role, in ROLES order
    data: Callable[[dict], dict] | None = None  # the POST body, from the world's objects
    label: str = ""  # tells apart two rows of one URL and target with different bodies

    @property
    def id(self) -> str:
        base = f"{self.name}[{self.target}]" if self.target else self.name
        return f"{base}{{{self.label}}}" if self.label else base


def body(**fields: Any) -> Callable[[dict], dict]:
    """A fixed POST body."""
    return lambda objects: fields


def _over(series: str) -> Callable[[dict], dict]:
    """A new synthesis of the reflections of one of the world's series."""
    return lambda objects: {"title": "Matrix new synthesis", "series": [objects[series].pk]}


# The bodies: what a person allowed to act would send. Forms posted empty are shown again with
# their errors to those allowed, which is enough to tell them from those refused.
TAKE_DOWN = body(reason="It names a patient.")
FEED_OFF = body(action="delete")
NOT_A_FACILITATOR = body(email="matrix-nobody@example.org")
ADOPTION = body(
    organisation="Matrix Adopters",
    adopted_on_0="1",
    adopted_on_1="3",
    adopted_on_2="2026",
    how_adapted="We ran it on Tuesdays only.",
)
ANSWER = body(status="retained", at_risk="no")
CHANGES = body(message="Please add when it started.")
CLOSE = body(open="0")
COLLEAGUE = body(email="colleague@example.org")
COMMENT = body(body="We tried this in our ward too.", policy_accepted="on")
CONTACT = body(name="A colleague", email="colleague@example.org")
EDITED = body(body="Edited: it worked for a year.")
HELPFUL = body(kind="helpful")
HIDE = body(hidden="1")
IDEA = body(text="More breaks, please.")
LABEL = body(label="Rotas that stayed", narrative="")
MEASURE = body(name="Waiting times", unit="days")
MESSAGE = body(subject="Room change", body="We meet in room 3 today.")
ONLINE = body(mode="online")
OVER_OTHER_SERIES = _over("other_series")
OVER_OWN_SERIES = _over("series")
PROFILE = body(display_name="A new name", organisation="Northshire Trust")
PROMPT = body(text="What should stay?")
QUESTION = body(text="Who else could try it?")
REJECTION = body(reason="This is not about a change at work.")
RENAME = body(title="Renamed")
RESOURCE = body(title="Slides", url="https://example.org/slides")
SPAM = body(reason="spam")
SPLIT = body(parts="2")
STALE_UPLOAD = body(token="not-an-upload-we-checked")
STOP = body(reason="Repeated abuse of other people.")
TITLE = body(title="A change that stayed")
UNSUBSCRIBE = body(token="not-a-token-we-sent")


def REFLECTION(objects: dict) -> dict:  # a body naming an object of the world
    return {"prompt": objects["prompt"].pk, "text": "We kept the daily huddle."}


def SESSIONS(objects: dict) -> dict:
    return {"sessions": [objects["session"].pk], "mode": "online"}


EMAIL = Redirect("account_email")

# Row(url name, object in the URL,
#     (anonymous, participant, author, moderator, organiser, facilitator, admin), body)
# fmt: off
POST_MATRIX: list[Row] = [
    # Submitting: any signed-in participant; their own examples only ("other_…" is another
    # participant's).
    Row("examples:create", "campaign", (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE), TITLE),
    Row("examples:edit", "draft", (LOGIN, 404, DONE, 404, 404, 404, 404), TITLE),
    Row("examples:edit", "other_draft", (LOGIN, 404, 404, 404, 404, 404, 404), TITLE),
    Row("examples:submit", "draft", (LOGIN, 404, DONE, 404, 404, 404, 404)),
    Row("examples:submit", "other_draft", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("examples:withdraw", "published", (LOGIN, 404, DONE, 404, 404, 404, 404)),
    Row("examples:withdraw", "other_published", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("examples:delete", "draft", (LOGIN, 404, DONE, 404, 404, 404, 404)),
    Row("examples:delete", "published", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("examples:delete", "other_draft", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("examples:attachment_delete", "draft_attachment", (LOGIN, 404, DONE, 404, 404, 404, 404)),
    Row("examples:attachment_delete", "other_draft_attachment", (LOGIN, 404, 404, 404, 404, 404, 404)),
    # Moderation: moderators and administrators, of examples that have been submitted.
    Row("examples:moderation_approve", "submitted", (LOGIN, 403, 403, DONE, 403, 403, DONE)),
    Row("examples:moderation_approve", "draft", (LOGIN, 403, 403, 404, 403, 403, 404)),
    Row("examples:moderation_reject", "submitted", (LOGIN, 403, 403, DONE, 403, 403, DONE), REJECTION),
    Row("examples:moderation_request_changes", "submitted", (LOGIN, 403, 403, DONE, 403, 403, DONE), CHANGES),
    Row("examples:moderation_feature", "other_published", (LOGIN, 403, 403, DONE, 403, 403, DONE)),
    Row("examples:moderation_take_down", "published", (LOGIN, 403, 403, DONE, 403, 403, DONE), TAKE_DOWN),
    Row("examples:moderation_take_down", "other_published", (LOGIN, 403, 403, DONE, 403, 403, DONE), TAKE_DOWN),
    Row("examples:moderation_take_down", "draft", (LOGIN, 403, 403, 404, 403, 403, 404), TAKE_DOWN),
    Row("examples:moderation_restore", "taken_down", (LOGIN, 403, 403, DONE, 403, 403, DONE)),
    Row("examples:moderation_restore", "published", (LOGIN, 403, 403, BACK, 403, 403, BACK)),
    Row("examples:moderation_unfeature", "published", (LOGIN, 403, 403, DONE, 403, 403, DONE)),
    # Conversation: signed-in people comment, reply, react, report and follow while the discussion
    # is open ("withdrawn" was published, then withdrawn by its author); a comment's author edits
    # and deletes it ("other_comment" is another participant's on the same example).
    Row("conversation:comment_create", "published", (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE), COMMENT),
    Row("conversation:comment_create", "withdrawn", (LOGIN, 404, 404, 404, 404, 404, 404), COMMENT),
    Row("conversation:example_react", "published", (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE), HELPFUL),
    Row("conversation:example_react", "withdrawn", (LOGIN, 404, 404, 404, 404, 404, 404), HELPFUL),
    Row("conversation:example_follow", "published", (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE)),
    Row("conversation:example_follow", "withdrawn", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("conversation:example_unfollow", "published", (LOGIN, BACK, BACK, BACK, BACK, BACK, BACK)),
    Row("conversation:comment_reply", "comment", (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE), COMMENT),
    Row("conversation:comment_reply", "withdrawn_comment", (LOGIN, 404, 404, 404, 404, 404, 404), COMMENT),
    Row("conversation:comment_edit", "comment", (LOGIN, 404, DONE, 404, 404, 404, 404), EDITED),
    Row("conversation:comment_edit", "other_comment", (LOGIN, 404, 404, 404, 404, 404, 404), EDITED),
    Row("conversation:comment_delete", "comment", (LOGIN, 404, DONE, 404, 404, 404, 404)),
    Row("conversation:comment_delete", "other_comment", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("conversation:comment_flag", "other_comment", (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE), SPAM),
    Row("conversation:comment_flag", "withdrawn_comment", (LOGIN, 404, 404, 404, 404, 404, 404), SPAM),
    Row("conversation:comment_react", "other_comment", (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE), HELPFUL),
    Row("conversation:comment_react", "withdrawn_comment", (LOGIN, 404, 404, 404, 404, 404, 404), HELPFUL),
    Row("conversation:unsubscribe", "", (400, 400, 400, 400, 400, 400, 400), UNSUBSCRIBE),
    Row("conversation:moderation_hide", "comment", (LOGIN, 403, 403, DONE, 403, 403, DONE)),
    Row("conversation:moderation_restore", "comment", (LOGIN, 403, 403, BACK, 403, 403, BACK)),
    Row("conversation:moderation_approve", "comment", (LOGIN, 403, 403, BACK, 403, 403, BACK)),
    Row("conversation:moderation_stop_author", "comment", (LOGIN, 403, 403, DONE, 403, 403, DONE), STOP),
    # Events: signed-in people book and manage their own bookings ("other_booking" is another
    # participant's place in the author's session); organisers listed on an event (and
    # administrators) run it ("other_event" has other organisers).
    Row("events:book", "session", (LOGIN, DONE, Redirect("events:mine"), DONE, DONE, DONE, DONE), ONLINE),
    Row("events:book", "other_session", (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE), ONLINE),
    Row("events:book_event", "event", (LOGIN, DONE, 200, DONE, DONE, DONE, DONE), SESSIONS),
    Row("events:improve", "past_session", (LOGIN, 404, DONE, 404, 404, 404, 404), IDEA),
    Row("events:switch", "booking", (LOGIN, 404, DONE, 404, 404, 404, 404)),
    Row("events:switch", "other_booking", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("events:cancel", "booking", (LOGIN, 404, DONE, 404, 404, 404, 404)),
    Row("events:cancel", "other_booking", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("events:accept", "booking", (LOGIN, 404, 200, 404, 404, 404, 404)),
    Row("events:accept", "other_booking", (LOGIN, 404, 404, 404, 404, 404, 404)),
    Row("events:transfer", "booking", (LOGIN, 404, DONE, 404, 404, 404, 404), COLLEAGUE),
    Row("events:transfer", "other_booking", (LOGIN, 404, 404, 404, 404, 404, 404), COLLEAGUE),
    Row("events:event_create", "", (LOGIN, 403, 403, 403, 200, 403, 200)),
    Row("events:event_edit", "event", (LOGIN, 403, 403, 403, 200, 403, 200)),
    Row("events:event_edit", "other_event", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("events:session_create", "event", (LOGIN, 403, 403, 403, 200, 403, 200)),
    Row("events:session_create", "other_event", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("events:session_edit", "session", (LOGIN, 403, 403, 403, 200, 403, 200)),
    Row("events:session_edit", "other_session", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("events:bookings_open", "event", (LOGIN, 403, 403, 403, DONE, 403, DONE), CLOSE),
    Row("events:bookings_open", "other_event", (LOGIN, 403, 403, 403, 403, 403, DONE), CLOSE),
    Row("events:session_message", "session", (LOGIN, 403, 403, 403, DONE, 403, DONE), MESSAGE),
    Row("events:session_message", "other_session", (LOGIN, 403, 403, 403, 403, 403, DONE), MESSAGE),
    Row("events:check_in", "booking", (LOGIN, 403, 403, 403, DONE, 403, DONE)),
    Row("events:check_in", "other_event_booking", (LOGIN, 403, 403, 403, 403, 403, DONE)),
    # The event's team: its organisers (and administrators) add and remove colleagues; the
    # last organiser stays. A transfer invitation is claimed only by the invited address.
    Row("events:team", "event", (LOGIN, 403, 403, 403, 200, 403, 200)),
    Row("events:team", "other_event", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("events:team_remove", "event_team_member", (LOGIN, 403, 403, 403, BACK, 403, BACK)),
    Row("events:calendar_feed_manage", "", (LOGIN, BACK, DONE, BACK, BACK, BACK, BACK), FEED_OFF),
    Row("events:transfer_claim", "transfer", (200, 403, 403, 403, 403, 403, 403)),
    Row("events:transfer_claim", "bad_transfer", (404, 404, 404, 404, 404, 404, 404)),
    # Sustain: an emailed check-in link needs no sign-in; signed-in people record adoptions of
    # published examples; the author names check-in contacts; measures belong to the example's
    # author and to moderators ("other_…" are on another participant's published example).
    Row("sustain:checkin_answer", "checkin_link", (DONE, DONE, DONE, DONE, DONE, DONE, DONE), ANSWER),
    Row("sustain:checkin_answer", "checkin_used", (410, 410, 410, 410, 410, 410, 410), ANSWER),
    Row("sustain:checkin_answer", "checkin_bad", (404, 404, 404, 404, 404, 404, 404), ANSWER),
    Row("sustain:checkin_answer", "other_checkin_link", (404, 404, 404, 404, 404, 404, 404), ANSWER),
    Row("sustain:adopt", "published", (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE), ADOPTION),
    Row("sustain:adopt", "draft", (LOGIN, 404, 404, 404, 404, 404, 404), ADOPTION),
    Row("sustain:contacts", "published", (LOGIN, 404, DONE, 404, 404, 404, 404), CONTACT),
    Row("sustain:contacts", "other_published", (LOGIN, 404, 404, 404, 404, 404, 404), CONTACT),
    Row("sustain:contact_remove", "contact", (LOGIN, 404, DONE, 404, 404, 404, 404)),
    Row("sustain:contact_remove", "other_contact", (LOGIN, 404, 404, 404, 404, 404, 404)),
    # No check-in of the world's published example is waiting: the service says so (BACK).
    Row("sustain:checkin_send_now", "published", (LOGIN, 403, 403, BACK, 403, 403, BACK)),
    Row("sustain:checkin_send_now", "draft", (LOGIN, 403, 403, 404, 403, 403, 404)),
    Row("sustain:measure_create", "published", (LOGIN, 404, 200, 200, 404, 404, 200), MEASURE),
    Row("sustain:measure_create", "other_published", (LOGIN, 404, 404, 200, 404, 404, 200), MEASURE),
    Row("sustain:measure_create", "draft", (LOGIN, 404, 200, 404, 404, 404, 404), MEASURE),
    Row("sustain:measure_edit", "measure", (LOGIN, 404, 200, 200, 404, 404, 200)),
    Row("sustain:measure_edit", "other_measure", (LOGIN, 404, 404, 200, 404, 404, 200)),
    Row("sustain:measure_delete", "measure", (LOGIN, 404, DONE, DONE, 404, 404, DONE)),
    Row("sustain:measure_delete", "other_measure", (LOGIN, 404, 404, DONE, 404, 404, DONE)),
    Row("sustain:measure_values_add", "measure", (LOGIN, 404, 200, 200, 404, 404, 200)),
    Row("sustain:measure_values_add", "other_measure", (LOGIN, 404, 404, 200, 404, 404, 200)),
    Row("sustain:measure_upload", "measure", (LOGIN, 404, 200, 200, 404, 404, 200)),
    Row("sustain:measure_upload", "other_measure", (LOGIN, 404, 404, 200, 404, 404, 200)),
    Row("sustain:measure_upload_confirm", "measure", (LOGIN, 404, 400, 400, 404, 404, 400), STALE_UPLOAD),
    Row("sustain:measure_upload_confirm", "other_measure", (LOGIN, 404, 404, 400, 404, 404, 400), STALE_UPLOAD),
    Row("sustain:measure_value_delete", "measure_value", (LOGIN, 404, DONE, DONE, 404, 404, DONE)),
    Row("sustain:measure_value_delete", "other_measure_value", (LOGIN, 404, 404, DONE, 404, 404, DONE)),
    # Workshops: anyone with the code posts a reflection; facilitators listed on a series (and
    # administrators) run it ("other_…" is in another facilitator's series).
    Row("workshops:join_workshop", "join", (DONE, DONE, DONE, DONE, DONE, DONE, DONE), REFLECTION),
    Row("workshops:series_create", "", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:series_edit", "series", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:series_edit", "other_series", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("workshops:workshop_create", "series", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:workshop_create", "other_series", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("workshops:workshop_edit", "workshop", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:workshop_edit", "other_workshop", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("workshops:prompt_create", "workshop", (LOGIN, 403, 403, 403, 403, DONE, DONE), PROMPT),
    Row("workshops:prompt_create", "other_workshop", (LOGIN, 403, 403, 403, 403, 403, DONE), PROMPT),
    Row("workshops:prompt_edit", "prompt", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:prompt_edit", "other_prompt", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("workshops:prompt_open", "prompt", (LOGIN, 403, 403, 403, 403, DONE, DONE), CLOSE),
    Row("workshops:prompt_open", "other_prompt", (LOGIN, 403, 403, 403, 403, 403, DONE), CLOSE),
    Row("workshops:reflection_hide", "reflection", (LOGIN, 403, 403, 403, 403, DONE, DONE), HIDE),
    Row("workshops:reflection_hide", "other_reflection", (LOGIN, 403, 403, 403, 403, 403, DONE), HIDE),
    Row("workshops:import_upload", "workshop", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:import_upload", "other_workshop", (LOGIN, 403, 403, 403, 403, 403, 200)),
    Row("workshops:import_columns", "upload", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("workshops:import_columns", "other_upload", (LOGIN, 403, 403, 403, 403, 404, 200)),
    Row("workshops:import_preview", "upload", (LOGIN, 403, 403, 403, 403, DONE, DONE)),
    Row("workshops:import_preview", "other_upload", (LOGIN, 403, 403, 403, 403, 404, DONE)),
    Row("workshops:resource_create", "series", (LOGIN, 403, 403, 403, 403, DONE, DONE), RESOURCE),
    Row("workshops:resource_create", "other_series", (LOGIN, 403, 403, 403, 403, 403, DONE), RESOURCE),
    Row("workshops:resource_delete", "resource", (LOGIN, 403, 403, 403, 403, DONE, DONE)),
    Row("workshops:resource_delete", "other_resource", (LOGIN, 403, 403, 403, 403, 403, DONE)),
    # The series' team: its facilitators (and administrators); the last one stays.
    Row("workshops:series_team", "series", (LOGIN, 403, 403, 403, 403, 400, 400), NOT_A_FACILITATOR),
    Row("workshops:series_team", "other_series", (LOGIN, 403, 403, 403, 403, 403, 400), NOT_A_FACILITATOR),
    Row("workshops:series_team_remove", "team_member", (LOGIN, 403, 403, 403, 403, BACK, BACK)),
    # Syntheses: signed-in people comment on published reports; a synthesis belongs to the
    # facilitators of its series ("own_…" is over the facilitator's series, "other_…" over another
    # facilitator's), and administrators. A facilitator may not learn that someone else's exists.
    Row("insights:report_comment", "report", (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE), COMMENT),
    Row("insights:report_comment", "draft_report", (LOGIN, 404, 404, 404, 404, 404, 404), COMMENT),
    Row("insights:synthesis_create", "", (LOGIN, 403, 403, 403, 403, DONE, DONE), OVER_OWN_SERIES, label="own-series"),
    Row("insights:synthesis_create", "", (LOGIN, 403, 403, 403, 403, 400, DONE), OVER_OTHER_SERIES, label="other-series"),
    Row("insights:synthesis_edit", "own_synthesis", (LOGIN, 403, 403, 403, 403, 400, 400), RENAME),
    Row("insights:synthesis_edit", "other_synthesis", (LOGIN, 403, 403, 403, 403, 404, 400), RENAME),
    Row("insights:synthesis_run", "own_synthesis", (LOGIN, 403, 403, 403, 403, 200, 200)),
    Row("insights:synthesis_run", "other_synthesis", (LOGIN, 403, 403, 403, 403, 404, 200)),
    Row("insights:theme_merge", "own_synthesis", (LOGIN, 403, 403, 403, 403, BACK, BACK)),
    Row("insights:theme_merge", "other_synthesis", (LOGIN, 403, 403, 403, 403, 404, BACK)),
    Row("insights:synthesis_publish", "own_synthesis", (LOGIN, 403, 403, 403, 403, DONE, DONE)),
    Row("insights:synthesis_publish", "other_synthesis", (LOGIN, 403, 403, 403, 403, 404, DONE)),
    Row("insights:theme", "own_theme", (LOGIN, 403, 403, 403, 403, DONE, DONE), LABEL),
    Row("insights:theme", "other_theme", (LOGIN, 403, 403, 403, 403, 404, DONE), LABEL),
    Row("insights:theme_split", "own_theme", (LOGIN, 403, 403, 403, 403, BACK, BACK), SPLIT),
    Row("insights:theme_split", "other_theme", (LOGIN, 403, 403, 403, 403, 404, BACK), SPLIT),
    Row("insights:theme_quotes", "own_theme", (LOGIN, 403, 403, 403, 403, DONE, DONE)),
    Row("insights:theme_quotes", "other_theme", (LOGIN, 403, 403, 403, 403, 404, DONE)),
    Row("insights:theme_move", "own_theme", (LOGIN, 403, 403, 403, 403, 400, 400)),
    Row("insights:theme_move", "other_theme", (LOGIN, 403, 403, 403, 403, 404, 400)),
    Row("insights:question_add", "own_theme", (LOGIN, 403, 403, 403, 403, DONE, DONE), QUESTION),
    Row("insights:question_add", "other_theme", (LOGIN, 403, 403, 403, 403, 404, DONE), QUESTION),
    Row("insights:question_delete", "own_question", (LOGIN, 403, 403, 403, 403, DONE, DONE)),
    Row("insights:question_delete", "other_question", (LOGIN, 403, 403, 403, 403, 404, DONE)),
    # Your own account: django-allauth's forms, posted empty.
    Row("accounts:profile", "", (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE), PROFILE),
    Row("account_login", "", (200, HOME, HOME, HOME, HOME, HOME, HOME)),
    Row("account_signup", "", (200, HOME, HOME, HOME, HOME, HOME, HOME)),
    Row("account_logout", "", (HOME, HOME, HOME, HOME, HOME, HOME, HOME)),
    Row("account_reauthenticate", "", (LOGIN, 200, 200, 200, 200, 200, 200)),
    Row("account_email", "", (LOGIN, EMAIL, EMAIL, EMAIL, EMAIL, EMAIL, EMAIL)),
    Row("account_change_password", "", (LOGIN, 200, 200, 200, 200, 200, 200)),
    Row("account_set_password", "", (LOGIN, CHANGE_PASSWORD, CHANGE_PASSWORD, CHANGE_PASSWORD, CHANGE_PASSWORD, CHANGE_PASSWORD, CHANGE_PASSWORD)),
    Row("account_reset_password", "", (200, 200, 200, 200, 200, 200, 200)),
    Row("account_reset_password_from_key", "bad_key", (200, 200, 200, 200, 200, 200, 200)),
    Row("account_confirm_email", "bad_key", (404, 404, 404, 404, 404, 404, 404)),
    Row("account_confirm_login_code", "", (Redirect("account_login"), HOME, HOME, HOME, HOME, HOME, HOME)),
]
# fmt: on

# URLs whose POST changes nothing, with the reason; test_read_only_urls_change_nothing holds
# them to it (each answers POST with 405, or with the page GET shows).
READ_ONLY: dict[str, str] = {
    "core:home": "a page",
    "core:accessibility": "a page",
    "core:privacy": "a page",
    "core:comments_policy": "a page",
    "core:health": "a health check",
    "core:favicon": "a redirect to the icon's static file",
    "core:language": "a link that sets the language cookie (GET by design)",
    "examples:gallery": "a page",
    "examples:campaign_list": "a page",
    "examples:campaign_detail": "a page",
    "examples:detail": "a page",
    "examples:attachment_download": "a file",
    "examples:mine": "a page",
    "examples:preview": "a page",
    "examples:moderation_queue": "a page",
    "examples:moderation_review": "a page (its forms post to the moderation actions)",
    "examples:audit_log": "a page",
    "conversation:moderation_list": "a page",
    "events:list": "a page",
    "events:detail": "a page",
    "events:mine": "a page",
    "events:calendar_feed": "a calendar file",
    "events:booking_ics": "a calendar file",
    "events:manage": "a page",
    "events:session_manage": "a page (its search form is a GET)",
    "events:session_export": "a file",
    "sustain:checkin_thanks": "a page",
    "sustain:adopters": "a page",
    "sustain:at_risk": "a page",
    "sustain:measure_manage": "a page",
    "workshops:join": "a GET form: the code goes in the query string",
    "workshops:series_list": "a page",
    "workshops:series_detail": "a page",
    "workshops:workshop_manage": "a page",
    "workshops:import_status": "a page",
    "workshops:resource_download": "a file",
    "workshops:wall": "a page",
    "workshops:wall_fragment": "a fragment of the wall",
    "workshops:join_qr": "an image",
    "insights:report_list": "a page",
    "insights:report": "a page",
    "insights:report_pdf": "a file",
    "insights:report_data": "a file",
    "insights:manage_list": "a page",
    "insights:board": "a page (its forms post to the synthesis actions)",
    "insights:report_preview": "a page: the report as it would be published",
    "account_inactive": "a page",
    "account_email_verification_sent": "a page",
    "account_reset_password_done": "a page",
    "account_reset_password_from_key_done": "a page",
}

# Cases where the site does not yet do what the matrix says, each with the request that fixes
# it. strict: once fixed, the XPASS fails the run so that the entry is removed.
SIGNED_IN = ROLES[1:]
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
    for row in POST_MATRIX
    for role, expected in zip(ROLES, row.expected, strict=True)
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Everything of `build_world`, built once for the module and rolled back at its end; each
    test runs in its own rolled-back savepoint, so every POST starts afresh."""
    with django_db_blocker.unblock(), rolled_back():
        yield build_world()


def assert_status(response: Any, expected: object, what: str) -> None:
    login = reverse("account_login") + "?next="
    if expected == LOGIN:
        assert response.status_code == 302, what
        assert response.url.startswith(login), f"{what}: {response.url}"
    elif expected in (DONE, BACK):
        assert response.status_code == 302, what
        assert not response.url.startswith(login), f"{what}: {response.url}"
    elif isinstance(expected, Redirect):
        assert response.status_code == 302, what
        assert response.url.split("?")[0] == reverse(expected.to), f"{what}: {response.url}"
    else:
        assert response.status_code == expected, what


@pytest.mark.parametrize(("row", "role", "expected"), CASES)
@pytest.mark.django_db
def test_post(client, world, row, role, expected):
    objects, users = world
    if users[role] is not None:
        client.force_login(users[role])
    url = url_for(row, objects)  # type: ignore[arg-type]
    target = objects.get(row.target)
    before = database_state(target)

    response = client.post(url, row.data(objects) if row.data else {})

    what = f"POST {url} as {role}"
    assert_status(response, expected, what)
    if expected == DONE:
        assert database_state(target) != before, f"{what} wrote nothing"
    else:
        assert database_state(target) == before, f"{what} changed the database"


def test_every_post_url_is_in_the_matrix():
    """Every page either has POST rows here or says in READ_ONLY why a POST changes nothing."""
    site = {
        name
        for name in _names(get_resolver())
        if name.split(":")[0] in COVERED_NAMESPACES
        or (":" not in name and name.startswith(COVERED_PREFIXES))
    }
    posted = {row.name for row in POST_MATRIX}

    assert site - posted - READ_ONLY.keys() == set(), "add these URLs to POST_MATRIX or READ_ONLY"
    assert (posted | READ_ONLY.keys()) - site == set(), "these URLs no longer exist"
    assert posted & READ_ONLY.keys() == set(), "a URL with POST rows is not read-only"


def test_post_rows_are_unique_and_known_gaps_exist():
    ids = [row.id for row in POST_MATRIX]
    assert len(ids) == len(set(ids))
    assert {row_id for row_id, _role in KNOWN_GAPS} - set(ids) == set()


# The read-only pages are posted to by the least and the most privileged caller.
READ_ONLY_ROLES = ("anonymous", "admin")
READ_ONLY_CASES = [
    pytest.param(row, role, expected, id=f"{row.id}-{role}")
    for row in MATRIX
    if row.name in READ_ONLY
    for role, expected in zip(ROLES, row.expected, strict=True)
    if role in READ_ONLY_ROLES
]


@pytest.mark.parametrize(("row", "role", "expected_get"), READ_ONLY_CASES)
@pytest.mark.django_db
def test_read_only_urls_change_nothing(client, world, row: GetRow, role, expected_get):
    """A POST to a read-only page is refused (405) or answered as a GET, and writes nothing
    that the GET does not (the bookings page makes the person's calendar feed on first visit)."""
    objects, users = world
    if users[role] is not None:
        client.force_login(users[role])
    url = url_for(row, objects)
    target = objects.get(row.target)
    client.get(url)
    before = database_state(target)

    response = client.post(url, {})

    if response.status_code != 405:
        assert_status(response, expected_get, f"POST {url} as {role}")
    assert database_state(target) == before, f"POST {url} as {role} changed the database"


def _routes(resolver: URLResolver, prefix: str = "", namespace: str | None = None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(
                pattern, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        else:
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name


# Routes outside the three matrices, with the reason.
OUTSIDE_THE_MATRICES = {
    "admin": "Django's admin site: staff only, its own permissions",
    "set_language": "Django's language switch: sets a cookie and redirects back",
    "api:api-root": "the API's index (tests/test_permission_matrix_api.py covers operations)",
    "api:openapi-json": "the API's OpenAPI schema: public",
    "api:openapi-view": "the API's documentation page: public",
}


def test_every_route_is_in_a_matrix():
    """No address escapes the matrices: an unnamed route (such as /media/<path>, which serves
    every stored file without a check) would be in none of them."""
    escaped = []
    for route, name in _routes(get_resolver()):
        covered = name is not None and (
            name.split(":")[0] in COVERED_NAMESPACES
            or (":" not in name and name.startswith(COVERED_PREFIXES))
            or (name.startswith("api:") and name not in OUTSIDE_THE_MATRICES)
        )
        outside = route.startswith("admin/") or name in OUTSIDE_THE_MATRICES
        if not covered and not outside:
            escaped.append(f"{route} ({name})")

    assert escaped == []
