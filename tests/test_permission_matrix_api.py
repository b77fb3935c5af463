"""Every API operation, for every role's personal token, on their own object and on someone
else's: the status it must answer with, what a list may never show, and that a refused call
changed nothing.

Reading published things is public; operations that act for a person need their token
(`Authorization: Bearer efc_…`), and anonymous callers get 401. Unpublished examples, closed
discussions and other people's bookings are 404 to everyone, their owners included where the
API does not offer them (it only ever shows published examples). Columns are the GET matrix's
roles (tests/test_permission_matrix.py), each calling with a token of their own.

`test_every_api_operation_is_in_the_matrix` fails when an operation is added without a row.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest

from exchange.api.api import api
from exchange.api.services import api_token_create
from tests.permission_world import database_state, rolled_back
from tests.test_permission_matrix import ROLES, build_world


@dataclass(frozen=True)
class Op:
    method: str
    path: str  # as in the OpenAPI schema: /api/examples/{example_id}
    target: str  # which fixture object fills the path's parameter ("" for none)
    expected: tuple  # one status per role, in ROLES order
    body: dict | None = None
    # Objects of the world that a list must never show (by id), whoever asks, and objects it
    # must show (so that an empty list does not pass for a careful one).
    never_shows: tuple[str, ...] = ()
    shows: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        base = f"{self.method} {self.path}"
        return f"{base}[{self.target}]" if self.target else base


ALL_200 = (200,) * 7
TOKEN_200 = (401, 200, 200, 200, 200, 200, 200)
TOKEN_201 = (401, 201, 201, 201, 201, 201, 201)
ALL_404 = (404,) * 7
TOKEN_404 = (401, 404, 404, 404, 404, 404, 404)
# Examples the API never shows, whoever asks: it offers published examples only.
UNPUBLISHED = ("draft", "submitted", "other_draft", "withdrawn")

COMMENT = {"body": "We tried this in our ward too.", "accept_policy": True}
HELPFUL = {"kind": "helpful"}
ONLINE = {"mode": "online"}
ADOPTION = {
    "organisation": "Matrix Adopters",
    "adopted_on": "2026-03-01",
    "how_adapted": "We ran it on Tuesdays only.",
}

# Op(method, path, object in the path,
#    (anonymous, participant, author, moderator, organiser, facilitator, admin), body)
# fmt: off
API_MATRIX: list[Op] = [
    # Campaigns and published examples: public.
    Op("GET", "/api/campaigns", "", ALL_200),
    Op("GET", "/api/campaigns/{slug}", "campaign", ALL_200),
    Op("GET", "/api/examples", "", ALL_200, never_shows=UNPUBLISHED, shows=("other_published",)),
    Op("GET", "/api/examples/{example_id}", "published", ALL_200),
    Op("GET", "/api/examples/{example_id}", "draft", ALL_404),
    Op("GET", "/api/examples/{example_id}", "other_draft", ALL_404),
    Op("GET", "/api/examples/{example_id}", "submitted", ALL_404),
    Op("GET", "/api/examples/{example_id}", "withdrawn", ALL_404),
    # Who the token belongs to.
    Op("GET", "/api/me", "", TOKEN_200),
    # Conversation: reading published discussions is public; writing needs a token and an open
    # discussion ("withdrawn" was published, then withdrawn, with a comment on it).
    Op("GET", "/api/examples/{example_id}/comments", "published", ALL_200),
    Op("GET", "/api/examples/{example_id}/comments", "withdrawn", ALL_404),
    Op("GET", "/api/examples/{example_id}/comments", "draft", ALL_404),
    Op("POST", "/api/examples/{example_id}/comments", "published", TOKEN_201, COMMENT),
    Op("POST", "/api/examples/{example_id}/comments", "withdrawn", TOKEN_404, COMMENT),
    Op("POST", "/api/examples/{example_id}/comments", "draft", TOKEN_404, COMMENT),
    Op("POST", "/api/examples/{example_id}/reactions", "published", TOKEN_200, HELPFUL),
    Op("POST", "/api/examples/{example_id}/reactions", "withdrawn", TOKEN_404, HELPFUL),
    Op("POST", "/api/comments/{comment_id}/reactions", "comment", TOKEN_200, HELPFUL),
    Op("POST", "/api/comments/{comment_id}/reactions", "other_comment", TOKEN_200, HELPFUL),
    Op("POST", "/api/comments/{comment_id}/reactions", "withdrawn_comment", TOKEN_404, HELPFUL),
    # Events: reading is public; bookings are their owner's ("booking" is the author's,
    # "other_booking" another participant's place in the same session).
    Op("GET", "/api/events", "", ALL_200),
    Op("GET", "/api/events/{event_slug}", "event", ALL_200),
    Op("GET", "/api/events/{event_slug}", "other_event", ALL_200),
    Op("GET", "/api/sessions/{session_id}", "session", ALL_200),
    Op("GET", "/api/me/bookings", "", TOKEN_200, never_shows=("other_booking", "other_event_booking")),
    Op("POST", "/api/sessions/{session_id}/bookings", "session", (401, 201, 400, 201, 201, 201, 201), ONLINE),
    Op("POST", "/api/sessions/{session_id}/bookings", "other_session", TOKEN_201, ONLINE),
    Op("POST", "/api/me/bookings/{booking_id}/switch", "booking", (401, 404, 200, 404, 404, 404, 404), ONLINE),
    Op("POST", "/api/me/bookings/{booking_id}/switch", "other_booking", TOKEN_404, ONLINE),
    Op("POST", "/api/me/bookings/{booking_id}/cancel", "booking", (401, 404, 200, 404, 404, 404, 404)),
    Op("POST", "/api/me/bookings/{booking_id}/cancel", "other_booking", TOKEN_404),
    # Sustain: check-ins, adoptions and measures of published examples are public; recording
    # an adoption needs a token.
    Op("GET", "/api/examples/{example_id}/check-ins", "published", ALL_200),
    Op("GET", "/api/examples/{example_id}/check-ins", "draft", ALL_404),
    Op("GET", "/api/examples/{example_id}/adoptions", "published", ALL_200),
    Op("GET", "/api/examples/{example_id}/adoptions", "draft", ALL_404),
    Op("POST", "/api/examples/{example_id}/adoptions", "published", TOKEN_201, ADOPTION),
    Op("POST", "/api/examples/{example_id}/adoptions", "draft", TOKEN_404, ADOPTION),
    Op("POST", "/api/examples/{example_id}/adoptions", "withdrawn", TOKEN_404, ADOPTION),
    Op("GET", "/api/examples/{example_id}/measures", "published", ALL_200),
    Op("GET", "/api/examples/{example_id}/measures", "draft", ALL_404),
    Op("GET", "/api/measures/{measure_id}", "measure", ALL_200),
    Op("GET", "/api/measures/{measure_id}", "other_measure", ALL_200),
    Op("GET", "/api/measures/{measure_id}", "draft_measure", ALL_404),
]
# fmt: on

# Cases where the API does not yet do what the matrix says, each with the request that fixes
# it. strict: once fixed, the XPASS fails the run so that the entry is removed.
KNOWN_GAPS: dict[tuple[str, str], str] = {}

CASES = [
    pytest.param(
        op,
        role,
        expected,
        id=f"{op.id}-{role}",
        marks=(
            [pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[op.id, role])]
            if (op.id, role) in KNOWN_GAPS
            else []
        ),
    )
    for op in API_MATRIX
    for role, expected in zip(ROLES, op.expected, strict=True)
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """`build_world` and a personal API token for each role's user, built once in a
    transaction rolled back at the module's end (each test runs in its own savepoint)."""
    with django_db_blocker.unblock(), rolled_back():
        objects, users = build_world()
        tokens = {
            role: api_token_create(actor=user, user=user, name="Matrix")[1]
            for role, user in users.items()
            if user is not None
        }
        yield objects, users, tokens


PARAMETER = re.compile(r"\{(\w+)\}")


def path_for(op: Op, objects: dict) -> str:
    """The operation's path with its parameter filled from the target (a slug or an id)."""

    def value(match: re.Match) -> str:
        obj = objects[op.target]
        return str(obj.slug if match.group(1).endswith("slug") else obj.pk)

    return PARAMETER.sub(value, op.path)


def listed_ids(payload: Any) -> set[int]:
    """The ids of the things a list answer shows (paginated or not)."""
    items = payload.get("items", []) if isinstance(payload, dict) else payload
    return {item["id"] for item in items}


@pytest.mark.parametrize(("op", "role", "expected"), CASES)
@pytest.mark.django_db
def test_api(client, world, op, role, expected):
    objects, _users, tokens = world
    headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
    path = path_for(op, objects)
    target = objects.get(op.target)
    before = database_state(target)

    response = client.generic(
        op.method,
        path,
        data=b"" if op.body is None else json.dumps(op.body),
        content_type="application/json",
        headers=headers,
    )

    what = f"{op.method} {path} as {role}"
    assert response.status_code == expected, f"{what}: {response.content[:200]!r}"
    if response.status_code >= 300:
        assert database_state(target) == before, f"{what} changed the database"
    if op.never_shows and response.status_code == 200:
        shown = listed_ids(response.json())
        for key in op.never_shows:
            assert objects[key].pk not in shown, f"{what} shows {key}"
        for key in op.shows:
            assert objects[key].pk in shown, f"{what} leaves out {key}"


def test_every_api_operation_is_in_the_matrix():
    schema = api.get_openapi_schema()
    operations = {
        (method.upper(), path) for path, methods in schema["paths"].items() for method in methods
    }
    in_matrix = {(op.method, op.path) for op in API_MATRIX}

    assert operations - in_matrix == set(), "add these operations to API_MATRIX"
    assert in_matrix - operations == set(), "these operations no longer exist"


def test_api_rows_are_unique_and_known_gaps_exist():
    ids = [op.id for op in API_MATRIX]
    assert len(ids) == len(set(ids))
    assert {op_id for op_id, _role in KNOWN_GAPS} - set(ids) == set()


def _needs_a_token() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if operation.get("security")
    }


SESSION_CASES = [
    pytest.param(op, id=op.id) for op in API_MATRIX if (op.method, op.path) in _needs_a_token()
]


@pytest.mark.parametrize("op", SESSION_CASES)
@pytest.mark.django_db
def test_a_signed_in_browser_without_a_token_is_not_the_person(client, world, op):
    """The API never acts on a session cookie (it has no CSRF check): 401, nothing written."""
    objects, users, _tokens = world
    client.force_login(users["author"])
    path = path_for(op, objects)
    target = objects.get(op.target)
    before = database_state(target)

    response = client.generic(
        op.method,
        path,
        data=b"" if op.body is None else json.dumps(op.body),
        content_type="application/json",
    )

    assert response.status_code == 401, f"{op.method} {path}"
    assert database_state(target) == before


@pytest.mark.django_db
def test_a_revoked_or_foreign_token_is_refused(client, world):
    """Only a live token of an active account acts: an unknown token and the token of a
    deactivated account get 401."""
    from exchange.accounts.models import User

    _objects, users, tokens = world
    User.objects.filter(pk=users["participant"].pk).update(is_active=False)

    for token in (tokens["participant"], "efc_not-a-token-we-issued", tokens["author"][4:]):
        response = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
