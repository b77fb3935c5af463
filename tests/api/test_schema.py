"""Property-based checks of every API operation against its own OpenAPI schema (schemathesis).

The schema is read from the Django app itself; each operation is called through WSGI with
generated valid and invalid input, against a small seeded database.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from exchange.wsgi import application
from tests.api.factories import seed_api_data

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture(autouse=True)
def seeded(db):
    return seed_api_data()


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Calling the WSGI app directly fires request signals that would close the test's
    database connection (and its transaction); Django's test client avoids this the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_api_conforms_to_its_schema(case):
    case.call_and_validate()
