"""Assisted coding against a human code framework.

``train_coder(texts, label_sets)`` learns one logistic regression per code over TF-IDF of words
and word pairs, the shipped sentiment model's probabilities, and static sentence embeddings
when the static model is present.
``Coder.proba`` gives a probability per code; ``Coder.predict`` the codes at or above a
threshold, and always at least the most likely one (every coded text has a code).
``Coder.most_informative(unlabelled, k)`` picks texts to code next (active learning).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from exchange_analysis.embed import StaticEmbedder, static_model_path
from exchange_analysis.sentiment import default_model
from exchange_analysis.text import build_vocabulary, count_matrix, smooth_idf, tfidf, word_ngrams

DEFAULT_THRESHOLD = 0.3
REGULARISATION_C = 10.0


@dataclass
class Coder:
    codes: list[str]
    vocabulary: dict[str, int]
    idf: npt.NDArray[np.float64]
    coef: npt.NDArray[np.float64]  # codes x features
    intercept: npt.NDArray[np.float64]
    static: StaticEmbedder | None
    threshold: float = DEFAULT_THRESHOLD

    def features(self, texts: Sequence[str]) -> sp.csr_matrix:
        blocks = [
            tfidf(count_matrix(texts, word_ngrams, self.vocabulary), self.idf),
            # The shipped sentiment model's code probabilities: many codes lean one way
            # (praise for staff manner, complaints about waiting).
            sp.csr_matrix(default_model().proba(texts)),
        ]
        if self.static is not None:
            blocks.append(sp.csr_matrix(self.static.transform(texts)))
        return sp.csr_matrix(sp.hstack(blocks))

    def proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """texts x codes matrix of probabilities (columns in ``self.codes`` order)."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        if not texts:
            return np.zeros((0, len(self.codes)))
        logits = np.asarray(self.features(texts) @ self.coef.T) + self.intercept[None, :]
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(logits, -40, 40))), dtype=np.float64)

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """One {code: probability} dict per text."""
        p = self.proba(texts)
        return [{c: float(row[j]) for j, c in enumerate(self.codes)} for row in p]

    def predict(self, texts: Sequence[str], threshold: float | None = None) -> list[set[str]]:
        p = self.proba(texts)
        cut = self.threshold if threshold is None else threshold
        out: list[set[str]] = []
        for row in p:
            chosen = {self.codes[j] for j in np.flatnonzero(row >= cut)}
            if len(self.codes):
                chosen.add(self.codes[int(np.argmax(row))])
            out.append(chosen)
        return out

    def most_informative(self, unlabelled: Sequence[str], k: int) -> list[int]:
        """Indices of up to k texts whose codes the model is least sure of, not repeating
        near-identical texts (uncertainty sampling with a diversity check)."""
        if k <= 0 or not unlabelled:
            return []
        p = self.proba(unlabelled)
        uncertainty = np.minimum(p, 1.0 - p).sum(axis=1)
        top_margin = np.sort(p, axis=1)[:, -2:] if p.shape[1] >= 2 else p
        if p.shape[1] >= 2:  # close call between the two likeliest codes
            uncertainty += 1.0 - (top_margin[:, 1] - top_margin[:, 0])
        order = np.argsort(-uncertainty, kind="stable")
        x = self.features(unlabelled)
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        x = sp.csr_matrix(sp.diags(1.0 / norms) @ x)
        chosen: list[int] = []
        seen_texts: set[str] = set()
        for i in order:
            key = " ".join(unlabelled[i].lower().split())
            if key in seen_texts:
                continue
            if chosen:
                sims = np.asarray((x[chosen] @ x[i].T).todense()).ravel()
                if sims.max() > 0.9:
                    continue
            chosen.append(int(i))
            seen_texts.add(key)
            if len(chosen) >= k:
                break
        return chosen

    def save(self, directory: str | Path) -> Path:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        doc = {
            "format": "exchange_analysis.Coder",
            "version": 1,
            "codes": self.codes,
            "vocabulary": self.vocabulary,
            "static": self.static is not None,
            "threshold": self.threshold,
        }
        (path / "coder.json").write_text(json.dumps(doc, ensure_ascii=False))
        np.save(path / "idf.npy", self.idf, allow_pickle=False)
        np.save(path / "coef.npy", self.coef, allow_pickle=False)
        np.save(path / "intercept.npy", self.intercept, allow_pickle=False)
        if self.static is not None:
            np.save(path / "static_mean.npy", self.static.mean, allow_pickle=False)
        return path

    @classmethod
    def load(cls, directory: str | Path) -> Coder:
        path = Path(directory)
        doc = json.loads((path / "coder.json").read_text())
        if doc.get("format") != "exchange_analysis.Coder":
            raise ValueError(f"{path} does not hold a saved coder")
        static = None
        if doc["static"]:
            static = StaticEmbedder()
            static.mean = np.load(path / "static_mean.npy", allow_pickle=False)
        return cls(
            codes=[str(c) for c in doc["codes"]],
            vocabulary={str(k): int(v) for k, v in doc["vocabulary"].items()},
            idf=np.load(path / "idf.npy", allow_pickle=False),
            coef=np.load(path / "coef.npy", allow_pickle=False),
            intercept=np.load(path / "intercept.npy", allow_pickle=False),
            static=static,
            threshold=float(doc["threshold"]),
        )


def train_coder(
    texts: Sequence[str],
    label_sets: Sequence[Iterable[str]],
    *,
    use_static: bool | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> Coder:
    """Learn the codes of a human framework from coded texts (each with a set of codes)."""
    from sklearn.linear_model import LogisticRegression

    texts = [t if isinstance(t, str) else "" for t in texts]
    sets = [set(s) for s in label_sets]
    if len(texts) != len(sets):
        raise ValueError(f"got {len(texts)} texts but {len(sets)} label sets")
    if not texts:
        raise ValueError("train_coder needs at least one coded text")
    codes = sorted({c for s in sets for c in s})
    if not codes:
        raise ValueError("no codes in label_sets")
    vocabulary = build_vocabulary((word_ngrams(t) for t in texts), min_df=1)
    counts = count_matrix(texts, word_ngrams, vocabulary)
    idf = smooth_idf(counts)
    static: StaticEmbedder | None = None
    if use_static or (use_static is None and static_model_path() is not None):
        static = StaticEmbedder()
        static.fit(texts)
    coder = Coder(
        codes=codes,
        vocabulary=vocabulary,
        idf=idf,
        coef=np.zeros((len(codes), 0)),
        intercept=np.zeros(len(codes)),
        static=static,
        threshold=threshold,
    )
    x = coder.features(texts)
    coef = np.zeros((len(codes), x.shape[1]))
    intercept = np.zeros(len(codes))
    for j, code in enumerate(codes):
        y = np.array([code in s for s in sets], dtype=int)
        if y.min() == y.max():  # every text has it (or none): a constant probability
            intercept[j] = 40.0 if y[0] else -40.0
            continue
        clf = LogisticRegression(C=REGULARISATION_C, max_iter=1000).fit(x, y)
        coef[j] = clf.coef_[0]
        intercept[j] = float(clf.intercept_[0])
    coder.coef = coef
    coder.intercept = intercept
    return coder
