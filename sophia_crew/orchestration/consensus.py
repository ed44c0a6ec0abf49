"""Consensus: the same question answered by N independent voters, aggregated by an explicit policy.

crewAI's ``Process`` has no consensual process (``# TODO: consensual`` in crewai/process.py). A crew's
``consensus`` block adds one task per voter (a crewAI task with ``output_pydantic=Verdict``); each voter
answers on its own evidence view (offline: a deterministic engine with that voter's thresholds). The
verdicts are then aggregated here, in code:

- ``majority``: the decision with most votes; a tie is a tie.
- ``weighted``: votes weighted by the voter's ``weight`` × its confidence.
- ``unanimous``: every valid vote must agree.

Votes below ``min_confidence`` or outside ``options`` are invalid; fewer valid votes than ``quorum`` is a
failed quorum. Ties and failed quorums (and a failed unanimity) go to a human: the result says
``needs_human`` and the runner files an approval. Dissenting votes are always listed.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, Field

from ..config.models import ConsensusSpec, TaskSpec


class Verdict(BaseModel):
    """One voter's structured answer."""

    decision: str = Field(description="One of the consensus options.")
    confidence: float = Field(ge=0, le=1, description="0..1")
    evidence: list[str] = Field(default_factory=list, description="Facts (with figures from tools) behind it.")
    rationale: str = ""


class Vote(BaseModel):
    agent: str
    decision: str | None
    confidence: float
    weight: float
    valid: bool
    note: str = ""
    evidence: list[str] = Field(default_factory=list)
    rationale: str = ""


class ConsensusResult(BaseModel):
    """The aggregated outcome, with every vote and the dissent."""

    question: str
    policy: str
    decision: str | None
    needs_human: bool
    reason: str
    tally: dict[str, float]
    quorum: int
    valid_votes: int
    votes: list[Vote]
    dissent: list[Vote]
    human_decision: str | None = None
    decided_by: str | None = None

    def to_markdown(self) -> str:
        lines = ["## Consensus", "", f"**Question:** {self.question}", "",
                 f"**Outcome ({self.policy}):** {self.decision or 'no decision'} — {self.reason}", ""]
        if self.human_decision:
            lines += [f"**Human decision:** {self.human_decision} (by {self.decided_by})", ""]
        lines += ["| voter | vote | confidence | weight | valid |", "|---|---|---|---|---|"]
        for v in self.votes:
            lines.append(f"| {v.agent} | {v.decision or '-'} | {v.confidence:.2f} | {v.weight:g} | "
                         f"{'yes' if v.valid else 'no: ' + v.note} |")
        if self.dissent:
            lines += ["", "**Dissent:** " + "; ".join(
                f"{v.agent} voted {v.decision} ({'; '.join(v.evidence[:2]) or v.rationale})" for v in self.dissent)]
        return "\n".join(lines) + "\n"


def task_name(i: int, agent: str) -> str:
    return f"consensus_{i + 1}_{agent}"


def voter_tasks(spec: ConsensusSpec) -> dict[str, TaskSpec]:
    """One task spec per voter, in order (their names are ``consensus_<n>_<agent>``)."""
    out = {}
    for i, voter in enumerate(spec.voters):
        tool = voter.tool or spec.tool
        persona = f" {voter.persona.strip()}" if voter.persona else ""
        out[task_name(i, voter.agent)] = TaskSpec(
            description=(f"Vote independently on: {spec.question}{persona} Answer with one of "
                         f"{', '.join(spec.options)}, your confidence (0-1) and the evidence behind it."),
            expected_output="A Verdict JSON object: decision, confidence, evidence, rationale.",
            agent=voter.agent,
            tool_inputs={tool: voter.tool_inputs} if tool else {},
            tools=[tool] if tool else [],
        )
    return out


def aggregate(spec: ConsensusSpec, verdicts: list[Verdict | None], question: str | None = None) -> ConsensusResult:
    """Apply the policy to the voters' verdicts (``None`` for a voter that gave no valid verdict)."""
    options = {o.casefold(): o for o in spec.options}
    votes: list[Vote] = []
    for voter, verdict in zip(spec.voters, verdicts):
        if verdict is None:
            votes.append(Vote(agent=voter.agent, decision=None, confidence=0, weight=voter.weight, valid=False,
                              note="no verdict"))
            continue
        decision = options.get(verdict.decision.strip().casefold())
        note = ""
        if decision is None:
            note = f"{verdict.decision!r} is not an option"
        elif verdict.confidence < spec.min_confidence:
            note = f"confidence {verdict.confidence:.2f} < {spec.min_confidence:.2f}"
        votes.append(Vote(agent=voter.agent, decision=decision or verdict.decision, confidence=verdict.confidence,
                          weight=voter.weight, valid=not note, note=note, evidence=verdict.evidence,
                          rationale=verdict.rationale))
    valid = [v for v in votes if v.valid]
    quorum = spec.quorum or len(spec.voters)
    tally: dict[str, float] = defaultdict(float)
    for v in valid:
        tally[v.decision] += v.weight * v.confidence if spec.policy == "weighted" else 1.0
    tally = {k: round(val, 6) for k, val in sorted(tally.items(), key=lambda kv: -kv[1])}
    decision, reason = None, ""
    if len(valid) < quorum:
        reason = f"quorum not met: {len(valid)} valid votes of {quorum} needed"
    elif spec.policy == "unanimous":
        if len(tally) == 1:
            decision, reason = next(iter(tally)), f"all {len(valid)} valid votes agree"
        else:
            reason = "not unanimous: " + ", ".join(f"{k} {v:g}" for k, v in tally.items())
    else:
        ranked = list(tally.items())
        if len(ranked) > 1 and abs(ranked[0][1] - ranked[1][1]) < 1e-9:
            reason = "tie: " + ", ".join(f"{k} {v:g}" for k, v in ranked)
        else:
            decision = ranked[0][0]
            reason = f"{decision} leads " + ", ".join(f"{k} {v:g}" for k, v in ranked)
    dissent = [v for v in valid if decision is not None and v.decision != decision]
    if decision is None:
        dissent = [v for v in valid]
    return ConsensusResult(question=question or spec.question, policy=spec.policy, decision=decision,
                           needs_human=decision is None, reason=reason, tally=tally, quorum=quorum,
                           valid_votes=len(valid), votes=votes, dissent=dissent)
