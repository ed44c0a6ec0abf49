"""Warehouse: guard (sqlglot), Snowflake via the real connector (fakesnow / a fake login endpoint), DuckDB."""

from __future__ import annotations

import warnings

import pytest
import snowflake.connector
from conftest import CRM_FIXTURE, fast_settings
from fake_http import FakeServer, Reply

from sophia_crew.errors import InputError, IntegrationError
from sophia_crew.integrations.snowflake import DuckDBWarehouse, SnowflakeWarehouse, check_sql

PASSWORD = "Sn0wflake-Secret-Pw"
ALLOWED = ["ACCOUNTS", "ANALYTICS.PUBLIC.DEALS_V"]


def sf_settings(**kw):
    return fast_settings(
        warehouse_backend="snowflake",
        snowflake_account="acct",
        snowflake_user="svc_sophia",
        snowflake_password=PASSWORD,
        snowflake_database="ANALYTICS",
        snowflake_schema="PUBLIC",
        warehouse_allowed_tables=ALLOWED,
        warehouse_row_limit=100,
        **kw,
    )


@pytest.fixture
def fakesnow_patch():
    import snowflake_compat

    snowflake_compat.install()
    import fakesnow

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with fakesnow.patch():
            conn = snowflake.connector.connect(
                account="acct", user="u", password="p", database="ANALYTICS", schema="PUBLIC"
            )
            conn.cursor().execute("CREATE TABLE accounts (id INT, name VARCHAR, arr DOUBLE)")
            conn.cursor().execute(
                "INSERT INTO accounts VALUES "
                + ",".join(f"({i}, 'acct {i}', {i * 1000})" for i in range(1, 8))
            )
            conn.cursor().execute("CREATE TABLE secrets (v VARCHAR)")
            yield


@pytest.mark.parametrize(
    "sql, reason",
    [
        ("SELECT * FROM accounts; DROP TABLE accounts", "exactly one statement"),
        ("SELECT 1; SELECT 2", "exactly one statement"),
        ("SELECT * FROM secrets", "SECRETS is not in the allow-list"),
        (
            "SELECT a.id FROM accounts a JOIN analytics.public.secrets s ON a.id = s.v",
            "ANALYTICS.PUBLIC.SECRETS",
        ),
        ("DELETE FROM accounts", "only read-only SELECT"),
        ("WITH x AS (SELECT * FROM secrets) SELECT * FROM x", "SECRETS is not in the allow-list"),
    ],
)
def test_guard_refuses(sql, reason):
    with pytest.raises(InputError, match=reason):
        check_sql(sql, set(ALLOWED), "snowflake")


def test_guard_accepts_ctes_and_qualified_allowed_views():
    check_sql(
        "WITH big AS (SELECT * FROM accounts WHERE arr > ?) SELECT count(*) FROM big",
        set(ALLOWED),
        "snowflake",
    )
    check_sql("SELECT * FROM analytics.public.deals_v", set(ALLOWED), "snowflake")


def test_snowflake_query_binds_parameters_and_caps_rows(fakesnow_patch):
    wh = SnowflakeWarehouse(sf_settings())
    res = wh.query("SELECT id, name FROM accounts WHERE arr >= ? ORDER BY id", [3000], limit=3)
    assert res.columns == ["ID", "NAME"] and res.rows == [[3, "acct 3"], [4, "acct 4"], [5, "acct 5"]]
    assert res.truncated is True
    with pytest.raises(InputError, match="not in the allow-list"):
        wh.query("SELECT * FROM secrets")
    wh.close()


def test_snowflake_paging_over_three_pages(fakesnow_patch):
    wh = SnowflakeWarehouse(sf_settings())
    pages = list(wh.pages("SELECT id FROM accounts ORDER BY id", page_size=3))
    assert [[r[0] for r in rows] for _, rows in pages] == [[1, 2, 3], [4, 5, 6], [7]]
    wh.close()


def _login_ok():
    return {
        "data": {
            "token": "T",
            "masterToken": "M",
            "sessionId": 1,
            "parameters": [],
            "sessionInfo": {"databaseName": None, "schemaName": None, "warehouseName": None, "roleName": "R"},
        },
        "code": None,
        "message": None,
        "success": True,
    }


def test_snowflake_login_429_waits_retry_after_then_succeeds():
    with FakeServer(lambda r: Reply(200, _login_ok())) as server:
        server.inject("/session/v1/login-request", Reply(429, "Too Many Requests", {"Retry-After": "1"}))
        wh = SnowflakeWarehouse(sf_settings(snowflake_host=server.url))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wh._cursor()  # opens the connection through the real connector
            wh.close()
        assert [r.path for r in server.requests][:2] == ["/session/v1/login-request"] * 2


def test_snowflake_5xx_exhausted_is_a_clear_error():
    def handle(req):
        return Reply(200, _login_ok()) if "login" in req.path else Reply(503, "Service Unavailable")

    with FakeServer(handle) as server:
        wh = SnowflakeWarehouse(sf_settings(snowflake_host=server.url, http_timeout_seconds=2))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # The connector gives up on its time budget or on its attempt count, whichever comes first on this
            # machine's timing; both are the exhausted-retries error (the second names the last 503).
            with pytest.raises(
                IntegrationError, match=r"snowflake: .*(timed out|max attempts \(\d+\) reached; last status 503)"
            ):
                wh.query("SELECT id FROM accounts")
            wh.close()  # the login succeeded: the session stays open after the failed query
        assert len(server.seen("POST", "/queries/v1/query-request")) >= 2


def test_snowflake_auth_failure_names_the_settings_and_hides_the_password():
    refusal = {
        "data": None,
        "code": "390100",
        "message": "Incorrect username or password was specified.",
        "success": False,
    }
    with FakeServer(lambda r: Reply(200, refusal)) as server:
        wh = SnowflakeWarehouse(sf_settings(snowflake_host=server.url))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(IntegrationError) as err:
                wh.query("SELECT id FROM accounts")
    msg = str(err.value)
    assert "SOPHIA_SNOWFLAKE_PASSWORD" in msg and "SOPHIA_SNOWFLAKE_USER" in msg and PASSWORD not in msg


def test_duckdb_warehouse_same_interface_over_csvs():
    wh = DuckDBWarehouse(fast_settings(warehouse_row_limit=2), root=CRM_FIXTURE)
    res = wh.query(
        "SELECT name, arr_usd FROM accounts WHERE segment = ? ORDER BY arr_usd DESC", ["Mid-Market"]
    )
    assert res.rows == [["Borealis Freight", 96000], ["Elm Schools", 60000]] and res.truncated is False
    assert wh.query("SELECT deal_id FROM deals ORDER BY deal_id").truncated is True
    with pytest.raises(InputError, match="exactly one statement"):
        wh.query("SELECT 1 FROM accounts; SELECT 2 FROM deals")
    with pytest.raises(InputError, match="table functions are not allowed|not in the allow-list"):
        wh.query("SELECT * FROM read_csv('/etc/passwd')")
