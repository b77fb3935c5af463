"""Clustering: fine themes by spectral clustering of a nearest-neighbour graph, top-level
themes by agglomerating the fine themes' centres."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

# Spectral clustering is quadratic-ish in memory for the eigensolver; above this many
# distinct texts the graph is built on a random sample and the rest join the nearest centre.
SPECTRAL_SAMPLE = 6000
TOP_MIN, TOP_MAX = 4, 12


def auto_k(n: int) -> int:
    """Number of fine themes for n texts when none is requested.

    Rule of thumb k = sqrt(n) / 1.25, at least 2 and at most 60: 40 for 2,456 texts, 25 for
    1,000, 8 for 100. On the NHS benchmark adjusted mutual information is flat (0.31-0.32)
    between 33 and 40 themes and falls beyond 50.
    """
    if n <= 2:
        return max(1, n)
    return int(min(60, max(2, round(math.sqrt(n) / 1.25))))


def _unique_rows(x: FloatArray) -> tuple[FloatArray, IntArray]:
    """Distinct rows (to 5 decimals) and, for each row, the index of its distinct row."""
    rounded = np.round(x, 5)
    first_of: dict[bytes, int] = {}
    firsts: list[int] = []
    inverse = np.empty(x.shape[0], np.int64)
    for i, row in enumerate(rounded):
        key = row.tobytes()
        j = first_of.get(key)
        if j is None:
            j = first_of[key] = len(firsts)
            firsts.append(i)
        inverse[i] = j
    return x[np.asarray(firsts, dtype=np.int64)], inverse


def centres(x: FloatArray, labels: IntArray, k: int) -> FloatArray:
    out = np.zeros((k, x.shape[1]), np.float32)
    np.add.at(out, labels, x)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(out / norms, dtype=np.float32)


def kmeans(x: FloatArray, k: int, seed: int, n_init: int = 3, iters: int = 50) -> IntArray:
    """Spherical k-means (cosine) with k-means++ seeding; best of n_init by inertia."""
    rng = np.random.default_rng(seed)
    n = x.shape[0]
    best: tuple[float, IntArray] | None = None
    for _ in range(n_init):
        first = int(rng.integers(n))
        chosen = [first]
        dist = np.maximum(0.0, 1.0 - x @ x[first])
        for _ in range(1, k):
            total = float(dist.sum())
            nxt = int(rng.choice(n, p=dist / total)) if total > 0 else int(rng.integers(n))
            chosen.append(nxt)
            dist = np.minimum(dist, np.maximum(0.0, 1.0 - x @ x[nxt]))
        c = x[chosen].copy()
        labels = np.zeros(n, np.int64)
        for it in range(iters):
            new = np.argmax(x @ c.T, axis=1).astype(np.int64)
            if it and np.array_equal(new, labels):
                break
            labels = new
            c = centres(x, labels, k)
            empty = np.bincount(labels, minlength=k) == 0
            if empty.any():  # re-seed an empty cluster with the worst-fitting point
                fit = np.einsum("ij,ij->i", x, c[labels])
                for e in np.flatnonzero(empty):
                    worst = int(np.argmin(fit))
                    c[e] = x[worst]
                    fit[worst] = np.inf
        inertia = float((1.0 - np.einsum("ij,ij->i", x, c[labels])).sum())
        if best is None or inertia < best[0]:
            best = (inertia, labels)
    assert best is not None
    return best[1]


def knn_affinity(x: FloatArray, n_neighbors: int) -> sp.csr_matrix:
    """Symmetric 0/0.5/1 connectivity of each point's nearest neighbours (itself included)."""
    n = x.shape[0]
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    for start in range(0, n, 1024):
        block = x[start : start + 1024] @ x.T
        nearest = np.argpartition(-block, n_neighbors - 1, axis=1)[:, :n_neighbors]
        rows.append(np.repeat(np.arange(start, start + block.shape[0]), n_neighbors))
        cols.append(nearest.ravel())
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    a = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(n, n))
    return sp.csr_matrix(0.5 * (a + a.T))


def cluster_qr(vectors: npt.NDArray[np.float64]) -> IntArray:
    """Damle, Minden & Ying's CPQR assignment of spectral vectors (as in scikit-learn)."""
    from scipy.linalg import qr, svd

    k = vectors.shape[1]
    _, _, piv = qr(vectors.T, pivoting=True)
    ut, _, v = svd(vectors[piv[:k], :].T)
    return np.asarray(np.abs(vectors @ (ut @ v.conj())).argmax(axis=1), dtype=np.int64)


def spectral(x: FloatArray, k: int, seed: int) -> IntArray:
    """Normalised spectral clustering of the k-nearest-neighbour graph."""
    from scipy.sparse.csgraph import connected_components
    from scipy.sparse.linalg import eigsh

    n = x.shape[0]
    n_neighbors = int(min(40, max(10, n // 60), n - 1))
    a = knn_affinity(x, n_neighbors)
    n_parts, parts = connected_components(a, directed=False)
    if n_parts > 1:
        # A tiny isolated group would eat a whole eigenvector; link every part to the next
        # one through its first member so the graph is connected.
        firsts = np.array([np.flatnonzero(parts == p)[0] for p in range(n_parts)])
        links = sp.csr_matrix((np.full(n_parts - 1, 0.5), (firsts[:-1], firsts[1:])), shape=(n, n))
        a = sp.csr_matrix(a + links + links.T)
    degree = np.asarray(a.sum(axis=1)).ravel()
    d = 1.0 / np.sqrt(degree)
    m = sp.csr_matrix(sp.diags(d) @ a @ sp.diags(d))
    v0 = np.random.default_rng(seed).uniform(-1, 1, n)
    _, vectors = eigsh(m, k=k, which="LA", v0=v0, tol=1e-6, maxiter=5000)
    vectors = vectors * d[:, None]
    return cluster_qr(vectors)


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
    from scipy.sparse.linalg import ArpackError, ArpackNoConvergence

    try:
        if fit_x.shape[0] < 60 or k >= fit_x.shape[0] - 1:
            labels = kmeans(fit_x, k, seed, n_init=10)
        else:
            labels = spectral(fit_x, k, seed)
    except (ValueError, np.linalg.LinAlgError, ArpackError, ArpackNoConvergence):
        labels = kmeans(fit_x, k, seed)
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
        return agglomerate(fine_centres, sizes, max(1, min(n_top, k)))
    if k <= TOP_MIN:
        return np.arange(k, dtype=np.int64)
    targets = range(TOP_MIN, min(TOP_MAX, k - 1) + 1)
    levels = merge_levels(fine_centres, sizes, set(targets))
    best: tuple[float, IntArray] | None = None
    for target in targets:
        labels = levels[target]
        score = silhouette(fine_centres, labels, sizes)
        if best is None or score > best[0] + 1e-9:
            best = (score, labels)
    assert best is not None
    return best[1]


def agglomerate(x: FloatArray, sizes: npt.NDArray[np.int64], target: int) -> IntArray:
    """Ward merging of the rows of x, weighted by size, until target groups remain."""
    if target >= x.shape[0]:
        return np.arange(x.shape[0], dtype=np.int64)
    return merge_levels(x, sizes, {target})[target]


def merge_levels(
    x: FloatArray, sizes: npt.NDArray[np.int64], wanted: set[int]
) -> dict[int, IntArray]:
    """Labels after Ward merging down to each number of groups in wanted (one merge pass)."""
    k = x.shape[0]
    weight = np.maximum(sizes, 1).astype(np.float64)
    centre = x.astype(np.float64).copy()
    alive = np.ones(k, bool)
    owner = np.arange(k)  # group of each original row
    sq = (centre**2).sum(axis=1)
    dist = np.maximum(sq[:, None] + sq[None, :] - 2 * centre @ centre.T, 0.0)
    cost = weight[:, None] * weight[None, :] / (weight[:, None] + weight[None, :]) * dist
    np.fill_diagonal(cost, np.inf)
    out: dict[int, IntArray] = {}
    groups = k
    if groups in wanted:
        out[groups] = np.arange(k, dtype=np.int64)
    while groups > max(1, min(wanted, default=1)):
        flat = int(np.argmin(cost))
        a, b = divmod(flat, k)
        i, j = min(a, b), max(a, b)
        total = weight[i] + weight[j]
        centre[i] = (centre[i] * weight[i] + centre[j] * weight[j]) / total
        weight[i] = total
        alive[j] = False
        owner[owner == j] = i
        cost[j, :] = np.inf
        cost[:, j] = np.inf
        d = ((centre - centre[i]) ** 2).sum(axis=1)
        row = weight * weight[i] / (weight + weight[i]) * d
        row[~alive] = np.inf
        row[i] = np.inf
        cost[i, :] = row
        cost[:, i] = row
        groups -= 1
        if groups in wanted:
            _, labels = np.unique(owner, return_inverse=True)
            out[groups] = labels.reshape(-1).astype(np.int64)
    return out


def silhouette(x: FloatArray, labels: IntArray, sizes: npt.NDArray[np.int64]) -> float:
    """Size-weighted mean silhouette with cosine distance."""
    groups = np.unique(labels)
    if len(groups) < 2:
        return -1.0
    dist = 1.0 - x @ x.T
    w = np.maximum(sizes, 1).astype(np.float64)
    scores = np.zeros(len(labels))
    for i in range(len(labels)):
        own = labels == labels[i]
        others = own.copy()
        others[i] = False
        if not others.any():
            scores[i] = 0.0
            continue
        a = np.average(dist[i, others], weights=w[others])
        b = min(
            np.average(dist[i, labels == g], weights=w[labels == g])
            for g in groups
            if g != labels[i]
        )
        scores[i] = (b - a) / max(a, b) if max(a, b) > 0 else 0.0
    return float(np.average(scores, weights=w))
