"""Scores 1,000 resumes × 50 jobs and prints the time after the embedding model is loaded (goal < 10 s, 2 cores).

Resumes and jobs are synthesised from the fixture (and demo, when present) resumes/JDs: each copy gets a
random subset of vocabulary skills, shifted dates and its own id, so no two texts are identical.

    /work/venv/bin/python bench/match_speed.py

2026-11-26, quiet machine: 2.04 s after the model loads (scoring 1.28 s, top-10 with evidence 0.76 s: the
demo JDs now carry up to 18 competencies each, which the evidence step matches line by line; 1.70 s before).
Parsing 46.8 ms per synthetic resume; analysing the 50 JDs 2.8 s (the JD-span model runs once per sentence).
"""

from __future__ import annotations

import random
import re
import time
from datetime import date
from pathlib import Path

from sophia_crew.engines.recruiting import analyze_job_text, parse_resume_text, score_matrix, shortlist
from sophia_crew.engines.recruiting.embed import default_embedder
from sophia_crew.engines.recruiting.readers import read_document
from sophia_crew.engines.recruiting.skills import vocabulary
from sophia_crew.resources import demo_path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "recruiting"


def _sources(kind: str) -> list[str]:
    dirs = [FIXTURES / kind, demo_path("recruiting", kind)]
    files = [
        f for d in dirs if d.is_dir() for f in sorted(d.iterdir()) if f.suffix in (".txt", ".md", ".docx")
    ]
    return [read_document(f) for f in files]


def main() -> None:
    rng = random.Random(7)
    skills = sorted({v for v in vocabulary().canonical.values()})
    base_resumes, base_jobs = _sources("resumes"), _sources("jobs")
    resumes = []
    for i in range(1000):
        text = rng.choice(base_resumes)
        shift = rng.randint(-4, 0)
        text = re.sub(r"\b(20[01]\d)\b", lambda m, shift=shift: str(int(m.group(1)) + shift), text)
        resumes.append(f"Candidate {i}\n{text}\nSKILLS\n{', '.join(rng.sample(skills, 12))}\n")
    jobs = []
    for _ in range(50):
        text = rng.choice(base_jobs)
        must = "\n".join(f"- Experience with {s}." for s in rng.sample(skills, 6))
        nice = "\n".join(f"- {s} is a plus." for s in rng.sample(skills, 3))
        jobs.append(
            f"{text}\n## Requirements\n- {rng.randint(1, 8)}+ years of experience.\n{must}\n## Nice to have\n{nice}\n"
        )
    t0 = time.perf_counter()
    profiles = [parse_resume_text(t, f"c{i}", today=date(2026, 11, 15)) for i, t in enumerate(resumes)]
    t1 = time.perf_counter()
    reqs = [analyze_job_text(t, f"j{j}") for j, t in enumerate(jobs)]
    t2 = time.perf_counter()
    embedder = default_embedder()
    t3 = time.perf_counter()
    sm = score_matrix(profiles, reqs, embedder)
    t4 = time.perf_counter()
    lists = [shortlist(sm, j, 10) for j in range(len(reqs))]
    t5 = time.perf_counter()
    print(
        f"inputs: {len(profiles)} resumes × {len(reqs)} jobs from {len(base_resumes)} base resumes, "
        f"{len(base_jobs)} base JDs; embedder {embedder.name} ({embedder.dim}-d)"
    )
    print(f"parse resumes        {t1 - t0:7.2f} s  ({1000 * (t1 - t0) / len(profiles):.1f} ms/resume)")
    print(f"analyse jobs         {t2 - t1:7.2f} s")
    print(f"load embedding model {t3 - t2:7.2f} s")
    print(
        f"score all pairs      {t4 - t3:7.2f} s  (embedding + skills + experience + education, {sm.score.size} pairs)"
    )
    print(f"top-10 with evidence {t5 - t4:7.2f} s  ({sum(len(x) for x in lists)} explained matches)")
    print(f"matching after model load: {t5 - t3:.2f} s (goal < 10 s)")


if __name__ == "__main__":
    main()
