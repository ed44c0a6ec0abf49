"""Explainable candidate ↔ job scoring, vectorised over all pairs with numpy.

Score (0-100) = 100 × Σ wᵢ·cᵢ / Σ wᵢ over the components a job actually asks for:

=================  ======  ==========================================================================
component          weight  value in [0, 1]
=================  ======  ==========================================================================
must_have_skills   0.45    mean over must-have skills: 1 met (canonical skill or synonym in resume),
                           0.5 partial (a word of the skill name appears), 0 missing
nice_to_have       0.15    same over nice-to-have skills
semantic           0.20    cosine similarity of resume and JD embeddings rescaled by the embedder's
                           floor (cosine of unrelated texts): (cos - floor) / (1 - floor), clipped
experience         0.12    min(1, candidate years / required years); met ≥ 1, partial ≥ 0.5
education          0.08    1 if the highest degree level ≥ required, 0.5 one level below, else 0
=================  ======  ==========================================================================

The semantic part always embeds the redacted resume text (names, contacts, gender and age cues removed), so a
redacted and an unredacted profile get the same score. Language requirements and competencies (requirement
phrases outside the skills vocabulary, matched by words only) are reported as evidence but not scored, and a
missing competency is not listed as a gap in the recommendation. Components a job does not specify (no
nice-to-haves, no years, no degree) drop out of both sums.
Every recommendation is a suggestion for a human reviewer; nothing here rejects anyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sophia_crew.errors import InputError

from .embed import Embedder, default_embedder
from .fairness import redact_text
from .models import CandidateProfile, Evidence, JobRequirements, MatchResult, Requirement
from .skills import line_at

WEIGHTS = {
    "must_have_skills": 0.45,
    "nice_to_have": 0.15,
    "semantic": 0.20,
    "experience": 0.12,
    "education": 0.08,
}
_STOP = {"and", "of", "the", "in", "for", "skills", "management", "data", "software", "apache"}
_SUFFIX = re.compile(r"(?:ing|ed|(?:(?<=ss)|(?<=sh)|(?<=ch)|(?<=[xz]))es|(?<![su])s)$")
# words that do not tell one requirement phrase from another ("strong ability to work with ...")
_PHRASE_FILLER = frozenset(
    "the and for with from that this are was have will our you your all any own who can other such into "
    "ability able experience experienced knowledge understanding strong excellent good great proven solid "
    "skills skill work working demonstrated proficiency proficient familiarity familiar related relevant".split()
)


@dataclass
class ScoreMatrix:
    """Scores of every candidate (rows) against every job (columns) plus the sub-score matrices."""

    candidates: list[CandidateProfile]
    jobs: list[JobRequirements]
    score: np.ndarray
    parts: dict[str, np.ndarray]


def _skill_words(skill: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9+#.]+", skill.lower()) if len(w) > 2 and w not in _STOP]


def _required_years(job: JobRequirements) -> float:
    return max(
        (r.years or 0.0 for r in job.requirements if r.kind == "experience" and r.must_have), default=0.0
    )


def _required_level(job: JobRequirements) -> int:
    return max((r.level or 0 for r in job.requirements if r.kind == "education" and r.must_have), default=0)


def _content_words(text: str) -> set[str]:
    """Lower-case words of 3+ characters outside :data:`_PHRASE_FILLER`, plural and -ing/-ed endings cut
    ("pipelines" → "pipeline", "managing" → "manag", "managed" → "manag")."""
    words = re.findall(r"[a-z][a-z0-9+#]{2,}", text.lower())
    return {_SUFFIX.sub("", w) if len(w) > 4 else w for w in words if w not in _PHRASE_FILLER}


@lru_cache(maxsize=2048)  # explain() meets each resume once per job
def _content_lines(text: str) -> list[tuple[str, set[str]]]:
    return [(ln.strip(), _content_words(ln)) for ln in text.splitlines() if ln.strip()]


def _competency_evidence(r: Requirement, text: str, lines: list[tuple[str, set[str]]]) -> Evidence:
    """A competency is met when the resume has the phrase itself, partial when one resume line holds at
    least half of its content words and at least two (all of them for a one- or two-word phrase; the line
    with most is quoted), else missing; never scored."""
    phrase = " ".join(r.value.lower().split())
    words = _content_words(phrase)
    pattern = r"\s+".join(re.escape(w) for w in phrase.split())
    found = re.search(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE)
    status, snippet, note = "missing", "", "not scored; confirm in the interview"
    if found:
        status, snippet = "met", line_at(text, found.start())
    elif words and lines:
        line, have = max(lines, key=lambda lw: len(words & lw[1]))
        if len(words & have) >= min(len(words), max(2, -(-len(words) // 2))):
            status, snippet = "partial", line[:200]
            note = f"{len(words & have)} of {len(words)} words of the phrase in one line; " + note
    return Evidence(
        requirement=r.value,
        kind="competency",
        must_have=r.must_have,
        status=status,
        snippet=snippet,
        note=note,
    )


def _content(cand: CandidateProfile) -> str:
    if cand.redacted:
        return cand.text
    return redact_text(
        cand.text, [cand.name.value] if cand.name else [], [loc.value for loc in cand.locations]
    )


def score_matrix(
    candidates: list[CandidateProfile], jobs: list[JobRequirements], embedder: Embedder | None = None
) -> ScoreMatrix:
    """Score all candidates against all jobs at once.

    Args:
        candidates: parsed (optionally redacted) resumes.
        jobs: analysed job descriptions.
        embedder: text embedder; defaults to :func:`default_embedder`.

    Raises:
        InputError: no candidates or no jobs.
    """
    if not candidates:
        raise InputError("match: no candidate profiles to score")
    if not jobs:
        raise InputError("match: no job requirements to score against")
    embedder = embedder or default_embedder()
    # One column per distinct requirement ("A or B" is one column satisfied by either skill).
    alts = {r.value: (r.alternatives or [r.value]) for j in jobs for r in j.skills()}
    skills = sorted(alts)
    index = {s: i for i, s in enumerate(skills)}
    n_c, n_j, n_s = len(candidates), len(jobs), len(skills)
    have = np.zeros((n_c, n_s), dtype=np.float32)
    words_of = [[w for a in alts[s] for w in _skill_words(a)] for s in skills]
    for ci, cand in enumerate(candidates):
        names = cand.skill_names
        tokens = set(re.findall(r"[a-z0-9+#.]+", cand.text.lower()))
        for si, s in enumerate(skills):
            if any(a in names for a in alts[s]):
                have[ci, si] = 1.0
            elif words_of[si] and any(w in tokens for w in words_of[si]):
                have[ci, si] = 0.5
    must = np.zeros((n_j, n_s), dtype=np.float32)
    nice = np.zeros((n_j, n_s), dtype=np.float32)
    for ji, job in enumerate(jobs):
        for r in job.skills():
            (must if r.must_have else nice)[ji, index[r.value]] = 1.0
    must_n, nice_n = must.sum(1), nice.sum(1)
    parts = {
        "must_have_skills": (have @ must.T) / np.maximum(must_n, 1),
        "nice_to_have": (have @ nice.T) / np.maximum(nice_n, 1),
    }
    # Embed the redacted text always, so names, contacts and gender cues never move the semantic score.
    cv = embedder.embed([_content(c)[:4000] for c in candidates])
    jv = embedder.embed([j.text[:4000] for j in jobs])
    floor = float(getattr(embedder, "floor", 0.0))
    parts["semantic"] = np.clip((cv @ jv.T - floor) / (1.0 - floor), 0.0, 1.0)
    years = np.array([c.experience_years for c in candidates], dtype=np.float32)[:, None]
    req_years = np.array([_required_years(j) for j in jobs], dtype=np.float32)[None, :]
    parts["experience"] = np.minimum(1.0, years / np.maximum(req_years, 1e-9))
    level = np.array([max((e.level for e in c.education), default=0) for c in candidates], dtype=np.float32)[
        :, None
    ]
    req_level = np.array([_required_level(j) for j in jobs], dtype=np.float32)[None, :]
    parts["education"] = np.where(level >= req_level, 1.0, np.where(level == req_level - 1, 0.5, 0.0))
    active = {
        "must_have_skills": (must_n > 0),
        "nice_to_have": (nice_n > 0),
        "semantic": np.ones(n_j, dtype=bool),
        "experience": (req_years[0] > 0),
        "education": (req_level[0] > 0),
    }
    num = np.zeros((n_c, n_j), dtype=np.float32)
    den = np.zeros(n_j, dtype=np.float32)
    for name, w in WEIGHTS.items():
        mask = active[name].astype(np.float32)
        num += w * parts[name] * mask[None, :]
        den += w * mask
        parts[name] = np.where(active[name][None, :], parts[name], np.nan)
    return ScoreMatrix(candidates, jobs, np.round(100.0 * num / den[None, :], 1), parts)


def explain(sm: ScoreMatrix, ci: int, ji: int) -> MatchResult:
    """MatchResult with per-requirement evidence for candidate ``ci`` and job ``ji`` of a score matrix."""
    cand, job = sm.candidates[ci], sm.jobs[ji]
    hits = {s.name: s for s in cand.skills}
    tokens_text = cand.text.lower()
    evidence: list[Evidence] = []
    lines = _content_lines(cand.text) if any(r.kind == "competency" for r in job.requirements) else []
    for r in job.requirements:
        if r.kind == "skill":
            hit = next((hits[a] for a in (r.alternatives or [r.value]) if a in hits), None)
            if hit:
                evidence.append(
                    Evidence(
                        requirement=r.value,
                        kind="skill",
                        must_have=r.must_have,
                        status="met",
                        snippet=hit.source,
                        note=f"{hit.name}, written as '{hit.surface}'",
                    )
                )
                continue
            word = next(
                (
                    w
                    for a in (r.alternatives or [r.value])
                    for w in _skill_words(a)
                    if re.search(rf"(?<![\w]){re.escape(w)}(?!\w)", tokens_text)
                ),
                None,
            )
            if word:
                # the whole-word hit, not the first substring ("sales" inside "Salesforce")
                pos = re.search(rf"(?<![\w]){re.escape(word)}(?!\w)", tokens_text).start()
                line = cand.text[max(0, cand.text.rfind("\n", 0, pos) + 1) : pos + 120].split("\n")[0]
                evidence.append(
                    Evidence(
                        requirement=r.value,
                        kind="skill",
                        must_have=r.must_have,
                        status="partial",
                        snippet=line.strip()[:200],
                        note=f"related word '{word}' only",
                    )
                )
            else:
                evidence.append(
                    Evidence(requirement=r.value, kind="skill", must_have=r.must_have, status="missing")
                )
        elif r.kind == "experience" and r.years:
            have = cand.experience_years
            status = "met" if have >= r.years else "partial" if have >= r.years / 2 else "missing"
            src = "; ".join(
                f"{w.title} {w.start or '?'}–{'present' if w.current else w.end or '?'}"
                for w in cand.work
                if w.months
            )
            evidence.append(
                Evidence(
                    requirement=f"{r.value} experience",
                    kind="experience",
                    must_have=r.must_have,
                    status=status,
                    snippet=src[:200],
                    note=f"{have:g} years (overlapping jobs counted once)",
                )
            )
        elif r.kind == "language":
            # Evidence only (no score weight): language skill is for the interviewer to confirm.
            spoken = {lang.value: lang.source for lang in cand.languages}
            found = next((a for a in (r.alternatives or [r.value]) if a in spoken), None)
            mentioned = next(
                (a for a in (r.alternatives or [r.value]) if re.search(rf"\b{re.escape(a)}\b", cand.text)),
                None,
            )
            evidence.append(
                Evidence(
                    requirement=r.value,
                    kind="language",
                    must_have=r.must_have,
                    status="met" if found else "partial" if mentioned else "missing",
                    snippet=spoken.get(found, "") if found else "",
                    note="not scored; confirm in the interview",
                )
            )
        elif r.kind == "competency":
            evidence.append(_competency_evidence(r, cand.text, lines))
        elif r.kind == "education":
            best = max(cand.education, key=lambda e: e.level, default=None)
            lv = best.level if best else 0
            need = r.level or 0
            status = "met" if lv >= need else "partial" if lv == need - 1 else "missing"
            evidence.append(
                Evidence(
                    requirement=r.value,
                    kind="education",
                    must_have=r.must_have,
                    status=status,
                    snippet=best.source if best else "",
                )
            )
    sub = {
        k: (None if np.isnan(v[ci, ji]) else round(float(v[ci, ji]) * 100, 1)) for k, v in sm.parts.items()
    }
    score = round(float(sm.score[ci, ji]), 1)  # float32 → the 1-decimal value the matrix holds
    # competencies are matched by words only: shown as evidence, never counted as gaps
    missing_must = [
        e.requirement for e in evidence if e.must_have and e.status == "missing" and e.kind != "competency"
    ]
    if score >= 70 and not missing_must:
        rec = "suggest interview (a human decides)"
    elif score >= 50:
        rec = "worth a human review" + (f"; gaps: {', '.join(missing_must[:4])}" if missing_must else "")
    else:
        rec = "suggest not advancing, for a human to confirm" + (
            f"; gaps: {', '.join(missing_must[:4])}" if missing_must else ""
        )
    return MatchResult(
        candidate_id=cand.candidate_id,
        job_id=job.job_id,
        score=score,
        sub_scores={k: v for k, v in sub.items() if v is not None},
        evidence=evidence,
        recommendation=rec,
    )


def shortlist(sm: ScoreMatrix, ji: int, top_k: int = 10) -> list[MatchResult]:
    """Top ``top_k`` candidates for job ``ji``, best first, with evidence."""
    order = np.argsort(-sm.score[:, ji], kind="stable")[:top_k]
    return [explain(sm, int(ci), ji) for ci in order]


def rank_jobs(sm: ScoreMatrix, ci: int, top_k: int = 10) -> list[MatchResult]:
    """Jobs ranked for candidate ``ci``, best first, with evidence."""
    order = np.argsort(-sm.score[ci, :], kind="stable")[:top_k]
    return [explain(sm, ci, int(ji)) for ji in order]
