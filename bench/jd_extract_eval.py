"""JD requirement-extraction span F1 on the green_jd_skill_entities test set (Green et al., LREC 2022, CC BY 4.0).

Gold spans: B-/I-Skill tokens (336 sentences). Predicted spans: the requirement phrases (skill and knowledge)
``sophia_crew.engines.recruiting.jd_spans.requirement_spans`` finds, mapped onto tokens. Exact = identical
token span; overlap = any shared token (one-to-one). Micro-averaged. The model never saw this set: it is
fine-tuned on SkillSpan (job postings, MIT) by ``jd_model_build``.

    /work/venv/bin/python bench/jd_extract_eval.py

Measured 2026-11-26 (shipped int8 model trained on SkillSpan train + dev, 2 cores), against the trigger-phrase
rules the model replaced:
  rules                                   exact F1 0.116   overlap F1 0.459
  model trained on train only, P(O) < 0.6 exact F1 0.297   overlap F1 0.669
  + edge words trimmed                    exact F1 0.327   overlap F1 0.670
  shipped (train + dev)                   exact F1 0.374   overlap F1 0.679
  + one-word phrases need P(O) <= 0.2     exact F1 0.387   overlap F1 0.698  (P 0.78, R 0.63; shipped)
Every setting was chosen on SkillSpan dev (jd_spans' comments) and only then run here. 3-8 ms per sentence.
Green's Skill label is narrower than a requirement phrase: SkillSpan's knowledge spans ("Python", "payments")
are not Green Skills; counting only the model's skill-kind phrases gives exact 0.246 / overlap 0.537.
"""

from __future__ import annotations

import time
from pathlib import Path

from sophia_crew.engines.recruiting.evaluation import evaluate_jd_spans, load_green

DATA = (
    Path(__file__).resolve().parents[1].parent
    / "shared/data/resumes_jobs/green_jd_skill_entities/df_testset.csv"
)


def main() -> None:
    if not DATA.is_file():
        print(f"data not found: {DATA}")
        return
    data = load_green(DATA)
    t0 = time.perf_counter()
    both = evaluate_jd_spans(data)
    secs = time.perf_counter() - t0
    skill = evaluate_jd_spans(data, ("skill",))
    print(
        f"green_jd_skill_entities test: {len(data)} sentences, {both['exact'].n_gold} gold Skill spans, "
        f"{both['exact'].n_pred} predicted phrases, {secs:.2f} s ({secs / len(data) * 1000:.1f} ms a sentence)"
    )
    for name, s in (("exact token span", both["exact"]), ("token overlap", both["overlap"])):
        print(f"{name:18} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}")
    print(
        f"skill-kind phrases only ({skill['exact'].n_pred} predicted): exact F1 {skill['exact'].f1:.3f}, "
        f"overlap F1 {skill['overlap'].f1:.3f}"
    )


if __name__ == "__main__":
    main()
