"""One fixture test per importer, plus detection and the format override."""

from __future__ import annotations

from datetime import date

import pytest

from sophia_crew.engines.calls import compute_metrics, load_transcript
from sophia_crew.engines.calls.importers import detect_format
from sophia_crew.errors import InputError


@pytest.fixture
def calls(fixtures_dir):
    return fixtures_dir / "calls"


def test_gong_combined_file(calls):
    t = load_transcript(calls / "gong_call.json")
    assert (t.source_format, t.call_id, t.date) == ("gong_json", "7782342274025937895", date(2026, 11, 3))
    jane = t.participant("6432345678555530067")
    assert (jane.name, jane.title, jane.role) == ("Jane Doe", "Account Executive", "internal")
    assert t.participant("1231236547888888888").role == "external"
    assert len(t.participants) == 2  # the silent invitee has no speakerId and never spoke
    first = t.utterances[0]
    # monologue = one utterance, sentences are its voiced spans (ms → s)
    assert (first.start, first.end, first.spans) == (0.46, 6.0, [(0.46, 2.3), (3.1, 6.0)])
    assert first.topic == "Call Setup"
    m = compute_metrics(t)
    # Jane 1.84 + 2.9 + 3.6 = 8.34 s, Raj 5.5 s; pauses between sentences are not talk time
    assert m.rep.talk_time_s == pytest.approx(8.34) and m.customer.talk_time_s == pytest.approx(5.5)
    assert m.patience_s == pytest.approx(0.4)  # Raj ends 12.0, Jane starts 12.4


def test_gong_transcript_alone_and_with_parties_file(calls):
    alone = load_transcript(calls / "gong_transcript_only.json")
    assert {p.role for p in alone.participants} == {"unknown"}
    assert any("no parties" in n for n in alone.notes)
    joined = load_transcript(calls / "gong_transcript_only.json", parties=calls / "gong_extensive.json")
    assert joined.participant("1231236547888888888").name == "Raj Patel"
    assert joined.date == date(2026, 11, 3)
    by_reps = load_transcript(calls / "gong_transcript_only.json", reps=["6432345678555530067"])
    assert by_reps.participant("6432345678555530067").role == "internal"


def test_vtt_name_prefixes_and_continuation(calls):
    t = load_transcript(calls / "prefixes.vtt")
    assert [u.speaker for u in t.utterances] == ["Jane Doe", "Raj Patel", "Raj Patel", "Jane Doe"]
    assert t.utterances[2].text == "and we want it live by end of the quarter."
    assert t.utterances[3].text == "Who else is involved in the decision?"
    assert (t.utterances[0].start, t.utterances[0].end) == (1.0, 4.5)


def test_srt(calls):
    t = load_transcript(calls / "call.srt")
    assert t.source_format == "srt"
    assert [(u.speaker, u.start, u.end) for u in t.utterances] == [
        ("Jane Doe", 0.5, 3.0),
        ("Raj Patel", 3.2, 8.0),
        ("Jane Doe", 8.5, 11.25),
    ]


def test_text_with_stamps(calls):
    t = load_transcript(calls / "stamped.txt", reps=["Jane Doe"])
    assert t.timed and not t.pauses_known
    assert [u.start for u in t.utterances] == [0, 4, 6, 12, 20]
    assert t.utterances[3].text == "Our invoices go out late and customers pay late as a result."
    assert t.utterances[3].end == 20  # lasts until the next stamp
    # last utterance: 7 words at the call's own rate (6+4+10+12 = 32 words in 20 s = 1.6 w/s) → 4.375 s
    assert t.utterances[4].end == pytest.approx(24.375)
    m = compute_metrics(t)
    assert {u.metric for u in m.unavailable} >= {"patience", "silence"}


def test_text_mmss(calls):
    t = load_transcript(calls / "mmss.txt")
    assert [u.start for u in t.utterances] == [0, 65]


def test_plain_text_untimed(calls):
    t = load_transcript(calls / "plain.txt", reps=["Jane"])
    assert not t.timed
    m = compute_metrics(t)
    assert m.rep.questions == 2 and m.rep.open_questions == 1  # "How do you ...?" open, "Is cash ...?" closed
    assert m.turns == 4 and m.words == 21  # 9 + 6 + 5 + 1
    missing = {u.metric for u in m.unavailable}
    assert {"talk_time", "patience", "interactivity", "longest_monologue"} <= missing
    assert m.rep.talk_ratio is None and m.rep.talk_time_s is None  # absent, never a silent 0


def test_earnings21_excerpt_timed_from_rttm(calls):
    # first two turns of Earnings-21 call 4386541 (Operator 31 tokens, Collin Jones 218 tokens)
    t = load_transcript(calls / "earnings21" / "nlp_references" / "4386541.nlp")
    assert [(u.speaker, t.speaker_name(u.speaker)) for u in t.utterances] == [
        ("0", "Operator"),
        ("1", "Collin Jones"),
    ]
    assert t.utterances[0].text.startswith("Welcome to the Cumulus Media quarterly earnings conference call.")
    m = compute_metrics(t)
    # RTTM speaker 0: 3.828 + 2.869 + 3.864 + 1.721 = 12.282 s; turn starts at the first segment, 1.040 s
    assert m.per_speaker[0].talk_time_s == pytest.approx(12.282)
    assert t.utterances[0].start == pytest.approx(1.04)
    assert m.turns == 2


def test_earnings21_token_timings_when_present(calls):
    t = load_transcript(calls / "timed_tokens.nlp")
    # tokens 0.0-0.4 and 0.5-1.0 merge (gap 0.1 ≤ 0.5 s); 2.0-2.9 is a new span (gap 1.0 s)
    assert t.utterances[0].spans == [(0.0, 1.0), (2.0, 2.9)]
    assert t.utterances[0].text == "Hello everyone. Any questions?"
    m = compute_metrics(t)
    assert [s.talk_time_s for s in m.per_speaker] == [pytest.approx(1.9), pytest.approx(0.3)]


def test_qmsum_excerpt(calls):
    t = load_transcript(calls / "qmsum_ES2002a_excerpt.json")
    assert t.source_format == "qmsum" and not t.timed
    assert t.utterances[4].text == "Hi, I'm David and I'm supposed to be an industrial designer."
    m = compute_metrics(t)
    assert m.turns == 14
    pm = next(s for s in m.per_speaker if s.speaker == "Project Manager")
    # "Do you want to introduce yourself again?" closed, "... isn't it?" closed, "What did you get?" open
    assert (pm.questions, pm.open_questions) == (3, 1)


def test_format_override_and_detection(calls, tmp_path):
    odd = tmp_path / "call.data"
    odd.write_text((calls / "call.srt").read_text())
    assert detect_format(odd, odd.read_text()) == "srt"
    assert load_transcript(odd, format="srt").source_format == "srt"
    as_text = tmp_path / "notes.log"
    as_text.write_text("Jane: hello there\nRaj: hi\n")
    assert load_transcript(as_text, format="txt").source_format == "text"
    with pytest.raises(InputError, match="format 'docx': unknown"):
        load_transcript(calls / "call.srt", format="docx")
