"""Agent-facing recruiting tools: thin wrappers over :mod:`sophia_crew.engines.recruiting`.

Resumes are redacted (names, contacts, age/gender cues) before anything is returned to an agent unless the
caller asks otherwise. Every rejection is a ``recommendation`` for a human, never an action.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from sophia_crew.engines.recruiting import (
    AdverseImpactReport,
    CandidateProfile,
    InterviewKit,
    JobRequirements,
    MatchResult,
    adverse_impact_csv,
    explain,
    parse_resume,
    parse_resume_folder,
    score_matrix,
    shortlist,
)
from sophia_crew.engines.recruiting import analyze_job as _analyze_job
from sophia_crew.engines.recruiting import interview_kit as _kit
from sophia_crew.engines.recruiting import redact as _redact
from sophia_crew.errors import InputError
from sophia_crew.registry import tool


class CandidateSummary(BaseModel):
    candidate_id: str
    file: str
    name: str | None
    experience_years: float
    titles: list[str]
    skills: list[str]
    education: list[str]
    languages: list[str]
    certifications: list[str]
    warnings: list[str]


class ParsedResumes(BaseModel):
    redacted: bool
    candidates: list[CandidateSummary]
    errors: list[str]


class Shortlist(BaseModel):
    job_id: str
    job_title: str
    candidates_scored: int
    shortlist: list[MatchResult]
    errors: list[str]
    note: str = "Scores rank for human review; no candidate is rejected automatically."


def _summary(p: CandidateProfile) -> CandidateSummary:
    return CandidateSummary(
        candidate_id=p.candidate_id,
        file=Path(p.file).name,
        name=p.name.value if p.name else None,
        experience_years=p.experience_years,
        titles=[w.title for w in p.work if w.title][:6],
        skills=[s.name for s in p.skills][:30],
        education=[e.degree for e in p.education][:4],
        languages=[s.value for s in p.languages],
        certifications=[s.value for s in p.certifications][:5],
        warnings=p.warnings,
    )


def _load(resumes: str, redact: bool) -> tuple[list[CandidateProfile], list[str]]:
    path = Path(resumes)
    if path.is_file():
        profiles, errors = [parse_resume(path)], []
    else:
        profiles, errors = parse_resume_folder(path)
    if redact:
        profiles = [_redact(p) for p in profiles]
    return profiles, errors


@tool("parse_resumes")
def parse_resumes(folder: str, redact: bool = True) -> ParsedResumes:
    """Parse every resume (.docx, .pdf, .txt, .md) in a folder into compact candidate summaries.

    Unreadable files (encrypted or image-only PDF, corrupt docx, empty) are listed in ``errors``.
    With redact=True (default) names and contact details are removed.
    """
    profiles, errors = _load(folder, redact)
    return ParsedResumes(redacted=redact, candidates=[_summary(p) for p in profiles], errors=errors)


@tool("analyze_job")
def analyze_job(path: str) -> JobRequirements:
    """Extract must-have and nice-to-have requirements (skills, years, education, location, seniority) from a job description file."""
    job = _analyze_job(path)
    return job.model_copy(update={"text": ""})


@tool("match_candidates")
def match_candidates(job: str, resumes: str, top_k: int = 10, redact: bool = True) -> Shortlist:
    """Rank the resumes in a folder against one job description: 0-100 score, sub-scores and per-requirement evidence."""
    if top_k < 1:
        raise InputError(f"match_candidates: top_k must be >= 1, got {top_k}")
    jr = _analyze_job(job)
    profiles, errors = _load(resumes, redact)
    if not profiles:
        raise InputError(f"{resumes}: no readable resumes ({'; '.join(errors)})")
    sm = score_matrix(profiles, [jr])
    return Shortlist(
        job_id=jr.job_id,
        job_title=jr.title,
        candidates_scored=len(profiles),
        shortlist=shortlist(sm, 0, top_k),
        errors=errors,
    )


@tool("interview_kit")
def interview_kit(job: str, resume: str) -> InterviewKit:
    """Structured interview questions (technical + behavioural, with what a good answer shows) and a scorecard for one candidate and job."""
    jr = _analyze_job(job)
    profile = _redact(parse_resume(resume))
    sm = score_matrix([profile], [jr])
    return _kit(jr, explain(sm, 0, 0))


@tool("adverse_impact")
def adverse_impact(outcomes_csv: str, group_column: str, selected_column: str) -> AdverseImpactReport:
    """Four-fifths-rule adverse-impact report: selection rate per group divided by the highest group's rate, flagged below 0.8."""
    return adverse_impact_csv(outcomes_csv, group_column, selected_column)
