"""Base class of every report model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ReportBase(BaseModel):
    """A structured report a task produces. Subclasses override :meth:`to_markdown`."""

    model_config = ConfigDict(extra="forbid")

    def to_markdown(self) -> str:
        """Markdown rendering of the report (default: the fields as a bullet list)."""
        lines = [f"# {type(self).__name__}", ""]
        for name, value in self.model_dump(mode="json").items():
            lines.append(f"- **{name}**: {value}")
        return "\n".join(lines) + "\n"


def md_cell(text: object) -> str:
    """Text for one Markdown table cell: a ``|`` (as in series ids like "SMB | EMEA") or a line break would
    split the row; None is an empty cell."""
    return ("" if text is None else str(text)).replace("|", "\\|").replace("\n", " ")
