"""Recruiting engine: resume parsing, JD analysis, explainable matching, interview kits, fairness & privacy.

Pure functions over Pydantic models; no LLM and no network. Rejections are never actions: a match only
carries a ``recommendation`` for a human.
"""

from .fairness import adverse_impact, adverse_impact_csv, redact, redact_text
from .interview import interview_kit, scorecard
from .jd import analyze_job, analyze_job_text
from .match import ScoreMatrix, explain, rank_jobs, score_matrix, shortlist
from .models import AdverseImpactReport, CandidateProfile, InterviewKit, JobRequirements, MatchResult
from .parse_resume import parse_resume, parse_resume_folder, parse_resume_text
from .screening import RedactionAudit, Screening, UnreadableFile, candidate_key, load_jobs, screen_folder

__all__ = [
    "AdverseImpactReport",
    "CandidateProfile",
    "InterviewKit",
    "JobRequirements",
    "MatchResult",
    "RedactionAudit",
    "ScoreMatrix",
    "Screening",
    "UnreadableFile",
    "adverse_impact",
    "adverse_impact_csv",
    "analyze_job",
    "analyze_job_text",
    "candidate_key",
    "explain",
    "interview_kit",
    "load_jobs",
    "parse_resume",
    "parse_resume_folder",
    "parse_resume_text",
    "rank_jobs",
    "redact",
    "redact_text",
    "score_matrix",
    "scorecard",
    "screen_folder",
    "shortlist",
]
