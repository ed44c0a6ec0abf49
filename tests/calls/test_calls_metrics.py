"""Hand-checked metrics on tests/fixtures/calls/hand_checked.vtt (written for this test).

Cues (seconds):  1 Ana 0-10 | 2 Bo 12-40 | 3 Ana 41-50 | 4 Bo 50-55 | 5 Bo 54-60 | 6 Ana 58-220 |
                 7 Bo 225-230 | 8 Ana 230-240.
Ana talk  = 10 + 9 + 162 + 10 = 191 s.  Bo talk = 28 + union(50-55, 54-60)=10 + 5 = 43 s.
Speech (union of all) = 0-10, 12-40, 41-220 (41-50, 50-60, 58-220 chain), 225-240 = 10+28+179+15 = 232 s.
Overlap = 191 + 43 - 232 = 2 s (Ana starts at 58 while Bo talks until 60).  Duration 0-240 = 240 s,
silence = 2 + 1 + 5 = 8 s.  Ana ratio 191/232 = 0.8233, Bo 43/232 = 0.1853.
Turns (transcript order): A B A B(4+5) A B A = 7, switches 6, per minute 6/4 = 1.5,
interactivity 10 × (1 − e^−0.5) = 3.93 → 3.9.
Monologues: Ana 58-220 = 162 s (the only one over 150 s); longest customer story Bo 12-40 = 28 s.
Patience (customer→rep): 40→41 = 1 s; 60→58 = −2 s (interruption, counted 0); 230→230 = 0 s; mean 1/3 s.
Questions: Ana "What is ...?" open, "Is that ...?" closed, "Can you walk me through ...?" open → 3 (2 open);
Bo "How long does setup take?" closed ("how long" is a closed exception) → 1.
Words: Ana 13 + 5 + 18 + 11 = 47; Bo 15 + 3 + 7 + 6 = 31; total 78.
WPM: Ana 47 / (191/60) = 14.76 → 14.8; Bo 31 / (43/60) = 43.26 → 43.3.  Fillers: Bo "Um" = 1 → 3.23 per 100.
"""

from __future__ import annotations

import math

import pytest

from sophia_crew.engines.calls import compute_metrics, language, load_transcript
from sophia_crew.engines.calls.metrics import interactivity_score, union_length


@pytest.fixture
def metrics(fixtures_dir):
    t = load_transcript(fixtures_dir / "calls" / "hand_checked.vtt", reps=["Ana"])
    return compute_metrics(t)


def test_call_level_figures(metrics):
    m = metrics
    assert m.timed and m.unavailable == []
    assert m.speech_s == pytest.approx(232.0)
    assert m.duration_s == pytest.approx(240.0)
    assert m.silence_s == pytest.approx(8.0)
    assert m.overlap_s == pytest.approx(2.0)
    assert (m.turns, m.speaker_switches) == (7, 6)
    assert m.switches_per_minute == pytest.approx(1.5)
    assert m.interactivity == 3.9
    assert m.words == 78 and m.questions == 4


def test_sides(metrics):
    rep, cus = metrics.rep, metrics.customer
    assert rep.speakers == ["Ana Rep"] and cus.speakers == ["Bo Buyer"]
    assert rep.talk_time_s == pytest.approx(191.0) and cus.talk_time_s == pytest.approx(43.0)
    assert rep.talk_ratio == pytest.approx(0.8233, abs=1e-4) and cus.talk_ratio == pytest.approx(
        0.1853, abs=1e-4
    )
    assert (rep.questions, rep.open_questions, rep.closed_questions) == (3, 2, 1)
    assert (cus.questions, cus.open_questions, cus.closed_questions) == (1, 0, 1)
    assert (rep.words, cus.words) == (47, 31)
    assert rep.words_per_minute == 14.8 and cus.words_per_minute == 43.3
    assert (rep.filler_words, cus.filler_words) == (0, 1)
    assert cus.filler_per_100_words == 3.23
    assert (rep.turns, cus.turns) == (4, 3)


def test_monologues_and_patience(metrics):
    m = metrics
    assert (m.longest_monologue.speaker, m.longest_monologue.start, m.longest_monologue.end) == (
        "Ana Rep",
        58.0,
        220.0,
    )
    assert m.longest_customer_story.duration_s == pytest.approx(28.0)
    assert [(x.start, x.duration_s) for x in m.monologues_over_threshold] == [(58.0, 162.0)]
    assert m.patience_s == pytest.approx(1 / 3, abs=1e-3)
    assert (m.patience_samples, m.interruptions) == (3, 1)


def test_threshold_is_configurable(fixtures_dir):
    t = load_transcript(fixtures_dir / "calls" / "hand_checked.vtt", reps=["Ana"])
    m = compute_metrics(t, monologue_threshold_s=20)
    assert [x.duration_s for x in m.monologues_over_threshold] == [28.0, 162.0]


def test_without_reps_side_metrics_say_why(fixtures_dir):
    m = compute_metrics(load_transcript(fixtures_dir / "calls" / "hand_checked.vtt"))
    assert m.rep is None and m.patience_s is None
    reasons = {u.metric: u.reason for u in m.unavailable}
    assert "reps=" in reasons["rep_side"] and "patience" in reasons
    assert sum(s.talk_time_s for s in m.per_speaker) == pytest.approx(234.0)  # per speaker still exact


def test_helpers():
    assert union_length([(0, 10), (5, 12), (20, 21)]) == 13
    assert union_length([]) == 0
    assert interactivity_score(3.0) == round(10 * (1 - math.exp(-1)), 1) == 6.3
    assert interactivity_score(0) == 0.0
    # 17 words (punctuation-only tokens "-" and "—" are not words); fillers: um, um, you know, uh, i mean,
    # basically, you know, you know = 8 (repeats and phrases counted, case and punctuation ignored)
    text = "Um, um you know, we - like - uh... I mean it’s — fine. Basically $1,200. You know you know"
    assert language.text_stats(text) == (17, 8)


def test_words_per_minute_counts_only_worded_timed_speech():
    """Ana: "hello there friend" 0-10 s, untranscribed speech 20-30 s, then "hi" with zero duration at 40 s;
    Bo: "ok fine" 10-15 s. Ana's talk time is 10 + 10 = 20 s, but her words per minute divide the 3 words of
    timed speech (not the zero-length "hi") by the 10 s of worded speech only: 18.0, not 3 / 20 s = 9.0;
    Bo 2 words / 5 s = 24.0. The rep side (Ana alone) follows the same rule."""
    from sophia_crew.engines.calls.models import CallTranscript, Participant, Utterance

    def utt(speaker, start, end, text):
        return Utterance(speaker=speaker, start=start, end=end, text=text)

    t = CallTranscript(
        call_id="wpm",
        participants=[Participant(id="Ana", role="internal"), Participant(id="Bo", role="external")],
        utterances=[
            utt("Ana", 0, 10, "hello there friend"),
            utt("Bo", 10, 15, "ok fine"),
            utt("Ana", 20, 30, ""),
            utt("Ana", 40, 40, "hi"),
        ],
        source_format="test",
        timed=True,
    )
    m = compute_metrics(t)
    ana, bo = m.per_speaker
    assert (ana.talk_time_s, ana.words, ana.words_per_minute) == (20.0, 4, 18.0)
    assert (bo.talk_time_s, bo.words, bo.words_per_minute) == (5.0, 2, 24.0)
    assert (m.rep.talk_time_s, m.rep.words_per_minute) == (20.0, 18.0)
    assert m.customer.words_per_minute == 24.0
    plain = compute_metrics(t.model_copy(update={"utterances": t.utterances[:2]}))
    assert plain.per_speaker[0].talk_time_s == 10.0 and plain.per_speaker[0].words_per_minute == 18.0
