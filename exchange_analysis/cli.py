"""Command line: ``python -m exchange_analysis analyse|themes|redact|code ...``.

Exit codes: 0 success, 2 bad input (missing file or column, empty file, undecodable bytes,
bad option), 1 an unexpected failure.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from exchange_analysis.results import Synthesis

EXIT_BAD_INPUT = 2
PROGRESS_FROM = 2000  # report progress on stderr from this many texts


class InputError(Exception):
    """Bad input the user can fix; the message says how."""


def read_table(path: str, columns: Sequence[str | None]) -> list[list[str]]:
    """Read the given columns of a CSV file (UTF-8, with or without BOM)."""
    if path == "-":
        raw = sys.stdin.buffer.read()
    else:
        file = Path(path)
        if not file.is_file():
            raise InputError(f"no such file: {path}")
        raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path} is not UTF-8 text (undecodable byte at position {exc.start}); "
            "save it as CSV UTF-8 and try again"
        ) from exc
    if not text.strip():
        raise InputError(f"{path} is empty")
    first_line = text.split("\n", 1)[0]
    wanted = [c for c in columns if c is not None]
    delimiter = ","
    for candidate in (",", ";", "\t"):  # Excel saves ';' in some locales, exports TSV too
        names = next(csv.reader([first_line], delimiter=candidate), [])
        if all(c in names for c in wanted):
            delimiter = candidate
            break
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = reader.fieldnames or []
    for col in columns:
        if col is not None and col not in header:
            raise InputError(
                f"no column {col!r} in {path}; columns are: " + ", ".join(repr(h) for h in header)
            )
    rows = [[(row.get(c) or "") if c else "" for c in columns] for row in reader]
    if not rows:
        raise InputError(f"{path} has a header but no rows")
    return rows


def _progress(enabled: bool) -> Callable[[str], None]:
    start = time.monotonic()

    def say(message: str) -> None:
        if enabled:
            print(f"[{time.monotonic() - start:6.1f}s] {message}", file=sys.stderr, flush=True)

    return say


def render_markdown(result: Synthesis) -> str:
    lines = ["# Themes", ""]
    total = len(result.assignments) or 1
    for theme in result.themes:
        lines.append(
            f"## {theme.label} ({theme.size} texts, {round(100 * theme.size / total)}%, "
            f"mean sentiment {theme.sentiment.mean:+.2f})"
        )
        lines.append("")
        lines.append("Key phrases: " + ", ".join(theme.keywords))
        lines.append("")
        for q in theme.quotes:
            lines.append(f"> {' '.join(q.text.split())}")
            lines.append("")
        for sub in theme.subthemes:
            lines.append(f"- **{sub.label}** ({sub.size})")
            for q in sub.quotes[:1]:
                lines.append(f"  - “{' '.join(q.text.split())}”")
        lines.append("")
    weak = sum(a.weak_fit for a in result.assignments)
    lines.append(f"{len(result.assignments)} texts, all assigned; {weak} marked as weak fits.")
    if result.findings:
        lines += ["", "# Changes over time", ""]
        lines += [f"- {f.sentence} (q = {f.q_value:.3f})" for f in result.findings]
    return "\n".join(lines) + "\n"


def render_html(result: Synthesis) -> str:
    esc = html.escape
    parts = ["<!doctype html><html lang='en'><meta charset='utf-8'><title>Themes</title><body>"]
    parts.append("<h1>Themes</h1>")
    for theme in result.themes:
        parts.append(f"<h2>{esc(theme.label)} ({theme.size})</h2>")
        parts.append(f"<p>Key phrases: {esc(', '.join(theme.keywords))}</p>")
        parts += [f"<blockquote>{esc(q.text)}</blockquote>" for q in theme.quotes]
        parts.append("<ul>")
        parts += [f"<li>{esc(s.label)} ({s.size})</li>" for s in theme.subthemes]
        parts.append("</ul>")
    if result.findings:
        parts.append("<h1>Changes over time</h1><ul>")
        parts += [f"<li>{esc(f.sentence)}</li>" for f in result.findings]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def cmd_analyse(args: argparse.Namespace) -> int:
    from exchange_analysis.engine import analyse

    rows = read_table(args.file, [args.column, args.date_column])
    texts = [r[0] for r in rows]
    dates = [r[1] or None for r in rows] if args.date_column else None
    say = _progress(args.progress or len(texts) >= PROGRESS_FROM)
    result = analyse(
        texts,
        dates,
        n_themes=args.themes,
        n_subthemes=args.subthemes,
        embedder=args.embedder,
        seed=args.seed,
        progress=say,
    )
    if args.out:
        out = Path(args.out)
        suffix = out.suffix.lower()
        if suffix == ".json":
            out.write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        elif suffix == ".html":
            out.write_text(render_html(result))
        else:
            out.write_text(render_markdown(result))
    if args.save_model and result.model is not None:
        result.model.save(args.save_model)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    elif not args.out:
        print(render_markdown(result), end="")
    return 0


def cmd_redact(args: argparse.Namespace) -> int:
    from exchange_analysis.pii import redact

    if args.text is not None:
        redacted, found = redact(args.text)
        if args.json:
            print(json.dumps({"text": redacted, "findings": [f.__dict__ for f in found]}))
        else:
            print(redacted)
        return 0
    if args.file is None:
        raise InputError("give a CSV file (with --column) or --text")
    if args.column is None:
        raise InputError("--column is required with a CSV file")
    rows = read_table(args.file, [args.column])
    writer = csv.writer(sys.stdout)
    writer.writerow([args.column, "pii_found"])
    for (text,) in rows:
        redacted, found = redact(text)
        writer.writerow([redacted, ";".join(sorted({f.kind for f in found}))])
    return 0


def cmd_code(args: argparse.Namespace) -> int:
    from exchange_analysis.coder import train_coder

    rows = read_table(args.train, [args.column, args.codes_column])
    texts = [r[0] for r in rows]
    sets = [{c.strip() for c in r[1].split(args.separator) if c.strip()} for r in rows]
    coded = [(t, s) for t, s in zip(texts, sets, strict=True) if s]
    if not coded:
        raise InputError(f"no row of {args.train} has a code in {args.codes_column!r}")
    coder = train_coder([t for t, _ in coded], [s for _, s in coded])
    new = [r[0] for r in read_table(args.apply, [args.column])]
    writer = csv.writer(sys.stdout)
    writer.writerow([args.column, "codes", *coder.codes])
    probs = coder.proba(new)
    for text, predicted, row in zip(new, coder.predict(new), probs, strict=True):
        writer.writerow([text, args.separator.join(sorted(predicted)), *(f"{p:.3f}" for p in row)])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m exchange_analysis",
        description="Themes, sentiment, change over time, coding and PII redaction.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    a = sub.add_parser("analyse", aliases=["themes"], help="find themes in a CSV column")
    a.add_argument("file", help="CSV file (UTF-8), or - for standard input")
    a.add_argument("--column", "--text-col", dest="column", required=True)
    a.add_argument("--date-column", "--date-col", dest="date_column")
    a.add_argument("--themes", type=int, help="number of top-level themes (default: automatic)")
    a.add_argument("--subthemes", type=int, help="number of sub-themes (default: automatic)")
    a.add_argument("--embedder", default="auto")
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--json", action="store_true", help="print the result as JSON")
    a.add_argument("--out", help="write a report: .json, .md or .html")
    a.add_argument("--save-model", help="directory to save the theme model to")
    a.add_argument("--progress", action="store_true", help="report progress on stderr")
    a.set_defaults(func=cmd_analyse)

    r = sub.add_parser("redact", help="replace personal identifiers with placeholders")
    r.add_argument("file", nargs="?", help="CSV file (UTF-8), or - for standard input")
    r.add_argument("--column", "--text-col", dest="column")
    r.add_argument("--text", help="redact this text instead of a file")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_redact)

    c = sub.add_parser("code", help="learn codes from a coded CSV and apply them to another")
    c.add_argument("train", help="CSV with texts and their codes")
    c.add_argument("apply", help="CSV with texts to code")
    c.add_argument("--column", "--text-col", dest="column", required=True)
    c.add_argument("--codes-column", required=True)
    c.add_argument("--separator", default=";")
    c.set_defaults(func=cmd_code)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "themes", None) is not None and args.themes < 1:
        parser.error("--themes must be at least 1")
    if getattr(args, "subthemes", None) is not None and args.subthemes < 1:
        parser.error("--subthemes must be at least 1")
    try:
        code: int = args.func(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:
        from exchange_analysis.embed import EmbedderError

        if isinstance(exc, EmbedderError):
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        raise
    return code
