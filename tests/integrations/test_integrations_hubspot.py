"""HubSpot client against the local fake: paging, 429, 5xx, auth, search."""

from __future__ import annotations

import pytest
from conftest import fast_settings
from fake_http import Reply

from sophia_crew.errors import IntegrationError
from sophia_crew.integrations.hubspot import HubSpotClient
from sophia_crew.integrations.settings import env_name
from sophia_crew.integrations.sync import load_crm, sync_crm


def test_paging_follows_after_over_three_pages(hubspot):
    hubspot.fake.page_size = 2
    companies = list(HubSpotClient(hubspot.settings).objects("companies", ["name"]))
    assert [c["properties"]["name"] for c in companies][:2] == ["Acme Dental", "Borealis Freight"]
    assert len(companies) == 5
    pages = hubspot.seen("GET", "/crm/v3/objects/companies")
    assert [p.param("after") for p in pages] == [None, "2", "4"]


def test_429_waits_retry_after_then_succeeds(hubspot):
    hubspot.inject(
        "/crm/v3/owners",
        Reply(
            429, {"status": "error", "message": "rate limit", "category": "RATE_LIMITS"}, {"Retry-After": "1"}
        ),
    )
    owners = list(HubSpotClient(hubspot.settings).owners())
    assert len(owners) == 2
    calls = hubspot.seen("GET", "/crm/v3/owners")
    assert len(calls) == 2  # the 429, then the page


def test_5xx_exhausted_is_a_clear_error_and_nothing_is_written(hubspot, db_url):
    hubspot.inject("/crm/v3/owners", *[Reply(502, "Bad Gateway")] * 5)
    with pytest.raises(IntegrationError, match=r"hubspot: list owners failed: HTTP 502"):
        sync_crm("hubspot", db_url, settings=hubspot.settings)
    assert len(hubspot.seen("GET", "/crm/v3/owners")) == 3  # 1 + http_max_retries
    assert load_crm("hubspot", db_url).owners == []


def test_expired_token_names_the_setting_and_hides_the_token(hubspot):
    bad = "pat-na1-expired-secret-9999"
    settings = fast_settings(hubspot_access_token=bad, hubspot_base_url=hubspot.url)
    with pytest.raises(IntegrationError) as err:
        list(HubSpotClient(settings).owners())
    assert env_name("hubspot_access_token") in str(err.value)
    assert bad not in str(err.value)


def test_search_api_pages_results(hubspot):
    hubspot.fake.page_size = 1
    found = HubSpotClient(hubspot.settings).search(
        "companies", [{"propertyName": "industry", "operator": "EQ", "value": "Healthcare"}], ["name"]
    )
    assert sorted(f["properties"]["name"] for f in found) == ["Acme Dental", "Cobalt Clinics"]
    assert len(hubspot.seen("POST", "/search")) == 2
