"""Reading: the public gallery with search and filters, example pages, campaigns, downloads."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from exchange.core.caching import (
    PAGE_TIMEOUT,
    cache_page_for_anonymous,
    fragment_store,
    page_scope,
    page_scope_token,
    published_examples_generation,
)
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
    # The key (its tokens) is read before the rows, as for cached pages: content rendered from
    # rows that change meanwhile is stored under a token that is already retired.
    body_key = None if _holds_a_role(request) else _example_body_cache_key(pk)
    shared_body = _shared_example_body_cached(body_key)
    example = selectors.example_detail_get(
        pk=pk, viewer=request.user, content_cached=shared_body is not None
    )
    if example is None:
        raise Http404
    is_author = request.user.is_authenticated and example.author_id == request.user.pk
    if shared_body is not None and (is_author or example.status != ExampleStatus.PUBLISHED):
        shared_body = None  # not this reader's view of it: read and render it afresh
        example = selectors.example_detail_get(pk=pk, viewer=request.user)
        if example is None:
            raise Http404
    roles = {
        # Anonymous readers (nearly every uncached page) never hold a permission.
        "is_moderator": request.user.is_authenticated
        and request.user.has_perm(Perm.MODERATE_EXAMPLES),
        "is_author": is_author,
        "can_edit": is_author and example.is_editable_by_author,
        "can_withdraw": is_author and example.status in WITHDRAWABLE,
    }
    body = shared_body or _example_body(request, example, roles, body_key)
    return render(
        request,
        "examples/detail.html",
        {"example": example, "body_html": body, **roles},
    )


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


def _example_body_cache_key(pk: int) -> str:
    generation = published_examples_generation()
    scope = page_scope_token(page_scope(Example, pk))
    return f"example-body:{generation}:{scope}:{pk}:{get_language()}"


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
    """Files are served through Django so that only people who may see the example get them."""
    attachment = selectors.attachment_get_for_viewer(
        example_pk=pk, attachment_pk=attachment_pk, viewer=request.user
    )
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
