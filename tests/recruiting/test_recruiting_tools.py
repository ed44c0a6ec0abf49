"""The agent tools: registered, JSON-friendly, redacting by default."""

from __future__ import annotations

import pytest

import sophia_crew.tools.recruiting  # noqa: F401  (registers the tools)
from sophia_crew.errors import InputError
from sophia_crew.registry import _REGISTRY


def test_tools_registered_and_run(fixtures_dir, tmp_path):
    root = fixtures_dir / "recruiting"
    for name in ("parse_resumes", "analyze_job", "match_candidates", "interview_kit", "adverse_impact"):
        assert name in _REGISTRY
    parsed = _REGISTRY["parse_resumes"].run(folder=str(root / "resumes"))
    assert parsed.redacted and all(c.name is None for c in parsed.candidates)
    assert len(parsed.candidates) == 4 and parsed.errors == []
    short = _REGISTRY["match_candidates"].run(
        job=str(root / "jobs" / "data_engineer.md"), resumes=str(root / "resumes"), top_k=2
    )
    assert short.shortlist[0].candidate_id == "ben_okafor" and len(short.shortlist) == 2
    assert "ben.okafor@" not in short.model_dump_json()
    job = _REGISTRY["analyze_job"].run(path=str(root / "jobs" / "data_engineer.md"))
    assert job.text == "" and job.requirements
    kit = _REGISTRY["interview_kit"].run(
        job=str(root / "jobs" / "data_engineer.md"), resume=str(root / "resumes" / "chris_lee.txt")
    )
    assert kit.candidate_id == "chris_lee" and kit.questions
    csv = tmp_path / "o.csv"
    csv.write_text("g,s\nA,1\nA,1\nB,1\nB,0\n")
    rep = _REGISTRY["adverse_impact"].run(outcomes_csv=str(csv), group_column="g", selected_column="s")
    assert rep.flagged_groups == ["B"]  # 0.5 / 1.0


def test_tool_bad_input(fixtures_dir):
    with pytest.raises(InputError, match="top_k must be >= 1"):
        _REGISTRY["match_candidates"].run(job="x.md", resumes="y", top_k=0)
    with pytest.raises(InputError, match="resume folder not found"):
        _REGISTRY["parse_resumes"].run(folder="/nonexistent/folder")


def test_demo_tenant_recruiting_data():
    from sophia_crew.resources import demo_path

    jobs, resumes = demo_path("recruiting", "jobs"), demo_path("recruiting", "resumes")
    if not jobs.is_dir() or not resumes.is_dir():
        pytest.skip("demo recruiting data not present")
    parsed = _REGISTRY["parse_resumes"].run(folder=str(resumes))
    assert parsed.errors == [] and len(parsed.candidates) >= 10
    by_file = {c.file: c for c in parsed.candidates}
    assert any(f.endswith(".pdf") for f in by_file) and any(f.endswith(".docx") for f in by_file)
    assert all(c.experience_years > 0 for c in parsed.candidates)
    backend = next(p for p in jobs.iterdir() if "backend" in p.name)
    short = _REGISTRY["match_candidates"].run(job=str(backend), resumes=str(resumes), top_k=3)
    assert {m.candidate_id for m in short.shortlist[:2]} == {"rahul_mehta", "sofia_marquez"}
