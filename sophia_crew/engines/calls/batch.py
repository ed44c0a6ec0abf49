"""Batch mode: a folder of calls → one analysis per call + a per-rep summary with trends."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ...errors import InputError, SophiaError
from .analysis import CallAnalysis, analyze_transcript
from .benchmarks import RepTrend, rep_trends
from .folder_meta import load_call, read_index, read_owners

TRANSCRIPT_SUFFIXES = {".json", ".vtt", ".srt", ".txt", ".nlp"}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CallFailure(_Model):
    file: str
    error: str


class CallRow(_Model):
    """One line of the batch summary table."""

    call_id: str
    file: str
    date: date | None
    rep: str | None
    call_type: str | None
    duration_s: float | None
    rep_talk_ratio: float | None
    rep_questions: int | None
    rep_longest_monologue_s: float | None
    patience_s: float | None
    interactivity: float | None
    scorecard: str
    benchmarks_outside: list[str]
    next_steps: int
    competitor_mentions: int


class FolderAnalysis(_Model):
    """Per-call analyses plus the per-rep summary."""

    folder: str
    calls: list[CallAnalysis]
    rows: list[CallRow]
    reps: list[RepTrend]
    failures: list[CallFailure] = Field(default_factory=list)


def _row(a: CallAnalysis, file: str) -> CallRow:
    m = a.metrics
    return CallRow(
        call_id=m.call_id,
        file=file,
        date=a.transcript.date,
        rep=a.rep,
        call_type=a.call_type,
        duration_s=m.duration_s,
        rep_talk_ratio=m.rep.talk_ratio if m.rep else None,
        rep_questions=m.rep.questions if m.rep else None,
        rep_longest_monologue_s=m.rep.longest_monologue_s if m.rep else None,
        patience_s=m.patience_s,
        interactivity=m.interactivity,
        scorecard=f"{a.scorecard.methodology} {a.scorecard.found}/{a.scorecard.total}",
        benchmarks_outside=[b.id for b in a.benchmarks if b.status in ("above", "below")],
        next_steps=len(a.mentions.next_steps),
        competitor_mentions=len(a.mentions.competitors),
    )


def analyze_folder(
    folder: str | Path,
    reps: Iterable[str] | None = None,
    methodology: str = "meddpicc",
    competitors: list[str] | None = None,
    monologue_threshold_s: float = 150.0,
) -> FolderAnalysis:
    """Analyse every transcript in a folder.

    Files with a transcript suffix (.json .vtt .srt .txt .nlp) are read; an ``index.csv`` (columns file,
    format, date, rep_owner_id, call_type, as in the demo tenant) supplies format, date, call type and
    the rep (named through ``../owners.csv``). Without ``reps``, a call whose file carries no affiliation
    gets its sides from ``../owners.csv``: every listed owner is internal. A file that fails to import is
    listed in ``failures`` with its one-line error; the other calls are still analysed.

    Raises:
        InputError: the folder does not exist or holds no transcript files.
    """
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"{root}: not a folder")
    index = read_index(root)
    owners = read_owners(root)
    files = sorted(p for p in root.iterdir() if p.is_file() and p.suffix.lower() in TRANSCRIPT_SUFFIXES)
    if not files:
        raise InputError(f"{root}: no transcript files ({', '.join(sorted(TRANSCRIPT_SUFFIXES))})")
    reps = list(reps) if reps else None
    calls, rows, failures, trend_rows = [], [], [], []
    for f in files:
        try:
            t, call_type, rep = load_call(f, reps=reps, index=index, owners=owners)
            a = analyze_transcript(
                t,
                methodology=methodology,
                competitors=competitors,
                call_type=call_type,
                rep=rep,
                monologue_threshold_s=monologue_threshold_s,
            )
        except (SophiaError, ValueError) as exc:
            failures.append(CallFailure(file=f.name, error=str(exc).splitlines()[0]))
            continue
        calls.append(a)
        rows.append(_row(a, f.name))
        trend_rows.append((a.rep or "unknown rep", a.transcript.date, a.metrics))
    return FolderAnalysis(
        folder=str(root), calls=calls, rows=rows, reps=rep_trends(trend_rows), failures=failures
    )
