"""Earnings-21 (Rev.com, CC BY-SA 4.0): 44 real earnings calls, checked against their RTTM and metadata.

What these checks prove, honestly: the published ``.nlp`` references have EMPTY ``ts``/``endTs`` columns,
so the importer times the speaker turns from the companion RTTM (see importers/earnings21.py for the
alignment). The talk-time check therefore does NOT compare two independent timings. It proves that the
importer keeps every RTTM second and attributes it to the right speaker (no segment dropped, duplicated or
moved to another speaker by the turn↔segment alignment) and that the metrics engine's interval arithmetic
(union per speaker) reproduces the RTTM totals. The turn-count check *is* independent (token stream vs the
curators' metadata), and the alignment-coverage check tests that the text really lands on the speech.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pytest

from sophia_crew.engines.calls.importers import load_transcript
from sophia_crew.engines.calls.metrics import compute_metrics

# The RTTMs of these two calls were re-done by a human annotator and no longer match the transcripts
# (rttms/README_upstream.md); in 4384683 the RTTM labels speaker 8's answers as speaker 3.
MISMATCHED = {"4341191", "4363614", "4384683"}


@lru_cache(maxsize=1)
def _analysed(root: str):
    out = {}
    for nlp in sorted(Path(root, "nlp_references").glob("*.nlp")):
        t = load_transcript(nlp)
        out[nlp.stem] = (t, compute_metrics(t))
    return out


@pytest.fixture
def e21(shared_data):
    root = shared_data("transcripts", "earnings21")
    calls = _analysed(str(root))
    assert len(calls) == 44
    return root, calls


def _rttm_talk(path: Path) -> dict[str, float]:
    talk: dict[str, float] = defaultdict(float)
    for line in path.read_text().splitlines():
        f = line.split()
        talk[f[7]] += float(f[4])  # no RTTM here has same-speaker overlaps, so the sum is the union
    return talk


def test_talk_time_per_speaker_matches_rttm_within_half_percent(e21):
    root, calls = e21
    for call_id, (_t, m) in calls.items():
        truth = _rttm_talk(root / "rttms" / f"{call_id}.rttm")
        got = {s.speaker: s.talk_time_s for s in m.per_speaker}
        assert set(truth) <= set(got), call_id
        for speaker, seconds in truth.items():
            assert got[speaker] == pytest.approx(seconds, rel=0.005), (call_id, speaker)
        assert m.speech_s <= sum(truth.values()) + 1e-6


def test_turns_equal_metadata_speaker_switches(e21):
    # The metadata column "speaker_switches" counts speaker *turns* (runs of consecutive tokens by one
    # speaker), i.e. the number of switches + 1: it equals our `turns` for all 44 calls, and our
    # `speaker_switches` (changes of speaker) is one less.
    root, calls = e21
    with open(root / "earnings21-file-metadata.csv", newline="") as fh:
        meta = {r["file_id"]: r for r in csv.DictReader(fh)}
    for call_id, (_t, m) in calls.items():
        assert m.turns == int(meta[call_id]["speaker_switches"]), call_id
        assert m.speaker_switches == m.turns - 1


def test_alignment_puts_text_on_speech(e21):
    _, calls = e21
    for call_id, (t, m) in calls.items():
        words = sum(len(u.text.split()) for u in t.utterances)
        on_speech = sum(len(u.text.split()) for u in t.utterances if u.end > u.start)
        if call_id in MISMATCHED:
            assert on_speech / words > 0.7, call_id
            continue
        assert on_speech / words >= 0.99, call_id
        # speaking rate of the aligned text is a plausible human rate, per call
        timed = [s for s in m.per_speaker if s.words_per_minute and s.words >= 500]
        for s in timed:
            assert 110 <= s.words_per_minute <= 250, (call_id, s.speaker, s.words_per_minute)


def test_known_call_figures(e21):
    # 4320211 (Monro Inc): RTTM first segment 3.240 s, CEO Brett Ponton = speaker 2 (speaker-metadata.csv)
    _, calls = e21
    t, m = calls["4320211"]
    assert t.utterances[0].start == pytest.approx(3.24)
    assert t.speaker_name("2") == "Brett Ponton"
    assert m.longest_monologue.speaker == "2"
    assert m.rep is None and any(u.metric == "rep_side" for u in m.unavailable)


def test_pure_python_reader_matches_pyarrow_reader(e21, monkeypatch):
    # pyarrow is optional: without it the .nlp reader falls back to plain Python, with identical output
    from sophia_crew.engines.calls.importers import nlp

    root, calls = e21
    monkeypatch.setattr(nlp, "pa", None)
    for call_id in ("4320211", "4359732", "4363614"):
        t = load_transcript(root / "nlp_references" / f"{call_id}.nlp")
        assert t.utterances == calls[call_id][0].utterances
