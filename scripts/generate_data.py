#!/usr/bin/env python
"""Generate labelled synthetic landing data and its truth.

Example:
    .venv/bin/python scripts/generate_data.py --groups 300 --seed 42 --format csv --out sample
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rectools.generator import GeneratorConfig, generate  # noqa: E402


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description="Write DIR/landing/<system>/<entity>.(csv|parquet) and DIR/truth/ for N simulated "
                    "customer groups. Same arguments give byte-identical files.")
    p.add_argument("--groups", type=int, required=True, help="number of customer groups (real customers)")
    p.add_argument("--seed", type=int, required=True, help="random seed")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv", help="landing file format")
    p.add_argument("--out", type=Path, required=True, help="output folder (landing/ and truth/ are replaced)")
    p.add_argument("--as-of-date", type=_date, default=dt.date(2025, 6, 30), help="default 2025-06-30")
    p.add_argument("--start-date", type=_date, default=dt.date(2023, 1, 1),
                   help="first day of the simulated history (first of a month), default 2023-01-01")
    p.add_argument("--chunk-size", type=int, default=1000, help="groups simulated per streamed chunk")
    p.add_argument("--workers", type=int, default=1,
                   help="processes simulating shards of 100,000 groups at once (above 100,000 groups; "
                        "the files do not depend on it)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    args = p.parse_args(argv)
    cfg = GeneratorConfig(groups=args.groups, seed=args.seed, out=args.out, fmt=args.format,
                          as_of_date=args.as_of_date, start_date=args.start_date,
                          chunk_size=max(1, args.chunk_size), progress=not args.quiet)
    t0 = time.perf_counter()
    try:
        manifest = generate(cfg, workers=args.workers)
    except (ValueError, OSError) as exc:
        print(f"generate_data: error: {exc}", file=sys.stderr)
        return 2
    n_exc = sum(manifest["exception_counts"].values())
    n_q = sum(manifest["quarantine_counts"].values())
    print(f"wrote {args.out} in {time.perf_counter() - t0:.1f}s: {args.groups} groups, "
          f"{manifest['file_rows']['landing/billing/invoices']} invoices, {n_exc} exceptions, "
          f"{n_q} quarantined rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
