"""Reading: the public gallery with search and filters, example pages, campaigns, downloads."""

from __future__ import annotations

import hashlib
import json
from typing import Any, NamedTuple

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from exchange.conversation.templatetags.conversation_tags import discussion_section_html
from exchange.core.caching import (
    PAGE_TIMEOUT,
    cache_page_for_anonymous,
    fragment_store,
    has_messages_waiting,
    page_cache_key,
    page_scope,
    page_scope_token,
    published_examples_generation,
)
from exchange.core.files import private_file_response
from exchange.core.permissions import Perm
from exchange.examples import search, selectors
from exchange.examples.filters import GalleryFilterForm
from exchange.examples.models import Example, ExampleStatus
from exchange.examples.views.submission import WITHDRAWABLE

# Lists count at most this many examples and offer pages up to it: counting every match of a
# broad filter reads most of a large table on each request, and nobody pages through a
# thousand examples (they narrow the list instead).
COUNT_CAP = 1000
# Campaign pages say whether a campaign is open, which changes with the clock.
CAMPAIGN_CACHE_SECONDS = 60


class CappedPaginator(Paginator):
    """A paginator whose count stops at `cap`: it counts at most `cap` + 1 rows.

    `is_capped` says whether more than `cap` rows matched; pages go up to the cap.
    """

    def __init__(self, object_list: QuerySet[Example], per_page: int, *, cap: int) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def _found(self) -> int:
        # values("pk") leaves out annotations (a search rank) and the card's columns.
        return int(self.object_list.order_by().values("pk")[: self.cap + 1].count())

    @property
    def is_capped(self) -> bool:
        return self._found > self.cap

    @cached_property
    def count(self) -> int:
        return min(self._found, self.cap)


def _page(request: HttpRequest, queryset: QuerySet[Example]) -> Page:
    """One page of examples; a missing, malformed or too-large page number shows a real page."""
    paginator = CappedPaginator(queryset, settings.GALLERY_PAGE_SIZE, cap=COUNT_CAP)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return page


def _filter_form_key(form: GalleryFilterForm) -> str:
    """Everything the rendered filter form depends on, so its cached HTML is never stale.

    Rendering the form with crispy-forms costs more than the gallery's queries; readers mostly
    ask for the same few filter combinations, so the HTML is cached under this key.
    """
    inputs = {
        "language": get_language(),
        "data": sorted(
            (name, form.data.getlist(name)) for name in form.fields if name in form.data
        ),
        "campaigns": [(value, str(label)) for value, label in form.fields["campaign"].choices],
        "tags": [(value, str(label)) for value, label in form.fields["tag"].choices],
        "errors": form.errors.get_json_data(),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


@require_GET
@cache_page_for_anonymous()
def gallery(request: HttpRequest) -> HttpResponse:
    form = GalleryFilterForm(request.GET)
    form.is_valid()  # invalid values are shown as errors and left out of the filters
    filters = form.filters()
    page_obj = _page(request, selectors.example_list(filters=filters))
    if filters.is_search:
        snippets = search.example_snippets(
            example_ids=[example.pk for example in page_obj.object_list], q=filters.q
        )
        for example in page_obj.object_list:
            example.snippet = snippets.get(example.pk, "")
    return render(
        request,
        "examples/gallery.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": page_obj,
            "tag": form.tag_object,
            "filter_form_key": _filter_form_key(form),
            "search_limit_reached": filters.is_search
            and page_obj.paginator.count >= search.SEARCH_RESULT_LIMIT,
            "is_filtered": any(
                (
                    filters.q,
                    filters.campaign,
                    filters.sector,
                    filters.tag,
                    filters.permanence,
                    filters.sustain_status,
                )
            ),
        },
    )


@require_GET
# Comments and reactions retire this example's page only (exchange/conversation/services.py).
@cache_page_for_anonymous(scope=lambda request, pk: page_scope(Example, pk))
def example_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Keys (their tokens) are read before the rows, as for cached pages: anything rendered
    # from rows that change meanwhile is stored under a token that is already retired.
    plain_reader = not _holds_a_role(request)
    tokens = _example_tokens(pk) if plain_reader else ""
    shell_key = (
        f"example-shell:{page_cache_key(request, generation=tokens)}"
        if _may_share_shell(request, plain_reader)
        else None
    )
    shell = fragment_store().get(shell_key) if shell_key is not None else None
    if shell is not None and shell.author_id != request.user.pk:
        # Nothing the page shows has changed since the shell was stored (its key would be
        # retired), so, as for anonymous readers' cached pages, the example is not read again.
        example = _example_of_shell(pk, shell)
        return HttpResponse(shell.head + discussion_section_html(request, example) + shell.tail)
    body_key = f"example-body:{tokens}:{pk}:{get_language()}" if plain_reader else None
    example, shared_body = _example_for_page(request, pk, body_key)
    is_author = request.user.is_authenticated and example.author_id == request.user.pk
    roles = {
        # Anonymous readers (nearly every uncached page) never hold a permission.
        "is_moderator": request.user.is_authenticated
        and request.user.has_perm(Perm.MODERATE_EXAMPLES),
        "is_author": is_author,
        "can_edit": is_author and example.is_editable_by_author,
        "can_withdraw": is_author and example.status in WITHDRAWABLE,
    }
    context = {
        "example": example,
        "body_html": shared_body or _example_body(request, example, roles, body_key),
        **roles,
    }
    discussion = discussion_section_html(request, example)
    if shell_key is None or is_author or example.status != ExampleStatus.PUBLISHED:
        return render(request, "examples/detail.html", {**context, "discussion_html": discussion})
    shell = _reader_shell_render(request, example, context)
    if CSRF_FIELD not in shell.head + shell.tail:  # a form outside the discussion: never shared
        fragment_store().set(shell_key, shell, PAGE_TIMEOUT)
    return HttpResponse(shell.head + discussion + shell.tail)


def _example_for_page(
    request: HttpRequest, pk: int, body_key: str | None
) -> tuple[Example, SafeString | None]:
    """The example, and its content if the shared copy (`body_key`) applies to this reader."""
    shared_body = _shared_example_body_cached(body_key)
    example = selectors.example_detail_get(
        pk=pk, viewer=request.user, content_cached=shared_body is not None
    )
    if example is None:
        raise Http404
    is_author = request.user.is_authenticated and example.author_id == request.user.pk
    if shared_body is not None and (is_author or example.status != ExampleStatus.PUBLISHED):
        # Not this reader's view of it: read and render it afresh.
        example = selectors.example_detail_get(pk=pk, viewer=request.user)
        if example is None:
            raise Http404
        shared_body = None
    return example, shared_body


# A signed-in reader's example page is the same for every reader who is not the example's
# author and holds no role, but for its discussion (their own reactions, links, forms and
# CSRF token). The rest of the page (the "shell": navigation, the example, the sidebar) is kept
# once per address and language, retired with the example's cached pages, and the discussion
# is put into it on every visit.
SHELL_SLOT = "\x00efc-discussion-slot\x00"
CSRF_FIELD = 'name="csrfmiddlewaretoken"'


class ReaderShell(NamedTuple):
    head: str
    tail: str
    # What the discussion needs of the example, kept so that it is not read again.
    author_id: int
    title: str
    campaign_id: int


def _example_of_shell(pk: int, shell: ReaderShell) -> Example:
    """The published example as the shell knew it; any other field is read if asked for."""
    known = {
        "id": pk,
        "status": ExampleStatus.PUBLISHED,
        "author_id": shell.author_id,
        "title": shell.title,
        "campaign_id": shell.campaign_id,
    }
    fields = [f.attname for f in Example._meta.concrete_fields if f.attname in known]
    return Example.from_db(DEFAULT_DB_ALIAS, fields, [known[name] for name in fields])


def _reader_shell_render(
    request: HttpRequest, example: Example, context: dict[str, Any]
) -> ReaderShell:
    page = render_to_string(
        "examples/detail.html", {**context, "discussion_html": SHELL_SLOT}, request
    )
    head, tail = page.split(SHELL_SLOT)
    return ReaderShell(
        head=head,
        tail=tail,
        author_id=example.author_id,
        title=example.title,
        campaign_id=example.campaign_id,
    )


def _may_share_shell(request: HttpRequest, plain_reader: bool) -> bool:
    """Signed in without a role and with no messages waiting (they are shown in the shell)."""
    return plain_reader and request.user.is_authenticated and not has_messages_waiting(request)


# The example's own content (everything above its discussion), for a published example and a
# reader who is not its author and holds no permission, is what every such reader sees,
# anonymous or signed in. One copy is kept, retired with the example's cached pages (the
# published examples' generation and the example's own scope), so that signed-in readers,
# whose pages are never cached whole, do not pay for its queries (author, tags, check-ins,
# adopters, measures) and its template on every visit.


def _shared_example_body_cached(key: str | None) -> SafeString | None:
    body = fragment_store().get(key) if key is not None else None
    # Our own template rendered it; a cache may hand it back as a plain string.
    return mark_safe(body) if body is not None else None


def _example_body(
    request: HttpRequest, example: Example, roles: dict[str, bool], key: str | None
) -> SafeString:
    body = _example_body_render(request, example, roles)
    if key is not None and example.status == ExampleStatus.PUBLISHED and not roles["is_author"]:
        fragment_store().set(key, body, PAGE_TIMEOUT)
    return body


def _holds_a_role(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and (user.is_superuser or user.get_all_permissions()))


def _example_body_render(
    request: HttpRequest, example: Example, roles: dict[str, bool]
) -> SafeString:
    attachments = list(example.attachments.all()) if example.has_attachments else []
    context = {
        "example": example,
        "tags": selectors.example_tag_list(pk=example.pk),
        "attachments": attachments,
        **roles,
    }
    return mark_safe(render_to_string("examples/_detail_body.html", context, request))


def _example_tokens(pk: int) -> str:
    """The tokens that retire the example's cached pages, which key its shared parts too."""
    return f"{published_examples_generation()}:{page_scope_token(page_scope(Example, pk))}"


@require_GET
@cache_page_for_anonymous(timeout=CAMPAIGN_CACHE_SECONDS)
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "examples/campaign_list.html", {"groups": selectors.campaign_grouped_list()}
    )


@require_GET
@cache_page_for_anonymous(timeout=CAMPAIGN_CACHE_SECONDS)
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = selectors.campaign_get(slug=slug)
    if campaign is None:
        raise Http404
    page_obj = _page(request, selectors.campaign_example_list(campaign=campaign))
    now = timezone.now()
    return render(
        request,
        "examples/campaign_detail.html",
        {
            "campaign": campaign,
            "page_obj": page_obj,
            "is_open": campaign.is_open(now),
            "is_upcoming": campaign.opens_at > now,
        },
    )


@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """An attachment, for whoever may see its example's page (the same selector decides)."""
    attachment = selectors.attachment_get_for_viewer(
        example_pk=pk, attachment_pk=attachment_pk, viewer=request.user
    )
    if attachment is None:
        raise Http404
    return private_file_response(
        file=attachment.file,
        download_name=attachment.original_name,
        content_type=attachment.content_type,
        inline_ok=True,
    )
