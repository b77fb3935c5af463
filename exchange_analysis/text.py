"""Tokenising and counting without scikit-learn (importing it costs ~2 s, a whole budget).

``ENGLISH_STOP_WORDS`` is the list scikit-learn uses (BSD licence; from the Glasgow
Information Retrieval Group), copied so that labels and embeddings match what people expect.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

ENGLISH_STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "across",
        "after",
        "afterwards",
        "again",
        "against",
        "all",
        "almost",
        "alone",
        "along",
        "already",
        "also",
        "although",
        "always",
        "am",
        "among",
        "amongst",
        "amoungst",
        "amount",
        "an",
        "and",
        "another",
        "any",
        "anyhow",
        "anyone",
        "anything",
        "anyway",
        "anywhere",
        "are",
        "around",
        "as",
        "at",
        "back",
        "be",
        "became",
        "because",
        "become",
        "becomes",
        "becoming",
        "been",
        "before",
        "beforehand",
        "behind",
        "being",
        "below",
        "beside",
        "besides",
        "between",
        "beyond",
        "bill",
        "both",
        "bottom",
        "but",
        "by",
        "call",
        "can",
        "cannot",
        "cant",
        "co",
        "con",
        "could",
        "couldnt",
        "cry",
        "de",
        "describe",
        "detail",
        "do",
        "done",
        "down",
        "due",
        "during",
        "each",
        "eg",
        "eight",
        "either",
        "eleven",
        "else",
        "elsewhere",
        "empty",
        "enough",
        "etc",
        "even",
        "ever",
        "every",
        "everyone",
        "everything",
        "everywhere",
        "except",
        "few",
        "fifteen",
        "fifty",
        "fill",
        "find",
        "fire",
        "first",
        "five",
        "for",
        "former",
        "formerly",
        "forty",
        "found",
        "four",
        "from",
        "front",
        "full",
        "further",
        "get",
        "give",
        "go",
        "had",
        "has",
        "hasnt",
        "have",
        "he",
        "hence",
        "her",
        "here",
        "hereafter",
        "hereby",
        "herein",
        "hereupon",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "however",
        "hundred",
        "i",
        "ie",
        "if",
        "in",
        "inc",
        "indeed",
        "interest",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "keep",
        "last",
        "latter",
        "latterly",
        "least",
        "less",
        "ltd",
        "made",
        "many",
        "may",
        "me",
        "meanwhile",
        "might",
        "mill",
        "mine",
        "more",
        "moreover",
        "most",
        "mostly",
        "move",
        "much",
        "must",
        "my",
        "myself",
        "name",
        "namely",
        "neither",
        "never",
        "nevertheless",
        "next",
        "nine",
        "no",
        "nobody",
        "none",
        "noone",
        "nor",
        "not",
        "nothing",
        "now",
        "nowhere",
        "of",
        "off",
        "often",
        "on",
        "once",
        "one",
        "only",
        "onto",
        "or",
        "other",
        "others",
        "otherwise",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "part",
        "per",
        "perhaps",
        "please",
        "put",
        "rather",
        "re",
        "same",
        "see",
        "seem",
        "seemed",
        "seeming",
        "seems",
        "serious",
        "several",
        "she",
        "should",
        "show",
        "side",
        "since",
        "sincere",
        "six",
        "sixty",
        "so",
        "some",
        "somehow",
        "someone",
        "something",
        "sometime",
        "sometimes",
        "somewhere",
        "still",
        "such",
        "system",
        "take",
        "ten",
        "than",
        "that",
        "the",
        "their",
        "them",
        "themselves",
        "then",
        "thence",
        "there",
        "thereafter",
        "thereby",
        "therefore",
        "therein",
        "thereupon",
        "these",
        "they",
        "thick",
        "thin",
        "third",
        "this",
        "those",
        "though",
        "three",
        "through",
        "throughout",
        "thru",
        "thus",
        "to",
        "together",
        "too",
        "top",
        "toward",
        "towards",
        "twelve",
        "twenty",
        "two",
        "un",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "very",
        "via",
        "was",
        "we",
        "well",
        "were",
        "what",
        "whatever",
        "when",
        "whence",
        "whenever",
        "where",
        "whereafter",
        "whereas",
        "whereby",
        "wherein",
        "whereupon",
        "wherever",
        "whether",
        "which",
        "while",
        "whither",
        "who",
        "whoever",
        "whole",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "yet",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
    ]
)

WORD_PATTERN = re.compile(r"(?u)\b\w[\w']*\b")
Analyzer = Callable[[str], list[str]]


def normalise(text: str) -> str:
    """Lower case, with typographic apostrophes made plain (a curly apostrophe becomes a straight one)."""
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


def word_ngrams(text: str) -> list[str]:
    """Lower-cased words and word pairs, stop words kept (sentiment needs "not good")."""
    words = WORD_PATTERN.findall(normalise(text))
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


_CONTENT_PATTERN = re.compile(r"(?u)\b[a-zA-Z][a-zA-Z']+\b")


def content_ngrams(text: str) -> list[str]:
    """Words of two letters or more, stop words removed, and pairs of the remaining words."""
    words = [w for w in _CONTENT_PATTERN.findall(normalise(text)) if w not in ENGLISH_STOP_WORDS]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def build_vocabulary(
    docs: Iterable[list[str]], min_df: int = 1, max_features: int | None = None
) -> dict[str, int]:
    """Terms used by at least min_df documents (the max_features most used), sorted."""
    df: dict[str, int] = {}
    for terms in docs:
        for term in set(terms):
            df[term] = df.get(term, 0) + 1
    kept = [t for t, n in df.items() if n >= min_df]
    if max_features is not None and len(kept) > max_features:
        kept.sort(key=lambda t: (-df[t], t))
        kept = kept[:max_features]
    return {t: i for i, t in enumerate(sorted(kept))}


def count_matrix(
    texts: Sequence[str],
    analyzer: Analyzer,
    vocabulary: dict[str, int],
    docs: Sequence[list[str]] | None = None,
) -> sp.csr_matrix:
    """Documents x terms counts (float32 CSR) for a fixed vocabulary. docs: the analyzer's
    output for texts when already computed."""
    indptr = [0]
    indices: list[int] = []
    values: list[int] = []
    for k, text in enumerate(texts):
        row: dict[int, int] = {}
        for term in docs[k] if docs is not None else analyzer(text):
            j = vocabulary.get(term)
            if j is not None:
                row[j] = row.get(j, 0) + 1
        indices.extend(row.keys())
        values.extend(row.values())
        indptr.append(len(indices))
    m = sp.csr_matrix(
        (
            np.asarray(values, np.float32),
            np.asarray(indices, np.int64),
            np.asarray(indptr, np.int64),
        ),
        shape=(len(texts), len(vocabulary)),
    )
    m.sort_indices()
    return m


def tfidf(counts: sp.csr_matrix, idf: npt.NDArray[np.floating]) -> sp.csr_matrix:
    """Sublinear tf (1 + log tf) times idf, rows scaled to unit length."""
    x = sp.csr_matrix(counts, dtype=np.float64, copy=True)
    x.data = (1.0 + np.log(x.data)) * np.asarray(idf, np.float64)[x.indices]
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    norms = np.sqrt(np.bincount(rows, weights=x.data**2, minlength=x.shape[0]))
    norms[norms == 0] = 1.0
    x.data /= norms[rows]
    return x


def smooth_idf(counts: sp.csr_matrix) -> npt.NDArray[np.float64]:
    """scikit-learn's smoothed idf: ln((1 + n) / (1 + df)) + 1."""
    n = counts.shape[0]
    df = np.bincount(sp.csr_matrix(counts).indices, minlength=counts.shape[1])
    return np.asarray(np.log((1.0 + n) / (1.0 + df)) + 1.0, dtype=np.float64)
