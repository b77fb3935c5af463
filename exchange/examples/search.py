"""Full-text search over published examples.

PostgreSQL: a stored, weighted search vector (GIN-indexed, see migration 0002) ranked with
`SearchRank` and highlighted with `SearchHeadline`. SQLite: an FTS5 table with the Porter
stemmer (migration 0006), ranked with `bm25` and highlighted with `snippet`, so the demo
without PostgreSQL finds "videos" in "video" and "covid" in "COVID-19" just as PostgreSQL does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import nh3
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import (
    Case,
    F,
    FloatField,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat, Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from exchange.examples.models import Campaign, Example

SEARCH_CONFIG = "english"


def _tag_names() -> Subquery:
    """The example's tag names, space-separated (a correlated subquery for the UPDATE)."""
    return Subquery(
        Example.tags.through.objects.filter(example_id=OuterRef("pk"))
        .values("example_id")
        .annotate(names=StringAgg("tag__name", delimiter=" "))
        .values("names")[:1],
        output_field=TextField(),
    )


def _campaign_title() -> Subquery:
    """The example's campaign title: "covid" finds the examples sent to a COVID-19 campaign."""
    return Subquery(
        Campaign.objects.filter(pk=OuterRef("campaign_id")).values("title")[:1],
        output_field=TextField(),
    )


def _public_organisation() -> Case:
    """An anonymous example's organisation is hidden, so it must not be findable either."""
    return Case(
        When(show_as_anonymous=True, then=Value("")),
        default=F("organisation"),
        output_field=TextField(),
    )


def search_vector_expression() -> SearchVector:
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", _public_organisation(), weight="B", config=SEARCH_CONFIG)
        + SearchVector(
            Coalesce(_tag_names(), Value(""), output_field=TextField()),
            weight="B",
            config=SEARCH_CONFIG,
        )
        + SearchVector("what_changed", "enablers", weight="C", config=SEARCH_CONFIG)
        + SearchVector(
            Coalesce(_campaign_title(), Value(""), output_field=TextField()),
            weight="C",
            config=SEARCH_CONFIG,
        )
        + SearchVector("evidence", "risks_of_reverting", weight="D", config=SEARCH_CONFIG)
    )


def uses_postgres_search() -> bool:
    return connection.vendor == "postgresql"


# SQLite ------------------------------------------------------------------------------------

FTS_TABLE = "examples_example_fts"
# Columns of the FTS5 table (rowid is the example's id) and their bm25 weights, as PostgreSQL's
# A/B/C/D weights: title, then summary, organisation and tags, then the rest.
FTS_COLUMNS = (
    ("title", 10.0),
    ("summary", 4.0),
    ("organisation", 4.0),
    ("tags", 4.0),
    ("what_changed", 2.0),
    ("enablers", 2.0),
    ("campaign", 2.0),
    ("evidence", 1.0),
    ("risks_of_reverting", 1.0),
)
FTS_CREATE_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    + ", ".join(name for name, _weight in FTS_COLUMNS)
    + ", tokenize='porter unicode61')"
)


def _sqlite_index_update(ids: list[int]) -> None:
    """Replace these examples' rows in the FTS5 table (the SQLite search vector)."""
    example_table = Example._meta.db_table
    through = Example.tags.through._meta.db_table
    tag_table = Example.tags.field.related_model._meta.db_table
    campaign_table = Campaign._meta.db_table
    columns = ", ".join(name for name, _weight in FTS_COLUMNS)
    ids_json = json.dumps(ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {FTS_TABLE} WHERE rowid IN (SELECT value FROM json_each(%s))",
            [ids_json],
        )
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, {columns}) "
            f"SELECT e.id, e.title, e.summary, "
            f"CASE WHEN e.show_as_anonymous THEN '' ELSE e.organisation END, "
            f"COALESCE((SELECT group_concat(t.name, ' ') FROM {through} et "
            f"JOIN {tag_table} t ON t.id = et.tag_id WHERE et.example_id = e.id), ''), "
            f"e.what_changed, e.enablers, "
            f"COALESCE((SELECT c.title FROM {campaign_table} c WHERE c.id = e.campaign_id), ''), "
            f"e.evidence, e.risks_of_reverting "
            f"FROM {example_table} e WHERE e.id IN (SELECT value FROM json_each(%s))",
            [ids_json],
        )


def example_search_index_update(*, example_ids: Iterable[int]) -> None:
    """Refresh the stored search vector (PostgreSQL) or FTS5 rows (SQLite) of these examples.

    Call it after any change to an example's text or tags, inside the same transaction.
    """
    ids = list(example_ids)
    if not ids:
        return
    if not uses_postgres_search():
        _sqlite_index_update(ids)
        return
    Example.objects.filter(pk__in=ids).update(search_vector=search_vector_expression())


# Searching -----------------------------------------------------------------------------------

MAX_QUERY_LENGTH = 200
SEARCH_RESULT_LIMIT = 1000
# Highlights are marked with private-use characters inside the database, then the snippet is
# escaped in Python and only these markers become <mark> tags: user text can never inject HTML.
_START, _STOP = "\ue000", "\ue001"
SNIPPET_FIELDS = ("summary", "what_changed", "enablers", "evidence")
SNIPPET_CHARS = 220
_WORD = re.compile(r"\w+", re.UNICODE)


def search_words(q: str) -> list[str]:
    """The distinct words of a query, lower-cased, in order (the SQLite fallback needs all)."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(q[:MAX_QUERY_LENGTH].lower()):
        seen.setdefault(word, None)
    return list(seen)


def search_query(q: str) -> SearchQuery:
    return SearchQuery(q[:MAX_QUERY_LENGTH], search_type="websearch", config=SEARCH_CONFIG)


def _fts_phrase(words: list[str]) -> str:
    return '"' + " ".join(words) + '"'


def fts_query(q: str) -> str:
    """The FTS5 MATCH expression for a web-search style query ("" when nothing to search).

    As PostgreSQL's websearch syntax: words must all match, "quoted words" are a phrase,
    `or` between terms is either, and `-word` excludes. Each term is quoted, so FTS5 operators
    typed by a user are just words; the table's tokenizer stems them ("videos" finds "video")
    and splits "COVID-19" into a phrase of "covid" and "19".
    """
    q = q[:MAX_QUERY_LENGTH]
    clauses: list[str] = []  # each "AND", "OR" or a positive term
    excluded: list[str] = []
    pending_or = False
    for quoted, bare in re.findall(r'"([^"]*)"?|(\S+)', q):
        negative = bare.startswith("-")
        if not quoted and bare.lower() == "or":
            pending_or = bool(clauses)
            continue
        words = _WORD.findall((quoted or bare).lower())
        if not words:
            continue
        term = _fts_phrase(words)
        if negative:
            excluded.append(term)
            continue
        if clauses:
            clauses.append("OR" if pending_or else "AND")
        clauses.append(term)
        pending_or = False
    if not clauses:
        return ""
    expression = " ".join(clauses)
    if excluded:
        expression = f"({expression}) NOT " + " NOT ".join(excluded)
    return expression


def _matching(queryset: QuerySet[Example], *, q: str) -> QuerySet[Example]:
    if uses_postgres_search():
        return queryset.filter(search_vector=search_query(q))
    return queryset.filter(
        pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (fts_query(q),))
    )


def _rank(*, q: str) -> Any:
    if uses_postgres_search():
        return SearchRank(F("search_vector"), search_query(q))
    # bm25 is lower for better matches; negated, so that higher is more relevant as on PostgreSQL.
    weights = ", ".join(str(weight) for _name, weight in FTS_COLUMNS)
    return RawSQL(
        f"SELECT -bm25({FTS_TABLE}, {weights}) FROM {FTS_TABLE} "
        f"WHERE {FTS_TABLE} MATCH %s AND rowid = {Example._meta.db_table}.id",
        (fts_query(q),),
        output_field=FloatField(),
    )


def example_search_filter(
    queryset: QuerySet[Example], *, q: str, limit: int | None = None
) -> QuerySet[Example]:
    """Examples matching `q`, annotated with `rank` (higher is more relevant).

    Only the `limit` (default SEARCH_RESULT_LIMIT) most recently published matches are kept and ranked: ranking every
    example that contains a common word would read most of a large table on each search, so
    a search costs the same whatever it matches. Callers say "1,000 or more" at the limit.
    Runs one query at once, for the candidates.
    """
    if not uses_postgres_search() and not fts_query(q):
        return queryset.none()
    limit = limit or SEARCH_RESULT_LIMIT
    # Fetched once here (one query) rather than as a subquery that both the count and the page
    # query would run again.
    candidates = list(
        _matching(queryset, q=q)
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)[:limit]
    )
    return queryset.filter(pk__in=_id_list(candidates)).annotate(rank=_rank(q=q))


def _id_list(ids: list[int]) -> RawSQL:
    """A list of ids as one query parameter: `IN (%s, %s, ...)` with a thousand parameters
    costs more to build than the search itself."""
    if uses_postgres_search():
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))


def _marked_to_html(marked: str, *, escaped: bool = False) -> SafeString:
    """Turn a snippet whose highlights are wrapped in the private-use markers into safe HTML.

    The text is escaped here unless the database already escaped it (`escaped=True`); only the
    markers become <mark> tags.
    """
    text = " ".join(marked.split())
    html = (text if escaped else escape(text)).replace(_START, "<mark>").replace(_STOP, "</mark>")
    # Belt and braces: nothing but <mark> survives, and an unbalanced marker (a user could type
    # one) is closed or dropped.
    return mark_safe(nh3.clean(html, tags={"mark"}, attributes={}))


def _sql_escaped(expression: Any) -> Replace:
    """HTML-escape text inside the database, so ts_headline keeps (not strips) tag-like input."""
    for character, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        expression = Replace(expression, Value(character), Value(entity))
    return expression


def highlight(text: str, words: Iterable[str], *, length: int = SNIPPET_CHARS) -> SafeString:
    """A window of `text` around the first matching word, escaped, with every match in <mark>.

    The SQLite stand-in for PostgreSQL's ts_headline.
    """
    words = [w for w in words if w]
    if not words or not text:
        return mark_safe(escape(_shorten(text, length)))
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I)
    first = pattern.search(text)
    start = 0
    if first and first.start() > length // 3:
        start = first.start() - length // 3
        # Start on a word boundary.
        space = text.rfind(" ", 0, start)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    window = text[start:end]
    parts: list[str] = []
    position = 0
    for match in pattern.finditer(window):
        parts.append(window[position : match.start()])
        parts.append(f"{_START}{match.group(0)}{_STOP}")
        position = match.end()
    parts.append(window[position:])
    marked = "".join(parts)
    if start > 0:
        marked = "… " + marked
    if end < len(text):
        marked += " …"
    return _marked_to_html(marked)


def _shorten(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    cut = text.rfind(" ", 0, length)
    return text[: cut if cut > 0 else length] + " …"


def example_snippets(*, example_ids: Sequence[int], q: str) -> dict[int, SafeString]:
    """Highlighted snippets for a page of search results, in one query.

    PostgreSQL: `ts_headline` over the example's text (markers escaped in Python afterwards).
    SQLite: the same fields highlighted in Python.
    """
    if not example_ids or not q.strip():
        return {}
    fields = Example.objects.filter(pk__in=list(example_ids))
    if uses_postgres_search():
        text = Concat(
            *[
                part
                for field in SNIPPET_FIELDS
                for part in (Coalesce(F(field), Value(""), output_field=TextField()), Value(" \n"))
            ],
            output_field=TextField(),
        )
        rows = fields.annotate(
            headline=SearchHeadline(
                _sql_escaped(text),
                search_query(q),
                config=SEARCH_CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        ).values_list("pk", "headline")
        return {pk: _marked_to_html(headline or "", escaped=True) for pk, headline in rows}
    match = fts_query(q)
    if not match:
        return {}
    columns = [name for name, _weight in FTS_COLUMNS]
    selects = ", ".join(
        f"snippet({FTS_TABLE}, {columns.index(field)}, %s, %s, '…', 35)" for field in SNIPPET_FIELDS
    )
    ids = list(example_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, {selects}, summary FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND rowid IN (SELECT value FROM json_each(%s))",
            [*[_START, _STOP] * len(SNIPPET_FIELDS), match, json.dumps(ids)],
        )
        rows = cursor.fetchall()
    snippets = {}
    for pk, *texts, summary in rows:
        # The first field with a highlighted match, else the start of the summary.
        chosen = next((t for t in texts if t and _START in t), None)
        snippets[pk] = _marked_to_html(chosen) if chosen else highlight(summary or "", [])
    return snippets
