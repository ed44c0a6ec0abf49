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


def test_list_item_features_see_commas_bullets_and_escaped_bullets():
    from sophia_crew.engines.recruiting.tagger import features, tokens

    # The dotin CVs often carry a bullet as the literal text \xe2\x80\xa2 (escapes, not the character).
    text = "Skills: Java, Spring Boot \\xe2\\x80\\xa2 Docker"
    toks = tokens(text)
    feats = dict(zip([t[2] for t in toks], features(text, toks, {})))
    assert {"isz=2", "ipos=0", "iend=False", "isep=,"} <= set(feats["Spring"])
    assert {"isz=2", "ipos=1", "iend=True"} <= set(feats["Boot"])
    assert {"isz=1", "isep=esc"} <= set(feats["Docker"])
    assert {"issep", "esc"} <= set(feats["xa2"])
    assert "isep=:" in feats["Java"] and "w-3=:" in feats["Spring"] and "w3=xe2" in feats["Spring"]


def test_value_features_count_tagged_and_untagged_mentions():
    from sophia_crew.engines.recruiting.spans import value_features

    text = "SKILLS\nJava, SQL\nUsed Java daily"
    spans = [_span(text, "SKILL", "Java"), _span(text, "SKILL", "SQL")]
    got = value_features(text, spans, {"skill": frozenset({"sql"}), "curated": frozenset({"java"})})
    java, sql = got[("SKILL", "java")], got[("SKILL", "sql")]
    assert java["frac"] == 0.5 and sql["frac"] == 1.0  # "java" is mentioned twice, tagged once
    assert java["cur"] == 1.0 and "gz" not in java and sql["gz"] == 1.0
    assert java["sec=skill"] == 1.0 and java["listy"] == 1.0  # first mention: under SKILLS, a list item


def test_value_filter_drops_unlikely_values_of_filtered_kinds_only():
    from sophia_crew.engines.recruiting.spans import keep_likely

    text = "Java, Excel. Sales Manager"
    model = Tagger(
        {},
        [0.0] * 5,
        {"skill": ["java"]},
        value_filter={"SKILL": {"weights": {"b": -1.0, "gz": 3.0}, "threshold": 0.5}},
    )
    spans = [
        _span(text, "SKILL", "Java"),
        _span(text, "SKILL", "Excel"),
        _span(text, "TITLE", "Sales Manager"),
    ]
    kept = [s.text for s in keep_likely(text, spans, model)]
    # java: sigmoid(-1 + 3) = 0.88 kept; Excel: sigmoid(-1) = 0.27 dropped; titles have no filter here.
    assert kept == ["Java", "Sales Manager"]
    assert keep_likely(text, spans, Tagger({}, [0.0] * 5, {})) == spans


def test_tidy_splits_double_titles_only_when_each_part_names_a_role():
    text = "Program Manager / PMO Director. Sales Manager and Team Lead. Research and Development Engineer"
    model = Tagger({}, [0.0] * 5, {})
    spans = [
        _span(text, "TITLE", "Program Manager / PMO Director"),
        _span(text, "TITLE", "Sales Manager and Team Lead"),
        _span(text, "TITLE", "Research and Development Engineer"),  # "Research" names no role: one title
    ]
    got = [s.text for s in model._tidy(text, spans)]
    assert got == [
        "Program Manager",
        "PMO Director",
        "Sales Manager",
        "Team Lead",
        "Research and Development Engineer",
    ]
    assert text[spans[0].start + 18 : spans[0].start + 30] == got[1]
