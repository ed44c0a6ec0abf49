"""Scoped memory search latency: sophia's per-scope collections vs one filtered collection, and mem0 end to end.

    python bench/memory_search.py [--sizes 10000 100000] [--per-scope 100] [--queries 300]

For each size N, N synthetic memories spread over N/per-scope scopes (account/<id>) are embedded once with the
local embedder and loaded into two Chroma layouts in the same run:
  A. one collection per scope (what sophia_crew.memory uses): a scoped search is an unfiltered query of a
     small collection;
  B. one collection for all, scope in metadata: a scoped search is a filtered query (`where user_id = ...`).
Printed: p50/p95 of the vector search itself (query vector given) for A and B, and mem0's end-to-end
`Memory.search` (embedding the query + mem0 + Chroma) through MemoryLayer.recall on layout A.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import tempfile
import time

os.environ.setdefault("MEM0_TELEMETRY", "False")
logging.disable(logging.WARNING)  # mem0 logs a notice per Memory instance
os.environ.setdefault("SOPHIA_HOME", tempfile.mkdtemp(prefix="sophia-membench-"))

import chromadb
from chromadb.config import Settings

from sophia_crew.memory.embedding import local_embedder
from sophia_crew.memory.store import MemoryLayer, collection_name

TOPICS = ["pricing objection", "renewal risk", "champion left", "usage dropped", "competitor SwiftPay",
          "expansion to EMEA", "security review", "late invoice", "QBR scheduled", "new CFO", "pilot success",
          "integration issue", "support escalation", "budget frozen", "contract signed"]


def texts(n: int, per_scope: int) -> list[tuple[str, str]]:
    rng = random.Random(0)
    out = []
    for i in range(n):
        scope = f"account/ACC{i // per_scope:05d}"
        topic = rng.choice(TOPICS)
        out.append((scope, f"{topic}: note {i} about {scope}, owner {rng.choice('ABCDEFG')}, week {rng.randint(1, 52)}"))
    return out


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--per-scope", type=int, default=100)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    emb = local_embedder()
    print(f"embedder: {emb.name} ({emb.dim}-d); {args.per_scope} memories per scope; {args.queries} queries")
    for n in args.sizes:
        data = texts(n, args.per_scope)
        t0 = time.perf_counter()
        vecs = emb.embed([t for _, t in data])
        t_embed = time.perf_counter() - t0
        root = tempfile.mkdtemp(prefix=f"sophia-membench-{n}-")
        client = chromadb.PersistentClient(path=root, settings=Settings(anonymized_telemetry=False))
        # layout A: a collection per scope
        t0 = time.perf_counter()
        by_scope: dict[str, list[int]] = {}
        for i, (scope, _) in enumerate(data):
            by_scope.setdefault(scope, []).append(i)
        for scope, idx in by_scope.items():
            col = client.get_or_create_collection(collection_name(scope))
            col.add(ids=[str(i) for i in idx], embeddings=[vecs[i].tolist() for i in idx],
                    documents=[data[i][1] for i in idx], metadatas=[{"user_id": scope} for i in idx])
        t_load_a = time.perf_counter() - t0
        # layout B: one collection, scope as metadata
        t0 = time.perf_counter()
        big = client.get_or_create_collection("all_scopes")
        for s in range(0, n, 5000):
            big.add(ids=[str(i) for i in range(s, min(n, s + 5000))],
                    embeddings=[vecs[i].tolist() for i in range(s, min(n, s + 5000))],
                    metadatas=[{"user_id": data[i][0]} for i in range(s, min(n, s + 5000))])
        t_load_b = time.perf_counter() - t0
        rng = random.Random(1)
        scopes = list(by_scope)
        queries = [(rng.choice(scopes), emb.embed([rng.choice(TOPICS)])[0].tolist()) for _ in range(args.queries)]
        cols = {s: client.get_collection(collection_name(s)) for s in {q[0] for q in queries}}
        for scope, q in queries:  # warm: load each queried index once (a served process keeps them loaded)
            cols[scope].query(query_embeddings=[q], n_results=5)
            big.query(query_embeddings=[q], n_results=5, where={"user_id": scope})
        lat_a, lat_b = [], []
        for scope, q in queries:
            t0 = time.perf_counter()
            cols[scope].query(query_embeddings=[q], n_results=5)
            lat_a.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            big.query(query_embeddings=[q], n_results=5, where={"user_id": scope})
            lat_b.append(time.perf_counter() - t0)
        # mem0 end to end on layout A (MemoryLayer over the same store)
        os.environ["SOPHIA_HOME"] = root
        layer = MemoryLayer(path=root + "/layer")
        layer.client = client  # same Chroma store, per-scope collections built above
        lat_m = []
        sample = queries[: max(20, args.queries // 5)]
        for scope, _ in sample:  # warm: build mem0's Memory for each scope once (cached per process)
            layer.recall(scope, "warm up", k=1)
        for scope, _ in sample:
            t0 = time.perf_counter()
            layer.recall(scope, rng.choice(TOPICS), k=5)
            lat_m.append(time.perf_counter() - t0)
        print(f"\nN = {n:,} memories, {len(scopes):,} scopes (embed {t_embed:.1f} s; load A {t_load_a:.1f} s, "
              f"B {t_load_b:.1f} s)")
        print(f"  A per-scope collection, vector search  p50 {pct(lat_a, .5):6.2f} ms  p95 {pct(lat_a, .95):6.2f} ms")
        print(f"  B one collection + filter, vector search p50 {pct(lat_b, .5):6.2f} ms  p95 {pct(lat_b, .95):6.2f} ms"
              f"   (B/A p95 ratio {pct(lat_b, .95) / pct(lat_a, .95):.1f}x)")
        print(f"  mem0 Memory.search end to end (A)        p50 {pct(lat_m, .5):6.2f} ms  p95 {pct(lat_m, .95):6.2f} ms"
              f"   ({len(lat_m)} queries, warm)")
        print(f"  goal (at 100k): p95 < 10 ms for the vector search -> A at {n:,}: {'met' if pct(lat_a, .95) < 10 else 'MISSED'}")


if __name__ == "__main__":
    main()
