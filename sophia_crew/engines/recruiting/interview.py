"""Structured interview kits from the question bank, focused on the requirements a match left partial or missing."""

from __future__ import annotations

from functools import lru_cache

import yaml

from sophia_crew.resources import knowledge_path

from .models import (
    InterviewKit,
    InterviewQuestion,
    JobRequirements,
    MatchResult,
    Scorecard,
    ScorecardAttribute,
)
from .skills import vocabulary


@lru_cache(maxsize=1)
def _bank() -> dict:
    return yaml.safe_load(knowledge_path("recruiting", "question_bank.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _scorecard_template() -> dict:
    return yaml.safe_load(knowledge_path("recruiting", "scorecard.yaml").read_text(encoding="utf-8"))


def interview_kit(
    job: JobRequirements, match: MatchResult | None = None, max_questions: int = 12
) -> InterviewKit:
    """Questions per requirement (technical + behavioural) with what a good answer shows, and a scorecard.

    With a match, partial/missing requirements come first with a gap-probing question; met ones get one
    verification question. Without a match, every must-have gets both kinds. Within each group the scored
    requirements (skills, experience, education) come before competencies, must-haves first; competencies
    get one behavioural question (a gap probe when the resume does not show them).

    Args:
        job: analysed job.
        match: the candidate's match result for this job (optional).
        max_questions: cap on the number of questions.
    """
    bank = _bank()
    status = {e.requirement: e.status for e in match.evidence} if match else {}
    vocab = vocabulary()
    questions: list[InterviewQuestion] = []
    gaps, verified = [], []
    # scored requirements first (they explain the score), then competencies; must-haves first within each
    for r in sorted(job.requirements, key=lambda r: (r.kind == "competency", not r.must_have)):
        key = f"{r.value} experience" if r.kind == "experience" else r.value
        (gaps if status.get(key) in ("partial", "missing") else verified).append((r, status.get(key)))
    for r, st in gaps + verified:
        focus = "probe_gap" if st in ("partial", "missing") else "verify"

        def ask(kind: str, item: dict, _r=r, _focus=focus, **fmt) -> None:
            questions.append(
                InterviewQuestion(
                    requirement=_r.value,
                    kind=kind,
                    focus=_focus,
                    question=item["q"].format(**fmt),
                    good_answer_shows=item["good"].format(**fmt),
                )
            )

        if r.kind == "skill":
            cat = vocab.category.get(r.value, "default")
            sets = bank["skill"]["category"].get(cat, bank["skill"]["category"]["default"])
            if focus == "probe_gap":
                ask("behavioural", bank["skill"]["partial_probe" if st == "partial" else "gap_probe"], skill=r.value)
            # Gaps: probe + technical; verified with a match: one question; no match: both kinds.
            for kind in ["technical"] if match else ["technical", "behavioural"]:
                ask(kind, sets[kind][0], skill=r.value)
        elif r.kind == "experience":
            ask("behavioural", bank["experience"]["behavioural"], years=r.value)
        elif r.kind == "competency":
            ask("behavioural", bank["competency"]["gap_probe" if st == "missing" else "behavioural"], phrase=r.value)
        elif r.kind == "education":
            ask("technical", bank["education"]["technical"], degree=r.value)
    general = bank["general"][0]
    questions = questions[: max_questions - 1] + [
        InterviewQuestion(
            requirement="motivation",
            kind="behavioural",
            question=general["q"].format(job=job.title or "this"),
            good_answer_shows=general["good"],
        )
    ]
    return InterviewKit(
        job_id=job.job_id,
        candidate_id=match.candidate_id if match else None,
        questions=questions,
        scorecard=scorecard(job),
    )


def scorecard(job: JobRequirements) -> Scorecard:
    """Greenhouse-style scorecard: one attribute per scored requirement and per must-have competency, plus fixed
    traits; 1-4 ratings and an overall call."""
    tpl = _scorecard_template()
    cats = tpl["categories"]
    attrs, seen = [], set()
    # scored requirements in the job's order, then the must-have competencies (nice-to-have ones are asked
    # about in the kit but not rated: a card of 30 attributes is not filled in)
    rated = [r for r in job.requirements if r.kind in ("skill", "experience", "education")]
    rated += [r for r in job.requirements if r.kind == "competency" and r.must_have]
    for r in rated:
        if r.value not in seen:
            seen.add(r.value)
            name = r.value if r.kind != "experience" else f"{r.value} experience"
            attrs.append(
                ScorecardAttribute(name=name, category=cats["skills" if r.kind == "skill" else r.kind])
            )
    # A fixed trait the job already lists as a requirement ("Communication") is rated once.
    attrs += [ScorecardAttribute(**a) for a in tpl["fixed_attributes"] if a["name"] not in seen]
    return Scorecard(
        attributes=attrs,
        rating_scale={int(k): v for k, v in tpl["rating_scale"].items()},
        recommendation_options=list(tpl["recommendation_options"]),
    )
