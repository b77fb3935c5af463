"""Train the shipped sentiment model on the training split of the NHS feedback data.

    .venv/bin/python -m exchange_analysis.build_sentiment_model [--shared ../shared]

Uses the canonical loader ``multilabel_split()`` from shared/bench/nhs_feedback.py and only
its training split (the test split is for the benchmark). Writes JSON + .npy files into
exchange_analysis/data/sentiment/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from exchange_analysis.sentiment import MODEL_DIR, SentimentModel
from exchange_analysis.text import word_ngrams

REPO = Path(__file__).resolve().parent.parent


def train(texts: list[str], codes: list[int], c: float = 3.0) -> SentimentModel:
    vectoriser = TfidfVectorizer(sublinear_tf=True, analyzer=word_ngrams, min_df=2)
    x = vectoriser.fit_transform(texts)
    clf = LogisticRegression(C=c, max_iter=3000).fit(x, np.asarray(codes))
    vocabulary = {str(k): int(v) for k, v in vectoriser.vocabulary_.items()}
    return SentimentModel(
        vocabulary,
        vectoriser.idf_.astype(np.float64),
        clf.coef_.astype(np.float64),
        clf.intercept_.astype(np.float64),
        clf.classes_.astype(np.int64),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    sys.path.insert(0, str(args.shared / "bench"))
    import nhs_feedback

    train_rows, _, _ = nhs_feedback.multilabel_split()
    rows = [(text, int(code)) for text, _, _, code in train_rows if code.strip()]
    model = train([t for t, _ in rows], [c for _, c in rows])
    model.save(MODEL_DIR)
    print(f"trained on {len(rows)} texts, vocabulary {len(model.vocabulary)}, wrote {MODEL_DIR}")


if __name__ == "__main__":
    main()
