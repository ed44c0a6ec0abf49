"""SQLAlchemy declarative base and engine factory shared by every table sophia_crew stores.

SQLite under the data directory by default; any SQLAlchemy URL via ``SOPHIA_DATABASE_URL``.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, sessionmaker

from ..resources import data_dir


class Base(DeclarativeBase):
    """Declarative base of every sophia_crew table (runs, receipts, approvals, sync state, audit log...)."""


# Modules defining tables on Base; each is imported before the tables are created.
TABLE_MODULES = [
    "sophia_crew.store.models",
    "sophia_crew.orchestration.approvals",
    "sophia_crew.orchestration.manager",
    "sophia_crew.scheduler.models",
    "sophia_crew.mcp_server.tokens",
]


def database_url() -> str:
    """The run store's URL: ``SOPHIA_DATABASE_URL`` or a SQLite file under :func:`data_dir`."""
    return os.environ.get("SOPHIA_DATABASE_URL") or f"sqlite:///{data_dir() / 'sophia.db'}"


_engine_lock = threading.Lock()


def get_engine(url: str | None = None) -> Engine:
    """Engine for ``url`` (default :func:`database_url`, read now), with every table created (thread-safe)."""
    with _engine_lock:  # two threads must not race on CREATE TABLE for a new database
        return _engine(url or database_url())


@lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL survives a killed process (what the run store must survive) without an fsync per commit
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
    else:
        engine = create_engine(url, pool_pre_ping=True)
    import importlib

    for module in TABLE_MODULES:  # register every table before create_all
        importlib.import_module(module)

    Base.metadata.create_all(engine)
    return engine


def session_factory(url: str | None = None) -> sessionmaker:
    """A ``sessionmaker`` bound to :func:`get_engine`."""
    return sessionmaker(get_engine(url), expire_on_commit=False)
