"""Full-text search over published examples.

PostgreSQL: a stored, weighted search vector (GIN-indexed, see migration 0002) ranked with
`SearchRank` and highlighted with `SearchHeadline`. SQLite: a case-insensitive match on the
same fields, with snippets highlighted in Python, so the demo works without PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.postgres.search import SearchVector
from django.db import connection

from exchange.examples.models import Example

SEARCH_CONFIG = "english"


def search_vector_expression() -> SearchVector:
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", "organisation", weight="B", config=SEARCH_CONFIG)
        + SearchVector("what_changed", "enablers", weight="C", config=SEARCH_CONFIG)
        + SearchVector("evidence", "risks_of_reverting", weight="D", config=SEARCH_CONFIG)
    )


def uses_postgres_search() -> bool:
    return connection.vendor == "postgresql"


def example_search_index_update(*, example_ids: Iterable[int]) -> None:
    """Refresh the stored search vector of these examples (a no-op on SQLite).

    Call it after any change to an example's text, inside the same transaction.
    """
    if not uses_postgres_search():
        return
    Example.objects.filter(pk__in=list(example_ids)).update(
        search_vector=search_vector_expression()
    )
