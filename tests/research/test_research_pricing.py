"""Pricing extraction on hand-written pricing pages of several shapes; expected values read off the HTML."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sophia_crew.engines.research.money import parse_amount, parse_prices
from sophia_crew.engines.research.pricing import extract_pricing
from sophia_crew.engines.research.textutil import page_from_html

PRICING = Path(__file__).resolve().parents[1] / "fixtures" / "research" / "pricing"
WHEN = datetime(2026, 11, 15, 9, 0, tzinfo=UTC)


def tiers(name: str):
    url = f"https://competitor.test/{name}"
    result = extract_pricing(page_from_html((PRICING / name).read_text(encoding="utf-8"), url, WHEN))
    return {t.name: t for t in result.tiers}, result


def points(tier):
    return [(p.amount, p.currency, p.billing_period, p.unit, p.billed_annually) for p in tier.prices]


def test_table_tiers_as_columns():
    got, _ = tiers("table.html")
    assert list(got) == ["Starter", "Team", "Enterprise"]
    assert points(got["Starter"]) == [(19.0, "USD", "monthly", None, False)]
    assert points(got["Team"]) == [(79.0, "USD", "monthly", None, False)]
    assert got["Enterprise"].contact_sales and points(got["Enterprise"]) == [(None, None, None, None, False)]
    assert got["Team"].features == ["Invoices per month: Unlimited", "Multi-currency", "Email support"]
    assert "SSO / SAML" in got["Enterprise"].features and "SSO / SAML" not in got["Team"].features


def test_cards_with_free_per_user_and_custom():
    got, _ = tiers("cards.html")
    assert list(got) == ["Free", "Pro", "Enterprise"]  # "FAQ" / "Can I change plans?" are not tiers
    assert points(got["Free"]) == [(0.0, "USD", None, None, False)]
    assert points(got["Pro"]) == [(25.0, "USD", "monthly", "user", False)]
    assert got["Enterprise"].contact_sales and got["Enterprise"].prices[0].amount is None
    assert got["Pro"].features == ["Unlimited invoices", "Recurring billing", "Stripe & PayPal payouts"]


def test_monthly_yearly_toggle_and_data_attributes():
    got, _ = tiers("toggle.html")
    assert list(got) == ["Essentials", "Growth", "Scale"]
    assert points(got["Essentials"]) == [
        (30.0, "USD", "monthly", "seat", False),
        (24.0, "USD", "monthly", "seat", True),
    ]
    assert points(got["Growth"]) == [
        (60.0, "USD", "monthly", "seat", False),
        (48.0, "USD", "monthly", "seat", True),
    ]
    assert points(got["Scale"]) == [
        (120.0, "USD", "monthly", "seat", False),
        (1150.0, "USD", "yearly", "seat", False),
    ]


def test_prices_only_in_script_json():
    got, _ = tiers("script_json.html")
    assert list(got) == ["Basic", "Premium", "Fleet"]
    assert points(got["Basic"]) == [
        (12.0, "USD", "monthly", "user", False),
        (120.0, "USD", "yearly", "user", False),
    ]
    assert points(got["Premium"]) == [
        (29.5, "USD", "monthly", "user", False),
        (295.0, "USD", "yearly", "user", False),
    ]
    assert got["Fleet"].contact_sales
    assert got["Premium"].features == ["Route planning", "Mobile app", "Live tracking"]


def test_prices_only_in_js_object_literal():
    got, _ = tiers("script_js.html")
    assert list(got) == ["Solo", "Team", "Corporate"]
    assert points(got["Solo"]) == [
        (9.0, "GBP", "monthly", "seat", False),
        (90.0, "GBP", "yearly", "seat", False),
    ]
    assert points(got["Team"]) == [
        (15.5, "GBP", "monthly", "seat", False),
        (155.0, "GBP", "yearly", "seat", False),
    ]
    assert got["Corporate"].contact_sales  # "Talk to sales" CTA, null prices
    assert got["Corporate"].features == ["SSO", "Audit log"]


def test_german_eur_number_format_table_rows():
    got, _ = tiers("eur_de.html")
    assert list(got) == ["Kompakt", "Business", "Konzern"]
    assert points(got["Kompakt"]) == [
        (49.0, "EUR", "monthly", None, False),
        (490.0, "EUR", "yearly", None, False),
    ]
    assert points(got["Business"]) == [
        (1249.5, "EUR", "monthly", None, False),
        (12495.0, "EUR", "yearly", None, False),
    ]
    assert got["Konzern"].contact_sales  # "Preis auf Anfrage"
    assert got["Business"].features == ["Nutzer: bis 50"]


def test_per_seat_and_per_transaction_in_chf():
    got, _ = tiers("per_unit.html")
    assert list(got) == ["Checkout", "Team Seats", "Platform"]
    fee = got["Checkout"].prices[0]
    assert (fee.percent, fee.amount, fee.currency, fee.unit) == (1.4, 0.25, "CHF", "transaction")
    assert points(got["Team Seats"]) == [(15.0, "CHF", "monthly", "seat", False)]
    assert got["Platform"].contact_sales


def test_every_tier_carries_evidence():
    for name in ("table.html", "cards.html", "script_js.html", "eur_de.html"):
        got, result = tiers(name)
        for tier in got.values():
            assert tier.evidence.source_url == f"https://competitor.test/{name}"
            assert tier.evidence.fetched_at == WHEN
            assert tier.evidence.snippet
        assert result.warnings == []


@pytest.mark.parametrize(
    "text, amount",
    [
        ("1.234,56", 1234.56),
        ("1,234.56", 1234.56),
        ("1 234,56", 1234.56),
        ("1'234.50", 1234.5),
        ("29,90", 29.9),
        ("12.495", 12495.0),
        ("49", 49.0),
    ],
)
def test_parse_amount_formats(text, amount):
    assert parse_amount(text) == amount


def test_parse_prices_currency_forms():
    assert [(p.amount, p.currency, p.billing_period) for p in parse_prices("1.234,56 € pro Monat")] == [
        (1234.56, "EUR", "monthly")
    ]
    assert [(p.amount, p.currency, p.billing_period) for p in parse_prices("CHF 49.- / Jahr")] == [
        (49.0, "CHF", "yearly")
    ]
    assert [(p.amount, p.currency, p.unit) for p in parse_prices("£12/seat/mo")] == [(12.0, "GBP", "seat")]
    assert parse_prices("Contact sales") == []


@pytest.mark.parametrize(
    "payload, expected",
    [
        (
            '{"matrix": {"Starter": {"monthly": 49, "annual": 490}, "Growth": {"monthly": 99}}, "currency": "USD"}',
            [("Starter", [(49.0, "monthly"), (490.0, "yearly")]), ("Growth", [(99.0, "monthly")])],
        ),
        (
            '{"currency": "EUR", "prices": {"monthly": {"Starter": 49, "Enterprise": null}, "yearly": {"Starter": 490}}}',
            [("Starter", [(49.0, "monthly"), (490.0, "yearly")]), ("Enterprise", [(None, None)])],
        ),
        (
            '{"plans": [{"id": "pro-plus", "prices": {"month": 79, "year": 790}, "currency": "GBP"}]}',
            [("Pro Plus", [(79.0, "monthly"), (790.0, "yearly")])],
        ),
    ],
)
def test_script_json_shapes(payload, expected):
    html = f'<html><body><h1>Pricing</h1><script type="application/json">{payload}</script></body></html>'
    result = extract_pricing(page_from_html(html, "https://competitor.test/p", WHEN))
    assert [(t.name, [(p.amount, p.billing_period) for p in t.prices]) for t in result.tiers] == expected
