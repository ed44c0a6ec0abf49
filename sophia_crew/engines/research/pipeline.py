"""The deterministic offline research pipeline: fetch → extract → snapshot/diff → battlecard.

The crewAI crew drives the same steps through the tools; this function is the reference run (and what
the injection test checks: page content never changes which steps run or with which arguments).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, Field

from .battlecard import ProductFacts, build_battlecard, render_battlecard
from .diff import diff_snapshots
from .extract import extract_profile
from .fetcher import Fetcher, FetchError
from .jobs_news import extract_jobs_news
from .models import Battlecard, ChangeSet, CompanyProfile, FetchResult, InjectionFlag, JobsNews, PricingResult
from .pricing import extract_pricing
from .snapshots import SnapshotStore, take_snapshot
from .textutil import parse_html, text_of

PAGE_KINDS = {
    "about": re.compile(r"about|company|ueber-uns|uber-uns|über|unternehmen|team", re.IGNORECASE),
    "pricing": re.compile(r"pricing|prices|preise|plans|tarife", re.IGNORECASE),
    "careers": re.compile(r"careers?|jobs|karriere|join", re.IGNORECASE),
    "news": re.compile(r"news|press|presse|blog|newsroom", re.IGNORECASE),
}


class ToolCall(BaseModel):
    tool: str
    args: dict[str, Any]


class ResearchReport(BaseModel):
    competitor_url: str
    pages: dict[str, str] = Field(default_factory=dict, description="page kind -> URL used")
    profile: CompanyProfile | None = None
    pricing: PricingResult | None = None
    jobs_news: JobsNews | None = None
    changes: ChangeSet | None = None
    battlecard: Battlecard
    markdown: str
    tool_calls: list[ToolCall] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)
    warnings: list[InjectionFlag] = Field(default_factory=list)


def discover_pages(home: FetchResult) -> dict[str, str]:
    """Same-host links from the home page for about / pricing / careers / news (first match per kind)."""
    doc = parse_html(home.text, home.final_url)
    host = urlsplit(home.final_url).netloc
    found: dict[str, str] = {}
    for a in doc.xpath("//a[@href]"):
        url = urljoin(home.final_url, a.get("href")).split("#")[0]
        if urlsplit(url).netloc != host or url.rstrip("/") == home.final_url.rstrip("/"):
            continue
        path, label = urlsplit(url).path, text_of(a)
        for kind, rx in PAGE_KINDS.items():
            if kind not in found and (rx.search(path) or rx.search(label)):
                found[kind] = url
                break
    return found


def merge_profiles(profiles: list[CompanyProfile]) -> CompanyProfile | None:
    """One profile from several pages: first name/description found, union of the lists."""
    if not profiles:
        return None
    merged = profiles[0]
    for other in profiles[1:]:
        update: dict[str, Any] = {"warnings": merged.warnings + other.warnings}
        for single in ("name", "description"):
            if getattr(merged, single) is None:
                update[single] = getattr(other, single)
        for many in ("products_services", "emails", "phones", "addresses"):
            seen = {f.value.casefold() for f in getattr(merged, many)}
            update[many] = getattr(merged, many) + [
                f for f in getattr(other, many) if f.value.casefold() not in seen
            ]
        merged = merged.model_copy(update=update)
    return merged


def research_competitor(
    base_url: str,
    fetcher: Fetcher,
    *,
    store: SnapshotStore | None = None,
    product: ProductFacts | None = None,
    min_facts: int = 2,
    now: dt.datetime | None = None,
    site_id: str | None = None,
) -> ResearchReport:
    """Run the full research pass on a competitor site and build its battlecard.

    Args:
        base_url: competitor home page URL (e.g. a :func:`serve.serve_directory` base URL offline).
        fetcher: the fetcher (robots, rate limit, cache).
        store: snapshot store; when given, the pricing page is snapshotted and diffed with the previous one.
        product: our product facts (default: the knowledge file).
        min_facts: battlecard "insufficient signal" threshold.
        now: battlecard generation time.
        site_id: stable name for snapshots (e.g. ``swiftpay``) when the base URL changes between runs,
            as with a locally served demo directory; snapshots are then keyed ``site_id + path``.
    """
    calls: list[ToolCall] = []
    errors: list[str] = []
    pages_seen: dict[str, FetchResult] = {}

    def fetch(kind: str, url: str) -> FetchResult | None:
        calls.append(ToolCall(tool="fetch_page", args={"url": url}))
        try:
            page = fetcher.fetch(url)
        except FetchError as exc:
            errors.append(f"{kind}: {exc}")
            return None
        pages_seen[kind] = page
        return page

    home_url = base_url if urlsplit(base_url).path else base_url.rstrip("/") + "/"
    home = fetch("home", home_url)
    links = discover_pages(home) if home else {}
    profiles = [p for p in (home,) if p]
    for kind in ("about", "pricing", "careers", "news"):
        if kind in links:
            fetch(kind, links[kind])
    if "about" in pages_seen:
        profiles.append(pages_seen["about"])
    for page in profiles:
        calls.append(ToolCall(tool="extract_company_profile", args={"url": page.url}))
    profile = merge_profiles([extract_profile(p) for p in profiles])
    pricing = None
    if "pricing" in pages_seen:
        calls.append(ToolCall(tool="extract_pricing", args={"url": pages_seen["pricing"].url}))
        pricing = extract_pricing(pages_seen["pricing"])
    jn_parts = []
    for kind in ("careers", "news"):
        if kind in pages_seen:
            calls.append(ToolCall(tool="extract_jobs_news", args={"url": pages_seen[kind].url}))
            jn_parts.append((kind, extract_jobs_news(pages_seen[kind])))
    jobs_news = None
    if jn_parts:
        # careers pages give jobs, the newsroom gives news (dated job lists are not press items)
        jobs_src = [p for k, p in jn_parts if k == "careers"] or [p for _, p in jn_parts]
        news_src = [p for k, p in jn_parts if k == "news"] or [p for _, p in jn_parts]
        jobs_news = JobsNews(
            url=jn_parts[0][1].url,
            jobs=[j for p in jobs_src for j in p.jobs],
            news=[n for p in news_src for n in p.news],
            warnings=[w for _, p in jn_parts for w in p.warnings],
        )
    changes = None
    if store is not None and "pricing" in pages_seen:
        calls.append(ToolCall(tool="competitor_changes", args={"url": pages_seen["pricing"].url}))
        snap = take_snapshot(pages_seen["pricing"])
        if site_id:
            snap = snap.model_copy(update={"url": site_id + urlsplit(snap.url).path})
        history = store.history(snap.url)
        store.save(snap)
        if history:
            changes = diff_snapshots(history[-1], snap)
    calls.append(ToolCall(tool="build_battlecard", args={"competitor_url": base_url}))
    card = build_battlecard(base_url, profile, pricing, jobs_news, product, min_facts=min_facts, now=now)
    return ResearchReport(
        competitor_url=base_url,
        pages={k: v.url for k, v in pages_seen.items()},
        profile=profile,
        pricing=pricing,
        jobs_news=jobs_news,
        changes=changes,
        battlecard=card,
        markdown=render_battlecard(card),
        tool_calls=calls,
        errors=errors,
        warnings=card.warnings,
    )
