"""The bundled per-call analysis: transcript summary + metrics + benchmarks + scorecard + mentions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .benchmarks import BenchmarkComparison, compare_to_benchmarks
from .folder_meta import load_call
from .mentions import Mentions, detect_mentions
from .metrics import compute_metrics
from .models import CallMetrics, CallTranscript, Participant
from .scorecard import Scorecard, score_methodology


class TranscriptSummary(BaseModel):
    """What was imported, without the utterances."""

    model_config = ConfigDict(extra="forbid")

    call_id: str
    date: date | None
    source: str
    source_format: str
    timed: bool
    utterances: int
    participants: list[Participant]
    notes: list[str] = Field(default_factory=list)


class CallAnalysis(BaseModel):
    """Everything the engine knows about one call (the input of the coaching report)."""

    model_config = ConfigDict(extra="forbid")

    transcript: TranscriptSummary
    call_type: str | None = None
    rep: str | None = None
    metrics: CallMetrics
    benchmarks: list[BenchmarkComparison]
    scorecard: Scorecard
    mentions: Mentions


def summarize(t: CallTranscript) -> TranscriptSummary:
    """Compact description of a transcript (no utterances)."""
    return TranscriptSummary(
        call_id=t.call_id,
        date=t.date,
        source=t.source,
        source_format=t.source_format,
        timed=t.timed,
        utterances=len(t.utterances),
        participants=t.participants,
        notes=t.notes,
    )


def analyze_transcript(
    t: CallTranscript,
    *,
    methodology: str = "meddpicc",
    competitors: list[str] | None = None,
    call_type: str | None = None,
    rep: str | None = None,
    monologue_threshold_s: float = 150.0,
) -> CallAnalysis:
    """Run every engine on an already-loaded transcript."""
    m = compute_metrics(t, monologue_threshold_s=monologue_threshold_s)
    if rep is None:
        reps = [p.label for p in t.participants if p.role == "internal"]
        rep = ", ".join(reps) if reps else None
    return CallAnalysis(
        transcript=summarize(t),
        call_type=call_type,
        rep=rep,
        metrics=m,
        benchmarks=compare_to_benchmarks(m, call_type),
        scorecard=score_methodology(t, methodology),
        mentions=detect_mentions(t, competitors),
    )


def analyze_call(
    path: str | Path,
    reps: Iterable[str] | None = None,
    methodology: str = "meddpicc",
    competitors: list[str] | None = None,
    *,
    format: str | None = None,
    call_type: str | None = None,
    monologue_threshold_s: float = 150.0,
) -> CallAnalysis:
    """Load one transcript file and analyse it.

    Args:
        path: transcript file (any supported format).
        reps: names/ids of the selling side (overrides affiliation in the file).
        methodology: meddpicc | bant | spin.
        competitors: competitor names to look for (None: knowledge/calls/competitors.yaml).
        format: force the importer (see :func:`load_transcript`).
        call_type: discovery|demo|negotiation|qbr, for call-type-specific benchmarks (default: from an
            ``index.csv`` next to the file, see :func:`~.folder_meta.load_call`, which also supplies the
            date, call id and rep there).
        monologue_threshold_s: monologues longer than this are listed.

    Raises:
        InputError: unreadable or malformed transcript, unknown methodology.
    """
    t, indexed_type, rep = load_call(path, format=format, reps=reps)
    return analyze_transcript(
        t,
        methodology=methodology,
        competitors=competitors,
        call_type=call_type or indexed_type,
        rep=rep,
        monologue_threshold_s=monologue_threshold_s,
    )
