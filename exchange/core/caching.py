"""Whole pages from the shared cache for anonymous readers of the public example pages.

The gallery, search results, example pages, campaign pages and the home page look the same to
every visitor who is not signed in, and most of the site's traffic is such visitors. Their pages
are kept whole, keyed by the host, the full path with its query string, the language and the
"published examples generation": a token kept in the cache shared by every web process
(settings.CACHES["default"]) and replaced whenever something a public page shows changes
(`published_examples_changed`, called by the example services). Replacing the token retires
every cached page at once, in every process; old entries expire by themselves.

A page that shows one object's changing parts (an example page and its conversation) also names
that object's *scope* (`cache_page_for_anonymous(scope=...)`): a second token, replaced by
`page_scope_changed(scope)`. A new comment or reaction retires that example's pages only, and
the conversation's cached fragments use the same token (exchange/conversation/rendering.py).

Where the pages themselves live: the "pages" cache when settings define one (Redis, say, to
share them between machines); otherwise each web process's own memory. Not the default file
cache: it lists its whole directory on every write to decide whether to cull (5 ms at 3,400
entries, measured with the gallery benchmark), and culling removes entries at random,
generation token included.

Never cached: signed-in users (their pages carry their own navigation and links), requests
with messages waiting to be shown, anything but a 200 response to GET, and any response that
sets a cookie, used the CSRF token or a script nonce (a cached page must hold nothing per visitor).
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import BaseCache, cache, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

GENERATION_KEY = "pages:published-examples:generation"
SCOPE_KEY = "pages:scope:{scope}"
# Pages that change with the clock (campaigns opening and closing) use a shorter timeout.
PAGE_TIMEOUT = 600

PAGES_IN_MEMORY = 5000

View = Callable[..., HttpResponseBase]

_pages_in_this_process = LocMemCache(
    "exchange-pages",
    {"TIMEOUT": PAGE_TIMEOUT, "OPTIONS": {"MAX_ENTRIES": PAGES_IN_MEMORY}},
)


class ObjectsInThisProcess(BaseCache):
    """A bounded, least-recently-used cache of objects in this process's memory, kept as they
    are: unlike LocMemCache nothing is pickled, so a hit costs no copy. For values nobody
    changes after storing them (rendered fragments). Thread-safe."""

    def __init__(self, *, max_entries: int, timeout: int) -> None:
        super().__init__({"TIMEOUT": timeout, "OPTIONS": {"MAX_ENTRIES": max_entries}})
        self._entries: OrderedDict[str, tuple[float | None, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return default
            expires, value = entry
            if expires is not None and expires <= time.time():
                del self._entries[key]
                return default
            self._entries.move_to_end(key)
            return value

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._entries[key] = (self.get_backend_timeout(timeout), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        if self.has_key(key, version=version):
            return False
        self.set(key, value, timeout, version)
        return True

    def has_key(self, key: Any, version: Any = None) -> bool:
        sentinel = object()
        return self.get(key, sentinel, version) is not sentinel

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        value = self.get(key, version=version)
        if value is None:
            return False
        self.set(key, value, timeout, version)
        return True

    def delete(self, key: Any, version: Any = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._entries.pop(key, None) is not None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# Fragments of signed-in pages (a page of comments is about 150 KB): fewer kept in memory.
FRAGMENTS_IN_MEMORY = 500
_fragments_in_this_process = ObjectsInThisProcess(
    max_entries=FRAGMENTS_IN_MEMORY, timeout=PAGE_TIMEOUT
)


def page_store() -> BaseCache:
    if "pages" in settings.CACHES:
        return caches["pages"]
    return _pages_in_this_process


def fragment_store() -> BaseCache:
    """Where cached page fragments live: beside the pages in a shared "pages" cache, or in this
    process's memory (a bounded number, so that a crawler paging through every discussion
    cannot fill it)."""
    if "pages" in settings.CACHES:
        return caches["pages"]
    return _fragments_in_this_process


def _token(key: str) -> str:
    """The token stored under `key`, created on first use (or after the cache lost it: a new
    random token only means a miss, never an old page)."""
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        token = cache.get(key) or ""
    return str(token)


def _token_replace(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, timeout=None)


def _token_retire(key: str) -> None:
    """Replace the token now and again when the transaction commits: whatever is rendered from
    the old rows between the two is stored under the intermediate token, which the second
    replacement retires."""
    _token_replace(key)
    transaction.on_commit(partial(_token_replace, key))


def published_examples_generation() -> str:
    """The current generation token, created on first use (or after the cache lost it)."""
    return _token(GENERATION_KEY)


def published_examples_changed() -> None:
    """Retire every cached public page: call it from any write that changes what they show."""
    _token_retire(GENERATION_KEY)


def page_scope(model: type[Model], pk: Any) -> str:
    """The scope name of one object's pages, e.g. "examples.example:12"."""
    return f"{model._meta.label_lower}:{pk}"


def page_scope_token(scope: str) -> str:
    """The current token of a scope; cached fragments of that object are keyed by it too."""
    return _token(SCOPE_KEY.format(scope=scope))


def page_scope_changed(scope: str) -> None:
    """Retire the cached pages (and fragments) of one object, e.g. after a comment on it."""
    _token_retire(SCOPE_KEY.format(scope=scope))


def published_object_changed(model: type[Model], pk: Any) -> None:
    """An object joined or left the public pages (an example published, taken down,
    restored, un-featured): retire every public page and that object's own pages and
    fragments, in every process."""
    published_examples_changed()
    page_scope_changed(page_scope(model, pk))


def has_messages_waiting(request: HttpRequest) -> bool:
    # len() reads the stored messages without marking them as shown.
    return len(messages.get_messages(request)) > 0


def _is_cacheable_request(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return (
        request.method == "GET"
        and user is not None
        and not user.is_authenticated
        and not has_messages_waiting(request)
    )


def _is_storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    return (
        isinstance(response, HttpResponse)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        # A page that used its Content-Security-Policy nonce holds a value for this response
        # only (django-csp's lazy nonce is truthy once read).
        and not getattr(request, "csp_nonce", None)
    )


def page_cache_key(request: HttpRequest, *, generation: str) -> str:
    identity = "\n".join((request.get_host(), request.get_full_path(), get_language() or ""))
    digest = hashlib.sha256(identity.encode()).hexdigest()
    return f"pages:{generation}:{digest}"


def _not_stored_by_browsers(response: HttpResponseBase) -> HttpResponseBase:
    # The server keeps the copy; browsers and proxies revalidate, so nobody sees an old page
    # after signing in or after a change.
    patch_cache_control(response, private=True, no_cache=True)
    return response


def cache_page_for_anonymous(
    *, timeout: int = PAGE_TIMEOUT, scope: Callable[..., str] | None = None
) -> Callable[[View], View]:
    """Serve the decorated view's page from the shared cache to anonymous visitors.

    `scope`, called with the view's arguments, names the object whose own changes (see
    `page_scope_changed`) must retire the page as well as the published examples generation.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not _is_cacheable_request(request):
                return _not_stored_by_browsers(view(request, *args, **kwargs))
            # Read the generation before rendering: a page rendered from rows that change
            # meanwhile is stored under a generation that is already retired.
            generation = published_examples_generation()
            if scope is not None:
                generation += ":" + page_scope_token(scope(request, *args, **kwargs))
            key = page_cache_key(request, generation=generation)
            pages = page_store()
            cached = pages.get(key)
            if cached is not None:
                content, content_type = cached
                return _not_stored_by_browsers(HttpResponse(content, content_type=content_type))
            response = view(request, *args, **kwargs)
            if _is_storable(request, response):
                assert isinstance(response, HttpResponse)
                pages.set(key, (response.content, response["Content-Type"]), timeout)
            return _not_stored_by_browsers(response)

        return wrapped

    return decorator
