"""Salesforce client (simple-salesforce over TLS to the local fake): paging, 429, 5xx, auth, upsert."""

from __future__ import annotations

import pytest
from conftest import fast_settings
from fake_http import Reply

from sophia_crew.errors import IntegrationError
from sophia_crew.integrations.salesforce import SalesforceClient
from sophia_crew.integrations.sync import load_crm, sync_crm


def test_query_all_follows_next_records_url_over_three_pages(salesforce):
    records = SalesforceClient(salesforce.settings).query_all("SELECT Id, Name FROM Account")
    assert len(records) == 5 and records[0]["Name"] == "Acme Dental"
    assert len(salesforce.seen("GET", "/query")) == 3  # query + 2 nextRecordsUrl pages


def test_429_waits_retry_after_then_succeeds(salesforce):
    salesforce.inject(
        "/query",
        Reply(429, [{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "slow down"}], {"Retry-After": "1"}),
    )
    records = SalesforceClient(salesforce.settings).query_all("SELECT Id FROM User")
    assert len(records) == 2
    assert len(salesforce.seen("GET", "/query")) == 2


def test_5xx_exhausted_is_a_clear_error_and_nothing_is_written(salesforce, db_url):
    salesforce.inject("/query", *[Reply(503, [{"errorCode": "SERVER_UNAVAILABLE", "message": "down"}])] * 5)
    with pytest.raises(IntegrationError, match=r"salesforce: query failed"):
        sync_crm("salesforce", db_url, settings=salesforce.settings)
    assert len(salesforce.seen("GET", "/query")) == 3
    assert load_crm("salesforce", db_url).owners == []


def test_expired_session_names_the_setting_and_hides_the_token(salesforce):
    bad = "00D5e0000000001!ExpiredSessionSecret"
    settings = fast_settings(
        salesforce_instance_url=salesforce.url,
        salesforce_access_token=bad,
        salesforce_ca_bundle=salesforce.ca_bundle,
    )
    with pytest.raises(IntegrationError) as err:
        SalesforceClient(settings).query_all("SELECT Id FROM Account")
    assert "SOPHIA_SALESFORCE_ACCESS_TOKEN" in str(err.value)
    assert bad not in str(err.value)


def test_upsert_by_external_id(salesforce):
    status = SalesforceClient(salesforce.settings).upsert(
        "Task", "Sophia_External_Id__c", "k1", {"Subject": "x"}
    )
    assert status == 201
    assert salesforce.fake.writes == [("upsert", "Task/Sophia_External_Id__c/k1", {"Subject": "x"})]
