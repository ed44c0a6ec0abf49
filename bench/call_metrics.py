"""Import + metrics time for all 44 Earnings-21 calls vs. just reading the same files.

Run: /work/venv/bin/python bench/call_metrics.py [--repeats N]

Measured side by side in one run (the machine is noisy), median (and best) of N repeats, interleaved:
  * pyarrow.csv: read every .nlp (pipe-separated) and .rttm (space-separated) into Arrow tables, with
    pyarrow's default thread pool and with use_threads=False; the faster of the two is the reference
    (on this 2-core machine one thread often wins for call-sized files);
  * plain read: open().read() of the same files (the floor for any reader, not a parser);
  * sophia_crew: load_transcript() (format detection, parsing, RTTM alignment, Pydantic models)
    + compute_metrics() for every call (and, for the breakdown, load_transcript() alone).
Goal: sophia_crew ≤ 2× the faster pyarrow.csv reader.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import pyarrow.csv as pacsv

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sophia_crew.engines.calls import compute_metrics, load_transcript

SHARED = Path(os.environ.get("SOPHIA_SHARED_DATA", REPO.parent / "shared" / "data"))
ROOT = SHARED / "transcripts" / "earnings21"


def _files():
    nlps = sorted((ROOT / "nlp_references").glob("*.nlp"))
    rttms = [ROOT / "rttms" / f"{p.stem}.rttm" for p in nlps]
    return nlps, rttms


def read_pyarrow(nlps, rttms, threads=True):
    nlp_opts = pacsv.ParseOptions(delimiter="|", quote_char=False)
    rttm_opts = pacsv.ParseOptions(delimiter=" ", quote_char=False)
    nlp_read = pacsv.ReadOptions(use_threads=threads)
    rttm_read = pacsv.ReadOptions(use_threads=threads, autogenerate_column_names=True)
    rows = 0
    for n, r in zip(nlps, rttms):
        rows += pacsv.read_csv(n, read_options=nlp_read, parse_options=nlp_opts).num_rows
        rows += pacsv.read_csv(r, read_options=rttm_read, parse_options=rttm_opts).num_rows
    return rows


def read_pyarrow_1thread(nlps, rttms):
    return read_pyarrow(nlps, rttms, threads=False)


def read_plain(nlps, rttms):
    size = 0
    for n, r in zip(nlps, rttms):
        size += len(n.read_bytes()) + len(r.read_bytes())
    return size


def sophia_import(nlps, rttms):
    return sum(len(load_transcript(n).utterances) for n in nlps)


def sophia(nlps, rttms):
    turns = 0
    for n in nlps:
        turns += compute_metrics(load_transcript(n)).turns
    return turns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    if not ROOT.is_dir():
        print(f"Earnings-21 not found under {ROOT}; nothing to measure")
        return
    nlps, rttms = _files()
    size = sum(p.stat().st_size for p in (*nlps, *rttms))
    print(f"{len(nlps)} calls, {size / 1e6:.1f} MB (.nlp + .rttm), {args.repeats} repeats, median and best")
    funcs = {
        "pyarrow.csv read": read_pyarrow,
        "pyarrow.csv read, 1 thread": read_pyarrow_1thread,
        "plain read": read_plain,
        "sophia_crew import only": sophia_import,
        "sophia_crew import+metrics": sophia,
    }
    for f in funcs.values():  # warm-up: imports, OS file cache, lru caches
        f(nlps, rttms)
    times: dict[str, list[float]] = {k: [] for k in funcs}
    for _ in range(args.repeats):
        for name, f in funcs.items():
            t0 = time.perf_counter()
            f(nlps, rttms)
            times[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    best = {k: min(v) for k, v in times.items()}
    readers = ("pyarrow.csv read", "pyarrow.csv read, 1 thread")
    ref = min(readers, key=med.get)
    ref_best = min(readers, key=best.get)
    print(f"{'':28s} {'median':>8s}      {'x ref':>5s}   {'best':>8s}      {'x ref':>5s}")
    for name, m in med.items():
        b = best[name]
        print(
            f"{name:28s} {m * 1000:8.1f} ms   {m / med[ref]:5.2f}   "
            f"{b * 1000:8.1f} ms   {b / best[ref_best]:5.2f}"
        )
    ratio = med["sophia_crew import+metrics"] / med[ref]
    ratio_best = best["sophia_crew import+metrics"] / best[ref_best]
    print(f"reference = the faster pyarrow.csv reader in this run ({ref!r} by median, {ref_best!r} by best)")
    print(
        f"ratio sophia_crew import+metrics / reference = {ratio:.2f} by median, {ratio_best:.2f} by best "
        f"(goal <= 2.0 by median: {'met' if ratio <= 2.0 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
