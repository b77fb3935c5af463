"""Theme labels: class-based TF-IDF over phrases of one to three words.

A phrase may contain stop words inside ("lack of communication") but never starts or ends
with one, so every phrase is one people actually wrote. Near-duplicate phrases ("waiting
time" / "waiting times" / "long waiting times") are merged, keeping the best-scoring one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from exchange_analysis.text import ENGLISH_STOP_WORDS, build_vocabulary, count_matrix, normalise

_WORD = re.compile(r"[a-z][a-z']*[a-z]|[a-z]")
# Words that carry no theme in feedback ("nothing to improve", "very good") on top of the
# usual English stop words.
EXTRA_STOP = frozenset(
    [
        "nothing",
        "particularly",
        "especially",
        "actually",
        "little",
        "sure",
        "trying",
        "plenty",
        "different",
        "point",
        "means",
        "quite",
        "rather",
        "generally",
        "definitely",
        "certainly",
        "probably",
        "unreadable",
        "maybe",
        "guess",
        "ways",
        "everything",
        "anything",
        "really",
        "just",
        "like",
        "good",
        "great",
        "excellent",
        "lovely",
        "brilliant",
        "amazing",
        "fantastic",
        "thank",
        "thanks",
        "thankyou",
        "thing",
        "things",
        "lot",
        "lots",
        "way",
        "ok",
        "okay",
        "yes",
        "bit",
        "think",
        "feel",
        "felt",
        "dont",
        "don't",
        "didn't",
        "doesn't",
        "isn't",
        "wasn't",
        "couldn't",
        "wouldn't",
        "can't",
        "im",
        "i'm",
        "ive",
        "i've",
        "it's",
        "thats",
        "that's",
        "got",
        "get",
        "getting",
        "make",
        "made",
        "also",
        "able",
        "need",
        "needs",
        "needed",
        "better",
        "best",
        "well",
        "much",
        "many",
        "one",
        "two",
        "time",
        "times",
        "did",
        "does",
        "doing",
        "know",
        "knew",
        "told",
        "said",
        "say",
        "spoke",
        "asked",
        "went",
        "come",
        "came",
        "want",
        "wanted",
        "use",
        "used",
        "way",
        "person",
        "people",
        "day",
    ]
)
STOP = frozenset(ENGLISH_STOP_WORDS) | EXTRA_STOP
# Words that read well inside a phrase ("waiting time", "picked up on time") but say too
# little as a label on their own.
WEAK_ALONE = frozenset(
    ["time", "times", "service", "care", "help", "hospital", "frame", "face", "week", "weeks"]
)
# Phrases may keep these inside ("lack of communication", "time to wait") but not at an end.
_INNER_OK = frozenset(ENGLISH_STOP_WORDS) | {"time", "times"}


# Phrasal-verb particles may end a two-word phrase.
_PARTICLES = frozenset(["up", "out", "back", "off", "through", "over"])


def _phrases(text: str) -> list[str]:
    words = _WORD.findall(normalise(text))
    out: list[str] = []
    for i, first in enumerate(words):
        if first in STOP or len(first) < 3:
            continue
        if first not in WEAK_ALONE:
            out.append(first)
        for j in (i + 1, i + 2):
            if j >= len(words):
                break
            last = words[j]
            if any(w not in _INNER_OK and w in STOP for w in words[i + 1 : j]):
                break
            if j == i + 1 and last in _PARTICLES:  # "picked up", "follow up", "call back"
                out.append(f"{first} {last}")
                continue
            if last in STOP or len(last) < 3:
                continue
            out.append(" ".join(words[i : j + 1]))
    return out


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _stems(phrase: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in phrase.split() if w not in STOP)


def merge_near_duplicates(ranked: Sequence[str], limit: int) -> list[str]:
    """Keep phrases in rank order, dropping one whose content-word stems overlap a kept one
    as a subset or superset ("waiting times" after "waiting time", "staff" after "staff
    attitude")."""
    kept: list[str] = []
    kept_stems: list[frozenset[str]] = []
    for phrase in ranked:
        stems = _stems(phrase)
        if not stems:
            continue
        if any(stems <= s or s <= stems for s in kept_stems):
            continue
        kept.append(phrase)
        kept_stems.append(stems)
        if len(kept) >= limit:
            break
    return kept


LABEL_MIN_COVERAGE = 0.03  # a label phrase is used by at least 3% of the theme's texts


def class_tfidf_keywords(
    texts: Sequence[str], labels: npt.NDArray[np.int64], k: int, top: int = 8
) -> list[list[str]]:
    """Top phrases for each of k classes by class-based TF-IDF (BERTopic's c-TF-IDF)."""
    return keywords_with_coverage(texts, labels, k, top)[0]


def keywords_with_coverage(
    texts: Sequence[str], labels: npt.NDArray[np.int64], k: int, top: int = 8
) -> tuple[list[list[str]], list[list[float]]]:
    """Top phrases per class, and for each the share of the class's texts that use it."""
    if k == 0:
        return [], []
    min_df = 2 if len(texts) >= 30 else 1
    docs = [_phrases(t) for t in texts]
    vocabulary = build_vocabulary(docs, min_df=min_df)
    if not vocabulary:  # no phrase at all (empty texts, emoji only)
        return [[] for _ in range(k)], [[] for _ in range(k)]
    counts = count_matrix(texts, _phrases, vocabulary, docs)
    vocab = np.empty(len(vocabulary), dtype=object)
    for phrase, j in vocabulary.items():
        vocab[j] = phrase
    onehot = sp.csr_matrix(
        (np.ones(len(labels), np.float32), (labels, np.arange(len(labels)))),
        shape=(k, len(labels)),
    )
    present = counts.copy()
    present.data[:] = 1.0
    class_counts = np.asarray((onehot @ counts).todense(), dtype=np.float64)
    class_docs = np.asarray((onehot @ present).todense(), dtype=np.float64)
    class_sizes = np.bincount(labels, minlength=k).astype(np.float64)
    totals = class_counts.sum(axis=1, keepdims=True)
    totals[totals == 0] = 1.0
    tf = class_counts / totals
    avg_words = max(float(class_counts.sum()) / k, 1.0)
    idf = np.log(1.0 + avg_words / np.maximum(class_counts.sum(axis=0), 1.0))
    scores = tf * idf[None, :]
    # Longer phrases read better as labels; a small bonus, and a phrase must be used by at
    # least two texts of a theme with five or more texts.
    lengths = np.array([p.count(" ") + 1 for p in vocab], dtype=np.float64)
    scores *= 1.0 + 0.35 * (lengths - 1.0)[None, :]
    scores[(class_docs < 2) & (class_sizes[:, None] >= 5)] = 0.0
    # A phrase of two or three words must be used by 3+ texts (1% of a large theme) to lead.
    min_docs = np.maximum(3.0, 0.01 * class_sizes)[:, None]
    scores[(class_docs < min_docs) & (lengths[None, :] > 1) & (class_sizes[:, None] >= 20)] = 0.0
    out: list[list[str]] = []
    coverage: list[list[float]] = []
    for c in range(k):
        row = scores[c]
        order = np.argsort(-row, kind="stable")[: top * 6]
        ranked = [str(vocab[i]) for i in order if row[i] > 0]
        kept = merge_near_duplicates(ranked, top)
        out.append(kept)
        size = max(class_sizes[c], 1.0)
        coverage.append([float(class_docs[c, vocabulary[p]] / size) for p in kept])
    return out, coverage


def theme_label(
    keywords: Sequence[str], coverage: Sequence[float], mean_sentiment: float, fallback: str
) -> str:
    """The two best phrases that enough of the theme's texts use; a plain description when
    none is (a theme of short generic praise has no phrase worth a label)."""
    usable = [p for p, c in zip(keywords, coverage, strict=True) if c >= LABEL_MIN_COVERAGE]
    if usable:
        return label_from_keywords(usable, fallback)
    if not keywords:
        return fallback
    if mean_sentiment >= 0.35:
        return "General praise"
    if mean_sentiment <= -0.2:
        return "General criticism"
    return "Other comments"


def label_from_keywords(keywords: Sequence[str], fallback: str) -> str:
    if not keywords:
        return fallback
    words = list(keywords[:2])
    label = ", ".join(words)
    return label[0].upper() + label[1:]


def distinct_labels(
    keyword_lists: Sequence[Sequence[str]],
    fallback_prefix: str,
    coverage: Sequence[Sequence[float]] | None = None,
    sentiments: Sequence[float] | None = None,
) -> list[str]:
    """A label per theme (see theme_label); where two would read alike, the later one gets its
    next phrase, or a number."""
    labels = []
    for i, kw in enumerate(keyword_lists):
        cov = coverage[i] if coverage is not None else [1.0] * len(kw)
        mood = sentiments[i] if sentiments is not None else 0.0
        labels.append(theme_label(kw, cov, mood, f"{fallback_prefix} {i + 1}"))
    seen: dict[str, int] = {}
    for i, label in enumerate(labels):
        if label in seen:
            extra = [p for p in keyword_lists[i] if p.lower() not in label.lower()]
            labels[i] = f"{label}, {extra[0]}" if extra else f"{label} ({i + 1})"
        seen[labels[i]] = i
    return labels
