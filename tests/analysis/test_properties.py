"""Property tests: any list of strings is analysed without error and every text assigned."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exchange_analysis import analyse
from exchange_analysis.pii import redact

WORDS = ["wait", "staff", "kind", "food", "cold", "parking", "nurse", "😀", "", "  ", "A&E"]

texts_strategy = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(WORDS),
        st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join),
        st.just("x" * 10_000),
        st.just("long text " * 1_000),
        st.just("🙂" * 500),
    ),
    min_size=0,
    max_size=30,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=texts_strategy, seed=st.integers(0, 3))
def test_any_texts_every_text_assigned(texts, seed):
    result = analyse(texts, embedder="tfidf", seed=seed)
    assert len(result.assignments) == len(texts)
    assert sorted(a.index for a in result.assignments) == list(range(len(texts)))
    assert sum(t.size for t in result.themes) == len(texts)
    if texts:
        assert result.model is not None
        assert len(result.model.assign(texts[:3])) == min(3, len(texts))


@settings(max_examples=15, deadline=None)
@given(texts=texts_strategy)
def test_same_seed_same_result(texts):
    assert analyse(texts, embedder="tfidf").to_dict() == analyse(texts, embedder="tfidf").to_dict()


@settings(max_examples=8, deadline=None)
@given(text=st.sampled_from(WORDS), n=st.integers(1, 40))
def test_duplicates_only(text, n):
    result = analyse([text] * n, embedder="auto")
    assert len(result.assignments) == n
    assert len({a.subtheme for a in result.assignments}) == 1


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=300))
def test_redact_never_crashes_and_placeholders_only_add(text):
    redacted, findings = redact(text)
    for f in findings:
        assert text[f.start : f.end] == f.text
        assert f"[{f.kind}]" in redacted
    if not findings:
        assert redacted == text
