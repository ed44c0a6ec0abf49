"""Make fakesnow 0.12 importable with snowflake-connector-python 5.x (test-only shim).

Connector 5.x (Rust core) dropped ``snowflake.connector.converter`` and ``file_util`` and changed
``ResultMetadata.from_column`` to take protobuf columns; fakesnow still imports/calls the 3.x forms. The shim
supplies the two tiny modules (only used by fakesnow for pyformat client-side binding and stage PUT) and
builds ``ResultMetadata`` from fakesnow's column dicts. The code under test still calls the real
``snowflake.connector.connect`` / cursor API; ``fakesnow.patch()`` swaps what is behind it.
"""

from __future__ import annotations

import sys
import types

import snowflake.connector


class _Converter:
    def to_snowflake(self, value):
        return value

    def escape(self, value):
        return value.replace("\\", "\\\\").replace("'", "\\'") if isinstance(value, str) else value

    def quote(self, value):
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, (int, float)):
            return str(value)
        return f"'{value}'"


def install() -> None:
    """Register the shims (idempotent) and import fakesnow."""
    if "snowflake.connector.converter" not in sys.modules:
        conv = types.ModuleType("snowflake.connector.converter")
        conv.SnowflakeConverter = _Converter
        sys.modules["snowflake.connector.converter"] = conv
        snowflake.connector.converter = conv
    if "snowflake.connector.file_util" not in sys.modules:
        fu = types.ModuleType("snowflake.connector.file_util")
        fu.SnowflakeFileUtil = type("SnowflakeFileUtil", (), {})
        sys.modules["snowflake.connector.file_util"] = fu
    import fakesnow.cursor
    import fakesnow.rowtype
    from snowflake.connector.cursor import ResultMetadata

    def describe_as_result_metadata(describe_results: list) -> list:
        return [
            ResultMetadata(
                name=c["name"],
                type_code=0,
                display_size=None,
                internal_size=c.get("length"),
                precision=c.get("precision"),
                scale=c.get("scale"),
                is_nullable=c.get("nullable", True),
            )
            for c in fakesnow.rowtype.describe_as_rowtype(describe_results)
        ]

    fakesnow.rowtype.describe_as_result_metadata = describe_as_result_metadata
    if hasattr(fakesnow.cursor, "describe_as_result_metadata"):
        fakesnow.cursor.describe_as_result_metadata = describe_as_result_metadata
