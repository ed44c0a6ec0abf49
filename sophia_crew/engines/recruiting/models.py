"""Pydantic models of the recruiting engine: candidates, job requirements, matches, kits, fairness."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Snippet(BaseModel):
    """A value with the text it was read from (evidence for a human reviewer)."""

    value: str
    source: str = Field(description="the line or sentence the value came from")


class Contact(BaseModel):
    emails: list[str] = []
    phones: list[str] = []
    links: list[str] = []


class WorkItem(BaseModel):
    title: str | None = None
    company: str | None = None
    start: str | None = Field(None, description="YYYY-MM")
    end: str | None = Field(None, description="YYYY-MM; None with current=True means present")
    current: bool = False
    months: int = 0
    source: str = ""


class EducationItem(BaseModel):
    degree: str
    level: int = Field(
        0,
        description="0 unknown/other, 1 certificate/diploma, 2 associate, 3 bachelor, 4 master, 5 doctorate",
    )
    school: str | None = None
    year: int | None = None
    source: str = ""


class SkillHit(BaseModel):
    name: str = Field(description="canonical skill name from the vocabulary")
    surface: str = Field(description="the words as written in the document")
    source: str = ""


class CandidateProfile(BaseModel):
    """Everything parsed from one resume; every field keeps its source snippet."""

    candidate_id: str
    file: str = ""
    name: Snippet | None = None
    contact: Contact = Contact()
    locations: list[Snippet] = []
    work: list[WorkItem] = []
    experience_months: int = Field(0, description="union of work periods: overlapping jobs count once")
    stated_experience_years: float | None = Field(
        None, description="an explicit 'N years of experience' claim"
    )
    education: list[EducationItem] = []
    skills: list[SkillHit] = []
    titles: list[Snippet] = Field(
        [], description="job titles named anywhere (headline, work entries, prose), found by the span tagger"
    )
    languages: list[Snippet] = []
    certifications: list[Snippet] = []
    text: str = Field(
        "", description="full plain text the profile was parsed from (redacted when redacted=True)"
    )
    language: str = "en"
    redacted: bool = False
    warnings: list[str] = []

    @property
    def experience_years(self) -> float:
        """Best experience estimate in years: dated work history, else the stated claim."""
        if self.experience_months:
            return round(self.experience_months / 12, 1)
        return self.stated_experience_years or 0.0

    @property
    def skill_names(self) -> set[str]:
        return {s.name for s in self.skills}


class Requirement(BaseModel):
    """One requirement of a job, with the sentence it came from."""

    kind: Literal[
        "skill", "experience", "education", "location", "language", "certification", "competency"
    ] = Field(description="competency: a requirement phrase outside the skills vocabulary (not scored)")
    value: str
    alternatives: list[str] = Field(
        default_factory=list, description="skills any one of which satisfies it ('A or B')"
    )
    must_have: bool = True
    years: float | None = None
    level: int | None = None
    source: str = ""


class JobRequirements(BaseModel):
    job_id: str
    title: str = ""
    seniority: Literal["intern", "junior", "mid", "senior", "lead", "executive", "unknown"] = "unknown"
    seniority_source: str = ""
    requirements: list[Requirement] = []
    remote: Literal["remote", "hybrid", "onsite", "unknown"] = "unknown"
    locations: list[Snippet] = []
    text: str = ""

    def skills(self, must_have: bool | None = None) -> list[Requirement]:
        """Skill requirements, optionally only the must-haves (True) or nice-to-haves (False)."""
        return [
            r
            for r in self.requirements
            if r.kind == "skill" and (must_have is None or r.must_have == must_have)
        ]


class Evidence(BaseModel):
    requirement: str
    kind: str
    must_have: bool
    status: Literal["met", "partial", "missing"]
    snippet: str = ""
    note: str = ""


class MatchResult(BaseModel):
    """Score of one candidate against one job, with the sub-scores and the evidence behind it."""

    candidate_id: str
    job_id: str
    score: float = Field(description="0-100")
    sub_scores: dict[str, float]
    evidence: list[Evidence] = []
    recommendation: str = Field(description="a suggestion for a human reviewer, never an action")


class InterviewQuestion(BaseModel):
    requirement: str
    kind: Literal["behavioural", "technical"]
    question: str
    good_answer_shows: str
    focus: Literal["verify", "probe_gap"] = "verify"


class ScorecardAttribute(BaseModel):
    name: str
    category: str
    rating: int | None = Field(None, description="1-4, filled in by the interviewer")


class Scorecard(BaseModel):
    attributes: list[ScorecardAttribute]
    rating_scale: dict[int, str]
    recommendation_options: list[str]
    overall_recommendation: str | None = None


class InterviewKit(BaseModel):
    job_id: str
    candidate_id: str | None = None
    questions: list[InterviewQuestion]
    scorecard: Scorecard


class GroupRate(BaseModel):
    group: str
    applicants: int
    selected: int
    selection_rate: float
    impact_ratio: float = Field(description="selection rate / highest group's selection rate")
    flagged: bool = Field(description="impact ratio below 0.8 (four-fifths rule)")
    small_sample: bool


class AdverseImpactReport(BaseModel):
    groups: list[GroupRate]
    reference_group: str
    flagged_groups: list[str]
    caveats: list[str] = []
