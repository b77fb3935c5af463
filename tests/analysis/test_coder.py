from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from exchange_analysis.coder import Coder, train_coder


@pytest.fixture(scope="module")
def coder(feedback_module):
    texts, sets = feedback_module
    return train_coder(texts, sets, use_static=False)


@pytest.fixture(scope="module")
def feedback_module():
    from tests.analysis.conftest import FOOD, STAFF, WAITING

    texts = WAITING + STAFF + FOOD
    sets = [{"waiting"}] * 8 + [{"staff"}] * 8 + [{"food"}] * 8
    sets[0] = {"waiting", "staff"}
    return texts, sets


def test_probabilities_per_code(coder):
    probs = coder.predict_proba(["The food was cold again", "I waited for hours"])
    assert set(probs[0]) == {"food", "staff", "waiting"}
    assert max(probs[0], key=probs[0].get) == "food"
    assert max(probs[1], key=probs[1].get) == "waiting"
    assert all(0.0 <= p <= 1.0 for row in probs for p in row.values())


def test_predict_gives_at_least_one_code(coder):
    assert all(codes for codes in coder.predict(["", "🙂", "zzz"]))


def test_most_informative(coder):
    pool = ["The food was cold", "The food was cold", "nurse food wait", "meh", "queue"]
    picked = coder.most_informative(pool, 3)
    assert len(picked) == len(set(picked)) <= 3
    assert not {0, 1} <= set(picked)  # never both copies of the same text
    assert coder.most_informative(pool, 0) == []


def test_round_trip(tmp_path: Path, coder):
    coder.save(tmp_path)
    loaded = Coder.load(tmp_path)
    texts = ["cold food", "long wait"]
    assert np.allclose(loaded.proba(texts), coder.proba(texts))


def test_bad_training_data():
    with pytest.raises(ValueError, match="label sets"):
        train_coder(["a"], [])
    with pytest.raises(ValueError, match="no codes"):
        train_coder(["a", "b"], [set(), set()])
