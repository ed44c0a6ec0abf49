"""Floor on resume-parsing F1 over a subset of the dotin test split (full run: bench/resume_parse_eval.py)."""

from __future__ import annotations

import pytest

from sophia_crew.engines.recruiting import tagger as tagger_mod
from sophia_crew.engines.recruiting.evaluation import evaluate_all, load_dotin


@pytest.mark.parametrize("mode", ["ensemble", "stage1"])
def test_dotin_test_subset_f1_floor(shared_data, monkeypatch, mode):
    if mode == "stage1":  # the fallback when the transformer cannot be loaded
        monkeypatch.setenv("SOPHIA_RESUME_TAGGER", "stage1")
    docs = load_dotin(
        shared_data("resumes_jobs", "dotin_resume_ner", "set_aside_test_v2_50cvs.zip"), limit=25
    )
    tagger_mod._load.cache_clear()
    try:
        scores = evaluate_all(docs)
    finally:
        tagger_mod._load.cache_clear()
    for etype, floor in FLOORS[mode].items():
        assert scores["lenient"][etype].f1 >= floor, etype
    # Half credit for containment-only matches puts the partial scheme between strict and lenient.
    for etype in FLOORS[mode]:
        assert scores["strict"][etype].f1 <= scores["partial"][etype].f1 <= scores["lenient"][etype].f1


# Lenient F1 measured on this subset. Stage 1 averaged with the fine-tuned transformer (the shipped tagger, 5
# epochs): skills 0.717, designation 0.815, years 0.731, degree 0.682 (all 50 test CVs: skills 0.689,
# designation 0.797); with the first, 3-epoch transformer: 0.710 / 0.824 (all 50: 0.680 / 0.790). Stage 1 + value filter alone (the fallback; the tagger before the transformer): skills 0.684,
# designation 0.789 (all 50: 0.649, 0.745). Before the value filter and the new features: skills 0.654,
# designation 0.804 (all 50: 0.627, 0.739); before the retrained tagger and its decoding clean-up: skills
# 0.643, designation 0.746.
FLOORS = {
    "ensemble": {"skills": 0.70, "designation": 0.80, "years_of_experience": 0.71, "degree": 0.66},
    "stage1": {"skills": 0.67, "designation": 0.77},
}
