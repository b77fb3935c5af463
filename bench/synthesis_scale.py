"""Scale of the analysis engine: 100,000 texts end to end, and assigning one text (issue 4).

    .venv/bin/python bench/synthesis_scale.py [--n 100000]

The texts are the NHS feedback corpus (all comments, via the canonical loaders in
shared/bench/nhs_feedback.py) repeated with light perturbation: words dropped, neighbouring
words swapped, a few words added. Last line JSON: n, seconds, peak_rss_mb, assign_p95_ms.
`seconds` covers importing the engine, loading the static model, embedding, clustering, labels,
quotes and sentiment (building the test corpus is not counted); peak_rss_mb is the process's
maximum resident set size.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED_BENCH = next(
    (p for p in (ROOT.parent / "shared" / "bench", Path("/work/shared/bench")) if p.is_dir()),
    ROOT.parent / "shared" / "bench",
)
sys.path[:0] = [str(SHARED_BENCH), str(ROOT)]

import nhs_feedback  # noqa: E402

EXTRA = ["really", "very", "honestly", "today", "again", "though", "overall", "also"]


def perturb(text: str, rng: random.Random) -> str:
    words = text.split()
    if len(words) > 3 and rng.random() < 0.5:
        del words[rng.randrange(len(words))]
    if len(words) > 3 and rng.random() < 0.5:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words) + 1), rng.choice(EXTRA))
    return " ".join(words)


def corpus(n: int, seed: int = 0) -> list[str]:
    train, test, _ = nhs_feedback.multilabel_split()
    single, _ = nhs_feedback.single_label_set()
    base = sorted({r[0] for r in train + test} | set(single))
    rng = random.Random(seed)
    return [
        base[i % len(base)] if i < len(base) else perturb(rng.choice(base), rng) for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    texts = corpus(args.n)
    start = time.perf_counter()
    from exchange_analysis import analyse  # timed: imports and model load count

    result = analyse(
        texts, seed=0, progress=lambda m: print(f"  {time.perf_counter() - start:6.1f}s {m}")
    )
    seconds = time.perf_counter() - start
    assert len(result.assignments) == len(texts)
    model = result.model
    assert model is not None
    rng = random.Random(1)
    timings = []
    for _ in range(300):
        text = perturb(rng.choice(texts), rng)
        t0 = time.perf_counter()
        model.assign([text])
        timings.append((time.perf_counter() - t0) * 1000)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "n": len(texts),
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(peak_mb, 1),
        "assign_p95_ms": round(float(np.percentile(timings, 95)), 2),
        "n_themes": len(result.themes),
        "n_subthemes": len(result.subthemes),
        "embedder": result.embedder,
    }
    print(
        f"{figures['n']} texts in {figures['seconds']} s, peak RSS {figures['peak_rss_mb']} MB, "
        f"{figures['n_themes']} themes / {figures['n_subthemes']} sub-themes; "
        f"assign one text p95 {figures['assign_p95_ms']} ms"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
