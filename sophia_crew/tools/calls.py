"""Agent-facing call tools: thin wrappers over sophia_crew.engines.calls returning compact Pydantic models."""

from __future__ import annotations

from datetime import date as Date

from pydantic import BaseModel, ConfigDict, Field

from ..engines.calls import (
    analyze_folder,
    compute_metrics,
    detect_mentions,
    score_methodology,
)
from ..engines.calls.analysis import CallAnalysis, TranscriptSummary
from ..engines.calls.batch import CallFailure, CallRow
from ..engines.calls.benchmarks import BenchmarkComparison, RepTrend, compare_to_benchmarks
from ..engines.calls.folder_meta import load_call
from ..engines.calls.mentions import Mention, Mentions
from ..engines.calls.models import CallMetrics
from ..engines.calls.scorecard import Scorecard
from ..errors import InputError
from ..registry import tool

MAX_MENTIONS = 15
MAX_MONOLOGUES = 10
# a concession said by the rep (kept first when pricing mentions are capped; sales_coach_macros.j2 uses the
# same words to coach it)
CONCESSION_WORDS = ("discount", "percent off", "% off", "for free", "throw in", "waive")
DETAIL_MENTIONS = 3  # per list and call in the folder tool's per-call detail


class Skipped(BaseModel):
    """A single-call tool asked to stand aside because the crew runs on a folder (batch mode)."""

    model_config = ConfigDict(extra="forbid")

    skipped: str


class CallMetricsResult(BaseModel):
    """Metrics of one call plus its benchmark comparison (and the call's date, type and rep when known)."""

    model_config = ConfigDict(extra="forbid")

    metrics: CallMetrics
    benchmarks: list[BenchmarkComparison]
    date: Date | None = None
    call_type: str | None = None
    rep: str | None = None


class CallMentionsResult(BaseModel):
    """Next steps, competitor and pricing mentions (each list capped; ``omitted`` says how many were cut)."""

    model_config = ConfigDict(extra="forbid")

    call_id: str
    next_steps: list[Mention]
    competitors: list[Mention]
    pricing: list[Mention]
    competitor_counts: dict[str, int]
    omitted: dict[str, int] = Field(default_factory=dict)


class CallDetail(BaseModel):
    """One call of a folder, compact: metrics, benchmarks, scorecard (one quote per criterion), top mentions."""

    model_config = ConfigDict(extra="forbid")

    transcript: TranscriptSummary
    call_type: str | None
    rep: str | None
    metrics: CallMetrics
    benchmarks: list[BenchmarkComparison]
    scorecard: Scorecard
    mentions: CallMentionsResult


class CallsFolderResult(BaseModel):
    """Batch summary: one row per call, a trend table per rep, and files that failed to import."""

    model_config = ConfigDict(extra="forbid")

    folder: str
    rows: list[CallRow]
    reps: list[RepTrend]
    failures: list[CallFailure]
    calls: list[CallDetail] | None = None


def _batch_mode(folder: str | None, tool_name: str) -> Skipped | None:
    if folder:
        return Skipped(
            skipped=f"{tool_name}: batch mode (folder {folder}); analyze_calls_folder covers each call"
        )
    return None


def _cap_monologues(m: CallMetrics) -> CallMetrics:
    if len(m.monologues_over_threshold) <= MAX_MONOLOGUES:
        return m
    longest = sorted(m.monologues_over_threshold, key=lambda x: -x.duration_s)[:MAX_MONOLOGUES]
    return m.model_copy(
        update={
            "monologues_over_threshold": sorted(longest, key=lambda x: x.start),
            "notes": [*m.notes, f"only the {MAX_MONOLOGUES} longest monologues listed"],
        }
    )


def _capped_mentions(
    mn: Mentions, limit: int, reps: set[str], next_steps_limit: int | None = None
) -> CallMentionsResult:
    # when capped, keep the coachable price talk: the rep's concessions, then sentences with a parsed
    # amount ("the discounts" in passing is rarely a price talk); the kept ones go back into call order
    def concession(x: Mention) -> bool:
        return x.speaker in reps and any(w in x.quote.lower() for w in CONCESSION_WORDS)

    pricing = sorted(mn.pricing, key=lambda x: (not concession(x), not x.amounts_usd))
    limits = {"next_steps": next_steps_limit or limit, "competitors": limit, "pricing": limit}
    omitted = {
        k: len(v) - limits[k]
        for k, v in (("next_steps", mn.next_steps), ("competitors", mn.competitors), ("pricing", mn.pricing))
        if len(v) > limits[k]
    }
    return CallMentionsResult(
        call_id=mn.call_id,
        next_steps=mn.next_steps[: limits["next_steps"]],
        competitors=mn.competitors[:limit],
        pricing=sorted(pricing[:limit], key=lambda x: (x.start is None, x.start or 0.0)),
        competitor_counts=mn.competitor_counts,
        omitted=omitted,
    )


def _detail(a: CallAnalysis) -> CallDetail:
    sc = a.scorecard
    return CallDetail(
        transcript=a.transcript,
        call_type=a.call_type,
        rep=a.rep,
        metrics=_cap_monologues(a.metrics),
        benchmarks=a.benchmarks,
        scorecard=sc.model_copy(
            update={"criteria": [c.model_copy(update={"evidence": c.evidence[:1]}) for c in sc.criteria]}
        ),
        mentions=_capped_mentions(
            a.mentions,
            DETAIL_MENTIONS,
            {p.id for p in a.transcript.participants if p.role == "internal"},
            next_steps_limit=2 * DETAIL_MENTIONS,
        ),
    )


@tool("call_metrics")
def call_metrics(
    transcript: str, reps: list[str] | None = None, format: str | None = None, folder: str | None = None
) -> CallMetricsResult | Skipped:
    """Exact talk-time, talk-ratio, monologue, question, patience and interactivity metrics for one call
    transcript, compared with sourced benchmarks.

    transcript: path to a Gong JSON, WebVTT, SRT, plain-text, Earnings-21 .nlp or QMSum JSON file.
    reps: names or ids of the selling side (overrides affiliation in the file). format: force an importer.
    folder: batch mode marker; when set, this single-call tool stands aside (returns `skipped`) because
    analyze_calls_folder covers every call of the folder. Leave it empty for one call.
    Metrics that cannot be computed are listed in `unavailable` with the reason.
    """
    if skip := _batch_mode(folder, "call_metrics"):
        return skip
    t, call_type, rep = load_call(transcript, format=format, reps=reps)
    m = _cap_monologues(compute_metrics(t))
    return CallMetricsResult(
        metrics=m, benchmarks=compare_to_benchmarks(m, call_type), date=t.date, call_type=call_type, rep=rep
    )


@tool("methodology_scorecard")
def methodology_scorecard(
    transcript: str,
    methodology: str = "meddpicc",
    reps: list[str] | None = None,
    format: str | None = None,
    folder: str | None = None,
) -> Scorecard | Skipped:
    """Score a call transcript against a sales methodology (meddpicc, bant or spin), with quoted evidence
    per criterion.

    Each criterion is found or not_found; evidence is the quoted sentence, speaker and timestamp.
    format: force an importer. folder: batch mode marker (see call_metrics).
    """
    if skip := _batch_mode(folder, "methodology_scorecard"):
        return skip
    return score_methodology(load_call(transcript, format=format, reps=reps)[0], methodology)


@tool("call_mentions")
def call_mentions(
    transcript: str,
    competitors: list[str] | None = None,
    format: str | None = None,
    folder: str | None = None,
) -> CallMentionsResult | Skipped:
    """Next steps and commitments (with dates when said), competitor mentions and pricing mentions
    (amounts parsed) in a call transcript.

    competitors: names to look for; default list from knowledge/calls/competitors.yaml.
    format: force an importer. folder: batch mode marker (see call_metrics).
    """
    if skip := _batch_mode(folder, "call_mentions"):
        return skip
    t = load_call(transcript, format=format)[0]
    reps = {p.id for p in t.participants if p.role == "internal"}
    return _capped_mentions(detect_mentions(t, competitors), MAX_MENTIONS, reps)


@tool("analyze_calls_folder")
def analyze_calls_folder(
    folder: str,
    reps: list[str] | None = None,
    methodology: str = "meddpicc",
    competitors: list[str] | None = None,
    detail: bool = False,
) -> CallsFolderResult:
    """Analyse every call transcript in a folder: one summary row per call plus a per-rep trend table
    across calls.

    Uses the folder's index.csv (file, format, date, rep_owner_id, call_type) when present.
    methodology: meddpicc | bant | spin. detail: also return, per call, the metrics, benchmarks, scorecard
    (one quote per criterion) and the first mentions (a larger output).
    """
    fa = analyze_folder(folder, reps=reps, methodology=methodology, competitors=competitors)
    if not fa.calls:
        first = fa.failures[0]
        raise InputError(
            f"{fa.folder}: none of the {len(fa.failures)} transcript files could be read "
            f"(first: {first.file}: {first.error})"
        )
    return CallsFolderResult(
        folder=fa.folder,
        rows=fa.rows,
        reps=fa.reps,
        failures=fa.failures,
        calls=[_detail(a) for a in fa.calls] if detail else None,
    )
