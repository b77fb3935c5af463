"""Clustering: fine themes by spectral clustering of a nearest-neighbour graph, top-level
themes by agglomerating the fine themes' centres."""

from __future__ import annotations

import math
import warnings

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

# Spectral clustering is quadratic-ish in memory for the eigensolver; above this many
# distinct texts the graph is built on a random sample and the rest join the nearest centre.
SPECTRAL_SAMPLE = 6000
TOP_MIN, TOP_MAX = 4, 12


def auto_k(n: int) -> int:
    """Number of fine themes for n texts when none is requested.

    Rule of thumb k = sqrt(n) / 1.5, at least 2 and at most 60: 33 for 2,456 texts, 21 for 1,000,
    7 for 100. The NHS benchmark's adjusted mutual information is flat between 25 and 40.
    """
    if n <= 2:
        return max(1, n)
    return int(min(60, max(2, round(math.sqrt(n) / 1.5))))


def _unique_rows(x: FloatArray) -> tuple[FloatArray, IntArray]:
    rounded = np.round(x, 5)
    _, first, inverse = np.unique(rounded, axis=0, return_index=True, return_inverse=True)
    return x[first], inverse.reshape(-1).astype(np.int64)


def centres(x: FloatArray, labels: IntArray, k: int) -> FloatArray:
    out = np.zeros((k, x.shape[1]), np.float32)
    np.add.at(out, labels, x)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (out / norms).astype(np.float32)


def _kmeans(x: FloatArray, k: int, seed: int) -> IntArray:
    from sklearn.cluster import KMeans

    return KMeans(k, n_init=3, random_state=seed).fit_predict(x).astype(np.int64)


def _spectral(x: FloatArray, k: int, seed: int) -> IntArray:
    from sklearn.cluster import SpectralClustering

    n_neighbors = int(min(40, max(5, x.shape[0] // 60)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = SpectralClustering(
            k,
            affinity="nearest_neighbors",
            n_neighbors=n_neighbors,
            random_state=seed,
            assign_labels="cluster_qr",
        )
        return model.fit_predict(x).astype(np.int64)


def _compact(labels: IntArray) -> tuple[IntArray, int]:
    """Renumber labels 0..k-1 (empty clusters disappear)."""
    uniq, inverse = np.unique(labels, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), len(uniq)


def fine_clusters(x: FloatArray, k: int, seed: int) -> tuple[IntArray, int]:
    """Cluster rows of x into at most k groups; returns (labels, number of groups)."""
    n = x.shape[0]
    if n == 0:
        return np.zeros(0, np.int64), 0
    uniq, inverse = _unique_rows(x)
    m = uniq.shape[0]
    k = max(1, min(k, m))
    if k == 1:
        return np.zeros(n, np.int64), 1
    if m == k:
        return _compact(inverse)
    rng = np.random.default_rng(seed)
    if m > SPECTRAL_SAMPLE:
        sample = np.sort(rng.choice(m, SPECTRAL_SAMPLE, replace=False))
        fit_x = uniq[sample]
    else:
        sample = None
        fit_x = uniq
    try:
        if fit_x.shape[0] < 60:
            labels = _kmeans(fit_x, k, seed)
        else:
            labels = _spectral(fit_x, k, seed)
    except (ValueError, np.linalg.LinAlgError):
        labels = _kmeans(fit_x, k, seed)
    labels, k_found = _compact(labels)
    if sample is not None:
        c = centres(fit_x, labels, k_found)
        uniq_labels = np.argmax(uniq @ c.T, axis=1).astype(np.int64)
        uniq_labels[sample] = labels
    else:
        uniq_labels = labels
    return _compact(uniq_labels[inverse])


def top_level(
    fine_centres: FloatArray, sizes: npt.NDArray[np.int64], n_top: int | None, seed: int
) -> IntArray:
    """Group fine themes into top-level themes (4-12 chosen by silhouette unless requested)."""
    k = fine_centres.shape[0]
    if k == 0:
        return np.zeros(0, np.int64)
    if n_top is not None:
        target = max(1, min(n_top, k))
        return _agglomerate(fine_centres, target)
    if k <= TOP_MIN:
        return np.arange(k, dtype=np.int64)
    from sklearn.metrics import silhouette_score

    best: tuple[float, IntArray] | None = None
    for target in range(TOP_MIN, min(TOP_MAX, k - 1) + 1):
        labels = _agglomerate(fine_centres, target)
        if len(set(labels.tolist())) < 2:
            continue
        score = float(
            silhouette_score(fine_centres, labels, metric="cosine", sample_size=None)
        )
        if best is None or score > best[0] + 1e-9:
            best = (score, labels)
    if best is None:
        return np.arange(k, dtype=np.int64)
    return best[1]


def _agglomerate(x: FloatArray, target: int) -> IntArray:
    from sklearn.cluster import AgglomerativeClustering

    if target >= x.shape[0]:
        return np.arange(x.shape[0], dtype=np.int64)
    if target == 1:
        return np.zeros(x.shape[0], np.int64)
    model = AgglomerativeClustering(target, metric="cosine", linkage="average")
    return model.fit_predict(x).astype(np.int64)
