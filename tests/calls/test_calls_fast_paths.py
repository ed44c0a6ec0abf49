"""The vectorised Earnings-21 import paths give exactly the figures of the plain paths they replace.

Covered: word/filler counts carried from the ``.nlp`` token columns (importers/token_stats.py) vs
``language.text_stats`` on the turn text, the numpy RTTM reader vs the regex reader, the look-back question
finder and the prefix ``is_open`` vs their straightforward definitions, ``trusted`` vs ``model_construct``.
"""

from __future__ import annotations

import random
import re

import pyarrow as pa
import pytest

from sophia_crew.engines.calls import compute_metrics, language, load_transcript
from sophia_crew.engines.calls.importers import nlp, rttm
from sophia_crew.engines.calls.importers.arrays import filled
from sophia_crew.engines.calls.models import Monologue, Utterance, trusted
from sophia_crew.errors import InputError

HEADER = "token|speaker|ts|endTs|punctuation|case|tags|wer_tags\n"
# (token, speaker, punctuation); turn texts and their counts worked out by hand below
TOKENS = [
    ("Um", "0", ","), ("you", "0", ""), ("-", "0", ""), ("know", "0", ","), ("we", "0", ""),
    ("don't", "0", ""), ("U.S.", "0", ""), ("basically", "0", "."),
    ("I", "1", ""), ("mean", "1", "…"), ("€5", "1", ""), ("é", "1", ""), ("&", "1", ""), ("kind", "1", ""),
    ("of", "0", ""), ("uh", "0", "?"),
]  # fmt: skip


def _write_nlp(path, tokens):
    path.write_text(HEADER + "".join(f"{t}|{s}|||{p}|LC|[]|[]\n" for t, s, p in tokens), encoding="utf-8")
    return path


def _plain_python(monkeypatch, path):
    with monkeypatch.context() as m:
        m.setattr(nlp, "pa", None)
        return load_transcript(path)


def test_token_counts_match_hand_counts_and_text_stats(tmp_path, monkeypatch):
    t = load_transcript(_write_nlp(tmp_path / "call.nlp", TOKENS))
    texts = [u.text for u in t.utterances]
    assert texts == ["Um, you - know, we don't U.S. basically.", "I mean… €5 é & kind", "of uh?"]
    # words: um you know we dont us basically | i mean 5 é kind | of uh ("-" and "&" are no words);
    # fillers: um, "you know" (across the "-"), basically | "i mean" ("kind" + next turn's "of" is no
    # "kind of": fillers do not span turns) | uh
    assert [u.text.stats[1:] for u in t.utterances] == [(7, 3), (5, 1), (2, 1)]
    assert [language.text_stats(str(x)) for x in texts] == [(7, 3), (5, 1), (2, 1)]
    assert compute_metrics(t) == compute_metrics(_plain_python(monkeypatch, tmp_path / "call.nlp"))


def test_token_with_whitespace_falls_back_to_counting_the_text(tmp_path, monkeypatch):
    path = _write_nlp(tmp_path / "call.nlp", [*TOKENS[:3], ("New York", "0", ""), *TOKENS[3:]])
    t = load_transcript(path)
    assert all(type(u.text) is str for u in t.utterances)  # nothing carried
    m = compute_metrics(t)
    assert m.words == 7 + 2 + 5 + 2
    assert m == compute_metrics(_plain_python(monkeypatch, path))


def test_multi_block_file_matches_pure_python_reader(tmp_path, monkeypatch):
    rng = random.Random(7)
    words = ["so", "um", "you", "know", "revenue", "grew", "I", "mean", "kind", "of", "don't", "-", "€"]
    tokens = [
        (rng.choice(words), str(k // 40 % 3), rng.choice(["", "", ",", ".", "?"])) for k in range(60000)
    ]
    path = _write_nlp(tmp_path / "big.nlp", tokens)
    assert path.stat().st_size > 1 << 20  # more than one pyarrow CSV block, so several chunks
    t = load_transcript(path)
    assert t.utterances == _plain_python(monkeypatch, path).utterances
    assert all(u.text.stats[1:] == language.text_stats(str(u.text)) for u in t.utterances)


def test_carried_counts_equal_text_stats_on_earnings21(shared_data):
    root = shared_data("transcripts", "earnings21", "nlp_references")
    carried = 0
    for path in sorted(root.glob("*.nlp"))[:12]:
        for u in load_transcript(path).utterances:
            if type(u.text) is language.CountedText:
                carried += 1
                assert u.text.stats[1:] == language.text_stats(str(u.text)), path
    assert carried > 500


def test_counted_text_is_a_plain_string_and_edits_drop_the_counts():
    r = language.rules()
    text = language.counted("Um, you know, hi", 4, 2, r)
    assert text == "Um, you know, hi" and isinstance(text, str)
    u = Utterance(speaker="a", text=text)
    assert u.text == "Um, you know, hi"
    edited = u.model_copy(update={"text": "Um, hi"})
    assert language.batch_text_stats([u.text, edited.text]) == [(4, 2), (2, 1)]
    wrong = language.counted("Um, hi", 99, 99, r)
    assert language.batch_text_stats([wrong]) == [(99, 99)]  # trusted as carried under these rules
    object.__setattr__(wrong, "stats", (object(), 99, 99))  # counted under other rules: recounted
    assert language.batch_text_stats([wrong]) == [(2, 1)]


def _fixture_rttm(fixtures_dir):
    return (fixtures_dir / "calls" / "earnings21" / "rttms" / "4386541.rttm").read_bytes()


def _variants(raw: bytes) -> dict[str, bytes]:
    lines = raw.decode().splitlines()
    f3 = lines[3].split()

    def with_line3(line: str) -> bytes:
        return ("\n".join([*lines[:3], line, *lines[4:]]) + "\n").encode()

    return {
        "as is": raw,
        "no final newline": raw.rstrip(b"\n"),
        "unsorted": ("\n".join(lines[5:] + lines[:5]) + "\n").encode(),
        "crlf": raw.replace(b"\n", b"\r\n"),
        "tab": raw.replace(b" ", b"\t", 3),
        "extra field": with_line3(lines[3] + " X"),
        "short line": with_line3(lines[3].rsplit(" ", 1)[0]),
        "not SPEAKER": with_line3("SPKR" + lines[3][7:]),
        "blank line": with_line3("\n" + lines[3]),
        "nan start": with_line3(lines[3].replace(f3[3], "nan", 1)),
        "underscore": with_line3(lines[3].replace(f3[4], "1_0", 1)),
        "exponent": with_line3(lines[3].replace(f3[4], "1e1", 1)),
        "leading dot": with_line3(lines[3].replace(f3[4], ".25", 1)),
        "trailing dot": with_line3(lines[3].replace(f3[4], "3.", 1)),
        "integer": with_line3(lines[3].replace(f3[3], "13", 1)),
        "23 digits": with_line3(lines[3].replace(f3[3], "1234567890.123456789012", 1)),
        "25 bytes": with_line3(lines[3].replace(f3[3], "1234567890.12345678901234", 1)),
        "two dots": with_line3(lines[3].replace(f3[4], "1.2.3", 1)),
        "plus sign": with_line3(lines[3].replace(f3[4], "+1.5", 1)),
        "negative": with_line3(lines[3].replace(f3[4], "-1", 1)),
        "text start": with_line3(lines[3].replace(f3[3], "abc", 1)),
        "one line": lines[0].encode(),
    }


def _outcome(fn):
    try:
        return fn()
    except InputError as exc:
        return f"InputError: {exc}"


def test_numpy_rttm_reader_matches_regex_reader(fixtures_dir, tmp_path):
    fast_used = set()
    for name, raw in _variants(_fixture_rttm(fixtures_dir)).items():
        path = tmp_path / f"{name.replace(' ', '_')}.rttm"
        path.write_bytes(raw)
        if rttm._read_fast(raw) is not None:
            fast_used.add(name)
        got = _outcome(lambda p=path: rttm.read_rttm(p))
        want = _outcome(lambda r=raw, p=path: rttm._read_slow(r, p))
        assert repr(got) == repr(want), name  # repr: nan == nan
        if not isinstance(want, str):
            runs = rttm.read_runs(path)
            spans = [s for _, run, _ in runs for s in run]
            assert repr(spans) == repr([(s, e) for s, e, _ in want]), name
            assert repr([r[2] for r in runs]) == repr([sum(e - s for s, e in r[1]) for r in runs]), name
    # pyarrow's cast takes every finite non-negative number float() does here; the rest goes to the regex path
    assert fast_used == {
        "as is", "no final newline", "unsorted", "exponent", "one line", "leading dot", "trailing dot", "integer",
        "23 digits", "25 bytes", "plus sign",
    }  # fmt: skip
    with pytest.raises(InputError, match="line 4: negative start or duration"):
        path = tmp_path / "neg.rttm"
        path.write_bytes(_variants(_fixture_rttm(fixtures_dir))["negative"])
        rttm.read_rttm(path)


_OLD_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
_WORD = re.compile(r"[a-z0-9']+")


def _questions_by_definition(text: str) -> list[str]:
    return [s.strip() for s in _OLD_SPLIT.split(text) if s.strip().rstrip("\"')]").endswith("?")]


def _is_open_by_definition(question: str) -> bool:
    r = language.rules()
    words = _WORD.findall(question.lower())
    k = 0
    while k < len(words) - 1 and words[k] in r.skip_words:
        k += 1
    head = tuple(words[k : k + 6])
    if any(head[:n] in group for n, group in r.closed_by_length):
        return False
    return any(head[:n] in group for n, group in r.open_by_length)


def test_question_finder_matches_sentence_split_definition():
    # a split after "?" consumes the closing quote, as split_sentences always has
    assert language.questions('So. "Why now?" And then? No. What is it') == ['"Why now?', "And then?"]
    rng = random.Random(1)
    alphabet = ["a", "b", " ", " ", "?", ".", "!", '"', "'", ")", "]", "\n", "\t", "é", "\u00a0"]
    for _ in range(30000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        assert language.questions(text) == _questions_by_definition(text), repr(text)


def test_is_open_on_a_prefix_matches_the_whole_question():
    assert language.is_open("So, um, okay, well, and what would you change in how the team works?")
    assert not language.is_open("So how many people, roughly, are on the team that would use this today?")
    rng = random.Random(2)
    vocab = ["so", "and", "um", "okay", "what", "how", "many", "can", "you", "tell", "me", "walk", "through",
             "is", "the", "revenue", "which", "why", "Σ", "İ", "x'y", "--", ",", "?"]  # fmt: skip
    for _ in range(20000):
        q = " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 40)))
        assert language.is_open(q) == _is_open_by_definition(q), q


def test_trusted_builds_the_model_construct_instance():
    spans = [(1.0, 2.0), (2.5, 3.0)]
    values = {"speaker": "1", "start": 1.0, "end": 3.0, "text": "hi", "spans": spans, "topic": None}
    a, b = trusted(Utterance, **values), Utterance.model_construct(**values)
    assert a == b and a.model_fields_set == b.model_fields_set and a.model_dump() == b.model_dump()
    mono = {"speaker": "1", "name": "Ann", "role": "external", "start": 0.0, "end": 1.5, "duration_s": 1.5}
    assert trusted(Monologue, **mono) == Monologue.model_construct(**mono) == Monologue(**mono)


def test_filled_replaces_nulls_in_slices():
    arr = pa.array([1, None, 3, None, 5, 6, 7, 8, 9, None], pa.int32())
    for start in range(10):
        for length in range(10 - start + 1):
            part = arr.slice(start, length)
            assert filled(part, -1).tolist() == [-1 if v is None else v for v in part.to_pylist()]


def test_numpy_rttm_reader_takes_only_printable_ascii(fixtures_dir, tmp_path):
    """Any byte but printable ASCII and "\\n" in a speaker name sends the file to the regex reader (which
    then splits on the whitespace ones or keeps the others in the name); the result is the same either way."""
    lines = _fixture_rttm(fixtures_dir).decode().splitlines()
    plain = set(range(0x20, 0x7F)) - {0x20}
    for byte in range(1, 256):
        if byte == 0x0A:
            continue
        f = lines[2].split(" ")
        f[7] = "S" + chr(byte) + "x"
        raw = ("\n".join([*lines[:2], " ".join(f), *lines[3:]]) + "\n").encode("utf-8")
        assert (rttm._read_fast(raw) is not None) == (byte in plain), byte
        path = tmp_path / "one.rttm"
        path.write_bytes(raw)
        got = _outcome(lambda p=path: rttm.read_rttm(p))
        assert repr(got) == repr(_outcome(lambda r=raw, p=path: rttm._read_slow(r, p))), byte

