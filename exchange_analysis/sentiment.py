"""Sentiment per text in [-1, 1] from a small linear model shipped with the package.

The model is multinomial logistic regression over TF-IDF of words and word pairs, trained on
the training split of the NHS feedback data (human codes 1 = most positive ... 5 = most
negative; see ``build_sentiment_model.py``). It is stored as JSON + NumPy arrays, never pickle.
The score is the expected positivity, sum_k P(code k) * (3 - k) / 2.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from exchange_analysis.text import count_matrix, tfidf, word_ngrams

MODEL_DIR = Path(__file__).resolve().parent / "data" / "sentiment"
NEGATIVE, NEUTRAL, POSITIVE = 0, 1, 2
CLASS_NAMES = ("negative", "neutral", "positive")


class SentimentModel:
    def __init__(
        self,
        vocabulary: dict[str, int],
        idf: npt.NDArray[np.float64],
        coef: npt.NDArray[np.float64],
        intercept: npt.NDArray[np.float64],
        classes: npt.NDArray[np.int64],
    ) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.coef = coef
        self.intercept = intercept
        self.classes = classes

    def features(self, texts: Sequence[str]) -> sp.csr_matrix:
        return tfidf(count_matrix(texts, word_ngrams, self.vocabulary), self.idf)

    def proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Probability of each human code (columns in ``self.classes`` order)."""
        if len(texts) == 0:
            return np.zeros((0, len(self.classes)))
        logits = np.asarray(self.features(texts) @ self.coef.T) + self.intercept[None, :]
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return np.asarray(p / p.sum(axis=1, keepdims=True), dtype=np.float64)

    def score(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Positivity in [-1, 1]: 1 = most positive, -1 = most negative."""
        positivity = (3.0 - self.classes.astype(np.float64)) / 2.0
        return np.clip(self.proba(texts) @ positivity, -1.0, 1.0)

    def classify(self, texts: Sequence[str]) -> npt.NDArray[np.int64]:
        """0 negative (codes 4-5), 1 neutral (3), 2 positive (1-2), by merged probabilities."""
        p = self.proba(texts)
        merged = np.stack(
            [
                p[:, self.classes >= 4].sum(axis=1),
                p[:, self.classes == 3].sum(axis=1),
                p[:, self.classes <= 2].sum(axis=1),
            ],
            axis=1,
        )
        return np.asarray(merged.argmax(axis=1), dtype=np.int64)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "vocabulary.json").write_text(
            json.dumps(self.vocabulary, ensure_ascii=False, sort_keys=True)
        )
        np.save(directory / "idf.npy", self.idf.astype(np.float32), allow_pickle=False)
        np.save(directory / "coef.npy", self.coef.astype(np.float32), allow_pickle=False)
        np.save(directory / "intercept.npy", self.intercept, allow_pickle=False)
        np.save(directory / "classes.npy", self.classes, allow_pickle=False)

    @classmethod
    def load(cls, directory: Path = MODEL_DIR) -> SentimentModel:
        vocabulary = {
            str(k): int(v)
            for k, v in json.loads((directory / "vocabulary.json").read_text()).items()
        }
        return cls(
            vocabulary,
            np.load(directory / "idf.npy", allow_pickle=False).astype(np.float64),
            np.load(directory / "coef.npy", allow_pickle=False).astype(np.float64),
            np.load(directory / "intercept.npy", allow_pickle=False).astype(np.float64),
            np.load(directory / "classes.npy", allow_pickle=False).astype(np.int64),
        )


@lru_cache(maxsize=1)
def default_model() -> SentimentModel:
    return SentimentModel.load(MODEL_DIR)


def sentiment(texts: Sequence[str]) -> list[float]:
    """Sentiment of each text in [-1, 1] with the shipped model."""
    return [float(s) for s in default_model().score(texts)]
