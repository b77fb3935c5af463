import pytest

from exchange.core.permissions import Role
from tests.accounts.requested_settings import apply_missing
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _requested_account_settings(settings):
    apply_missing(settings)


@pytest.fixture
def moderator(db):
    # ModeratorFactory's `roles` is shadowed by a LazyFunction (see docs/requests/submission.md).
    return UserFactory(roles=[Role.MODERATOR])
