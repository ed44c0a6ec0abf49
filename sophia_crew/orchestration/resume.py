"""Resume handlers run when an approval is decided (see :mod:`sophia_crew.orchestration.approvals`)."""

from __future__ import annotations

from typing import Any

from ..errors import InputError
from .approvals import handler


@handler("finalize_consensus")
def finalize_consensus(approval: dict[str, Any], approved: bool) -> dict[str, Any]:
    """Record the human decision on a consensus that went to a human, rewrite the report, close the run.

    Idempotent: a run already closed is left as it is.
    """
    from ..runner import RunResult, cached_workspace, write_reports
    from ..store.repo import RunStore

    args = approval["handler_args"]
    store = RunStore(args.get("store_url"))
    run = store.get_run(args["run_id"])
    if run["status"] not in ("waiting_approval",):
        return {"run_id": run["id"], "status": run["status"], "note": "already finalised"}
    ws = cached_workspace(args.get("workspace"))
    result = RunResult.from_json(run["result"], ws)
    if approved:
        decision = approval["decision"]
        allowed = {v.casefold(): v for v in ws.crew(result.crew).consensus.options}
        if not decision or decision.casefold() not in allowed:
            raise InputError(f"--decision: give one of {', '.join(allowed.values())}")
        result.consensus.human_decision = allowed[decision.casefold()]
        result.status = "succeeded"
    else:
        result.consensus.human_decision = "rejected"
        result.status = "rejected"
    result.consensus.decided_by = approval["decided_by"]
    files = write_reports(result, args["out_dir"]) if args.get("out_dir") else []
    store.finish_run(result.run_id, status=result.status, written_by=result.written_by,
                     llm_profiles=result.profiles, report_files=[str(p) for p in files], result=result.to_json())
    return {"run_id": result.run_id, "status": result.status, "decision": result.consensus.human_decision}

