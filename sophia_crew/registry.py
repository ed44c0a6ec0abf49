"""Tool registry: plain typed Python functions registered by name.

    from sophia_crew.registry import tool

    @tool("call_metrics")
    def call_metrics(transcript: str, reps: list[str] | None = None) -> CallMetrics:
        '''Exact talk-time, question and monologue metrics for one call transcript.'''

The registry builds a Pydantic args model from the signature and a description from the docstring.
It never imports crewAI: :mod:`sophia_crew.crewai_tools` wraps specs into ``crewai.tools.BaseTool``
objects that record a receipt for every call.
"""

from __future__ import annotations

import importlib
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, create_model

from .errors import ConfigError

_loaded = False


@dataclass(frozen=True)
class ToolSpec:
    """A registered tool.

    Attributes:
        name: registry name used in YAML (``tools: [call_metrics]``).
        func: the plain Python function.
        description: what the agent reads about the tool.
        args_model: Pydantic model of the arguments, built from the signature.
        writes: True when the tool writes outside the machine (goes through the approval gate).
    """

    name: str
    func: Callable[..., Any]
    description: str
    args_model: type[BaseModel]
    writes: bool = False
    tags: tuple[str, ...] = field(default_factory=tuple)

    def run(self, **kwargs: Any) -> Any:
        """Validate arguments against the args model and call the function."""
        args = self.args_model(**kwargs)
        return self.func(**args.model_dump())


_REGISTRY: dict[str, ToolSpec] = {}


def _args_model(name: str, func: Callable[..., Any]) -> type[BaseModel]:
    hints = get_type_hints(func)
    fields: dict[str, Any] = {}
    for pname, param in inspect.signature(func).parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise TypeError(f"tool {name!r}: *args/**kwargs are not allowed in tool signatures")
        if pname not in hints:
            raise TypeError(f"tool {name!r}: parameter {pname!r} needs a type annotation")
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[pname] = (hints[pname], default)
    model_name = "".join(part.title() for part in name.split("_")) + "Args"
    return create_model(model_name, __config__=ConfigDict(extra="forbid"), **fields)


def _description(func: Callable[..., Any]) -> str:
    doc = inspect.getdoc(func) or ""
    return doc.split("\n\n")[0].replace("\n", " ").strip()


def tool(
    name: str | None = None,
    *,
    description: str | None = None,
    writes: bool = False,
    tags: tuple[str, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a plain typed function as a tool under ``name`` (default: the function name)."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        tool_name = name or func.__name__
        desc = description or _description(func)
        if not desc:
            raise TypeError(f"tool {tool_name!r} needs a docstring or description")
        _REGISTRY[tool_name] = ToolSpec(
            name=tool_name,
            func=func,
            description=desc,
            args_model=_args_model(tool_name, func),
            writes=writes,
            tags=tuple(tags),
        )
        return func

    return decorate


def _static_index() -> dict[str, str]:
    """Tool name -> module of ``sophia_crew.tools``, read from the source (``@tool("name")``) without importing.

    Importing every tool module pulls in pandas, statsforecast, chromadb…; ``sophia crews`` and ``sophia
    validate`` only need the names, so modules are imported when a tool is actually used.
    """
    global _index
    if _index is None:
        import ast
        from pathlib import Path

        import sophia_crew.tools as package

        _index = {}
        for path in sorted(Path(package.__path__[0]).glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for deco in node.decorator_list:
                    call = deco if isinstance(deco, ast.Call) else None
                    func = call.func if call else deco
                    if not (isinstance(func, ast.Name) and func.id == "tool"):
                        continue
                    name = node.name
                    if call and call.args and isinstance(call.args[0], ast.Constant):
                        name = call.args[0].value
                    for kw in (call.keywords if call else []):
                        if kw.arg == "name" and isinstance(kw.value, ast.Constant):
                            name = kw.value.value
                    _index[name] = f"sophia_crew.tools.{path.stem}"
    return _index


_index: dict[str, str] | None = None


def load_builtin_tools() -> None:
    """Import every module of ``sophia_crew.tools`` and the ``sophia_crew.tools`` entry points (once)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    from importlib.metadata import entry_points

    for module in sorted(set(_static_index().values())):
        importlib.import_module(module)
    for ep in entry_points(group="sophia_crew.tools"):  # third-party tool packages
        importlib.import_module(ep.value.split(":")[0])


def get_tool(name: str) -> ToolSpec:
    """Return the tool registered under ``name`` (importing only its module); ConfigError if unknown."""
    if name not in _REGISTRY:
        module = _static_index().get(name)
        if module is not None:
            importlib.import_module(module)
        else:
            load_builtin_tools()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(tool_names()) or "none"
        raise ConfigError(f"unknown tool {name!r} (registered: {known})") from None


def tool_names() -> list[str]:
    """Names of every tool: sophia's own (read from source), entry points, and any registered at run time."""
    from importlib.metadata import entry_points

    if list(entry_points(group="sophia_crew.tools")):
        load_builtin_tools()
    return sorted(set(_static_index()) | set(_REGISTRY))


def to_jsonable(value: Any) -> Any:
    """Turn a tool's return value into JSON-compatible data (Pydantic models, lists, dicts, scalars)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def render_output(value: Any) -> str:
    """The text an agent sees for a tool's return value: compact JSON unless it is already a string."""
    if isinstance(value, str):
        return value
    return json.dumps(to_jsonable(value), ensure_ascii=False, separators=(",", ":"), default=str)
