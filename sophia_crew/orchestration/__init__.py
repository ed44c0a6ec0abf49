"""Orchestration: delegation guard rails, the request manager, consensus, approvals and budgets."""
