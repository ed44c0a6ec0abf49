"""Token scopes and what each grants (tokens.py issues them; a stdio session runs with one). No heavy imports:
the CLI checks ``--scope`` before anything is served."""

SCOPES = {"read": ["read"], "write": ["read", "write"]}
