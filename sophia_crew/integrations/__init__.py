"""Integrations: Gong, HubSpot, Salesforce, Slack, Snowflake/DuckDB, the unified CRM model, sync and safe writes.

Client modules import their SDK lazily-enough to keep ``import sophia_crew.integrations`` cheap.
"""
