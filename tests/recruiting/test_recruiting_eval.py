"""Floor on resume-parsing F1 over a subset of the dotin test split (full run: bench/resume_parse_eval.py)."""

from __future__ import annotations

from sophia_crew.engines.recruiting.evaluation import evaluate_all, load_dotin


def test_dotin_test_subset_f1_floor(shared_data):
    docs = load_dotin(
        shared_data("resumes_jobs", "dotin_resume_ner", "set_aside_test_v2_50cvs.zip"), limit=25
    )
    scores = evaluate_all(docs)
    for etype, floor in FLOORS.items():
        assert scores["lenient"][etype].f1 >= floor, etype
    # Half credit for containment-only matches puts the partial scheme between strict and lenient.
    for etype in FLOORS:
        assert scores["strict"][etype].f1 <= scores["partial"][etype].f1 <= scores["lenient"][etype].f1


# Lenient F1 measured on this subset with the two-stage span tagger (knowledge/recruiting/resume_tagger.json.gz):
# skills 0.684, designation 0.789, years 0.731, degree 0.682 (all 50 test CVs: skills 0.649, designation 0.745).
# Before the value filter and the new features: skills 0.654, designation 0.804 (all 50: 0.627, 0.739); before
# the retrained tagger and its decoding clean-up: skills 0.643, designation 0.746.
FLOORS = {"skills": 0.67, "designation": 0.77, "years_of_experience": 0.71, "degree": 0.66}
