import pytest

from exchange.examples.management.commands.load_demo import demo_load
from exchange.insights.demo_data import SLUG, insights_demo_load
from exchange.insights.models import Synthesis
from exchange.insights.selectors import board
from exchange.workshops.demo_data import workshops_demo_load

pytestmark = pytest.mark.django_db


def test_demo_publishes_a_written_synthesis_once(django_assert_max_num_queries):
    demo_load()
    workshops_demo_load()

    assert insights_demo_load() is True

    synthesis = Synthesis.objects.get(slug=SLUG)
    assert synthesis.is_published
    labels = set(synthesis.themes.values_list("label", flat=True))
    assert {"Working across organisations", "Silos creeping back"} <= labels
    assert all(t.narrative and t.questions.exists() for t in synthesis.themes.all())
    findings = board(synthesis=synthesis).findings
    assert any(f.startswith("'Silos creeping back' rose") for f in findings)
    with django_assert_max_num_queries(1):
        assert insights_demo_load() is False
    assert Synthesis.objects.count() == 1


def test_demo_without_the_series_does_nothing():
    assert insights_demo_load() is False
    assert not Synthesis.objects.exists()
