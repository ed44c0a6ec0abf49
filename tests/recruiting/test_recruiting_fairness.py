"""Redaction and the four-fifths rule (rates computed by hand in the comments)."""

from __future__ import annotations

import pytest

from sophia_crew.engines.recruiting import (
    adverse_impact,
    adverse_impact_csv,
    parse_resume,
    redact,
    redact_text,
)
from sophia_crew.errors import InputError


def test_redact_text_removes_pii_and_cues():
    text = (
        "Jane Doe\nEmail: jane.doe@mail.com | Phone: +44 20 7946 0958 | https://janedoe.dev\n"
        "Address: 221 Baker Street, London NW1 6XE\nDate of birth: 12/03/1990, Age: 34, Gender: female\n"
        "![Photo of Jane smiling](jane.jpg)\nShe led the team; her results: +20% ARR. Mrs. Doe speaks Spanish."
    )
    out = redact_text(text, names=["Jane Doe"])
    for leaked in (
        "Jane",
        "Doe",
        "jane.doe@mail.com",
        "7946",
        "janedoe.dev",
        "Baker Street",
        "1990",
        "34",
        "female",
        "smiling",
        "She ",
        "her ",
        "Mrs",
    ):
        assert leaked not in out, leaked
    assert "+20% ARR" in out and "Spanish" in out


def test_redacted_profile_keeps_skills_drops_identity(fixtures_dir):
    p = parse_resume(fixtures_dir / "recruiting" / "resumes" / "ana_ruiz.txt")
    r = redact(p)
    assert r.redacted and r.name is None and r.contact.emails == [] and r.locations == []
    assert "Ana" not in r.text and "Ruiz" not in r.text and "ana.ruiz@" not in r.text and "555" not in r.text
    assert "Austin, TX" not in r.text and "[LOCATION]" in r.text
    assert r.skill_names == p.skill_names
    assert r.experience_months == p.experience_months
    assert p.name.value == "Ana Ruiz"  # the original is not modified


def _rows(spec):
    return [{"group": g, "selected": "1" if i < sel else "0"} for g, n, sel in spec for i in range(n)]


def test_four_fifths_rule_hand_computed():
    # A: 48/80 = 0.60 (highest). B: 24/60 = 0.40 → 0.40/0.60 = 0.6667 < 0.8 flagged.
    # C: 10/20 = 0.50 → 0.8333 not flagged, but only 20 applicants (small sample).
    rep = adverse_impact(_rows([("A", 80, 48), ("B", 60, 24), ("C", 20, 10)]), "group", "selected")
    by = {g.group: g for g in rep.groups}
    assert rep.reference_group == "A"
    assert by["A"].selection_rate == 0.6 and by["A"].impact_ratio == 1.0
    assert by["B"].selection_rate == 0.4 and by["B"].impact_ratio == pytest.approx(0.6667, abs=1e-4)
    assert by["C"].impact_ratio == pytest.approx(0.8333, abs=1e-4)
    assert rep.flagged_groups == ["B"]
    assert by["C"].small_sample and not by["A"].small_sample
    assert any("Small samples" in c for c in rep.caveats)


def test_exactly_four_fifths_is_not_flagged(tmp_path):
    # X: 5/10 = 0.5; Y: 4/10 = 0.4 → ratio 0.8 exactly, which meets the rule.
    path = tmp_path / "outcomes.csv"
    path.write_text(
        "cand,grp,advanced\n"
        + "".join(f"c{i},X,{'yes' if i < 5 else 'no'}\n" for i in range(10))
        + "".join(f"d{i},Y,{'yes' if i < 4 else 'no'}\n" for i in range(10))
    )
    rep = adverse_impact_csv(path, "grp", "advanced")
    assert rep.flagged_groups == []
    assert {g.group: g.impact_ratio for g in rep.groups} == {"X": 1.0, "Y": 0.8}


def test_bad_outcomes_input(tmp_path):
    with pytest.raises(InputError, match="column 'gender' not found"):
        adverse_impact([{"group": "A", "selected": "1"}], "gender", "selected")
    with pytest.raises(InputError, match="row 2: selected='maybe'"):
        adverse_impact([{"group": "A", "selected": "maybe"}], "group", "selected")
    with pytest.raises(InputError, match="outcomes file not found"):
        adverse_impact_csv(tmp_path / "nope.csv", "g", "s")
