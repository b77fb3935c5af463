import pytest

from exchange.sustain.tasks import checkins_run


@pytest.fixture
def tick(django_capture_on_commit_callbacks):
    """Run the scheduled check-in job now (as `sustain_tick` would), sending its emails."""

    def run() -> dict[str, int]:
        with django_capture_on_commit_callbacks(execute=True):
            return checkins_run.enqueue().return_value

    return run
