"""Fixtures for the integration tests: isolated settings/store and the fake servers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

FAKES = Path(__file__).resolve().parents[1] / "fakes"
if str(FAKES) not in sys.path:
    sys.path.insert(0, str(FAKES))

from fake_http import FakeServer
from hubspot_fake import TOKEN as HS_TOKEN
from hubspot_fake import HubSpotFake
from salesforce_fake import TOKEN as SF_TOKEN
from salesforce_fake import SalesforceFake
from slack_fake import TOKEN as SLACK_TOKEN
from slack_fake import SlackFake

from sophia_crew.integrations.settings import IntegrationSettings

CRM_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "integrations" / "crm"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """No user env, .env or profile leaks into a test."""
    for name in list(os.environ):
        if name.startswith("SOPHIA_") and name != "SOPHIA_SHARED_DATA":
            monkeypatch.delenv(name)
    monkeypatch.setenv("SOPHIA_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


def fast_settings(**kw) -> IntegrationSettings:
    """Settings with tiny waits so retry tests stay fast (Retry-After still honoured)."""
    base = {
        "http_max_retries": 2,
        "http_backoff_seconds": 0.01,
        "http_max_retry_after_seconds": 2,
        "http_timeout_seconds": 5,
    }
    base.update(kw)
    return IntegrationSettings(_env_file=None, **base)


@pytest.fixture
def hubspot():
    fake = HubSpotFake()
    with FakeServer(fake) as server:
        server.fake = fake
        server.settings = fast_settings(hubspot_access_token=HS_TOKEN, hubspot_base_url=server.url)
        yield server


@pytest.fixture
def salesforce():
    fake = SalesforceFake()
    with FakeServer(fake, tls=True) as server:
        server.fake = fake
        server.settings = fast_settings(
            salesforce_instance_url=server.url,
            salesforce_access_token=SF_TOKEN,
            salesforce_ca_bundle=server.ca_bundle,
        )
        yield server


@pytest.fixture
def slack():
    fake = SlackFake()
    with FakeServer(fake) as server:
        fake.base = server.url
        server.fake = fake
        server.settings = fast_settings(
            slack_bot_token=SLACK_TOKEN, slack_base_url=server.url + "/api/", slack_channel="C0REVOPS01"
        )
        yield server
