"""Competitive research engine: polite fetching, structured extraction, snapshots, diffs and battlecards.

Pure Python, no crewAI. The agent-facing wrappers live in :mod:`sophia_crew.tools.research`.
"""

from .models import (
    Battlecard,
    BattlecardLine,
    BattlecardSection,
    Change,
    ChangeSet,
    CompanyProfile,
    Evidence,
    Fact,
    FetchResult,
    InjectionFlag,
    JobPosting,
    JobsNews,
    NewsItem,
    PricePoint,
    PricingResult,
    PricingTier,
    Snapshot,
)

__all__ = [
    "Battlecard",
    "BattlecardLine",
    "BattlecardSection",
    "Change",
    "ChangeSet",
    "CompanyProfile",
    "Evidence",
    "Fact",
    "FetchResult",
    "InjectionFlag",
    "JobPosting",
    "JobsNews",
    "NewsItem",
    "PricePoint",
    "PricingResult",
    "PricingTier",
    "Snapshot",
]
