"""Workspace configuration: YAML models, line-aware loading and cross-checks."""

from .loader import Workspace, load_workspace, workspace_dir
from .models import AgentSpec, CrewSpec, InputSpec, TaskSpec, json_schemas

__all__ = ["AgentSpec", "CrewSpec", "InputSpec", "TaskSpec", "Workspace", "json_schemas", "load_workspace",
           "workspace_dir"]
