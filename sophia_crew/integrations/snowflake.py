"""Read-only warehouse access: Snowflake (snowflake-connector-python) or embedded DuckDB, same interface.

Every query is parsed with sqlglot first and refused unless it is exactly one SELECT over allow-listed
tables/views; values travel only as bound parameters (qmark ``?``); results are capped at a row limit and
queries at a timeout. The DuckDB default loads the demo tenant CSVs and then disables file access.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlglot
from sqlglot import exp

from ..errors import InputError, IntegrationError
from ..resources import demo_path
from .results import QueryResult
from .retry import auth_error, retrying
from .settings import IntegrationSettings, load_settings

AUTH_FIELDS = ["snowflake_user", "snowflake_password", "snowflake_account"]
FORBIDDEN = (
    exp.Insert,
    exp.Update,
    exp.Delete,
    exp.Merge,
    exp.Create,
    exp.Drop,
    exp.Alter,
    exp.Command,
    exp.Copy,
    exp.Set,
    exp.Use,
    exp.Transaction,
    exp.Commit,
    exp.Rollback,
    exp.TruncateTable,
)


def check_sql(sql: str, allowed: set[str], dialect: str) -> exp.Expression:
    """Parse ``sql`` and refuse anything but one SELECT over allow-listed tables.

    ``allowed`` holds upper-case names, bare (``ACCOUNTS``) or qualified (``DB.SCHEMA.ACCOUNTS``).

    Raises:
        InputError: naming the reason (several statements, not a SELECT, table outside the allow-list).
    """
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except sqlglot.errors.ParseError as exc:
        raise InputError(f"sql: cannot parse query: {str(exc).splitlines()[0]}") from None
    if len(statements) != 1:
        raise InputError(f"sql: exactly one statement allowed, got {len(statements)}")
    tree = statements[0]
    if not isinstance(tree, exp.Query) or any(tree.find_all(*FORBIDDEN)):
        raise InputError("sql: only read-only SELECT queries are allowed")
    ctes = {cte.alias_or_name.upper() for cte in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            raise InputError(f"sql: table functions are not allowed ({table.sql(dialect)})")
        name = table.name.upper()
        qualified = ".".join(p.upper() for p in (table.catalog, table.db, table.name) if p)
        if name in ctes and not table.db:
            continue
        if name not in allowed and qualified not in allowed:
            raise InputError(
                f"sql: table {qualified} is not in the allow-list (SOPHIA_WAREHOUSE_ALLOWED_TABLES)"
            )
    return tree


class Warehouse:
    """Shared guard, row limit, paging and timeout; subclasses provide the connection."""

    dialect = "snowflake"
    system = "warehouse"

    def __init__(self, settings: IntegrationSettings, allowed: set[str]):
        self.settings = settings
        self.allowed = {a.upper() for a in allowed}
        self.row_limit = settings.warehouse_row_limit

    def _cursor(self) -> Any:
        raise NotImplementedError

    def _execute(self, cur: Any, sql: str, params: list[Any]) -> None:
        raise NotImplementedError

    def _guarded(self, func: Callable[[], Any]) -> Any:
        return func()

    def close(self) -> None:
        """Release the connection (no-op when none is open)."""
        conn = getattr(self, "_conn", None) or getattr(self, "conn", None)
        if conn is not None:
            conn.close()

    def pages(
        self, sql: str, params: list[Any] | None = None, page_size: int = 500, limit: int | None = None
    ) -> Iterator[tuple[list[str], list[tuple]]]:
        """Yield ``(columns, rows)`` pages of at most ``page_size`` rows, stopping at the row limit."""
        check_sql(sql, self.allowed, self.dialect)
        cap = min(limit or self.row_limit, self.row_limit)
        cur = self._guarded(lambda: self._run(sql, list(params or [])))
        columns = [d[0] for d in cur.description or []]
        seen = 0
        while seen < cap:
            rows = cur.fetchmany(min(page_size, cap - seen))
            if not rows:
                return
            seen += len(rows)
            yield columns, [tuple(r) for r in rows]

    def _run(self, sql: str, params: list[Any]) -> Any:
        cur = self._cursor()
        self._execute(cur, sql, params)
        return cur

    def query(self, sql: str, params: list[Any] | None = None, limit: int | None = None) -> QueryResult:
        """Run one allow-listed SELECT with bound ``params`` (``?`` placeholders); at most the row limit."""
        check_sql(sql, self.allowed, self.dialect)
        cap = min(limit or self.row_limit, self.row_limit)
        cur = self._guarded(lambda: self._run(sql, list(params or [])))
        rows = cur.fetchmany(cap + 1)
        return QueryResult(
            columns=[d[0] for d in cur.description or []],
            rows=[list(r) for r in rows[:cap]],
            truncated=len(rows) > cap,
            row_limit=cap,
        )


class DuckDBWarehouse(Warehouse):
    """Embedded warehouse over the demo tenant CSVs (one table per CSV, named after the file)."""

    dialect = "duckdb"
    system = "duckdb"

    def __init__(self, settings: IntegrationSettings | None = None, root: str | Path | None = None):
        import duckdb

        settings = settings or load_settings()
        root = Path(root) if root else demo_path()
        self.conn = duckdb.connect(settings.warehouse_duckdb_path or ":memory:")
        tables = set()
        for csv in sorted(root.glob("*.csv")):
            name = csv.stem.lower()
            path = str(csv).replace("'", "''")
            self.conn.execute(
                f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_csv_auto('{path}', header=true)"
            )
            tables.add(name)
        # After loading, no query may read or write files (read_csv('/etc/passwd') etc.).
        self.conn.execute("SET enable_external_access = false")
        self.conn.execute("SET lock_configuration = true")
        super().__init__(settings, set(settings.warehouse_allowed_tables) or tables)
        self.tables = sorted(tables)

    def _cursor(self) -> Any:
        return self.conn.cursor()

    def _execute(self, cur: Any, sql: str, params: list[Any]) -> None:
        timer = threading.Timer(self.settings.warehouse_timeout_seconds, cur.interrupt)
        timer.start()
        try:
            cur.execute(sql, params)
        except Exception as exc:
            raise IntegrationError(f"duckdb: query failed: {str(exc).splitlines()[0]}") from None
        finally:
            timer.cancel()


def _retryable_errors() -> tuple[type[BaseException], ...]:
    from snowflake.connector import errors as e

    return (
        e.TooManyRequests,
        e.InternalServerError,
        e.BadGatewayError,
        e.ServiceUnavailableError,
        e.GatewayTimeoutError,
        e.OtherHTTPRetryableError,
    )


class SnowflakeWarehouse(Warehouse):
    """Snowflake through the official connector; connection opened lazily, qmark binding."""

    dialect = "snowflake"
    system = "snowflake"

    def __init__(
        self, settings: IntegrationSettings | None = None, connect: Callable[..., Any] | None = None
    ):
        settings = settings or load_settings()
        missing = [
            f
            for f in ("snowflake_account", "snowflake_user", "snowflake_password")
            if not getattr(settings, f)
        ]
        if missing:
            raise IntegrationError(
                "snowflake: not configured; set " + ", ".join(f"SOPHIA_{m.upper()}" for m in missing)
            )
        if not settings.warehouse_allowed_tables:
            raise IntegrationError(
                "snowflake: no tables allowed; set SOPHIA_WAREHOUSE_ALLOWED_TABLES (JSON list)"
            )
        super().__init__(settings, set(settings.warehouse_allowed_tables))
        self._connect = connect
        self._conn: Any = None

    def _guarded(self, func: Callable[[], Any]) -> Any:
        from snowflake.connector import errors as e

        s = self.settings
        try:
            return retrying(s, _retryable_errors())(func)
        except _retryable_errors() as exc:
            raise IntegrationError(
                f"snowflake: query failed after {s.http_max_retries} retries: {s.redact(exc)}"
            ) from None
        except e.DatabaseError as exc:
            text = str(exc)
            if getattr(exc, "errno", None) in (250001, 390100, 390144) or "password" in text.lower():
                raise auth_error("snowflake", AUTH_FIELDS, s, text) from None
            raise IntegrationError(f"snowflake: {s.redact(text)}") from None
        except e.Error as exc:
            raise IntegrationError(f"snowflake: {s.redact(exc)}") from None

    def _cursor(self) -> Any:
        if self._conn is None:
            import snowflake.connector

            s = self.settings
            connect = self._connect or snowflake.connector.connect
            self._conn = connect(
                account=s.snowflake_account,
                user=s.snowflake_user,
                password=s.secret("snowflake_password"),
                warehouse=s.snowflake_warehouse,
                database=s.snowflake_database,
                schema=s.snowflake_schema,
                role=s.snowflake_role,
                paramstyle="qmark",
                login_timeout=max(1, int(s.http_timeout_seconds)),
                network_timeout=max(1, int(s.http_timeout_seconds)),
                **self._endpoint(),
                session_parameters={"STATEMENT_TIMEOUT_IN_SECONDS": s.warehouse_timeout_seconds},
            )
        return self._conn.cursor()

    def _endpoint(self) -> dict[str, Any]:
        """``host``/``port``/``protocol`` when ``snowflake_host`` overrides the account URL (proxies, tests)."""
        host = self.settings.snowflake_host
        if not host:
            return {}
        parts = urlsplit(host if "://" in host else f"https://{host}")
        return {
            "host": parts.hostname,
            "port": parts.port or (443 if parts.scheme == "https" else 80),
            "protocol": parts.scheme,
        }

    def _execute(self, cur: Any, sql: str, params: list[Any]) -> None:
        cur.execute(sql, params, timeout=self.settings.warehouse_timeout_seconds)

    def ping(self) -> None:
        """Open the connection and run ``SELECT 1`` (not subject to the allow-list), for ``integrations check``."""
        self._guarded(lambda: self._run("SELECT 1", []))


def open_warehouse(settings: IntegrationSettings | None = None) -> Warehouse:
    """The configured warehouse: DuckDB over the demo tenant (default) or Snowflake."""
    settings = settings or load_settings()
    if settings.warehouse_backend == "snowflake":
        return SnowflakeWarehouse(settings)
    return DuckDBWarehouse(settings)
