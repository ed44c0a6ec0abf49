"""Interview kits focus on the gaps a match found; the scorecard follows the Greenhouse-style template."""

from __future__ import annotations

from datetime import date

from sophia_crew.engines.recruiting import (
    analyze_job,
    explain,
    interview_kit,
    parse_resume,
    score_matrix,
    scorecard,
)


def _kit(fixtures_dir, resume):
    root = fixtures_dir / "recruiting"
    job = analyze_job(root / "jobs" / "senior_ae_payments.md")
    profile = parse_resume(root / "resumes" / resume, today=date(2026, 11, 15))
    sm = score_matrix([profile], [job])
    return job, explain(sm, 0, 0), interview_kit(job, explain(sm, 0, 0))


def test_kit_probes_gaps_first(fixtures_dir):
    _job, match, kit = _kit(fixtures_dir, "chris_lee.txt")
    gaps = [e.requirement for e in match.evidence if e.status != "met"]
    first = kit.questions[0]
    assert first.focus == "probe_gap" and first.requirement in gaps
    probed = {q.requirement for q in kit.questions if q.focus == "probe_gap"}
    assert "Payments" in probed and "Communication" not in probed  # Communication is met
    partial = next(q for q in kit.questions if q.requirement == "B2B Sales" and q.focus == "probe_gap")
    assert "indirectly" in partial.question  # partial → a different probe than a missing skill
    assert all(q.good_answer_shows for q in kit.questions)
    assert {"technical", "behavioural"} <= {q.kind for q in kit.questions}
    assert kit.questions[-1].requirement == "motivation" and len(kit.questions) <= 12


def test_strong_candidate_gets_verification_questions(fixtures_dir):
    _, match, kit = _kit(fixtures_dir, "ana_ruiz.txt")
    status = {e.requirement: (e.kind, e.status) for e in match.evidence}
    scored = [q for q in kit.questions if status.get(q.requirement, ("", ""))[0] != "competency"]
    assert scored and all(q.focus == "verify" for q in scored)
    # competencies the resume does not show in full are probed, before the verification questions
    comp = [q for q in kit.questions if status.get(q.requirement, ("", ""))[0] == "competency"]
    assert comp and all((q.focus == "probe_gap") == (status[q.requirement][1] != "met") for q in comp)
    assert kit.questions.index(comp[0]) < kit.questions.index(scored[0])


def test_scorecard_template(fixtures_dir):
    job = analyze_job(fixtures_dir / "recruiting" / "jobs" / "data_engineer.md")
    card = scorecard(job)
    names = [a.name for a in card.attributes]
    assert "Snowflake or PostgreSQL" in names and "3+ years experience" in names and "Communication" in names
    assert sorted(card.rating_scale) == [1, 2, 3, 4]
    assert card.recommendation_options == ["strong no", "no", "yes", "strong yes"]
    assert card.overall_recommendation is None and all(a.rating is None for a in card.attributes)
