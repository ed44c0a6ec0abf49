"""Run-store tables: runs, steps (task outputs), tool receipts and token usage/cost."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base


class RunRow(Base):
    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    crew: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # running|succeeded|failed|waiting_approval|rejected
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    llm_profiles: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    written_by: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    host: Mapped[str] = mapped_column(String(255), default="")
    pid: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    report_files: Mapped[list[str]] = mapped_column(JSON, default=list)
    trigger: Mapped[str] = mapped_column(String(50), default="api")
    result: Mapped[Any] = mapped_column(JSON, nullable=True)  # RunResult.to_json() once finished

    steps: Mapped[list[StepRow]] = relationship(back_populates="run", cascade="all, delete-orphan",
                                                  order_by="StepRow.seq")
    receipts: Mapped[list[ReceiptRow]] = relationship(back_populates="run", cascade="all, delete-orphan",
                                                        order_by="ReceiptRow.seq")
    usage: Mapped[list[UsageRow]] = relationship(back_populates="run", cascade="all, delete-orphan")


class StepRow(Base):
    """One finished task: which agent did it and what it produced."""

    __tablename__ = "run_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    task: Mapped[str] = mapped_column(String(100))
    agent: Mapped[str] = mapped_column(String(200))
    output: Mapped[Any] = mapped_column(JSON, nullable=True)
    raw: Mapped[str] = mapped_column(Text, default="")
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    run: Mapped[RunRow] = relationship(back_populates="steps")


class ReceiptRow(Base):
    """One tool call: name, arguments, output, timing."""

    __tablename__ = "tool_receipts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    task: Mapped[str | None] = mapped_column(String(100), nullable=True)
    agent: Mapped[str | None] = mapped_column(String(100), nullable=True)
    tool: Mapped[str] = mapped_column(String(100), index=True)
    arguments: Mapped[Any] = mapped_column(JSON)
    output: Mapped[Any] = mapped_column(JSON, nullable=True)
    ok: Mapped[bool] = mapped_column(default=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    duration_ms: Mapped[float] = mapped_column(Float)

    run: Mapped[RunRow] = relationship(back_populates="receipts")


class UsageRow(Base):
    """Token usage and estimated cost per agent and task."""

    __tablename__ = "run_usage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    agent: Mapped[str] = mapped_column(String(100))
    task: Mapped[str | None] = mapped_column(String(100), nullable=True)
    model: Mapped[str] = mapped_column(String(200))
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)

    run: Mapped[RunRow] = relationship(back_populates="usage")
