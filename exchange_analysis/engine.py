"""``analyse``: themes, sub-themes, quotes, sentiment and change over time for a list of texts."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import numpy.typing as npt

from exchange_analysis import cluster, drift, labels, quotes
from exchange_analysis.embed import make_embedder
from exchange_analysis.model import ThemeModel, weak_thresholds, with_valence
from exchange_analysis.results import Assignment, Quote, SentimentSummary, Synthesis, Theme
from exchange_analysis.sentiment import NEGATIVE, NEUTRAL, POSITIVE, default_model

LABEL_SAMPLE = 30_000  # texts used for c-TF-IDF labels on very large inputs
QUOTES_PER_THEME = 3
Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


@contextmanager
def _blas_single_thread() -> Iterator[None]:
    """The engine's dense products are small; a second BLAS thread only adds contention
    (3x slower runs seen on a busy 2-core machine). threadpoolctl comes with scikit-learn."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def analyse(
    texts: Sequence[str],
    dates: Sequence[drift.DateLike] | None = None,
    *,
    n_themes: int | None = None,
    n_subthemes: int | None = None,
    embedder: str = "auto",
    seed: int = 0,
    period: str | None = None,
    progress: Progress | None = None,
) -> Synthesis:
    """Find themes in texts.

    n_themes: number of top-level themes (default: 4-12, chosen by silhouette of the sub-theme
    centres). n_subthemes: number of sub-themes in all (default: about sqrt(n) / 1.5). Every
    text is assigned to one sub-theme and its theme; none is dropped. dates (same length as
    texts, date objects or strings; None for unknown) add prevalence and sentiment per period
    and drift findings. period: "week", "month" or "quarter" (default: chosen from the span).
    The result is the same for the same inputs and seed.
    """
    with _blas_single_thread():
        return _analyse(texts, dates, n_themes, n_subthemes, embedder, seed, period, progress)


def _analyse(
    texts: Sequence[str],
    dates: Sequence[drift.DateLike] | None,
    n_themes: int | None,
    n_subthemes: int | None,
    embedder: str,
    seed: int,
    period: str | None,
    progress: Progress | None,
) -> Synthesis:
    say = progress or _noop
    clean = [t if isinstance(t, str) else "" for t in texts]
    if dates is not None and len(dates) != len(clean):
        raise ValueError(f"got {len(clean)} texts but {len(dates)} dates")
    if n_themes is not None and n_themes < 1:
        raise ValueError("n_themes must be at least 1")
    if n_subthemes is not None and n_subthemes < 1:
        raise ValueError("n_subthemes must be at least 1")
    emb = make_embedder(embedder)
    if not clean:
        return Synthesis([], [], [], [], emb.name, seed, None)

    say(f"embedding {len(clean)} texts ({emb.name})")
    x_text = emb.fit_transform(clean, seed)

    say("scoring sentiment")
    sentiment_model = default_model()
    scores = sentiment_model.score(clean)
    classes = sentiment_model.classify(clean)
    valence_mean = float(scores.mean())
    x = with_valence(x_text, scores, valence_mean)

    say("clustering")
    # Texts with nothing to embed (empty, emoji only, "…") are not clustered: they would pile
    # up as one point. They join the largest sub-theme as weak fits, as in ThemeModel.assign.
    empty = np.linalg.norm(x, axis=1) == 0
    content = np.flatnonzero(~empty)
    k_fine = n_subthemes or cluster.auto_k(max(len(content), 1))
    if n_themes is not None:
        k_fine = max(k_fine, n_themes)
    if len(content):
        fine_content, k = cluster.fine_clusters(x[content], k_fine, seed)
    else:
        fine_content, k = np.zeros(0, np.int64), 1
    sizes = np.bincount(fine_content, minlength=k).astype(np.int64)
    centres = cluster.centres(x[content], fine_content, k)
    top_raw = cluster.top_level(centres, sizes, n_themes, seed)
    fine = np.zeros(len(clean), np.int64)
    fine[content] = fine_content
    fine[empty] = -1
    fine, top_of_fine, k_top = _renumber(fine, top_raw, sizes)
    fine[empty] = 0  # sub-theme 0 belongs to the largest theme
    centres = cluster.centres(x, fine, k)
    top = top_of_fine[fine]

    sims = np.einsum("ij,ij->i", x, centres[fine]).astype(np.float32)
    thresholds = weak_thresholds(sims[content], fine[content], k)

    say("labelling themes")
    sample = _label_sample(len(clean), seed)
    sample_texts = [clean[i] for i in sample]
    fine_kw, fine_cov = labels.keywords_with_coverage(sample_texts, fine[sample], k)
    top_kw, top_cov = labels.keywords_with_coverage(sample_texts, top[sample], k_top)
    fine_mood = [float(scores[fine == s].mean()) for s in range(k)]
    top_mood = [float(scores[top == t].mean()) for t in range(k_top)]
    fine_labels = labels.distinct_labels(fine_kw, "Sub-theme", fine_cov, fine_mood)
    top_labels = labels.distinct_labels(top_kw, "Theme", top_cov, top_mood)
    for group, names, count in ((fine, fine_labels, k), (top, top_labels, k_top)):
        for c in range(count):
            said = _dominant_text(clean, np.flatnonzero((group == c) & ~empty))
            if said and said not in names:
                names[c] = said

    say("choosing quotes")
    top_centres = cluster.centres(x, top, k_top)
    themes: list[Theme] = []
    for t in range(k_top):
        subs: list[Theme] = []
        for s in np.flatnonzero(top_of_fine == t):
            members = np.flatnonzero(fine == s).astype(np.int64)
            subs.append(
                Theme(
                    id=int(s),
                    label=fine_labels[s],
                    keywords=fine_kw[s],
                    size=len(members),
                    quotes=_quotes(clean, members, x, centres[s], scores),
                    sentiment=_summary(scores[members], classes[members]),
                    parent=t,
                )
            )
        members = np.flatnonzero(top == t).astype(np.int64)
        themes.append(
            Theme(
                id=t,
                label=top_labels[t],
                keywords=top_kw[t],
                size=len(members),
                quotes=_quotes(clean, members, x, top_centres[t], scores),
                sentiment=_summary(scores[members], classes[members]),
                parent=None,
                subthemes=subs,
            )
        )

    assignments = [
        Assignment(
            index=i,
            theme=int(top[i]),
            subtheme=int(fine[i]),
            confidence=0.0 if empty[i] else float(np.clip(sims[i], 0.0, 1.0)),
            weak_fit=bool(empty[i] or sims[i] < thresholds[fine[i]]),
            sentiment=float(scores[i]),
        )
        for i in range(len(clean))
    ]

    periods_stats = []
    found = []
    if dates is not None:
        say("measuring change over time")
        days = [drift.parse_date(d) for d in dates]
        known = [d for d in days if d is not None]
        unit = period or drift.choose_unit(known)
        per = [drift.period_of(d, unit) if d is not None else None for d in days]
        periods_stats = drift.period_stats(per, top, scores, list(range(k_top)))
        found = drift.findings(periods_stats, per, top, scores, {t.id: t.label for t in themes})

    model = ThemeModel(
        embedder=emb,
        centres=centres,
        parents=top_of_fine,
        thresholds=thresholds,
        theme_labels=top_labels,
        subtheme_labels=fine_labels,
        seed=seed,
        valence_mean=valence_mean,
    )
    return Synthesis(themes, assignments, periods_stats, found, emb.name, seed, model)


def _renumber(
    fine: npt.NDArray[np.int64], top_raw: npt.NDArray[np.int64], sizes: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
    """Number top-level themes largest first, and sub-themes by theme then size, so ids are
    stable and sub-theme 0 belongs to the largest theme."""
    top_ids = np.unique(top_raw)
    top_sizes = {int(t): int(sizes[top_raw == t].sum()) for t in top_ids}
    top_order = sorted(top_sizes, key=lambda t: (-top_sizes[t], t))
    new_top = {t: i for i, t in enumerate(top_order)}
    fine_order = sorted(
        range(len(sizes)), key=lambda s: (new_top[int(top_raw[s])], -int(sizes[s]), s)
    )
    new_fine = np.empty(len(sizes), np.int64)
    new_fine[fine_order] = np.arange(len(sizes))
    parents = np.array([new_top[int(top_raw[s])] for s in fine_order], dtype=np.int64)
    renumbered = np.where(fine >= 0, new_fine[np.maximum(fine, 0)], fine)
    return renumbered.astype(np.int64), parents, len(top_order)


def _dominant_text(texts: Sequence[str], members: npt.NDArray[np.int64]) -> str | None:
    """The words of a short text that half or more of a theme's texts repeat ("Did not
    answer", "Nothing"): a better label than any phrase drawn from it."""
    if len(members) < 3:
        return None
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    for i in members:
        key = " ".join(texts[i].lower().strip(" .!?").split())
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, texts[i].strip(" .!?\n\t"))
    key, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    if not key or n < 0.5 * len(members) or len(key.split()) > 8:
        return None
    said = " ".join(first[key].split())
    return said[0].upper() + said[1:]


def _label_sample(n: int, seed: int) -> npt.NDArray[np.int64]:
    if n <= LABEL_SAMPLE:
        return np.arange(n, dtype=np.int64)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, LABEL_SAMPLE, replace=False)).astype(np.int64)


def _quotes(
    texts: Sequence[str],
    members: npt.NDArray[np.int64],
    x: npt.NDArray[np.float32],
    centre: npt.NDArray[np.float32],
    scores: npt.NDArray[np.float64],
) -> list[Quote]:
    picked = quotes.representative(texts, members, x, centre, QUOTES_PER_THEME)
    return [Quote(index=i, text=texts[i], sentiment=float(scores[i])) for i in picked]


def _summary(scores: npt.NDArray[np.float64], classes: npt.NDArray[np.int64]) -> SentimentSummary:
    return SentimentSummary(
        mean=float(scores.mean()) if len(scores) else 0.0,
        negative=int((classes == NEGATIVE).sum()),
        neutral=int((classes == NEUTRAL).sum()),
        positive=int((classes == POSITIVE).sum()),
    )
