"""Call-metrics engine: exact talk-time, turn, question and monologue figures from a CallTranscript.

Definitions (also in knowledge/calls/benchmarks.yaml):

* **Talk time** of a speaker is the length of the *union* of that speaker's voiced intervals (utterance
  ``spans``, else ``[start, end]``), so silence inside and between utterances is excluded and a speaker's
  own overlapping cues are not counted twice. A side's talk time is the union over its speakers.
  **Speech time** of the call is the union over everybody: overlapping speech is counted once for the
  call but credited in full to each speaker who spoke, so per-speaker ratios can add up to a little more
  than 100 %; ``overlap_s`` (sum of speaker talk times − speech time) says by how much.
* **Talk ratio** = talk time / call speech time (silence excluded from the denominator).
* **Turns** are maximal runs of consecutive *transcribed* utterances (with words) by one speaker, in
  transcript order; ``speaker_switches`` = turns − 1. Untranscribed speech (RTTM runs without words)
  counts as talk time but does not make a turn.
* **Monologue** = a timeline turn: utterances sorted by start, consecutive ones by the same speaker merged
  (any speech by someone else, transcribed or not, interrupts); its length is last end − first start.
  The *longest customer story* is the longest monologue of an external speaker.
* **Interactivity**: switches per minute of call duration (first start → last end), mapped to 0-10 by
  ``10 × (1 − exp(−switches_per_minute / 3))`` (1/min → 2.8, 2 → 4.9, 3 → 6.3, 5 → 8.1). This is our own
  documented scale, not Gong's proprietary score.
* **Patience**: mean pause between the end of a customer turn and the start of the rep turn that follows;
  a negative pause (rep starts before the customer finished) is an *interruption*, counted separately and
  entered as 0 s in the mean. Needs known pauses (not plain-text stamps) and both sides.
* **Words per minute**: words of timed utterances / the union of those utterances' voiced intervals.
* **Questions**, open vs closed and **filler words**: rules in knowledge/calls/language.yaml.
"""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import chain, pairwise

from ...errors import InputError
from . import language
from .models import CallMetrics, CallTranscript, SideMetrics, SpeakerMetrics, Unavailable
from .monologues import longest as _longest
from .monologues import monologue as _mono
from .monologues import timeline_turns as _timeline_turns

_TIME_METRICS = (
    "talk_time",
    "talk_ratio",
    "longest_monologue",
    "longest_customer_story",
    "interactivity",
    "patience",
    "words_per_minute",
    "monologues_over_threshold",
    "silence",
    "overlap",
)


def union_length(intervals: list[tuple[float, float]]) -> float:
    """Total length covered by a list of (start, end) intervals, overlaps counted once."""
    ordered = iter(sorted(intervals))
    first = next(ordered, None)
    if first is None:
        return 0.0
    total = 0.0
    cur_s, cur_e = first
    for s, e in ordered:
        if s > cur_e:
            total += cur_e - cur_s
            cur_s, cur_e = s, e
        elif e > cur_e:
            cur_e = e
    return total + (cur_e - cur_s)


def interactivity_score(switches_per_minute: float) -> float:
    """0-10 interactivity scale: ``10 × (1 − exp(−switches_per_minute / 3))``, rounded to 0.1."""
    return round(10.0 * (1.0 - math.exp(-max(0.0, switches_per_minute) / 3.0)), 1)


class _Acc:
    """Per-speaker (or per-side) accumulator of text figures."""

    __slots__ = ("fillers", "open", "parts", "questions", "timed_words", "turns", "worded", "words")

    def __init__(self) -> None:
        self.turns = self.words = self.questions = self.open = self.fillers = self.timed_words = 0
        self.parts: list[list[tuple[float, float]]] = []  # voiced intervals, one list per utterance
        # the same for the utterances that have words and a duration; None while that is all of ``parts``
        # (the usual case: their union is then the talk time, not computed twice)
        self.worded: list[list[tuple[float, float]]] | None = None

    def not_worded(self) -> None:
        """The last of ``parts`` is speech without words (or without a duration)."""
        if self.worded is None:
            self.worded = self.parts[:-1]

    def add(self, other: _Acc) -> None:
        """Add ``other``'s text counts (not its turns or intervals)."""
        self.words += other.words
        self.questions += other.questions
        self.open += other.open
        self.fillers += other.fillers
        self.timed_words += other.timed_words


def _union(parts: list[list[tuple[float, float]]]) -> float:
    """:func:`union_length` of the intervals of several utterances."""
    return union_length(list(chain.from_iterable(parts)))


def _side_of(role: str) -> str | None:
    return {"internal": "rep", "external": "customer"}.get(role)


def _figures(a: _Acc, talk: float | None, mono, timed: bool, total_words: int, speech_s: float | None) -> dict:
    """The figures a speaker and a side share (:class:`SpeakerMetrics` / :class:`SideMetrics` fields)."""
    return {
        "turns": a.turns,
        "words": a.words,
        "word_share": _ratio(a.words, total_words),
        "talk_time_s": _r(talk),
        "talk_ratio": _ratio(talk, speech_s) if timed else None,
        "words_per_minute": _wpm(a, talk) if timed else None,
        "longest_monologue_s": _r(mono.duration_s) if mono else (0.0 if timed else None),
        "questions": a.questions,
        "open_questions": a.open,
        "closed_questions": a.questions - a.open,
        "filler_words": a.fillers,
        "filler_per_100_words": _per100(a.fillers, a.words),
    }


def compute_metrics(t: CallTranscript, *, monologue_threshold_s: float = 150.0) -> CallMetrics:
    """Compute every call metric; what cannot be computed is listed in ``unavailable`` with a reason.

    Args:
        t: the transcript (from :func:`load_transcript`).
        monologue_threshold_s: monologues longer than this are listed with timestamps (default 150 s,
            the ~2.5 min pitch-monologue benchmark).

    Returns:
        CallMetrics per call, per speaker and per side.

    Raises:
        InputError: the transcript has no words and no speech at all, or the threshold is not positive.
    """
    if monologue_threshold_s <= 0:
        raise InputError(f"monologue_threshold_s: must be > 0 (got {monologue_threshold_s})")
    roles = t.roles()
    unavailable: list[Unavailable] = []
    acc: dict[str, _Acc] = defaultdict(_Acc)
    sides: dict[str, _Acc] = defaultdict(_Acc)
    prev_speaker = None
    turns = total_words = total_q = 0
    worded: list[str] = []  # speaker of every utterance with words, in order (for side turns)
    stats = language.batch_text_stats([u.text for u in t.utterances])
    side_key = {p.id: _side_of(p.role) or "_none" for p in t.participants}
    questions, is_open = language.questions, language.is_open
    for u, (n, fill) in zip(t.utterances, stats):
        speaker = u.speaker
        a = acc[speaker]
        speech = u.speech()
        if speech:
            side = sides[side_key.get(speaker, "_none")]
            a.parts.append(speech)
            side.parts.append(speech)  # in transcript order, as the speakers' (the union sorts them)
        if n == 0:
            if speech:
                a.not_worded()
                side.not_worded()
            continue
        text = u.text
        if "?" in text:
            qs = questions(text)
            nq = len(qs)
            n_open = sum(map(is_open, qs))
        else:
            nq = n_open = 0
        worded.append(speaker)
        new_turn = speaker != prev_speaker
        prev_speaker = speaker
        talk = bool(speech) and u.end > u.start
        a.words += n
        a.questions += nq
        a.open += n_open
        a.fillers += fill
        a.turns += new_turn
        if talk:
            a.timed_words += n
            for x in (a, side):
                if x.worded is not None:
                    x.worded.append(speech)
        elif speech:
            a.not_worded()
            side.not_worded()
        turns += new_turn
        total_words += n
        total_q += nq
    if total_words == 0 and not any(a.parts for a in acc.values()):
        raise InputError(f"{t.source or t.call_id}: transcript has no words and no timed speech")
    for speaker, a in acc.items():  # a side's text counts are its speakers'
        sides[side_key.get(speaker, "_none")].add(a)
    # side turns were counted with the speaker-level rule; recount them as side-level runs
    _recount_side_turns(worded, roles, sides)

    timed = t.timed
    speech_s = duration = None
    groups: list[dict] = []
    if timed:
        speech_s = _union([part for a in acc.values() for part in a.parts])
        starts = [u.start for u in t.utterances]
        ends = [u.end for u in t.utterances]
        duration = max(ends) - min(starts)
        groups = _timeline_turns(t)
        if speech_s <= 0:
            timed = False
            unavailable += [
                Unavailable(metric=m, reason="every utterance has zero duration") for m in _TIME_METRICS
            ]
    else:
        unavailable += [
            Unavailable(metric=m, reason=f"{t.source_format} transcript has no timestamps")
            for m in _TIME_METRICS
        ]

    # longest real monologue per speaker, per role and overall (first of equal lengths wins), in one pass
    by_speaker, by_role, overall = _longest(groups, roles)

    per_speaker = []
    for p in t.participants:
        a = acc.get(p.id) or _Acc()
        talk = _union(a.parts) if timed else None
        mono = _mono(t, by_speaker[p.id]) if timed and p.id in by_speaker else None
        per_speaker.append(
            SpeakerMetrics(speaker=p.id, name=p.label, role=p.role,
                           **_figures(a, talk, mono, timed, total_words, speech_s))
        )

    side_models = {}
    for side, role in (("rep", "internal"), ("customer", "external")):
        ids = [p.id for p in t.participants if p.role == role]
        if not ids:
            continue
        a = sides[side]
        talk = _union(a.parts) if timed else None
        mono = _mono(t, by_role[role]) if timed and role in by_role else None
        side_models[side] = SideMetrics(side=side, speakers=ids,
                                        **_figures(a, talk, mono, timed, total_words, speech_s))
    for side, role in (("rep", "internal"), ("customer", "external")):
        if side not in side_models:
            unavailable.append(
                Unavailable(
                    metric=f"{side}_side",
                    reason=f"no speaker is marked {role}: pass reps=[...] or a Gong parties list",
                )
            )

    switches = max(0, turns - 1)
    out = {
        "call_id": t.call_id,
        "source_format": t.source_format,
        "timed": timed,
        "speakers_count": len(acc),
        "utterances": len(t.utterances),
        "turns": turns,
        "speaker_switches": switches,
        "words": total_words,
        "questions": total_q,
        "monologue_threshold_s": monologue_threshold_s,
        "per_speaker": per_speaker,
        "rep": side_models.get("rep"),
        "customer": side_models.get("customer"),
        "notes": list(t.notes),
    }
    if total_q == 0 and "?" not in "".join(u.text for u in t.utterances):
        unavailable.append(
            Unavailable(
                metric="questions",
                reason="transcript has no '?' at all (unpunctuated?); question counts are not meaningful",
            )
        )
    if timed:
        out.update(
            _timed_figures(
                t,
                groups,
                speech_s,
                duration,
                switches,
                monologue_threshold_s,
                roles,
                per_speaker,
                unavailable,
                overall,
                by_role.get("external"),
            )
        )
    return CallMetrics(unavailable=unavailable, **out)


def _timed_figures(
    t, groups, speech_s, duration, switches, threshold, roles, per_speaker, unavailable, overall, story
):
    out: dict = {"duration_s": _r(duration), "speech_s": _r(speech_s)}
    speaker_sum = sum(s.talk_time_s or 0.0 for s in per_speaker)
    out["overlap_s"] = _r(max(0.0, speaker_sum - speech_s))
    if t.pauses_known:
        out["silence_s"] = _r(max(0.0, duration - speech_s))
    else:
        unavailable.append(Unavailable(metric="silence", reason="start stamps only: pauses are unknown"))
    speakers = {g["speaker"] for g in groups}
    if len(speakers) < 2:
        unavailable.append(Unavailable(metric="interactivity", reason="only one speaker"))
    elif duration > 0:
        spm = switches / (duration / 60.0)
        out["switches_per_minute"] = round(spm, 3)
        out["interactivity"] = interactivity_score(spm)
    out["longest_monologue"] = _mono(t, overall) if overall else None
    story = _mono(t, story) if story else None
    out["longest_customer_story"] = story
    if story is None:
        unavailable.append(
            Unavailable(metric="longest_customer_story", reason="no external (customer) speech")
        )
    out["monologues_over_threshold"] = [
        _mono(t, g) for g in groups if g["real"] and g["end"] - g["start"] > threshold
    ]
    reason = None
    if not t.pauses_known:
        reason = "start stamps only: pauses are unknown"
    elif not any(r == "internal" for r in roles.values()) or not any(r == "external" for r in roles.values()):
        reason = "needs both a rep (internal) and a customer (external) speaker"
    pauses, interruptions = [], 0
    if reason is None:
        for a, b in pairwise(groups):
            if (
                roles.get(a["speaker"]) == "external"
                and roles.get(b["speaker"]) == "internal"
                and a["real"]
                and b["real"]
            ):
                gap = b["start"] - a["end"]
                if gap < 0:
                    interruptions += 1
                pauses.append(max(0.0, gap))
        if not pauses:
            reason = "the rep never speaks right after the customer"
    if reason:
        unavailable.append(Unavailable(metric="patience", reason=reason))
    else:
        out["patience_s"] = round(sum(pauses) / len(pauses), 3)
        out["patience_samples"] = len(pauses)
        out["interruptions"] = interruptions
    return out


def _recount_side_turns(worded: list[str], roles, sides) -> None:
    for s in sides.values():
        s.turns = 0
    side_of = {sp: _side_of(roles.get(sp, "unknown")) or "_none" for sp in set(worded)}
    prev = None
    for speaker in worded:
        side = side_of[speaker]
        if side != prev:
            sides[side].turns += 1
            prev = side


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def _ratio(num: float | None, den: float | None) -> float | None:
    if num is None or not den:
        return None
    return round(num / den, 4)


def _per100(n: int, words: int) -> float | None:
    return round(100.0 * n / words, 2) if words else None


def _wpm(a: _Acc, talk_s: float) -> float | None:
    """Words per minute of ``a``'s worded speech; ``talk_s`` is the union of all its intervals."""
    talk = talk_s if a.worded is None else _union(a.worded)
    return round(a.timed_words / (talk / 60.0), 1) if talk > 0 else None
