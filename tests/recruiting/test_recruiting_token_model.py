"""The fine-tuned transformer of the resume tagger: input words, windows, the shipped model's own judgement,
the ensemble wiring and the fallback to stage 1 when the model cannot be loaded."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from sophia_crew.engines.recruiting import tagger as tagger_mod
from sophia_crew.engines.recruiting.tagger import LABELS, tokens
from sophia_crew.engines.recruiting.token_model import FOLDER, TokenModel, shipped, words_of
from sophia_crew.errors import ConfigError
from sophia_crew.resources import knowledge_path

RESUME = (
    "Maria Gomez\n"
    "Senior Data Engineer\n"
    "Acme Analytics, 2019 - 2024\n"
    "Built ETL pipelines in Python and Apache Spark; managed a team of four engineers.\n"
    "SKILLS\n"
    "Python, SQL, Apache Spark, Airflow, Tableau\n"
)


@pytest.fixture(scope="module")
def model() -> TokenModel:
    got = shipped()
    assert got is not None, "the packaged resume token model must load"
    return got


def _artefact() -> dict:
    return json.loads(gzip.decompress(knowledge_path("recruiting", tagger_mod.ARTEFACT).read_bytes()))


def _label_of(model: TokenModel, text: str, word: str) -> str:
    toks = tokens(text)
    probs = model.probs(text, toks)
    k = next(i for i, (_, _, t) in enumerate(toks) if t == word)
    return LABELS[int(np.argmax(probs[k]))]


def test_words_mark_line_breaks_as_training_did():
    text = "Data Analyst\nSQL, Excel"
    words, pos = words_of(text, tokens(text))
    assert words == ["Data", "Analyst", "|", "SQL", ",", "Excel"]
    assert [words[p] for p in pos] == ["Data", "Analyst", "SQL", ",", "Excel"]


def test_shipped_model_tags_skills_and_titles_of_an_unseen_resume(model):
    assert _label_of(model, RESUME, "Airflow").endswith("SKILL")
    assert _label_of(model, RESUME, "Tableau").endswith("SKILL")
    assert _label_of(model, RESUME, "Engineer") == "I-TITLE"
    assert _label_of(model, RESUME, "Gomez") == "O"
    probs = model.probs(RESUME, tokens(RESUME))
    assert probs.shape == (len(tokens(RESUME)), 5)
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)


def test_long_resumes_are_read_in_overlapping_windows(model):
    # ~1,500 word pieces: a dozen windows; the skills line at the end must still be read in context.
    filler = "Managed quarterly reporting for the regional office and its vendors.\n" * 110
    text = RESUME.replace("SKILLS\n", filler + "SKILLS\n")
    toks = tokens(text)
    probs = model.probs(text, toks)
    assert probs.shape == (len(toks), 5) and np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert _label_of(model, text, "Tableau").endswith("SKILL")


def test_a_window_is_not_swayed_by_the_rest_of_the_document(model):
    # Each window runs on its own (dynamic int8 quantisation would let batched windows sway each other), so
    # the opening lines, always read from the first window, get the same figures however long the resume is.
    filler = "Managed quarterly reporting for the regional office.\n" * 20
    text = RESUME.replace("SKILLS\n", filler + "SKILLS\n")
    longer = text + "Volunteer coach for a youth football club, 2015 - 2019.\n" * 40
    head = len(tokens("Maria Gomez\nSenior Data Engineer\nAcme Analytics, 2019 - 2024\n"))
    assert np.array_equal(model.probs(text, tokens(text))[:head], model.probs(longer, tokens(longer))[:head])


def test_shipped_tagger_averages_both_stages(model):
    tagger_mod._load.cache_clear()
    try:
        tg = tagger_mod.tagger()
        ensemble = _artefact()["token_model"]
        assert tg.token_model is model and tg.mix == ensemble["mix"] and 0 < tg.mix < 1
        assert tg.o_threshold == ensemble["o_threshold"]
        toks = tokens(RESUME)
        mixed = tg.probabilities(RESUME, toks)
        tg.mix = 0.0
        alone = tg.probabilities(RESUME, toks)
        w = ensemble["mix"]
        assert np.allclose(mixed, (1 - w) * alone + w * model.probs(RESUME, toks))
        assert not np.allclose(mixed, alone)
    finally:
        tagger_mod._load.cache_clear()


def test_stage1_switch_restores_stage_one_thresholds_and_filter(monkeypatch):
    monkeypatch.setenv("SOPHIA_RESUME_TAGGER", "stage1")
    tagger_mod._load.cache_clear()
    try:
        tg = tagger_mod.tagger()
        assert tg.token_model is None
        data = _artefact()
        assert tg.o_threshold == data["o_threshold"] and tg.value_filter == data["value_filter"]
        assert {s.text for s in tg.spans(RESUME) if s.kind == "SKILL"} >= {"Python", "SQL"}
    finally:
        tagger_mod._load.cache_clear()


def test_missing_or_broken_model_files_name_the_file(tmp_path):
    with pytest.raises(ConfigError, match="model.int8.onnx"):
        TokenModel(tmp_path)
    (tmp_path / "model.int8.onnx").write_bytes(b"not an onnx graph")
    vocab = knowledge_path("recruiting", FOLDER) / "tokenizer.json"
    (tmp_path / "tokenizer.json").write_bytes(vocab.read_bytes())
    with pytest.raises(ConfigError, match="cannot load the token model"):
        TokenModel(tmp_path)
