"""Offline routing accuracy of the manager's rules on the labelled request set.

    python bench/routing_eval.py [--file tests/fixtures/routing/requests.yaml]

A request counts as correct only when the planned crews equal the labelled ones, in order ([] = refused).
Caveat: the rules (knowledge/routing.yaml) and this set were written by the same team; treat the figure as a
regression guard, not as accuracy on unseen traffic.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

import yaml

from sophia_crew.orchestration.routing import load_rules, route

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", default=str(ROOT / "tests" / "fixtures" / "routing" / "requests.yaml"))
    args = parser.parse_args()
    data = yaml.safe_load(Path(args.file).read_text(encoding="utf-8"))
    rules = load_rules()
    t0 = time.perf_counter()
    got = [[s[0] for s in route(d["text"], rules)] for d in data]
    elapsed = time.perf_counter() - t0
    per_kind: Counter = Counter()
    right: Counter = Counter()
    misses = []
    for d, g in zip(data, got):
        kind = "refuse" if not d["crews"] else ("multi" if len(d["crews"]) > 1 else d["crews"][0])
        per_kind[kind] += 1
        if g == d["crews"]:
            right[kind] += 1
        else:
            misses.append((d["text"], d["crews"], g))
    total = sum(right.values())
    print(f"requests: {len(data)}   routed in {elapsed * 1000:.1f} ms total")
    for kind in sorted(per_kind):
        print(f"  {kind:14s} {right[kind]:3d}/{per_kind[kind]:<3d} {right[kind] / per_kind[kind]:6.1%}")
    print(f"overall accuracy: {total}/{len(data)} = {total / len(data):.1%}   (goal >= 95%)")
    for text, want, g in misses:
        print(f"  MISS {text!r}: wanted {want}, planned {g}")


if __name__ == "__main__":
    main()
