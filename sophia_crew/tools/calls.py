"""Agent-facing call tools: thin wrappers over sophia_crew.engines.calls returning compact Pydantic models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ..engines.calls import (
    analyze_folder,
    compute_metrics,
    detect_mentions,
    load_transcript,
    score_methodology,
)
from ..engines.calls.batch import CallFailure, CallRow
from ..engines.calls.benchmarks import BenchmarkComparison, RepTrend, compare_to_benchmarks
from ..engines.calls.mentions import Mention
from ..engines.calls.models import CallMetrics
from ..engines.calls.scorecard import Scorecard
from ..registry import tool

MAX_MENTIONS = 15
MAX_MONOLOGUES = 10


class CallMetricsResult(BaseModel):
    """Metrics of one call plus its benchmark comparison."""

    model_config = ConfigDict(extra="forbid")

    metrics: CallMetrics
    benchmarks: list[BenchmarkComparison]


class CallMentionsResult(BaseModel):
    """Next steps, competitor and pricing mentions (each list capped; ``omitted`` says how many were cut)."""

    model_config = ConfigDict(extra="forbid")

    call_id: str
    next_steps: list[Mention]
    competitors: list[Mention]
    pricing: list[Mention]
    competitor_counts: dict[str, int]
    omitted: dict[str, int] = Field(default_factory=dict)


class CallsFolderResult(BaseModel):
    """Batch summary: one row per call, a trend table per rep, and files that failed to import."""

    model_config = ConfigDict(extra="forbid")

    folder: str
    rows: list[CallRow]
    reps: list[RepTrend]
    failures: list[CallFailure]


@tool("call_metrics")
def call_metrics(
    transcript: str, reps: list[str] | None = None, format: str | None = None
) -> CallMetricsResult:
    """Exact talk-time, talk-ratio, monologue, question, patience and interactivity metrics for one call
    transcript, compared with sourced benchmarks.

    transcript: path to a Gong JSON, WebVTT, SRT, plain-text, Earnings-21 .nlp or QMSum JSON file.
    reps: names or ids of the selling side (overrides affiliation in the file). format: force an importer.
    Metrics that cannot be computed are listed in `unavailable` with the reason.
    """
    t = load_transcript(transcript, format=format, reps=reps)
    m = compute_metrics(t)
    if len(m.monologues_over_threshold) > MAX_MONOLOGUES:
        longest = sorted(m.monologues_over_threshold, key=lambda x: -x.duration_s)[:MAX_MONOLOGUES]
        m = m.model_copy(
            update={
                "monologues_over_threshold": sorted(longest, key=lambda x: x.start),
                "notes": [*m.notes, f"only the {MAX_MONOLOGUES} longest monologues listed"],
            }
        )
    return CallMetricsResult(metrics=m, benchmarks=compare_to_benchmarks(m))


@tool("methodology_scorecard")
def methodology_scorecard(
    transcript: str, methodology: str = "meddpicc", reps: list[str] | None = None
) -> Scorecard:
    """Score a call transcript against a sales methodology (meddpicc, bant or spin), with quoted evidence
    per criterion.

    Each criterion is found or not_found; evidence is the quoted sentence, speaker and timestamp.
    """
    return score_methodology(load_transcript(transcript, reps=reps), methodology)


@tool("call_mentions")
def call_mentions(transcript: str, competitors: list[str] | None = None) -> CallMentionsResult:
    """Next steps and commitments (with dates when said), competitor mentions and pricing mentions
    (amounts parsed) in a call transcript.

    competitors: names to look for; default list from knowledge/calls/competitors.yaml.
    """
    mn = detect_mentions(load_transcript(transcript), competitors)
    omitted = {
        k: len(v) - MAX_MENTIONS
        for k, v in (("next_steps", mn.next_steps), ("competitors", mn.competitors), ("pricing", mn.pricing))
        if len(v) > MAX_MENTIONS
    }
    return CallMentionsResult(
        call_id=mn.call_id,
        next_steps=mn.next_steps[:MAX_MENTIONS],
        competitors=mn.competitors[:MAX_MENTIONS],
        pricing=mn.pricing[:MAX_MENTIONS],
        competitor_counts=mn.competitor_counts,
        omitted=omitted,
    )


@tool("analyze_calls_folder")
def analyze_calls_folder(folder: str, reps: list[str] | None = None) -> CallsFolderResult:
    """Analyse every call transcript in a folder: one summary row per call plus a per-rep trend table
    across calls.

    Uses the folder's index.csv (file, format, date, rep_owner_id, call_type) when present.
    """
    fa = analyze_folder(folder, reps=reps)
    return CallsFolderResult(folder=fa.folder, rows=fa.rows, reps=fa.reps, failures=fa.failures)
