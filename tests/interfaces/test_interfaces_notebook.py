"""notebooks/quickstart.ipynb executes top to bottom (nbclient) and shows reports, a chart and the history."""

from __future__ import annotations

from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "quickstart.ipynb"


pytestmark = pytest.mark.usefixtures("sophia_home")


def outputs_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        parts.extend(str(v) for k, v in out.get("data", {}).items() if k.startswith("text/"))
    return "\n".join(parts)


def test_quickstart_notebook_runs_green():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    crews_run = eval(outputs_text(code[1]).strip())  # the `runs` dict the notebook chose
    assert len(crews_run) == 2
    kickoffs = outputs_text(code[2])
    assert all(f"{name}: run " in kickoffs for name in crews_run)
    assert any("image/png" in o.get("data", {}) for o in code[6].get("outputs", []))  # the chart
    history = outputs_text(code[7])
    assert all(name in history for name in crews_run) and "succeeded" in history
