"""``sophia integrations check``: per system, configured / reachable / auth OK — never printing a secret."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from ..errors import SophiaError
from .settings import IntegrationSettings, load_settings

SYSTEMS = ("gong", "hubspot", "salesforce", "slack", "warehouse")


class SystemStatus(BaseModel):
    """Health of one integration. ``reachable``/``auth_ok`` are None when not tested."""

    system: str
    configured: bool
    reachable: bool | None = None
    auth_ok: bool | None = None
    detail: str = ""


def _configured(system: str, s: IntegrationSettings) -> bool:
    if system == "gong":
        return bool(s.gong_access_key and s.gong_access_key_secret)
    if system == "hubspot":
        return bool(s.hubspot_access_token)
    if system == "salesforce":
        return bool(
            (s.salesforce_access_token and s.salesforce_instance_url)
            or (s.salesforce_username and s.salesforce_password)
        )
    if system == "slack":
        return bool(s.slack_bot_token)
    if s.warehouse_backend == "snowflake":
        return bool(s.snowflake_account and s.snowflake_user and s.snowflake_password)
    return True  # embedded DuckDB needs nothing


def _pinger(system: str, s: IntegrationSettings) -> Callable[[], Any]:
    if system == "gong":
        from .gong import GongClient

        return lambda: GongClient(s).ping()
    if system == "hubspot":
        from .hubspot import HubSpotClient

        return lambda: HubSpotClient(s).ping()
    if system == "salesforce":
        from .salesforce import SalesforceClient

        return lambda: SalesforceClient(s).ping()
    if system == "slack":
        from .slack import SlackClient

        return lambda: SlackClient(s).ping()
    from .snowflake import DuckDBWarehouse, SnowflakeWarehouse

    if s.warehouse_backend == "snowflake":
        return lambda: SnowflakeWarehouse(s).ping()
    return lambda: DuckDBWarehouse(s)


def check_integrations(
    settings: IntegrationSettings | None = None, systems: tuple[str, ...] = SYSTEMS
) -> list[SystemStatus]:
    """Probe each system with its cheapest authenticated call.

    Args:
        settings: integration settings (default env / .env / profile).
        systems: which systems to probe (default all five).

    Returns:
        One :class:`SystemStatus` per system; ``detail`` is redacted.
    """
    s = settings or load_settings()
    out: list[SystemStatus] = []
    for system in systems:
        if not _configured(system, s):
            out.append(SystemStatus(system=system, configured=False, detail="not configured"))
            continue
        try:
            _pinger(system, s)()
        except SophiaError as exc:
            text = s.redact(exc)
            auth_failed = "authentication failed" in text
            out.append(
                SystemStatus(
                    system=system,
                    configured=True,
                    reachable=auth_failed,
                    auth_ok=False if auth_failed else None,
                    detail=text,
                )
            )
            continue
        except Exception as exc:
            out.append(SystemStatus(system=system, configured=True, reachable=False, detail=s.redact(exc)))
            continue
        label = (
            "duckdb (embedded demo)" if system == "warehouse" and s.warehouse_backend == "duckdb" else "ok"
        )
        out.append(SystemStatus(system=system, configured=True, reachable=True, auth_ok=True, detail=label))
    return out
