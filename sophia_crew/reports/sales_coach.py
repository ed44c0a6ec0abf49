"""``CallCoachingReport``: the sales_coach crew's report (one call, or a folder of calls with rep trends).

Figures are typed fields copied from the call tools' outputs (``call_metrics``, ``methodology_scorecard``,
``call_mentions``, ``analyze_calls_folder``); prose (summary, headlines, coaching points, rep notes) is
written by the offline policy's templates or by an LLM. Every quoted utterance (scorecard evidence and
mentions) is checked against the transcript file when the report is validated, so a report whose writer
invented or altered a quote is rejected (see :meth:`CallCoachingReport._quotes_exist`).
"""

from __future__ import annotations

from datetime import date as Date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..engines.calls import load_transcript, verify_quotes
from ..engines.calls.batch import CallFailure, CallRow
from ..engines.calls.benchmarks import BenchmarkComparison, RepTrend
from ..engines.calls.models import CallMetrics, Participant
from ..engines.calls.scorecard import Scorecard
from ..errors import SophiaError
from ..tools.calls import CallMentionsResult
from . import sales_coach_render as render
from .base import ReportBase


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CallInfo(_Model):
    """Which call a section is about (the transcript file is what quotes are checked against)."""

    call_id: str
    source: str = Field(description="Transcript file the figures and quotes come from.")
    source_format: str
    date: Date | None = None
    timed: bool
    call_type: str | None = None
    rep: str | None = None
    participants: list[Participant] = Field(default_factory=list)


class CallSection(_Model):
    """One call: figures from the tools plus the coaching prose."""

    call: CallInfo
    metrics: CallMetrics
    benchmarks: list[BenchmarkComparison]
    scorecard: Scorecard
    mentions: CallMentionsResult
    headline: str = Field(description="One-paragraph verdict on the call, from the figures.")
    coaching: list[str] = Field(min_length=1, max_length=5, description="3-5 concrete coaching points.")


class CallCoachingReport(ReportBase):
    """Coaching report for one sales call (mode ``call``) or a folder of calls (mode ``folder``)."""

    mode: Literal["call", "folder"]
    source: str = Field(description="The transcript file or the folder analysed.")
    methodology: str
    summary: str
    calls: list[CallSection] = Field(min_length=1)
    rows: list[CallRow] = Field(default_factory=list, description="Folder mode: one summary row per call.")
    reps: list[RepTrend] = Field(default_factory=list, description="Folder mode: each rep across calls.")
    rep_notes: list[str] = Field(default_factory=list, description="Folder mode: one coaching note per rep.")
    failures: list[CallFailure] = Field(default_factory=list)

    @model_validator(mode="after")
    def _quotes_exist(self) -> CallCoachingReport:
        """Every scorecard and mention quote must occur in the call's transcript (said by that speaker,
        at that time): a writer cannot back a claim with an invented utterance."""
        problems = []
        for sec in self.calls:
            claims = [
                {"criterion": c.id, "quote": e.quote, "speaker": e.speaker, "start": e.start}
                for c in sec.scorecard.criteria
                for e in c.evidence
            ]
            mn = sec.mentions
            claims += [
                {"criterion": m.kind, "quote": m.quote, "speaker": m.speaker, "start": m.start}
                for m in (*mn.next_steps, *mn.competitors, *mn.pricing)
            ]
            if not claims:
                continue
            try:
                transcript = _transcript(sec.call.source, sec.call.source_format)
                checks = verify_quotes(claims, transcript)
            except SophiaError as exc:
                problems.append(f"call {sec.call.call_id}: cannot check quotes: {str(exc).splitlines()[0]}")
                continue
            for chk in checks:
                if not chk.verified:
                    problems.append(
                        f"call {sec.call.call_id}: {chk.criterion} quote “{chk.quote[:80]}” — {chk.reason}"
                    )
        if problems:
            more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
            raise ValueError("unverifiable quotes: " + "; ".join(problems[:3]) + more)
        return self

    # ------------------------------------------------------------------ rendering
    def summary_rows(self) -> list[tuple[str, str]]:
        """The CLI's table: the call's key metrics vs benchmarks, or one line per call in folder mode."""
        if self.mode == "call":
            return render.call_rows(self.calls[0])
        rows = [("calls analysed", str(len(self.calls))), ("reps", str(len(self.reps)))]
        for sec in self.calls:
            m, rep = sec.metrics, sec.metrics.rep
            rows.append((
                f"{sec.call.call_id} {sec.call.rep or ''}".strip(),
                f"talk {render.pct(rep.talk_ratio if rep else None)} · {rep.questions if rep else 'n/a'} questions · "
                f"longest {render.clock(rep.longest_monologue_s if rep else None)} · "
                f"{sec.scorecard.methodology} {sec.scorecard.found}/{sec.scorecard.total} · "
                f"{len(sec.mentions.next_steps) + sec.mentions.omitted.get('next_steps', 0)} next steps"
                + ("" if m.timed else " · untimed"),
            ))
        if self.failures:
            rows.append(("failed files", ", ".join(f.file for f in self.failures)))
        return rows

    def to_markdown(self) -> str:
        if self.mode == "call":
            sec = self.calls[0]
            out = [f"# Call coaching report: {sec.call.call_id}" + (f" ({sec.call.rep})" if sec.call.rep else ""), ""]
            out += [render.facts(sec, self.methodology), "", self.summary.strip(), ""]
            out += render.section(sec, level=2)
            return "\n".join(out).rstrip() + "\n"
        out = [f"# Sales call coaching: {len(self.calls)} calls", "", (f"Folder `{self.source}` · methodology "
               f"{self.methodology}"), "", self.summary.strip(), ""]
        out += render.rep_table(self.reps, self.rep_notes)
        out += render.calls_table(self.rows)
        if self.failures:
            out += ["### Files that could not be analysed", ""]
            out += [f"- `{f.file}`: {f.error}" for f in self.failures] + [""]
        for sec in self.calls:
            out += [f"## {sec.call.call_id}" + (f" · {sec.call.rep}" if sec.call.rep else ""), ""]
            out += [render.facts(sec, self.methodology), ""]
            out += render.section(sec, level=3)
        return "\n".join(out).rstrip() + "\n"


@lru_cache(maxsize=32)
def _transcript_cached(path: str, fmt: str, mtime_ns: int):
    return load_transcript(path, format=fmt)


def _transcript(path: str, fmt: str):
    p = Path(path)
    mtime = p.stat().st_mtime_ns if p.is_file() else 0
    return _transcript_cached(path, fmt, mtime)


# ---------------------------------------------------------------------- formatting helpers
