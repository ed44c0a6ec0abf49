"""Resume-parsing F1 per entity type on the dotin test set (../shared/data/resumes_jobs, 51 CVs, CC0).

Tags are stripped before parsing; the matching rule is documented in
sophia_crew/engines/recruiting/evaluation.py (per-resume de-duplicated values; strict = equal after
normalisation, lenient = equal or contained on word boundaries). Goal: lenient F1 >= 0.75 on skills and designation.
Prints, in one run: the rule-based parser alone and with the learned span tagger (trained on the train split
only, see sophia_crew/engines/recruiting/tagger_build.py), each under the current mapping (skills =
profile.skills, designation = profile.titles) and the legacy one (raw vocabulary matches added to skills,
designation = work-entry titles; see evaluation.predict).

    /work/venv/bin/python bench/resume_parse_eval.py [--split train]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sophia_crew.engines.recruiting.evaluation import evaluate, load_dotin
from sophia_crew.engines.recruiting.tagger import use_tagger

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "resumes_jobs" / "dotin_resume_ner"


def main() -> None:
    split = "train" if "--split" in sys.argv and sys.argv[-1] == "train" else "test"
    zip_path = DATA / ("545_cvs_train_v2.zip" if split == "train" else "set_aside_test_v2_50cvs.zip")
    if not zip_path.is_file():
        print(f"data not found: {zip_path}")
        return
    docs = load_dotin(zip_path)
    if split == "train":
        print("NOTE: the train split built the vocabulary and the tagger; these figures are not a test.")
    variants = (
        ("rules, legacy mapping (as first committed)", True, True),
        ("rules", True, False),
        ("rules + tagger, legacy mapping", False, True),
        ("rules + tagger (current parser)", False, False),
    )
    for variant, off, legacy in variants:
        use_tagger(None, off=off)
        t0 = time.perf_counter()
        strict = evaluate(docs, lenient=False, legacy=legacy)
        lenient = evaluate(docs, lenient=True, legacy=legacy)
        secs = time.perf_counter() - t0
        print(f"\n[{variant}] dotin {split} split: {len(docs)} resumes, parsed twice in {secs:.1f} s")
        print(
            f"{'entity':22} {'gold':>5} {'pred':>5} | {'strict P':>8} {'R':>5} {'F1':>5} | "
            f"{'lenient P':>9} {'R':>5} {'F1':>5}"
        )
        for etype in strict:
            s, l_ = strict[etype], lenient[etype]
            print(
                f"{etype:22} {s.n_gold:5d} {s.n_pred:5d} | {s.precision:8.3f} {s.recall:5.3f} {s.f1:5.3f} | "
                f"{l_.precision:9.3f} {l_.recall:5.3f} {l_.f1:5.3f}"
            )
    use_tagger(None)


if __name__ == "__main__":
    main()
