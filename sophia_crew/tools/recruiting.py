"""Agent-facing recruiting tools: thin wrappers over :mod:`sophia_crew.engines.recruiting`.

Resumes are redacted (names, contacts, age/gender cues) before anything is returned to an agent unless the
caller asks otherwise. Every rejection is a ``recommendation`` for a human, never an action.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

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
from sophia_crew.engines.recruiting.match import WEIGHTS, ScoreMatrix
from sophia_crew.engines.recruiting.models import Requirement
from sophia_crew.engines.recruiting.screening import (
    RedactionAudit,
    Screening,
    UnreadableFile,
    load_jobs,
    screen_folder,
)
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


# -- Blind-screening tools used by the `recruiting` crew ------------------------------------------------------
# Unlike the tools above, these have no unredacted mode and never show a file name: candidates are known to
# agents only by a content-hash id (see engines/recruiting/screening.py), so the crew's agents see no identity.


class ScreenedCandidate(BaseModel):
    candidate_id: str
    file_type: str
    resume_language: str
    experience_years: float
    titles: list[str]
    skills: list[str]
    education: list[str]
    languages: list[str]
    certifications: list[str]
    warnings: list[str]


class ScreenedResumes(BaseModel):
    files: int
    redacted: bool = True
    candidates: list[ScreenedCandidate]
    unreadable: list[UnreadableFile]
    privacy: RedactionAudit


class RankedCandidate(BaseModel):
    rank: int
    candidate_id: str
    score: float
    recommendation: str


class JobShortlist(BaseModel):
    job_id: str
    job_title: str
    seniority: str
    remote: str
    must_haves: list[str]
    nice_to_haves: list[str]
    competencies: list[str] = Field(
        default_factory=list, description="requirement phrases outside the skills vocabulary: evidence only, not scored"
    )
    candidates_scored: int
    shortlist: list[MatchResult]
    not_shortlisted: list[RankedCandidate]


class CandidateRanking(BaseModel):
    weights: dict[str, float]
    shortlists: list[JobShortlist]
    unreadable: list[UnreadableFile]
    note: str = "Scores rank candidates for human review; no candidate is rejected automatically."


class InterviewKits(BaseModel):
    kits: list[InterviewKit]


def _screen(resumes: str) -> Screening:
    screening = screen_folder(resumes)
    if not screening.profiles:
        reasons = "; ".join(f"{u.candidate_id}{u.file_type}: {u.reason}" for u in screening.unreadable)
        raise InputError(f"{resumes}: no readable resumes ({reasons}); ids are the first 6 hex digits of each "
                         "file's sha256")
    return screening


def _requirement_label(r: Requirement) -> str:
    if r.kind == "experience":
        return f"{r.value} experience"
    return f"{r.value} ({r.kind})" if r.kind in ("language", "certification", "location") else r.value


def _ranking(job: str, resumes: str) -> tuple[list[JobRequirements], Screening, ScoreMatrix]:
    jobs = load_jobs(job)
    screening = _screen(resumes)
    return jobs, screening, score_matrix(screening.profiles, jobs)


@tool("screen_resumes")
def screen_resumes(resumes: str) -> ScreenedResumes:
    """Parse and redact every resume in a folder: candidate ids only (no names, contacts or file names), skills, titles, experience, education, unreadable files and a redaction audit."""
    s = _screen(resumes)
    candidates = [
        ScreenedCandidate(candidate_id=p.candidate_id, file_type=Path(p.file).suffix, resume_language=p.language,
                          experience_years=p.experience_years, titles=list(dict.fromkeys(w.title for w in p.work
                                                                                          if w.title))[:5],
                          skills=[h.name for h in p.skills][:25], education=[e.degree for e in p.education][:3],
                          languages=[x.value for x in p.languages], certifications=[x.value for x in p.certifications][:4],
                          warnings=p.warnings)
        for p in s.profiles
    ]
    return ScreenedResumes(files=len(s.key), candidates=candidates, unreadable=s.unreadable, privacy=s.audit)


@tool("rank_candidates")
def rank_candidates(job: str, resumes: str, top_k: int = 5) -> CandidateRanking:
    """Score every redacted resume in a folder against a job description (file, or folder of them): ranked shortlist per job with 0-100 score, sub-scores and per-requirement evidence (met/partial/missing + resume snippet); the rest ranked with a recommendation for a human."""
    if top_k < 1:
        raise InputError(f"rank_candidates: top_k must be >= 1, got {top_k}")
    jobs, screening, sm = _ranking(job, resumes)
    out = []
    for ji, jr in enumerate(jobs):
        ranked = shortlist(sm, ji, len(screening.profiles))
        out.append(JobShortlist(
            job_id=jr.job_id, job_title=jr.title, seniority=jr.seniority, remote=jr.remote,
            must_haves=[_requirement_label(r) for r in jr.requirements if r.must_have and r.kind != "competency"],
            nice_to_haves=[_requirement_label(r) for r in jr.requirements
                           if not r.must_have and r.kind != "competency"],
            competencies=[r.value + ("" if r.must_have else " (nice)") for r in jr.requirements
                          if r.kind == "competency"],
            candidates_scored=len(ranked), shortlist=ranked[:top_k],
            not_shortlisted=[RankedCandidate(rank=i, candidate_id=m.candidate_id, score=m.score,
                                             recommendation=m.recommendation)
                             for i, m in enumerate(ranked[top_k:], start=top_k + 1)],
        ))
    return CandidateRanking(weights=dict(WEIGHTS), shortlists=out, unreadable=screening.unreadable)


@tool("interview_kits")
def interview_kits(job: str, resumes: str, top_k: int = 5, max_kits: int = 3,
                   candidate_ids: list[str] | None = None) -> InterviewKits:
    """Structured interview kits (questions per requirement, gaps first, with what a good answer shows, plus a Greenhouse-style scorecard) for the top-ranked candidates of each job, or for the given candidate ids."""
    jobs, screening, sm = _ranking(job, resumes)
    known = [p.candidate_id for p in screening.profiles]
    unknown = [c for c in candidate_ids or [] if c not in known]
    if unknown:
        raise InputError(f"interview_kits: unknown candidate id(s) {', '.join(unknown)} (known: {', '.join(known)})")
    kits = []
    for ji, jr in enumerate(jobs):
        if candidate_ids:
            rows = [known.index(c) for c in candidate_ids]
        else:
            rows = [known.index(m.candidate_id) for m in shortlist(sm, ji, max(1, min(top_k, max_kits)))]
        kits += [_kit(jr, explain(sm, ci, ji)) for ci in rows]
    return InterviewKits(kits=kits)


@tool("privacy_check")
def privacy_check(resumes: str) -> RedactionAudit:
    """Audit the redaction applied before agents see resumes: placeholders inserted per kind, personal items (name words, emails, phones, links) checked, and leaks found (should be 0)."""
    return _screen(resumes).audit
