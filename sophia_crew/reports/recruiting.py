"""``ScreeningReport``: the recruiting crew's blind screening report (shortlists, evidence, kits, fairness).

Candidates appear only by their content-hash id (``C-`` + 6 hex digits of the file's sha256). The
Markdown ends with a candidate key (id → file name) computed locally from the resume folder when the
report is rendered; no agent ever sees it.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, model_validator

from sophia_crew.engines.recruiting.models import AdverseImpactReport, InterviewKit, MatchResult
from sophia_crew.engines.recruiting.screening import RedactionAudit, UnreadableFile, candidate_key
from sophia_crew.errors import SophiaError
from sophia_crew.tools.recruiting import JobShortlist, ScreenedCandidate

from .base import ReportBase, md_cell

# An action taken on a person, as opposed to a suggestion for a human.
_ACTION = re.compile(r"\b(rejected|rejecting|disqualified|eliminated|declined|auto-?reject\w*|screened out)\b", re.IGNORECASE)
_FOR_HUMAN = re.compile(r"\b(human|suggest\w*|recommend\w*|consider|review)\b", re.IGNORECASE)
_STATUS = {"met": "met", "partial": "partial", "missing": "**missing**"}
_SHOWN = {"met": "shown", "partial": "in part", "missing": "not shown"}
_SUB = ("must_have_skills", "nice_to_have", "semantic", "experience", "education")


class FairnessReview(BaseModel):
    """Privacy and fairness section: redaction audit and the four-fifths adverse-impact check."""

    privacy: RedactionAudit
    adverse_impact_status: Literal["run", "not run"]
    adverse_impact_note: str
    adverse_impact: AdverseImpactReport | None = None
    statement: str


class ScreeningReport(ReportBase):
    """Ranked, evidence-backed shortlists, interview kits and a fairness review; humans decide."""

    title: str
    job: str
    resumes: str
    top_k: int
    summary: str
    files: int
    candidates: list[ScreenedCandidate]
    unreadable: list[UnreadableFile]
    weights: dict[str, float]
    shortlists: list[JobShortlist]
    interview_kits: list[InterviewKit]
    fairness: FairnessReview
    recommendations: list[str]

    @model_validator(mode="after")
    def _recommendations_not_actions(self) -> ScreeningReport:
        texts = [m.recommendation for s in self.shortlists for m in s.shortlist]
        texts += [r.recommendation for s in self.shortlists for r in s.not_shortlisted]
        for text in texts:
            if _ACTION.search(text) or not _FOR_HUMAN.search(text):
                raise ValueError(f"recommendation {text!r} must be a suggestion for a human, never an action")
        for text in self.recommendations:
            if _ACTION.search(text):
                raise ValueError(f"recommendation {text!r} reads as an action taken on a candidate")
        return self

    # -- CLI ---------------------------------------------------------------------------------------
    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [("resumes screened", f"{len(self.candidates)} of {self.files} files"),
                ("unreadable files", str(len(self.unreadable)))]
        for s in self.shortlists:
            top = ", ".join(f"{m.candidate_id} {m.score:.1f}" for m in s.shortlist[:3])
            rows.append((f"top for {s.job_title}", top or "none"))
        rows += [("interview kits", str(len(self.interview_kits))),
                 ("PII redaction", (f"applied; {self.fairness.privacy.leaks} leaks in "
                                    f"{self.fairness.privacy.personal_items_checked} items checked")),
                 ("adverse impact (4/5ths)", self._impact_line())]
        return rows

    def _impact_line(self) -> str:
        ai = self.fairness.adverse_impact
        if ai is None:
            return "not run (no outcomes CSV)"
        return "flagged: " + ", ".join(ai.flagged_groups) if ai.flagged_groups else "no group below 0.8"

    # -- Markdown ----------------------------------------------------------------------------------
    def to_markdown(self) -> str:
        titles = {s.job_id: s.job_title for s in self.shortlists}
        out = [f"# {self.title}", "",
               (f"*Blind screen of {len(self.candidates)} readable resumes ({self.files} files, "
                f"{len(self.unreadable)} unreadable) against {len(self.shortlists)} job description(s); "
                f"shortlist of the top {self.top_k}. Candidates appear by id only. Every recommendation is for "
                "a human to decide: nothing here rejects or advances anyone.*"), "",
               "## Summary", "", self.summary, ""]
        if self.recommendations:
            out += ["## Recommendations for the hiring team", ""] + [f"- {r}" for r in self.recommendations] + [""]
        for s in self.shortlists:
            out += self._shortlist_md(s)
        out += self._kits_md(titles)
        out += self._fairness_md()
        out += self._candidates_md()
        out += self._formula_md()
        out += self._key_md()
        return "\n".join(out).rstrip() + "\n"

    def _shortlist_md(self, s: JobShortlist) -> list[str]:
        out = [f"## Shortlist: {s.job_title}", "",
               f"Seniority {s.seniority}, {s.remote}; {s.candidates_scored} candidates scored.", "",
               f"- **Must-have:** {', '.join(s.must_haves) or 'none stated'}",
               f"- **Nice-to-have:** {', '.join(s.nice_to_haves) or 'none stated'}",
               *([f"- **Also named (competencies; evidence only, not scored):** {', '.join(s.competencies)}"]
                 if s.competencies else []), "",
               ("| # | Candidate | Score | Must-have | Nice-to-have | Semantic | Experience | Education | "
                "Recommendation (for a human) |"),
               "|---|---|---:|---:|---:|---:|---:|---:|---|"]
        for i, m in enumerate(s.shortlist, 1):
            subs = " | ".join(_fmt(m.sub_scores.get(k)) for k in _SUB)
            out.append(f"| {i} | {m.candidate_id} | **{m.score:.1f}** | {subs} | {m.recommendation} |")
        out.append("")
        for i, m in enumerate(s.shortlist, 1):
            out += _evidence_md(i, m)
        if s.not_shortlisted:
            out += ["### Not shortlisted (suggestions for a human to confirm)", "",
                    "| # | Candidate | Score | Recommendation |", "|---|---|---:|---|"]
            out += [f"| {r.rank} | {r.candidate_id} | {r.score:.1f} | {r.recommendation} |" for r in s.not_shortlisted]
            out.append("")
        return out

    def _kits_md(self, titles: dict[str, str]) -> list[str]:
        if not self.interview_kits:
            return []
        out = ["## Interview kits", "",
               ("Questions on partial or missing requirements come first (*probe gap*), then one check per met "
                "requirement (*verify*). Ask every candidate for a job the same core questions; rate only what "
                "you heard in the interview."), ""]
        cards_done: set[str] = set()
        for kit in self.interview_kits:
            out += [f"### {kit.candidate_id} for {titles.get(kit.job_id, kit.job_id)}", "",
                    "| # | Requirement | Kind | Focus | Question | A good answer shows |",
                    "|---|---|---|---|---|---|"]
            for i, q in enumerate(kit.questions, 1):
                out.append(f"| {i} | {q.requirement} | {q.kind} | {q.focus.replace('_', ' ')} | {md_cell(q.question)} "
                           f"| {md_cell(q.good_answer_shows)} |")
            out.append("")
            if kit.job_id not in cards_done:
                cards_done.add(kit.job_id)
                card = kit.scorecard
                scale = "; ".join(f"{k} = {v}" for k, v in sorted(card.rating_scale.items()))
                out += [f"#### Scorecard: {titles.get(kit.job_id, kit.job_id)} (one per interviewer)", "",
                        f"Ratings: {scale}.", "",
                        "| Attribute | Category | Rating (1-4) | Evidence heard |", "|---|---|---|---|"]
                out += [f"| {a.name} | {a.category} | | |" for a in card.attributes]
                out += ["", "Overall recommendation: " + " / ".join(f"[ ] {o}" for o in card.recommendation_options)
                        + " (the interviewer's call; the hiring decision is made by people in the debrief)", ""]
        return out

    def _fairness_md(self) -> list[str]:
        f, p = self.fairness, self.fairness.privacy
        removed = ", ".join(f"{v} {k.lower()}" for k, v in p.removed.items()) or "nothing"
        out = ["## Fairness and privacy", "", f.statement, "",
               (f"- **PII redaction:** {'applied' if p.redaction_applied else 'NOT applied'} before any agent "
                f"saw resume text, for {p.candidates} candidates. Placeholders inserted: {removed}."),
               (f"- **Leak check:** {p.personal_items_checked} personal items parsed from the originals (name "
                f"words, emails, phones, links) searched for in everything an agent can see: {p.leaks} found"
                + (f" (**in {', '.join(p.leaked_candidates)}: do not forward this report**)" if p.leaks else "")
                + ".")]
        if p.names_not_detected:
            out.append(f"- Name not detected by the parser for {', '.join(p.names_not_detected)}: the file name "
                       "was used as a hint; check these redacted texts by hand.")
        out.append(f"- **Adverse impact (four-fifths rule):** {f.adverse_impact_status}: {f.adverse_impact_note}")
        ai = f.adverse_impact
        if ai is not None:
            out += ["", "| Group | Applicants | Selected | Selection rate | Impact ratio | Below 0.8 | Small sample |",
                    "|---|---:|---:|---:|---:|---|---|"]
            out += [f"| {g.group} | {g.applicants} | {g.selected} | {g.selection_rate:.1%} | {g.impact_ratio:.2f} | "
                    f"{'**yes**' if g.flagged else 'no'} | {'yes' if g.small_sample else 'no'} |" for g in ai.groups]
            out += ["", f"Reference group (highest selection rate): {ai.reference_group}."]
            out += [f"- {c}" for c in ai.caveats]
        return out + [""]

    def _candidates_md(self) -> list[str]:
        out = ["## Screened candidates", "",
               "| Candidate | File | Resume language | Experience (years) | Recent titles | Notes |",
               "|---|---|---|---:|---|---|"]
        for c in self.candidates:
            out.append(f"| {c.candidate_id} | {c.file_type} | {c.resume_language} | {c.experience_years:.1f} | "
                       f"{md_cell(', '.join(c.titles[:3]))} | {md_cell('; '.join(c.warnings)) or ''} |")
        out.append("")
        if self.unreadable:
            out += ["### Unreadable files (not scored: a human should open them)", "",
                    "| Candidate | Type | Reason |", "|---|---|---|"]
            out += [f"| {u.candidate_id} | {u.file_type} | {md_cell(u.reason)} |" for u in self.unreadable]
            out.append("")
        return out

    def _formula_md(self) -> list[str]:
        out = ["## How the score is computed", "",
               ("Score = 100 × Σ wᵢ·cᵢ / Σ wᵢ over the components a job states (a job with no nice-to-haves, "
                "years or degree drops that component). Skills: met 1, partial 0.5 (a word of the skill only), "
                "missing 0. Semantic: similarity of the redacted resume to the job text from a local embedding "
                "model. Experience: years / required years, capped at 1. Education: 1 at the required level, "
                "0.5 one below. Languages and competencies (requirement phrases outside the skills vocabulary) are "
                "evidence only, not scored."), "",
               "| Component | Weight |", "|---|---:|"]
        out += [f"| {k.replace('_', ' ')} | {v:.2f} |" for k, v in self.weights.items()]
        return out + [""]

    def _key_md(self) -> list[str]:
        try:
            key = candidate_key(self.resumes)
        except (SophiaError, OSError):
            return ["## Candidate key", "",
                    (f"Not available: the resume folder `{self.resumes}` cannot be read now. An id is `C-` + the "
                     "first 6 hex digits of the file's sha256 (`sha256sum`)."), ""]
        ids = {c.candidate_id for c in self.candidates} | {u.candidate_id for u in self.unreadable}
        out = ["## Candidate key (hiring team only; never shown to an agent)", "",
               (f"Computed locally from `{self.resumes}` when this report was written; an id is `C-` + the "
                "first 6 hex digits of the file's sha256."), "", "| Candidate | File |", "|---|---|"]
        out += [f"| {cid} | {name} |" for cid, name in key.items() if cid in ids]
        return out + [""]


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def _evidence_md(rank: int, m: MatchResult) -> list[str]:
    out = [f"### {rank}. {m.candidate_id}: {m.score:.1f} / 100", "", f"*{m.recommendation}*", "",
           "| Requirement | Must/nice | Status | Evidence in the redacted resume |", "|---|---|---|---|"]
    scored = [e for e in m.evidence if e.kind != "competency"]
    for e in sorted(scored, key=lambda e: (not e.must_have, e.status == "met")):
        evidence = f"“{md_cell(e.snippet)}”" if e.snippet else ""
        same = re.fullmatch(r"(.+), written as '(.+)'", e.note)
        if e.note and not (same and same.group(1).casefold() == same.group(2).casefold()):
            evidence = f"{evidence} ({md_cell(e.note)})" if evidence else md_cell(e.note)
        out.append(f"| {e.requirement} | {'must' if e.must_have else 'nice'} | {_STATUS[e.status]} | {evidence} |")
    comp = [e for e in m.evidence if e.kind == "competency"]
    if comp:
        out += ["", ("*Competencies the job names (not scored: matched by words only; confirm in the interview):* "
                     + "; ".join(f"{e.requirement}: {_SHOWN[e.status]}"
                                 + (f" (“{md_cell(e.snippet[:120])}”)" if e.snippet else "") for e in comp))]
    return out + [""]
