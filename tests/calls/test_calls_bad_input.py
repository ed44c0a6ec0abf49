"""Bad input: a one-line InputError naming the file/field, or metrics that say what could not be computed."""

from __future__ import annotations

import pytest

from sophia_crew.engines.calls import analyze_call, compute_metrics, load_transcript
from sophia_crew.errors import InputError

VTT = "WEBVTT\n\n{cues}"


def _write(tmp_path, name, content):
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("empty.vtt", "", "file is empty"),
        ("blank.txt", "  \n\n ", "only whitespace"),
        ("audio.mp3", b"ID3\x03\x00\x00\x00\x00\x00binary", "binary file"),
        ("latin.txt", "Jane: caf\xe9".encode("latin-1"), "not UTF-8"),
        ("notes.md", "# Meeting notes\n\nWe talked about pricing.\n", "unknown transcript format"),
        ("other.json", '{"foo": 1}', "unknown transcript format"),
        ("broken.json", '{"callTranscripts": [', "invalid JSON"),
        ("neg.srt", "1\n-00:00:01,000 --> 00:00:02,000\nJane: hi\n", "bad timestamp"),
        (
            "backwards.vtt",
            VTT.format(cues="00:10.000 --> 00:12.000\n<v A>one\n\n00:05.000 --> 00:06.000\n<v B>two\n"),
            "timestamp goes backwards",
        ),
        (
            "inverted.vtt",
            VTT.format(cues="00:10.000 --> 00:08.000\n<v A>one\n"),
            "ends (8.0) before it starts",
        ),
        ("nospeaker.vtt", VTT.format(cues="00:01.000 --> 00:02.000\nhello there\n"), "cue has no speaker"),
        ("badstamp.txt", "[00:61] Jane: hi\n[01:00] Raj: hey\n", "bad timestamp"),
        ("mixed.txt", "[00:01] Jane: hi\nRaj: hey\n", "some lines have [hh:mm:ss] stamps"),
        (
            "gong_neg.json",
            (
                '{"callTranscripts":[{"callId":"1","transcript":[{"speakerId":"1","sentences":'
                '[{"start":5000,"end":1000,"text":"x"}]}]}]}'
            ),
            "before start",
        ),
        ("gong_empty.json", '{"callTranscripts":[]}', "callTranscripts: missing or empty"),
    ],
)
def test_bad_files_raise_one_line_input_error(tmp_path, name, content, message):
    path = _write(tmp_path, name, content)
    with pytest.raises(InputError) as err:
        load_transcript(path)
    text = str(err.value)
    assert message in text and "\n" not in text and name in text


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_transcript(tmp_path / "nope.vtt")


def test_negative_rttm_duration(tmp_path):
    (tmp_path / "x.nlp").write_text(
        "token|speaker|ts|endTs|punctuation|case|tags|wer_tags\nHi|0||||UC|[]|[]\n"
    )
    (tmp_path / "x.rttm").write_text("SPEAKER x 1 1.0 -2.0 <NA> <NA> 0 <NA> <NA>\n")
    with pytest.raises(InputError, match="x.rttm: line 1: negative start or duration"):
        load_transcript(tmp_path / "x.nlp")


def test_malformed_rttm_line(tmp_path):
    (tmp_path / "y.nlp").write_text(
        "token|speaker|ts|endTs|punctuation|case|tags|wer_tags\nHi|0||||UC|[]|[]\n"
    )
    (tmp_path / "y.rttm").write_text(
        "SPEAKER y 1 0.5 1.0 <NA> <NA> 0 <NA> <NA>\nSPEAKER y 1 abc 1.0 <NA> <NA> 0\n"
    )
    with pytest.raises(InputError, match=r"y.rttm: line 2: expected 'SPEAKER"):
        load_transcript(tmp_path / "y.nlp")


def test_overlapping_cues_are_legal_and_reported(tmp_path):
    path = _write(
        tmp_path,
        "overlap.vtt",
        VTT.format(
            cues=(
                "00:00.000 --> 00:10.000\n<v A>I was saying that we need this\n\n"
                "00:05.000 --> 00:12.000\n<v B>Sorry to cut in, is that right?\n"
            )
        ),
    )
    m = compute_metrics(load_transcript(path))
    # A 0-10, B 5-12: speech 12 s, overlap 5 s; each speaker credited in full
    assert m.speech_s == 12 and m.overlap_s == 5
    assert [s.talk_time_s for s in m.per_speaker] == [10, 7]


def test_one_speaker_reports_what_is_missing(tmp_path):
    path = _write(
        tmp_path,
        "solo.vtt",
        VTT.format(
            cues=(
                "00:00.000 --> 00:30.000\n<v Ana>Welcome to the webinar.\n\n"
                "00:31.000 --> 01:00.000\n<v Ana>Let's start with pricing.\n"
            )
        ),
    )
    m = compute_metrics(load_transcript(path, reps=["Ana"]))
    reasons = {u.metric: u.reason for u in m.unavailable}
    assert reasons["interactivity"] == "only one speaker"
    assert "customer" in reasons["customer_side"] or "external" in reasons["customer_side"]
    assert "patience" in reasons and "longest_customer_story" in reasons
    assert m.interactivity is None and m.patience_s is None
    assert m.rep.talk_ratio == 1.0 and m.rep.talk_time_s == 59.0


def test_zero_length_utterances_only(tmp_path):
    path = _write(
        tmp_path,
        "zero.vtt",
        VTT.format(cues="00:01.000 --> 00:01.000\n<v A>hi\n\n00:01.000 --> 00:01.000\n<v B>hey\n"),
    )
    m = compute_metrics(load_transcript(path))
    assert not m.timed and any(u.metric == "talk_time" for u in m.unavailable)
    assert m.words == 2


def test_unknown_methodology_and_bad_threshold(fixtures_dir):
    path = fixtures_dir / "calls" / "call.srt"
    with pytest.raises(InputError, match="methodology 'sandler': unknown"):
        analyze_call(path, methodology="sandler")
    with pytest.raises(InputError, match="monologue_threshold_s"):
        compute_metrics(load_transcript(path), monologue_threshold_s=0)
