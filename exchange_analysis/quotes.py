"""Representative quotes: central and diverse, by maximal marginal relevance (MMR)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

_WORDS = re.compile(r"\w+")
NEAR_DUPLICATE_COSINE = 0.92
NEAR_DUPLICATE_JACCARD = 0.7
CANDIDATES = 200


def _tokens(text: str) -> frozenset[str]:
    return frozenset(_WORDS.findall(text.lower()))


def _near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return a == b
    return len(a & b) / len(a | b) >= NEAR_DUPLICATE_JACCARD


def representative(
    texts: Sequence[str],
    members: npt.NDArray[np.int64],
    x: npt.NDArray[np.float32],
    centre: npt.NDArray[np.float32],
    n: int = 3,
    diversity: float = 0.35,
) -> list[int]:
    """Indices (into texts) of up to n quotes for a theme.

    Relevance is cosine similarity to the theme centre, lowered for very short (under four
    words) or long (over 25 words) texts: a quote should say something and fit on a card. Each
    next pick maximises (1 - diversity) * relevance - diversity * max similarity to the quotes
    already picked, and a near-duplicate of a picked quote (70% of the same words, or cosine
    >= 0.92) is never picked.
    """
    if len(members) == 0 or n <= 0:
        return []
    relevance = x[members] @ centre
    lengths = np.array([len(_WORDS.findall(texts[i])) for i in members], dtype=np.float64)
    shape = np.select(
        [lengths < 4, lengths <= 25, lengths <= 40, lengths <= 80],
        [0.6, 1.0, 0.85, 0.7],
        default=0.5,
    )
    relevance = relevance * shape
    order = np.argsort(-relevance, kind="stable")[:CANDIDATES]
    cand = members[order]
    rel = relevance[order]
    cx = x[cand]
    toks = [_tokens(texts[i]) for i in cand]
    chosen: list[int] = []
    blocked = np.array([not t for t in toks], dtype=bool)
    if blocked.all():  # nothing but empty texts: quote one of them rather than none
        blocked[0] = False
    for _ in range(n):
        if blocked.all():
            break
        if chosen:
            sim = (cx @ cx[chosen].T).max(axis=1)
            score = (1 - diversity) * rel - diversity * sim
        else:
            score = rel.copy()
        score[blocked] = -np.inf
        best = int(np.argmax(score))
        chosen.append(best)
        blocked[best] = True
        sims = cx @ cx[best]
        for j in range(len(cand)):
            if not blocked[j] and (
                (sims[j] >= NEAR_DUPLICATE_COSINE and np.linalg.norm(cx[j]) > 0)
                or _near_duplicate(toks[j], toks[best])
            ):
                blocked[j] = True
    return [int(cand[i]) for i in chosen]
