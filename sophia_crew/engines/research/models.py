"""Pydantic models shared by the research engine: fetch results, facts with evidence, pricing, diffs, battlecards."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

BillingPeriod = Literal["monthly", "yearly", "one_time"]
Audience = Literal["internal", "customer_safe"]


class FetchResult(BaseModel):
    """One fetched page. ``text`` is the decoded body (HTML); never hand it to an agent unfenced."""

    url: str
    final_url: str
    status: int
    fetched_at: datetime
    content_hash: str = Field(description="sha256 of the raw body bytes")
    content_type: str = ""
    encoding: str = ""
    encoding_errors: bool = Field(
        False, description="True when bytes did not decode cleanly and were replaced"
    )
    from_cache: bool = False
    etag: str | None = None
    last_modified: str | None = None
    redirects: list[str] = Field(default_factory=list)
    size: int = 0
    text: str = ""


class Evidence(BaseModel):
    """Where a fact comes from: URL, fetch time and a short quote of the page."""

    source_url: str
    fetched_at: datetime
    snippet: str

    @property
    def date(self) -> dt.date:
        return self.fetched_at.date()

    def cite(self) -> str:
        """Compact citation, e.g. ``https://x/pricing (2026-11-15)``."""
        return f"{self.source_url} ({self.fetched_at.date().isoformat()})"


class Fact(BaseModel):
    """One extracted value (company name, an e-mail, a product...) with its evidence."""

    field: str
    value: str
    evidence: Evidence


class InjectionFlag(BaseModel):
    """Instruction-like text found in scraped content; recorded, never obeyed."""

    source_url: str
    rule: str
    snippet: str


class CompanyProfile(BaseModel):
    url: str
    name: Fact | None = None
    description: Fact | None = None
    products_services: list[Fact] = Field(default_factory=list)
    emails: list[Fact] = Field(default_factory=list)
    phones: list[Fact] = Field(default_factory=list)
    addresses: list[Fact] = Field(default_factory=list)
    warnings: list[InjectionFlag] = Field(default_factory=list)

    def facts(self) -> list[Fact]:
        """Every fact of the profile, flattened."""
        single = [f for f in (self.name, self.description) if f is not None]
        return single + self.products_services + self.emails + self.phones + self.addresses


class PricePoint(BaseModel):
    """One price of a tier. ``amount`` None means not published (contact sales)."""

    amount: float | None = None
    currency: str | None = None
    billing_period: BillingPeriod | None = None
    unit: str | None = Field(None, description="per-unit basis: seat, user, transaction, ...")
    percent: float | None = Field(None, description="percentage fee, e.g. 2.9 for 2.9% per transaction")
    billed_annually: bool = Field(False, description="monthly-quoted price that is billed yearly")

    def label(self) -> str:
        """Human label such as ``USD 49/user/month (billed annually)``."""
        parts: list[str] = []
        if self.percent is not None:
            parts.append(f"{self.percent:g}%")
        if self.amount is not None:
            money = f"{self.currency or ''} {self.amount:,.2f}".strip().replace(".00", "")
            parts.append(money)
        text = " + ".join(parts) or "contact sales"
        if self.unit:
            text += f"/{self.unit}"
        if self.billing_period:
            text += {"monthly": "/month", "yearly": "/year", "one_time": " one-time"}[self.billing_period]
        if self.billed_annually:
            text += " (billed annually)"
        return text


class PricingTier(BaseModel):
    name: str
    prices: list[PricePoint] = Field(default_factory=list)
    contact_sales: bool = False
    features: list[str] = Field(default_factory=list)
    evidence: Evidence

    def price_for(self, period: str | None = "monthly") -> PricePoint | None:
        """The first price point quoted for ``period`` (not billed annually first), else None."""
        matches = [p for p in self.prices if p.billing_period == period]
        matches.sort(key=lambda p: p.billed_annually)
        return matches[0] if matches else None


class PricingResult(BaseModel):
    url: str
    fetched_at: datetime
    tiers: list[PricingTier] = Field(default_factory=list)
    warnings: list[InjectionFlag] = Field(default_factory=list)


class JobPosting(BaseModel):
    title: str
    location: str | None = None
    department: str | None = None
    evidence: Evidence


class NewsItem(BaseModel):
    title: str
    date: dt.date | None = None
    evidence: Evidence


class JobsNews(BaseModel):
    url: str
    jobs: list[JobPosting] = Field(default_factory=list)
    news: list[NewsItem] = Field(default_factory=list)
    warnings: list[InjectionFlag] = Field(default_factory=list)


class Snapshot(BaseModel):
    """Structured state of one URL at one time; what diffs compare."""

    url: str
    taken_at: datetime
    content_hash: str
    tiers: list[PricingTier] = Field(default_factory=list)
    jobs: list[JobPosting] = Field(default_factory=list)
    news: list[NewsItem] = Field(default_factory=list)
    profile: CompanyProfile | None = None


ChangeKind = Literal[
    "price_changed",
    "price_added",
    "price_removed",
    "tier_added",
    "tier_removed",
    "feature_added",
    "feature_removed",
    "job_added",
    "job_removed",
    "news_added",
]


class Change(BaseModel):
    kind: ChangeKind
    tier: str | None = None
    item: str = Field("", description="feature text, job title, news title or price key")
    old: str | None = None
    new: str | None = None
    old_amount: float | None = None
    new_amount: float | None = None
    pct_change: float | None = None

    def describe(self) -> str:
        """One-line human description of the change."""
        where = f"{self.tier}: " if self.tier else ""
        if self.kind == "price_changed":
            pct = f" ({self.pct_change:+.1f}%)" if self.pct_change is not None else ""
            return f"{where}price ({self.item}): {self.old} -> {self.new}{pct}"
        verb = self.kind.replace("_", " ")
        detail = self.new or self.old or self.item
        return f"{where}{verb}: {detail}"


class ChangeSet(BaseModel):
    url: str
    old_taken_at: datetime | None = None
    new_taken_at: datetime | None = None
    content_changed: bool = False
    changes: list[Change] = Field(default_factory=list)

    def by_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]


class BattlecardLine(BaseModel):
    text: str
    audience: Audience
    sources: list[Evidence] = Field(min_length=1)

    def citations(self) -> str:
        return "; ".join(dict.fromkeys(e.cite() for e in self.sources))


class BattlecardSection(BaseModel):
    key: str
    title: str
    lines: list[BattlecardLine] = Field(default_factory=list)
    insufficient_signal: bool = False
    note: str = ""


class Battlecard(BaseModel):
    competitor: str
    competitor_url: str
    our_product: str
    generated_at: datetime
    sections: list[BattlecardSection] = Field(default_factory=list)
    warnings: list[InjectionFlag] = Field(default_factory=list)

    def section(self, key: str) -> BattlecardSection:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)


class PriceComparison(BaseModel):
    """One competitor tier next to the tier of ours it is matched with (by name, else by position)."""

    their_tier: str
    their_prices: list[str] = Field(default_factory=list, description="every published price, as labels")
    their_monthly: float | None = Field(None, description="monthly list price (not billed annually)")
    currency: str | None = None
    their_unit: str | None = None
    contact_sales: bool = False
    our_tier: str | None = None
    our_monthly: float | None = None
    our_unit: str | None = None
    comparable: bool = Field(False, description="same currency and billing basis, both prices published")
    diff_pct: float | None = Field(None, description="their monthly vs ours in %, + means they cost more")
    evidence: Evidence
    our_source: Evidence | None = None
