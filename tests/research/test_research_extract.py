"""Company/contact extraction and boilerplate removal on real saved German pages (../shared/data/web_pages).

Expected values were read by hand from the HTML of each capture (footer/contact blocks, <title>, meta tags).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from sophia_crew.engines.research.extract import extract_profile, main_text
from sophia_crew.engines.research.textutil import page_from_html

WHEN = datetime(2026, 11, 15, tzinfo=UTC)


@pytest.fixture
def page(shared_data):
    def load(name: str, url: str):
        html = shared_data("web_pages", "trafilatura_real_captures", name).read_text(encoding="utf-8")
        return page_from_html(html, url, WHEN)

    return load


def digits(number: str) -> str:
    return re.sub(r"\D", "", number.replace("(0)", ""))


def test_viehbacher_contacts(page):
    p = page("viehbacher.com.steuerrecht.html", "https://viehbacher.com/de/steuerrecht")
    profile = extract_profile(p)
    assert profile.name.value == "Kanzlei Viehbacher"
    assert profile.description.value.startswith(
        "Sie benötigen Beratung & Vertretung bei internationalen steuerlichen"
    )
    assert [f.value for f in profile.emails] == ["steuer-de@viehbacher.com", "muenchen@viehbacher.com"]
    assert [digits(f.value) for f in profile.phones] == ["4999738459" + "0", "49892080" + "27250"]
    assert [f.value for f in profile.addresses] == [
        "Stadtplatz 3, DE-93437 Furth im Wald",
        "Nymphenburger Straße 4, DE-80335 München",
    ]
    for fact in profile.facts():
        assert fact.evidence.source_url == "https://viehbacher.com/de/steuerrecht"
        assert fact.evidence.fetched_at == WHEN and fact.evidence.snippet


def test_toralin_shop_contact_product_and_placeholder_emails(page):
    profile = extract_profile(
        page(
            "toralin.de.schmierfett.html",
            "http://www.toralin.de/schmierfett-reparierend-verschlei-y-910.html",
        )
    )
    assert profile.name.value == "TORALIN"
    assert [f.value for f in profile.products_services] == [
        "XADO Schmierfett Reparierend, Verschleiß 50%, 125 ml"
    ]
    assert profile.emails == []  # only form placeholders like johndoe@domain.com on the page
    assert [f.value for f in profile.phones] == ["+31 (0) 614392096"]  # also written 0031 (0) 614392096
    assert [f.value for f in profile.addresses] == ["Meander 151 (8510), 6825 MB Arnhem"]


def test_fairkom_services_products_and_obfuscated_email(page):
    profile = extract_profile(page("fairkom.eu.about.html", "https://www.fairkom.eu/about"))
    assert profile.name.value == "fairkom"
    offers = [f.value for f in profile.products_services]
    assert offers[:4] == ["Cloud Services", "Software Entwicklung", "Social Design", "Commons"]
    assert {"fairchat", "fairmeeting", "board.net"} <= set(offers)
    assert "Datenschutz" not in offers and "Impressum & AGB's" not in offers
    assert [f.value for f in profile.emails] == ["support@fairkom.eu"]  # written "support [at] fairkom.eu"


def test_rs_ingenieure_name_and_description(page):
    profile = extract_profile(
        page("rs-ingenieure.de.tragwerksplanung.html", "http://www.rs-ingenieure.de/tragwerksplanung")
    )
    assert profile.name.value == "RS Ingenieure"
    assert profile.description.value.startswith("Wir gehören zu den führenden regionalen Baudienstleistern")
    assert profile.emails == [] and profile.phones == []


@pytest.mark.parametrize(
    "name, kept, dropped",
    [
        (
            "rs-ingenieure.de.tragwerksplanung.html",
            "Planung von Tragwerken im Hoch- und Ingenieurbau",
            ["Mitgliedschaften", "Anfahrt"],
        ),
        ("fairkom.eu.about.html", "Genossenschaft light", ["Premium Support", "Server Status", "Referenzen"]),
        (
            "viehbacher.com.steuerrecht.html",
            "Beratung im Steuer- und Wirtschaftsrecht aus einer Hand",
            ["Nymphenburger Straße 4", "© Viehbacher 2016"],
        ),
        ("toralin.de.schmierfett.html", "Kompensiert bis zu 50% Verschleiß", ["Wunschzettel", "Newsletter"]),
        ("erp-news.info.interview.html", "Klaas Bollhoefer", ["Cookie", "Impressum"]),
    ],
)
def test_boilerplate_removed(page, name, kept, dropped):
    p = page(name, "https://example.invalid/page")
    text = main_text(p)
    assert kept in text
    for boiler in dropped:
        assert boiler in p.text  # really on the page ...
        assert boiler not in text  # ... but not in the main text
