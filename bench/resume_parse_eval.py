"""Resume-parsing F1 per entity type on the dotin test set (../shared/data/resumes_jobs, 50 CVs, CC0).

Tags are stripped before parsing; the matching rules are documented in
sophia_crew/engines/recruiting/evaluation.py (per-resume de-duplicated values; strict = equal after
normalisation; lenient = equal or contained on word boundaries, full credit; partial = the SemEval-2013
"partial" scheme, containment-only matches get half credit). Goal: lenient F1 >= 0.75 on skills and designation.
Prints, in one run: the rule-based parser alone; with stage 1 of the learned span tagger alone, without and
with its value filter (the second is the fallback when the transformer cannot be loaded); and with the current
tagger (stage 1 averaged with the fine-tuned transformer, see sophia_crew/engines/recruiting/tagger.py), under
the current mapping (skills = profile.skills, designation = profile.titles) and the legacy one (raw vocabulary
matches added to skills, designation = work-entry titles; see evaluation.predict). Everything was trained on
the train split only and every choice made by 5-fold cross-validation on it (figures in tagger.py and
tagger_build.py), never by this script's output.

    /work/venv/bin/python bench/resume_parse_eval.py [--split train]
"""

from __future__ import annotations

import copy
import sys
import time
from pathlib import Path

from sophia_crew.engines.recruiting.evaluation import evaluate_all, load_dotin
from sophia_crew.engines.recruiting.tagger import stage_one, use_tagger
from sophia_crew.engines.recruiting.tagger_build import THRESHOLDS

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
        ("rules + stage-1 tagger without value filter", "unfiltered", False),
        ("rules + stage-1 tagger + value filter (the fallback without the transformer)", "stage1", False),
        ("rules + tagger, legacy mapping", False, True),
        ("rules + tagger: stage 1 averaged with the fine-tuned transformer (current parser)", False, False),
    )
    first = stage_one()
    for variant, off, legacy in variants:
        if off == "unfiltered" and first is not None:
            unfiltered = copy.copy(first)
            unfiltered.value_filter, unfiltered.o_threshold = None, dict(THRESHOLDS)
            use_tagger(unfiltered)
        elif off == "stage1":
            use_tagger(first)
        else:
            use_tagger(None, off=bool(off))
        t0 = time.perf_counter()
        scores = evaluate_all(docs, legacy=legacy)
        ms = 1000 * (time.perf_counter() - t0) / len(docs)
        print(f"\n[{variant}] dotin {split} split: {len(docs)} resumes, {ms:.0f} ms per resume (wall clock)")
        print(
            f"{'entity':20} {'gold':>5} {'pred':>5} | {'strict P':>8} {'R':>5} {'F1':>5} | "
            f"{'partial P':>9} {'R':>5} {'F1':>5} | {'lenient P':>9} {'R':>5} {'F1':>5}"
        )
        for etype, s in scores["strict"].items():
            pa, le = scores["partial"][etype], scores["lenient"][etype]
            print(
                f"{etype:20} {s.n_gold:5d} {s.n_pred:5d} | {s.precision:8.3f} {s.recall:5.3f} {s.f1:5.3f} | "
                f"{pa.precision:9.3f} {pa.recall:5.3f} {pa.f1:5.3f} | "
                f"{le.precision:9.3f} {le.recall:5.3f} {le.f1:5.3f}"
            )
    use_tagger(None)


if __name__ == "__main__":
    main()
