"""Job-description analysis on the fixture JDs."""

from __future__ import annotations

import pytest

from sophia_crew.engines.recruiting import analyze_job, analyze_job_text
from sophia_crew.errors import InputError


@pytest.fixture
def jobs(fixtures_dir):
    return fixtures_dir / "recruiting" / "jobs"


def test_must_and_nice_to_have_with_sources(jobs):
    jr = analyze_job(jobs / "senior_ae_payments.md")
    assert jr.title == "Senior Account Executive, Mid-Market Payments"
    assert jr.seniority == "senior"
    must = {r.value for r in jr.skills(must_have=True)}
    nice = {r.value for r in jr.skills(must_have=False)}
    assert {"Negotiation", "Salesforce", "Communication", "B2B Sales"} <= must
    assert {"PCI DSS", "MEDDIC"} <= nice
    assert not must & nice
    exp = next(r for r in jr.requirements if r.kind == "experience")
    assert exp.years == 5 and exp.source.startswith("5+ years of experience in B2B SaaS sales")
    edu = next(r for r in jr.requirements if r.kind == "education")
    assert edu.level == 3 and edu.must_have


def test_alternatives_location_and_seniority_from_years(jobs):
    jr = analyze_job(jobs / "data_engineer.md")
    alt = next(r for r in jr.requirements if r.value == "Snowflake or PostgreSQL")
    assert alt.alternatives == ["Snowflake", "PostgreSQL"] and alt.must_have
    spark = next(r for r in jr.requirements if r.value == "Apache Spark or Kafka")
    assert not spark.must_have
    assert jr.remote == "onsite"
    assert jr.seniority == "mid"  # no level word in the title; 3+ years → mid


def test_empty_jd_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="job description is empty"):
        analyze_job_text("   ", "j1")
    (tmp_path / "jd.md").write_text("")
    with pytest.raises(InputError, match="jd.md: file is empty"):
        analyze_job(tmp_path / "jd.md")
