"""Pydantic models of the call engine: the one transcript shape every importer produces."""

from __future__ import annotations

from datetime import date as Date
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["internal", "external", "unknown"]
_M = TypeVar("_M", bound=BaseModel)
_set = object.__setattr__


def trusted(cls: type[_M], **values) -> _M:
    """``cls.model_construct(**values)`` when ``values`` names every field of ``cls`` (a model of this module:
    no aliases, no private attributes, extra forbidden): the same instance, without model_construct's
    per-field alias and default handling, for the importers' and metrics' own already-typed values, one per
    utterance. Nothing is validated, exactly as with model_construct."""
    m = cls.__new__(cls)
    _set(m, "__dict__", values)
    _set(m, "__pydantic_fields_set__", set(values))
    _set(m, "__pydantic_extra__", None)
    _set(m, "__pydantic_private__", None)
    return m


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Participant(_Model):
    """A person (or diarized voice) on the call.

    ``role`` is the side: ``internal`` = the selling company (the rep side), ``external`` = the customer,
    ``unknown`` when neither the source nor a ``reps`` list says.
    """

    id: str
    name: str | None = None
    title: str | None = None
    email: str | None = None
    role: Role = "unknown"

    @property
    def label(self) -> str:
        """Display name: the name when known, else the id."""
        return self.name or self.id


class Utterance(_Model):
    """One stretch of speech by one speaker, in transcript order.

    ``start``/``end`` are seconds from the call start, or None for untimed sources. ``spans`` are the
    sub-intervals actually voiced when the source knows them (Gong sentences, RTTM segments); None means
    the whole ``[start, end]`` is speech. Text may be empty for speech the source has no words for
    (an RTTM segment the reference transcript does not cover); such speech counts as talk time only.
    """

    speaker: str
    start: float | None = None
    end: float | None = None
    text: str = ""
    spans: list[tuple[float, float]] | None = None
    topic: str | None = None

    def speech(self) -> list[tuple[float, float]]:
        """Voiced intervals of this utterance (empty when untimed)."""
        if self.start is None or self.end is None:
            return []
        if self.spans is not None:
            return self.spans
        return [(self.start, self.end)]


class CallTranscript(_Model):
    """A call transcript in the engine's common shape.

    Attributes:
        call_id: id from the source or the file stem.
        date: call date when the source has one.
        participants: every speaker id that appears in ``utterances`` has exactly one entry.
        utterances: ordered by start time (ties keep source order); untimed sources keep source order.
        source_format: importer name (gong_json, vtt, srt, text, earnings21, qmsum).
        source: the path it was read from.
        timed: True when every utterance has start and end seconds.
        pauses_known: False when the source gives only start stamps (plain text), so silence between
            turns cannot be told from speech.
        notes: what the importer had to assume or could not map (alignment statistics, estimates).
    """

    call_id: str
    date: Date | None = None
    participants: list[Participant]
    utterances: list[Utterance]
    source_format: str
    source: str = ""
    timed: bool
    pauses_known: bool = True
    notes: list[str] = Field(default_factory=list)

    def participant(self, speaker_id: str) -> Participant:
        """The participant with this id (KeyError if absent)."""
        for p in self.participants:
            if p.id == speaker_id:
                return p
        raise KeyError(speaker_id)

    def roles(self) -> dict[str, Role]:
        """Speaker id → role."""
        return {p.id: p.role for p in self.participants}

    def speaker_name(self, speaker_id: str) -> str:
        """Display name of a speaker id."""
        try:
            return self.participant(speaker_id).label
        except KeyError:
            return speaker_id


# --------------------------------------------------------------------------- metrics output

Side = Literal["rep", "customer"]


class Unavailable(_Model):
    """A metric that could not be computed, and why (never reported as a silent zero)."""

    metric: str
    reason: str


class Monologue(_Model):
    """One uninterrupted stretch of a single speaker (a timeline turn)."""

    speaker: str
    name: str
    role: Role
    start: float
    end: float
    duration_s: float


class SpeakerMetrics(_Model):
    """Metrics of one speaker; time-based fields are None when the transcript is untimed."""

    speaker: str
    name: str
    role: Role
    turns: int
    words: int
    word_share: float | None
    talk_time_s: float | None = None
    talk_ratio: float | None = None
    words_per_minute: float | None = None
    longest_monologue_s: float | None = None
    questions: int
    open_questions: int
    closed_questions: int
    filler_words: int
    filler_per_100_words: float | None


class SideMetrics(_Model):
    """Metrics of one side (rep = internal speakers, customer = external speakers)."""

    side: Side
    speakers: list[str]
    turns: int
    words: int
    word_share: float | None
    talk_time_s: float | None = None
    talk_ratio: float | None = None
    words_per_minute: float | None = None
    longest_monologue_s: float | None = None
    questions: int
    open_questions: int
    closed_questions: int
    filler_words: int
    filler_per_100_words: float | None


class CallMetrics(_Model):
    """Exact metrics of one call (see :func:`sophia_crew.engines.calls.metrics.compute_metrics`)."""

    call_id: str
    source_format: str
    timed: bool
    speakers_count: int
    utterances: int
    turns: int
    speaker_switches: int
    words: int
    questions: int
    duration_s: float | None = None
    speech_s: float | None = None
    silence_s: float | None = None
    overlap_s: float | None = None
    switches_per_minute: float | None = None
    interactivity: float | None = None
    patience_s: float | None = None
    patience_samples: int = 0
    interruptions: int | None = None
    longest_monologue: Monologue | None = None
    longest_customer_story: Monologue | None = None
    monologue_threshold_s: float
    monologues_over_threshold: list[Monologue] = Field(default_factory=list)
    per_speaker: list[SpeakerMetrics]
    rep: SideMetrics | None = None
    customer: SideMetrics | None = None
    unavailable: list[Unavailable] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
