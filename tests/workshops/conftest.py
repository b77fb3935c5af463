import pytest

from exchange.core.permissions import Role
from tests.factories import UserFactory
from tests.workshops.factories import PromptFactory, WorkshopFactory, WorkshopSeriesFactory


@pytest.fixture
def facilitator(db):
    return UserFactory(roles=[Role.FACILITATOR], display_name="Fay Facilitator")


@pytest.fixture
def series(facilitator):
    return WorkshopSeriesFactory(facilitators=[facilitator], slug="summer")


@pytest.fixture
def workshop(series):
    return WorkshopFactory(series=series, title="May workshop")


@pytest.fixture
def prompt(workshop):
    return PromptFactory(workshop=workshop, text="What should we keep?", is_open=True)


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client
