"""Wrap registered tools into crewAI ``BaseTool`` objects that record a receipt for every call."""

from __future__ import annotations

import time
import uuid
from typing import Any

from crewai.tools import BaseTool
from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from .errors import InputError, SophiaError
from .registry import ToolSpec, render_output, to_jsonable
from .runtime import Receipt, RunContext, utcnow


class ReceiptTool(BaseTool):
    """A crewAI tool running a registered sophia_crew tool and recording its receipt."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    _spec: ToolSpec = PrivateAttr()
    _ctx: RunContext = PrivateAttr()
    _agent_key: str | None = PrivateAttr(default=None)

    def _run(self, **kwargs: Any) -> str:
        started, t0 = utcnow(), time.perf_counter()
        ctx, spec = self._ctx, self._spec
        output: Any = None
        error: str | None = None
        try:
            result = spec.run(**kwargs)
            output = to_jsonable(result)
            text = render_output(result)
        except ValidationError as exc:
            err = exc.errors()[0]
            error = f"invalid arguments for {spec.name}: {'.'.join(map(str, err['loc']))}: {err['msg']}"
            text = f"Error: {error}"
        except SophiaError as exc:
            error = str(exc)
            text = f"Error: {error}"
            if isinstance(exc, InputError) and ctx.fatal is None:
                ctx.fatal = exc
        except Exception as exc:  # a tool bug must not kill the agent loop; it is recorded and reported
            error = f"{type(exc).__name__}: {exc}"
            text = f"Error: {error}"
        ctx.add_receipt(
            Receipt(
                id=uuid.uuid4().hex[:12], run_id=ctx.run_id, task=ctx.current_task, agent=self._agent_key,
                tool=spec.name, arguments=to_jsonable(kwargs), output=output, ok=error is None, error=error,
                started_at=started, duration_ms=(time.perf_counter() - t0) * 1000,
            )
        )
        return text


def make_tool(spec: ToolSpec, ctx: RunContext, agent_key: str | None = None) -> ReceiptTool:
    """A crewAI tool for ``spec`` bound to the run ``ctx``."""
    args_schema: type[BaseModel] = spec.args_model
    tool = ReceiptTool(name=spec.name, description=spec.description, args_schema=args_schema)
    tool._spec = spec
    tool._ctx = ctx
    tool._agent_key = agent_key
    return tool
