"""Report of the ``research`` crew: a competitor battlecard where every claim cites a dated source.

Lines are tagged internal or customer-safe; thin sections say "insufficient signal"; changes since the
previous snapshot are structured rows; instruction-like text found in the scraped pages is surfaced as
warnings (it was never obeyed).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .base import ReportBase

AUDIENCE_LABEL = {"internal": "internal", "customer_safe": "customer-safe"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Strict):
    """Where a claim comes from: a URL (or named document) and the date it was read."""

    url: str = Field(min_length=1)
    date: dt.date
    quote: str = Field("", description="short quote of the page, when there is one")

    def cite(self) -> str:
        return f"{self.url} ({self.date.isoformat()})"


class Claim(_Strict):
    """One battlecard line."""

    text: str = Field(min_length=1)
    audience: Literal["internal", "customer_safe"]
    sources: list[Source] = Field(min_length=1)

    def citations(self) -> str:
        return "; ".join(dict.fromkeys(s.cite() for s in self.sources))


class Section(_Strict):
    key: str
    title: str
    insufficient_signal: bool = False
    note: str = ""
    lines: list[Claim] = Field(default_factory=list)


class PriceRow(_Strict):
    """A competitor tier next to the PayReady tier it competes with."""

    their_tier: str
    their_prices: list[str] = Field(default_factory=list)
    their_monthly: float | None = None
    currency: str | None = None
    our_tier: str | None = None
    our_monthly: float | None = None
    diff_pct: float | None = Field(None, description="their monthly vs ours in %, + means they cost more")
    contact_sales: bool = False
    source: Source


class ChangeRow(_Strict):
    """One structured change of the competitor's site since the baseline."""

    page: str
    kind: str
    tier: str | None = None
    item: str = ""
    old: str | None = None
    new: str | None = None
    old_amount: float | None = None
    new_amount: float | None = None
    pct_change: float | None = None
    description: str
    since: dt.date | None = Field(None, description="date of the snapshot compared with")
    source: Source


class InjectionWarning(_Strict):
    source_url: str
    rule: str
    snippet: str


class ResearchReport(ReportBase):
    """Competitive research on one competitor: battlecard, pricing comparison and changes, all cited."""

    competitor: str
    competitor_url: str
    our_product: str
    generated_at: dt.datetime
    pages: dict[str, str] = Field(default_factory=dict, description="page kind -> URL read")
    highlights: list[Claim] = Field(default_factory=list, description="what a rep must know first")
    sections: list[Section] = Field(default_factory=list)
    pricing: list[PriceRow] = Field(default_factory=list)
    changes_baseline: str = ""
    changes: list[ChangeRow] = Field(default_factory=list)
    injection_warnings: list[InjectionWarning] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list, description="pages that could not be read")

    def claims(self) -> list[Claim]:
        """Every claim line of the report (highlights and sections)."""
        return self.highlights + [c for s in self.sections for c in s.lines]

    @property
    def insufficient(self) -> list[str]:
        return [s.title for s in self.sections if s.insufficient_signal]

    def summary_rows(self) -> list[tuple[str, str]]:
        claims = self.claims()
        internal = sum(c.audience == "internal" for c in claims)
        cheaper = [r for r in self.pricing if r.diff_pct is not None and r.diff_pct < 0]
        return [
            ("competitor", f"{self.competitor} ({self.competitor_url})"),
            ("pages read", str(len(self.pages))),
            ("cited claims", f"{len(claims)} ({internal} internal, {len(claims) - internal} customer-safe)"),
            ("tiers compared", f"{len(self.pricing)} ({len(cheaper)} cheaper than ours)"),
            ("changes", f"{len(self.changes)} (baseline: {self.changes_baseline or 'n/a'})"),
            ("insufficient signal", ", ".join(self.insufficient) or "none"),
            ("injection warnings", str(len(self.injection_warnings))),
            ("errors", str(len(self.errors))),
        ]

    def to_markdown(self) -> str:
        out = [
            f"# Battlecard: {self.our_product} vs {self.competitor}",
            "",
            f"Competitor site: {self.competitor_url} · generated {self.generated_at:%Y-%m-%d %H:%M} UTC  ",
            (
                "Lines tagged **[internal]** must not be shared with customers; **[customer-safe]** lines may "
                "be. Every line cites its source and the date it was read."
            ),
        ]
        if self.injection_warnings:
            passages: dict[tuple[str, str], list[str]] = {}
            for w in self.injection_warnings:
                passages.setdefault((w.source_url, w.snippet), []).append(w.rule)
            out += [
                "",
                (
                    f"> **Warning:** {len(passages)} instruction-like passage(s) in the scraped pages were "
                    "treated as data and ignored (no tool call, no line of this card comes from them):"
                ),
            ]
            out += [
                f'> - {url}: "{snippet}" ({", ".join(rules)})' for (url, snippet), rules in passages.items()
            ]
        if self.errors:
            out += ["", "**Pages not read:** " + "; ".join(self.errors)]
        if self.highlights:
            out += ["", "## Highlights", ""] + [_line(c) for c in self.highlights]
        if self.pricing:
            out += [
                "",
                "## Price comparison",
                "",
                (
                    f"| {self.competitor} tier | their prices | their monthly | {self.our_product} tier | "
                    "our monthly | difference | source |"
                ),
                "|---|---|---|---|---|---|---|",
            ]
            for r in self.pricing:
                diff = f"{r.diff_pct:+.1f}%" if r.diff_pct is not None else "not comparable"
                out.append(
                    f"| {r.their_tier} | {'; '.join(r.their_prices)} | {_money(r.their_monthly, r.currency)} | "
                    f"{r.our_tier or '—'} | {_money(r.our_monthly, 'USD')} | {diff} | {r.source.cite()} |"
                )
        for s in self.sections:
            out += ["", f"## {s.title}", ""]
            if s.insufficient_signal:
                out.append(f"_Insufficient signal: {s.note or 'not enough evidence'}._")
            else:
                out += [_line(c) for c in s.lines]
        out += [
            "",
            "## Changes since the last snapshot",
            "",
            f"Baseline: {self.changes_baseline or 'n/a'}.",
            "",
        ]
        if self.changes:
            out += ["| page | change | tier | detail | since | source |", "|---|---|---|---|---|---|"]
            for c in self.changes:
                since = c.since.isoformat() if c.since else "—"
                out.append(
                    f"| {c.page} | {c.kind.replace('_', ' ')} | {c.tier or '—'} | "
                    f"{c.description.replace('|', '/')} | {since} | {c.source.cite()} |"
                )
        else:
            out.append("_No structured change detected._")
        return "\n".join(out) + "\n"


def _money(amount: float | None, currency: str | None) -> str:
    if amount is None:
        return "—"
    return f"{currency or ''} {amount:,.2f}".strip().replace(".00", "")


def _line(claim: Claim) -> str:
    return f"- **[{AUDIENCE_LABEL[claim.audience]}]** {claim.text} — _source: {claim.citations()}_"
