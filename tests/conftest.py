import pytest

from exchange.core.permissions import Role
from tests.factories import (
    PASSWORD,
    AdminFactory,
    CampaignFactory,
    ModeratorFactory,
    PublishedExampleFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached pages and fragments must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def participant(db):
    return UserFactory()


@pytest.fixture
def moderator(db):
    return ModeratorFactory()


@pytest.fixture
def admin_user(db):
    return AdminFactory()


@pytest.fixture
def campaign(db):
    return CampaignFactory()


@pytest.fixture
def published_example(db):
    return PublishedExampleFactory()


@pytest.fixture
def participant_client(client, participant):
    client.force_login(participant)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


__all__ = ["Role"]
