"""JD requirement-extraction span F1 on the green_jd_skill_entities test set (Green et al., LREC 2022, CC BY 4.0).

Gold spans: B-/I-Skill tokens (336 sentences). Predicted spans: sophia_crew's ``requirement_spans`` mapped onto
tokens. Strict = identical token span; lenient = any token overlap (one-to-one). Micro-averaged.

    /work/venv/bin/python bench/jd_extract_eval.py
"""

from __future__ import annotations

import csv
import time
from collections import defaultdict
from pathlib import Path

from sophia_crew.engines.recruiting.jd import requirement_spans

DATA = (
    Path(__file__).resolve().parents[1].parent
    / "shared/data/resumes_jobs/green_jd_skill_entities/df_testset.csv"
)


def load(path: Path, tag: str = "Skill") -> list[tuple[list[str], set[tuple[int, int]]]]:
    rows = defaultdict(list)
    with path.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rows[r["sentence_id"]].append((r["word"], r["tag"]))
    out = []
    for toks in rows.values():
        words = [w for w, _ in toks]
        spans, start = set(), None
        for i, (_, t) in enumerate(toks + [("", "O")]):
            if start is not None and t != f"I-{tag}":
                spans.add((start, i))
                start = None
            if t == f"B-{tag}":
                start = i
        out.append((words, spans))
    return out


def predict(words: list[str]) -> set[tuple[int, int]]:
    text, offsets = "", []
    for w in words:
        if text:
            text += " "
        offsets.append((len(text), len(text) + len(w)))
        text += w
    spans = set()
    for s, e in requirement_spans(text):
        idx = [i for i, (a, b) in enumerate(offsets) if a < e and b > s]
        if idx:
            spans.add((idx[0], idx[-1] + 1))
    return spans


def main() -> None:
    if not DATA.is_file():
        print(f"data not found: {DATA}")
        return
    data = load(DATA)
    t0 = time.perf_counter()
    tp_s = tp_l = n_p = n_g = 0
    for words, gold in data:
        pred = predict(words)
        n_p += len(pred)
        n_g += len(gold)
        tp_s += len(pred & gold)
        left = set(gold)
        for p in pred:
            g = next((g for g in left if p[0] < g[1] and g[0] < p[1]), None)
            if g:
                left.discard(g)
                tp_l += 1
    secs = time.perf_counter() - t0
    print(
        f"green_jd_skill_entities test: {len(data)} sentences, {n_g} gold Skill spans, {n_p} predicted, {secs:.2f} s"
    )
    for name, tp in (("strict (exact token span)", tp_s), ("lenient (token overlap)", tp_l)):
        p, r = tp / n_p if n_p else 0, tp / n_g if n_g else 0
        print(f"{name:28} P {p:.3f}  R {r:.3f}  F1 {2 * p * r / (p + r) if p + r else 0:.3f}")


if __name__ == "__main__":
    main()
