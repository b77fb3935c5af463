from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from exchange_analysis import ThemeModel, analyse
from exchange_analysis.cluster import auto_k
from exchange_analysis.embed import EmbedderError, make_embedder, static_model_path
from exchange_analysis.labels import merge_near_duplicates

EMBEDDERS = ["tfidf"] + (["static", "hybrid"] if static_model_path() else [])


def purity(assigned: list[int], topics: list[str]) -> float:
    total = 0
    for theme in set(assigned):
        members = [t for a, t in zip(assigned, topics, strict=True) if a == theme]
        total += Counter(members).most_common(1)[0][1]
    return total / len(topics)


@pytest.mark.parametrize("embedder", EMBEDDERS)
def test_three_topics_are_found(feedback, embedder):
    texts, topics, _ = feedback
    result = analyse(texts, n_themes=3, n_subthemes=3, embedder=embedder)
    assert len(result.themes) == 3
    assert [a.index for a in result.assignments] == list(range(len(texts)))
    assert purity([a.theme for a in result.assignments], topics) >= 0.75


def test_every_text_assigned_and_sizes_add_up(feedback):
    texts, _, _ = feedback
    result = analyse(texts)
    assert len(result.assignments) == len(texts)
    assert sum(t.size for t in result.themes) == len(texts)
    for theme in result.themes:
        assert theme.subthemes
        assert sum(s.size for s in theme.subthemes) == theme.size
        assert all(s.parent == theme.id for s in theme.subthemes)
    assert all(0.0 <= a.confidence <= 1.0 for a in result.assignments)
    assert all(-1.0 <= a.sentiment <= 1.0 for a in result.assignments)


def test_labels_and_quotes_are_readable(feedback):
    texts, _, _ = feedback
    result = analyse(texts, n_themes=3, embedder="tfidf")
    for theme in result.themes:
        assert theme.label
        assert theme.label[0].isupper()
        assert theme.keywords
        assert 1 <= len(theme.quotes) <= 3
        quoted = [q.text for q in theme.quotes]
        assert len(set(quoted)) == len(quoted)
        assert all(texts[q.index] == q.text for q in theme.quotes)


def test_quotes_skip_near_duplicates():
    texts = ["The food was cold"] * 6 + ["Cold food again"] * 3 + ["Food cold and late"] * 3
    result = analyse(texts, n_themes=1, n_subthemes=1, embedder="tfidf")
    quoted = [q.text for q in result.themes[0].quotes]
    assert len(quoted) == len(set(quoted))


def test_near_duplicate_phrases_merge():
    merged = merge_near_duplicates(
        ["waiting time", "waiting times", "long waiting times", "staff", "parking"], 5
    )
    assert merged == ["waiting time", "staff", "parking"]


def test_same_seed_same_result(feedback):
    texts, _, dates = feedback
    a = analyse(texts, dates, seed=3)
    b = analyse(texts, dates, seed=3)
    assert a.to_dict() == b.to_dict()


def test_requested_number_of_themes(feedback):
    texts, _, _ = feedback
    for n in (1, 2, 5):
        assert len(analyse(texts, n_themes=n, embedder="tfidf").themes) == n


def test_empty_input():
    result = analyse([])
    assert result.themes == []
    assert result.assignments == []


def test_bad_arguments(feedback):
    texts, _, _ = feedback
    with pytest.raises(ValueError, match="dates"):
        analyse(texts, dates=["2022-01-01"])
    with pytest.raises(ValueError, match="n_themes"):
        analyse(texts, n_themes=0)
    with pytest.raises(EmbedderError):
        make_embedder("word2vec")


def test_auto_k_grows_with_n():
    assert auto_k(1) == 1
    assert auto_k(100) < auto_k(1000) < auto_k(2456) <= 60


def test_drift_sentence_for_a_falling_theme():
    texts = (["The food was cold and awful"] * 30 + ["Staff were kind and caring"] * 10) + (
        ["The food was cold and awful"] * 5 + ["Staff were kind and caring"] * 35
    )
    dates = ["2022-05-03"] * 40 + ["2022-08-03"] * 40
    result = analyse(texts, dates, n_themes=2, n_subthemes=2, embedder="tfidf")
    assert result.periods
    food = [f for f in result.findings if f.kind == "prevalence" and f.direction == "fell"]
    assert food, result.findings
    assert "fell from 75% of texts in May to 12% in August 2022" in food[0].sentence
    assert food[0].q_value <= 0.05


def test_benjamini_hochberg():
    from exchange_analysis.drift import benjamini_hochberg

    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.5]))
    assert np.allclose(q, [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])


def test_two_proportion_p():
    from exchange_analysis.drift import two_proportion_p

    assert two_proportion_p(30, 100, 30, 100) == 1.0
    assert 0.001 < two_proportion_p(34, 100, 18, 100) < 0.02  # z = 2.56


def test_dates_in_many_shapes():
    import datetime as dt

    from exchange_analysis.drift import parse_date

    day = dt.date(2022, 5, 3)
    for value in ("2022-05-03", "03/05/2022", "2022-05-03T10:00:00", day, dt.datetime(2022, 5, 3)):
        assert parse_date(value) == day
    assert parse_date("not a date") is None
    assert parse_date(None) is None


def test_no_findings_without_change(feedback):
    texts, _, dates = feedback
    result = analyse(texts, dates)
    assert {p.period for p in result.periods} == {"2022-05", "2022-06", "2022-07", "2022-08"}
    assert result.findings == []  # periods of 6 texts are too small to test


def test_assign_and_round_trip(tmp_path: Path, feedback):
    texts, _topics, _ = feedback
    result = analyse(texts, n_themes=3, n_subthemes=3, embedder="tfidf")
    model = result.model
    assert model is not None
    new = ["I waited hours for the appointment", "The food was cold", "", "🙂🙂"]
    before = model.assign(new)
    model.save(tmp_path / "m")
    assert {p.suffix for p in (tmp_path / "m").iterdir()} <= {".json", ".npy"}
    loaded = ThemeModel.load(tmp_path / "m")
    after = loaded.assign(new)
    assert before == after
    assert len(after) == 4
    assert after[2].weak_fit
    assert after[3].weak_fit
    again = loaded.assign(texts)
    original = [a.subtheme for a in result.assignments]
    agree = np.mean([a.subtheme == o for a, o in zip(again, original, strict=True)])
    assert agree >= 0.8


@pytest.mark.skipif(not static_model_path(), reason="static model not built")
def test_hybrid_round_trip(tmp_path: Path, feedback):
    texts, _, _ = feedback
    model = analyse(texts, embedder="hybrid").model
    assert model is not None
    model.save(tmp_path)
    assert ThemeModel.load(tmp_path).assign(texts[:3]) == model.assign(texts[:3])


def test_load_rejects_other_directories(tmp_path: Path):
    from exchange_analysis import ModelFormatError

    with pytest.raises(ModelFormatError):
        ThemeModel.load(tmp_path)
    (tmp_path / "model.json").write_text('{"format": "something else"}')
    with pytest.raises(ModelFormatError):
        ThemeModel.load(tmp_path)


def test_sentence_transformers_needs_its_extra():
    import importlib.util

    if importlib.util.find_spec("sentence_transformers") is not None:
        pytest.skip("sentence-transformers is installed here")
    with pytest.raises(EmbedderError, match="sentence-transformers"):
        make_embedder("sentence-transformers")


def test_phrasal_verbs_and_fillers_in_labels():
    from exchange_analysis.labels import _phrases

    phrases = _phrases("They picked up my mum particularly early")
    assert "picked up" in phrases
    assert "particularly" not in phrases


def test_repeated_short_text_labels_its_theme(feedback):
    texts, _, _ = feedback
    many = texts + ["Did not answer"] * 20 + ["Did not answer."] * 5
    result = analyse(many, embedder="tfidf")
    assert "Did not answer" in [t.label for t in result.themes]


def test_empty_texts_are_weak_fits_not_a_theme(feedback):
    texts, _, _ = feedback
    result = analyse(texts + [""] * 30 + ["🙂"] * 5, embedder="tfidf")
    empties = result.assignments[len(texts) :]
    assert all(a.weak_fit and a.confidence == 0.0 for a in empties)
    assert {a.subtheme for a in empties} == {0}
    assert all(q.text.strip() for t in result.themes for q in t.quotes)


def test_unknown_dates_are_left_out_of_periods(feedback):
    texts, _, dates = feedback
    some = [d if i % 3 else None for i, d in enumerate(dates)]
    some[1] = "not a date"
    result = analyse(texts, some, embedder="tfidf", period="week")
    counted = {p.period: p.total for p in result.periods}
    assert all("-W" in p for p in counted)
    assert sum(counted.values()) == sum(1 for d in some if d and d != "not a date")
    assert len(result.assignments) == len(texts)
