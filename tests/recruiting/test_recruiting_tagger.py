"""Span-tagger decoding clean-up, training-document filter and the partial-credit scoring scheme."""

from __future__ import annotations

from sophia_crew.engines.recruiting.evaluation import _partial_credit, load_dotin
from sophia_crew.engines.recruiting.tagger import Span, Tagger
from sophia_crew.engines.recruiting.tagger_build import train_docs


def _span(text: str, kind: str, word: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return Span(kind, start, start + len(word), word, 0.8)


def test_tidy_joins_split_phrases_and_drops_fragment_titles():
    text = "Strategic Planning, Senior Analyst at Chair Co. Research Lead Planning  Budget"
    model = Tagger({}, [0.0] * 5, {"title": ["chair"]})
    spans = [
        _span(text, "SKILL", "Strategic"),
        _span(text, "SKILL", "Planning"),  # one space after "Strategic": same phrase
        _span(text, "TITLE", "Senior"),
        _span(text, "TITLE", "Analyst"),
        _span(text, "TITLE", "Chair"),  # one word, but a title labelled in training
        _span(text, "TITLE", "Research"),  # one word, no role noun: dropped
        _span(text, "SKILL", "Planning", 1),
        _span(text, "SKILL", "Budget"),  # two spaces apart: separate fields, not joined
    ]
    got = [(s.kind, s.text) for s in model._tidy(text, spans)]
    assert got == [
        ("SKILL", "Strategic Planning"),
        ("TITLE", "Senior Analyst"),
        ("TITLE", "Chair"),
        ("SKILL", "Planning"),
        ("SKILL", "Budget"),
    ]


def test_train_docs_skip_cvs_that_annotate_only_one_kind():
    docs = [
        ("a.xml", "x", [("SKILL", 0, 1), ("TITLE", 2, 3)]),
        ("b.xml", "x", [("TITLE", 0, 1)]),  # skills never labelled: the annotator skipped the type
        ("c.xml", "x", []),
    ]
    assert [d[0] for d in train_docs(docs)] == ["a.xml"]


def test_partial_scheme_gives_half_credit_to_containment_matches():
    gold = {"java", "software engineer", "team building"}
    pred = {"java", "senior software engineer", "excel"}
    # java exact (1) + "senior software engineer" contains "software engineer" (0.5); excel wrong.
    assert _partial_credit(pred, gold) == 1.5
    assert _partial_credit(set(), gold) == 0


def test_dotin_test_zip_holds_50_cvs_without_the_macos_resource_fork(shared_data):
    docs = load_dotin(shared_data("resumes_jobs", "dotin_resume_ner", "set_aside_test_v2_50cvs.zip"))
    assert len(docs) == 50
    assert not any(name.startswith("._") for name, _, _ in docs)
