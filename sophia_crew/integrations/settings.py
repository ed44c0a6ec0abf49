"""Connection settings for every integration: environment, ``.env`` file, then a YAML profile file.

Every variable is ``SOPHIA_<FIELD>`` (e.g. ``SOPHIA_HUBSPOT_ACCESS_TOKEN``). The profile file is
``SOPHIA_INTEGRATIONS_PROFILE`` or ``$SOPHIA_HOME/integrations.yaml`` (``~/.sophia/integrations.yaml``) with the
same field names in lower case and no prefix. Secrets are :class:`pydantic.SecretStr`; :func:`redact` masks
every configured secret in a string and must wrap every error message and log line that may quote one.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

ENV_PREFIX = "SOPHIA_"


def profile_path() -> Path:
    """Path of the YAML profile file (may not exist)."""
    explicit = os.environ.get("SOPHIA_INTEGRATIONS_PROFILE")
    if explicit:
        return Path(explicit).expanduser()
    home = Path(os.environ.get("SOPHIA_HOME", Path.home() / ".sophia")).expanduser()
    return home / "integrations.yaml"


class IntegrationSettings(BaseSettings):
    """All integration settings. Field ``x`` is read from env ``SOPHIA_X``."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Shared HTTP behaviour (tests shrink the waits).
    http_timeout_seconds: float = 30.0
    http_max_retries: int = 3
    http_backoff_seconds: float = 0.5
    http_max_retry_after_seconds: float = 60.0

    # Gong (Basic auth: access key + access key secret)
    gong_base_url: str = "https://api.gong.io"
    gong_access_key: SecretStr | None = None
    gong_access_key_secret: SecretStr | None = None
    gong_calls_per_second: float = 3.0
    gong_calls_per_day: int = 10_000

    # HubSpot (private app access token)
    hubspot_access_token: SecretStr | None = None
    hubspot_base_url: str = "https://api.hubapi.com"

    # Salesforce (an OAuth access token / session id + instance URL, or username/password/token)
    salesforce_instance_url: str | None = None
    salesforce_access_token: SecretStr | None = None
    salesforce_username: str | None = None
    salesforce_password: SecretStr | None = None
    salesforce_security_token: SecretStr | None = None
    salesforce_domain: str = "login"
    salesforce_api_version: str = "59.0"
    salesforce_ca_bundle: str | None = None
    salesforce_external_id_field: str = "Sophia_External_Id__c"

    # Slack (bot token)
    slack_bot_token: SecretStr | None = None
    slack_base_url: str = "https://slack.com/api/"
    slack_channel: str | None = None
    slack_signing_secret: SecretStr | None = None

    # Warehouse: embedded DuckDB over the demo tenant by default, or Snowflake
    warehouse_backend: Literal["duckdb", "snowflake"] = "duckdb"
    # Comma-separated or a JSON list, e.g. ACCOUNTS,ANALYTICS.PUBLIC.DEALS_V
    warehouse_allowed_tables: Annotated[list[str], NoDecode] = Field(default_factory=list)
    warehouse_row_limit: int = 1000
    warehouse_timeout_seconds: int = 30
    warehouse_duckdb_path: str | None = None
    snowflake_account: str | None = None
    snowflake_user: str | None = None
    snowflake_password: SecretStr | None = None
    snowflake_warehouse: str | None = None
    snowflake_database: str | None = None
    snowflake_schema: str | None = None
    snowflake_role: str | None = None
    snowflake_host: str | None = None  # e.g. a PrivateLink host; default <account>.snowflakecomputing.com

    @field_validator("warehouse_allowed_tables", mode="before")
    @classmethod
    def _split_tables(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            return (
                json.loads(text)
                if text.startswith("[")
                else [t.strip() for t in text.split(",") if t.strip()]
            )
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        profile = YamlConfigSettingsSource(settings_cls, yaml_file=profile_path())
        return init_settings, env_settings, dotenv_settings, profile

    def secret_values(self) -> list[str]:
        """Every configured secret in clear, plus derived forms (Basic-auth blobs) that could leak."""
        values: list[str] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr) and value.get_secret_value():
                values.append(value.get_secret_value())
        key, secret = self.gong_access_key, self.gong_access_key_secret
        if key and secret:
            pair = f"{key.get_secret_value()}:{secret.get_secret_value()}".encode()
            values.append(base64.b64encode(pair).decode())
        # Longest first so a secret containing another is masked whole.
        return sorted(set(values), key=len, reverse=True)

    def redact(self, text: Any) -> str:
        """``text`` as a string with these settings' secrets and every other configured one masked."""
        from ..redact import MIN_CONFIGURED_SECRET, mask, secret_values

        own = [v for v in self.secret_values() if len(v) >= MIN_CONFIGURED_SECRET]
        return mask(str(text), secret_values(own))

    def secret(self, name: str) -> str:
        """Clear value of secret field ``name`` (only for handing to a client library)."""
        value = getattr(self, name)
        return value.get_secret_value() if isinstance(value, SecretStr) else ""


def env_name(field: str) -> str:
    """The environment variable that sets ``field`` (what an error message tells the user to fix)."""
    return f"{ENV_PREFIX}{field.upper()}"


def load_settings(**overrides: Any) -> IntegrationSettings:
    """Settings from env / ``.env`` / profile file; keyword ``overrides`` win (tests, CLI flags)."""
    return IntegrationSettings(**overrides)

